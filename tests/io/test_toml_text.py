"""The TOML writer reads back, through tomllib, exactly what it wrote."""

import math
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pausesim.io.toml_text import toml_key, toml_value

scalars = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    st.text(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(values)
def test_values_round_trip(value):
    assert tomllib.loads(f"v = {toml_value(value)}")["v"] == value


@given(st.text(min_size=1))
def test_keys_round_trip(key):
    assert tomllib.loads(f"{toml_key(key)} = 1") == {key: 1}


def test_nan_infinities_and_control_characters():
    assert math.isnan(tomllib.loads(f"v = {toml_value(float('nan'))}")["v"])
    assert tomllib.loads(f"v = {toml_value(-math.inf)}")["v"] == -math.inf
    assert toml_value("a\nb\x01") == '"a\\nb\\u0001"'


def test_other_types_are_named():
    import datetime

    with pytest.raises(TypeError, match="date"):
        toml_value(datetime.date(2025, 1, 1))
