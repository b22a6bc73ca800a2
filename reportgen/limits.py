"""Bounds on the numbers a user gives (on the command line, in a profile, or in a checkpoint edited by hand), checked
up front: a value past one would run for days or exhaust the memory part-way, where it should be refused at once.

Each bound is generous: well past the full profile (a GPU machine's battery), so that no real experiment meets it.
"""

MAX_SEED = 2**32 - 1  # numpy's seeds: a larger one failed an experiment part-way instead of at once
MAX_THREADS = 1024  # one worker process each: 100000 crashed the build part-way with a traceback
MAX_NAME_BYTES = 255  # a path's component, and its whole length (with the final NUL): Linux's NAME_MAX, PATH_MAX
MAX_PATH_BYTES = 4096
MAX_ARRAY_BYTES = 1 << 30  # an NPZ dataset's array, uncompressed: a 1.5 MB compressed file unpacked to 3.3 GB

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
    "scaling.allreduce_warmup": 10_000,  # 5: warm-ups are all-reduces too, unreported until the sweep is done
    "scaling.warmup_steps": 10_000,  # 5
    "scaling.batch_size": 1_000_000,  # 100
    "scaling.steps": 100_000,  # 20
    "scaling.rounds": 100,  # 3
    "scaling.timeout_seconds": 3600.0,  # 60
    "compute.loop_steps": 10**9,  # 6,000: only multiplies a measured time, but a huge one reads as nonsense
}
# The scaling experiment's memory grows with its workers: each holds its messages and its batch's activations.
# The full profile's totals are 64 MiB x 8 workers and 100 x 8 examples; 4 GiB at 2 workers peaked at 10 GB.
MAX_ALLREDUCE_TOTAL = 1 << 33  # the largest message times the most workers, bytes
MAX_SCALING_EXAMPLES = 100_000  # the batch times the most workers: the examples of one weak-scaling step
MIN_TIMEOUT = 5.0  # scaling.timeout_seconds: the workers' start-up and rendezvous alone take about a second
MAX_GRID = 100  # entries in a list (m values, depths, learning rates, sizes): the full profile has at most 10
MAX_WEIGHTS = 2**28  # width² × depth of the deepest activations net (about 1 GiB in float32): full, 655,360

# What a results file may hold, checked at load: each bound is far past what a run writes (the full profile's
# results.json is under a megabyte), and a file past one rendered for minutes, or aborted the PDF, where it should
# be refused in one line.
MAX_NESTING = 32  # levels of objects and lists: a real file has 6; 500 overflowed the stack in the PDF
MAX_TEXT = 10_000  # characters in a string: six labels of 100,000 took over 180 s to render
MAX_ENTRIES = 10_000  # entries in any list: a real file has at most a few hundred fits
GRIDS = {"learners": MAX_GRID, "m_values": MAX_GRID}  # 3,000 learners overflowed vl-convert's stack; 20,000 m
# values had not rendered after 900 s


def results_past_limits(raw) -> str | None:
    """The first place where a results file's JSON passes a bound above, with its path; None when it holds none.

    Iterative, so that the nesting itself cannot overflow the stack before it is measured.
    """
    todo = [(raw, "$", 0)]
    while todo:
        value, path, depth = todo.pop()
        if depth > MAX_NESTING:
            return f"{path}: nested more than {MAX_NESTING} levels deep"
        if isinstance(value, str) and len(value) > MAX_TEXT:
            return f"{path}: a string of {len(value):,} characters, past the limit of {MAX_TEXT:,}"
        if isinstance(value, dict):
            for key, item in value.items():
                if len(key) > MAX_TEXT:
                    return f"{path}: a key of {len(key):,} characters, past the limit of {MAX_TEXT:,}"
                limit = GRIDS.get(key, MAX_ENTRIES)
                if isinstance(item, list) and len(item) > limit:
                    return f"{path}.{key}: {len(item):,} entries, past the limit of {limit:,}"
                todo.append((item, f"{path}.{key}", depth + 1))
        elif isinstance(value, list):
            if len(value) > MAX_ENTRIES:
                return f"{path}: {len(value):,} entries, past the limit of {MAX_ENTRIES:,}"
            todo.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))
    return None
