"""Bounds on the numbers a user gives (on the command line, or in a checkpoint edited by hand), checked up front."""

MAX_SEED = 2**32 - 1  # numpy's seeds: a larger one failed an experiment part-way instead of at once
MAX_THREADS = 1024  # one worker process each: 100000 crashed the build part-way with a traceback
