"""Hypothesis strategies for result records, built from the records' own type hints.

Values lean on the edges a results file can hold: empty lists, zeros, subnormal and near-limit floats, names this
version does not know (with markup in them), times that are not times. Names are drawn from a small pool so that
the records refer to each other (a fit to its learner, a step to its model) often enough to reach the code that
follows those references.
"""

from __future__ import annotations

import dataclasses
import types
import typing

from hypothesis import strategies as st

from reportgen.results import SCHEMA_VERSION, Results

NAMES = ["mlp_small", "mlp_medium", "mlp_large", "cnn", "logistic", "svm_rbf", "sigmoid", "relu", "tanh", "cpu",
         "cuda:0", "fp32", "bf16", "init", "trained", "MNIST-1D", "2026-01-01T00:00:00Z", "quick", "",
         "not a time", "mlp_huge<script>alert(1)</script>", "ünïcödé & \"quotes\""]
LARGEST = 1.7976931348623157e308
FLOATS = (st.sampled_from([0.0, -0.0, 5e-324, 2.2e-308, 1e-300, 1e-9, 1e-3, 0.25, 0.5, 1.0, 2.0, 1e6, 1e300, LARGEST])
          | st.floats(0, LARGEST, allow_subnormal=False))  # torch may set FTZ: subnormals come from the list
INTS = st.sampled_from([0, 1, 2, 3, 4, 5, 10, 100, 1000, 10_000, 2**62]) | st.integers(0, 10**6)
SIGNED = {float: FLOATS | st.floats(-LARGEST, 0, allow_subnormal=False) | st.just(-1e-9), int: INTS | st.integers(-10, -1)}
PROFILE_TABLES = st.sampled_from([{}, {"name": "quick"}, {"data_scale": {"steps": 1}}, {"data_scale": 3},
                                  {"data_scale": {"steps": "x"}}])


def of(hint, signed: bool = False) -> st.SearchStrategy:
    """Values of the type `hint`, as a results record field declares it; negative numbers too if `signed`."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [o for o in typing.get_args(hint) if o is not type(None)]
        return st.none() | of(inner, signed)
    if origin in (list, tuple):
        return st.lists(of(typing.get_args(hint)[0], signed), max_size=4)
    if origin is dict:
        return st.dictionaries(st.sampled_from(NAMES), of(typing.get_args(hint)[1], signed), max_size=3)
    if dataclasses.is_dataclass(hint):
        return record(hint, signed)
    if hint is typing.Any:
        return st.sampled_from(["x", 1, None, [1], {"steps": 1}])
    if signed and hint in SIGNED:
        return SIGNED[hint]
    return {float: FLOATS, int: INTS, str: st.sampled_from(NAMES), bool: st.booleans()}[hint]


def record(cls, signed: bool = False) -> st.SearchStrategy:
    hints = typing.get_type_hints(cls)
    fields = {f.name: of(hints[f.name], signed) for f in dataclasses.fields(cls) if f.init}
    if cls is Results:
        fields["schema_version"] = st.just(SCHEMA_VERSION)
    if not signed:  # shares lie in [0, 1], or the file is refused at load
        fields.update({name: value.map(_as_share) for name, value in fields.items()
                       if name.endswith("accuracy") or name == "saturated"})
    if "profile_table" in fields:
        fields["profile_table"] = PROFILE_TABLES
    return st.builds(cls, **fields)


def _as_share(value):
    """A number drawn for a field that holds shares, brought into [0, 1] (lists and None as they are)."""
    if isinstance(value, list):
        return [_as_share(v) for v in value]
    return value if value is None else value / (1 + value) if value > 1 else value
