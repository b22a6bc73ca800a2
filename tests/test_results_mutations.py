"""Mutated results.json files: the loader gives a valid record or a one-line ResultsError, never another error."""

import json

import factories
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen import results as R

TEXT = R.dumps(factories.results())


def _paths(node, path=()):
    """Every place in the JSON tree, as a path of keys and indexes."""
    yield path
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from _paths(child, (*path, key))


PATHS = list(_paths(json.loads(TEXT)))[1:]
NUMBERS = st.integers() | st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=False)  # torch may set FTZ
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | NUMBERS | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6)
TOKENS = st.sampled_from(["NaN", "-Infinity", "1e999", "9" * 5000, "[" * 50000, '"', "{", "}", ",", ":", "null",
                          "true", "\\ud800", "\x00", '"schema_version": 2'])


def _edit(raw, path, change):
    *parents, last = path
    node = raw
    for key in parents:
        node = node[key]
    change(node, last)
    return json.dumps(raw)


@st.composite
def mutated(draw):
    kind = draw(st.sampled_from(["replace", "delete", "add", "truncate", "splice"]))
    if kind == "truncate":
        return TEXT[:draw(st.integers(0, len(TEXT) - 1))]
    if kind == "splice":
        at = draw(st.integers(0, len(TEXT)))
        return TEXT[:at] + draw(TOKENS | st.text(max_size=5)) + TEXT[at + draw(st.integers(0, 3)):]
    path, value = draw(st.sampled_from(PATHS)), draw(JSON_VALUES)
    raw = json.loads(TEXT)
    if kind == "replace":
        return _edit(raw, path, lambda node, key: node.__setitem__(key, value))
    if kind == "delete":
        return _edit(raw, path, lambda node, key: node.pop(key))
    name = draw(st.text(max_size=8))
    return _edit(raw, path, lambda node, key: node[key].__setitem__(name, value)
                 if isinstance(node[key], dict) else node.__setitem__(key, value))


@settings(max_examples=400, deadline=None, database=None)
@given(mutated())
def test_a_mutated_results_file_loads_or_is_refused_in_one_line(text):
    try:
        loaded = R.loads(text, "results.json")
    except R.ResultsError as error:
        assert str(error).startswith("results.json ") and len(str(error).splitlines()) == 1
    else:
        assert R.loads(R.dumps(loaded)) == loaded  # a valid load is a record that saves and loads back unchanged
