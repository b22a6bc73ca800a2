"""Bounds on the numbers a user gives (on the command line, in a profile, or in a checkpoint edited by hand), checked
up front: a value past one would run for days or exhaust the memory part-way, where it should be refused at once.

Each bound is generous: well past the full profile (a GPU machine's battery), so that no real experiment meets it.
"""

MAX_SEED = 2**32 - 1  # numpy's seeds: a larger one failed an experiment part-way instead of at once
MAX_THREADS = 1024  # one worker process each: 100000 crashed the build part-way with a traceback

# The profile's keys, each with its bound (the full profile's value in the comment). A list key bounds each entry.
PROFILE_LIMITS = {
    "data.test_size": 1_000_000,  # 8,000: MNIST-1D examples are generated, 160 bytes each
    "data_scale.m": 1_000_000,  # 64,000
    "data_scale.seeds": 100,  # 5
    "data_scale.steps": 1_000_000,  # 6,000
    "data_scale.batch_size": 1_000_000,  # 100
    "activations.width": 16_384,  # 256
    "activations.depths": 1_000,  # 10
    "activations.train_depth": 1_000,  # 6
    "activations.gradient_batch": 1_000_000,  # 1,000
    "activations.trained_steps": 1_000_000,  # 500
    "activations.train_examples": 1_000_000,  # 4,000
    "activations.max_steps": 1_000_000,  # 6,000
    "activations.seeds": 100,  # 3
    "compute.batch_sizes": 1_000_000,  # 10,000
    "compute.matmul_sizes": 32_768,  # 8,192: three 32,768² float32 matrices take 12 GiB
    "compute.max_seconds": 600.0,  # 2 per workload
    "scaling.max_world_size": 1024,  # 8: one worker process each
    "scaling.allreduce_bytes": 1 << 32,  # 64 MiB: a few such buffers per worker
    "scaling.allreduce_repeats": 100_000,  # 20
    "scaling.batch_size": 1_000_000,  # 100
    "scaling.steps": 100_000,  # 20
    "scaling.rounds": 100,  # 3
    "scaling.timeout_seconds": 3600.0,  # 60
    "compute.loop_steps": 10**9,  # 6,000: only multiplies a measured time, but a huge one reads as nonsense
}
MAX_GRID = 100  # entries in a list (m values, depths, learning rates, sizes): the full profile has at most 10
MAX_WEIGHTS = 2**28  # width² × depth of the deepest activations net (about 1 GiB in float32): full, 655,360
