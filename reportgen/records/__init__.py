"""The records results.json holds, one module per experiment plus the machine and the data.

Plain frozen dataclasses that import neither torch nor scikit-learn, so that reading, rendering, comparing and
publishing results load no machine-learning library: the experiments import these records and fill them.
Keyword-only, so that adding a field (the most common change) never shifts the others.
"""
