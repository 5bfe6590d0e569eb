"""The DynamoDB attribute-value codec (waiter.repository.dynamo): what the repositories store reads back unchanged,
in the wire format botocore's own serializer would produce."""

from __future__ import annotations

from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from hypothesis import given
from hypothesis import strategies as st

from waiter.repository.dynamo import deserialize, serialize

keys = st.text(min_size=1, max_size=8)
scalars = st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30) | st.text(max_size=20)
documents = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4), max_leaves=20
)


def _without_none_in_maps(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none_in_maps(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none_in_maps(v) for v in value]
    return value


@given(st.dictionaries(keys, documents, max_size=6))
def test_stored_items_read_back_unchanged_except_absent_nones(item: dict[str, Any]) -> None:
    assert deserialize(serialize(item)) == _without_none_in_maps(item)


@given(st.dictionaries(keys, documents, max_size=6))
def test_wire_format_matches_boto3s_serializer(item: dict[str, Any]) -> None:
    expected_item = _without_none_in_maps(item)
    boto3_form = {k: TypeSerializer().serialize(v) for k, v in expected_item.items()}
    assert serialize(item) == boto3_form


def test_floats_are_refused_because_money_and_counts_are_integers() -> None:
    with pytest.raises(TypeError, match="floats"):
        serialize({"price": 4.5})


def test_unknown_python_types_are_refused() -> None:
    with pytest.raises(TypeError, match="object"):
        serialize({"thing": object()})


def test_numbers_read_as_int_unless_fractional_and_sets_read_as_lists() -> None:
    raw = {
        "whole": {"N": "1E+2"},
        "fraction": {"N": "0.25"},
        "names": {"SS": ["a", "b"]},
        "counts": {"NS": ["1", "2"]},
        "flag": {"BOOL": False},
        "blob": {"B": b"\x00\x01"},
    }
    assert deserialize(raw) == {
        "whole": 100,
        "fraction": 0.25,
        "names": ["a", "b"],
        "counts": [1, 2],
        "flag": False,
        "blob": b"\x00\x01",
    }


def test_an_unknown_attribute_type_is_an_error_not_a_silent_value() -> None:
    with pytest.raises(ValueError, match="XX"):
        deserialize({"odd": {"XX": "1"}})


@given(st.dictionaries(keys, documents, max_size=6))
def test_reading_matches_boto3s_deserializer_with_whole_numbers_as_int(item: dict[str, Any]) -> None:
    def whole(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: whole(v) for k, v in value.items()}
        if isinstance(value, list):
            return [whole(v) for v in value]
        return int(value) if type(value).__name__ == "Decimal" else value

    raw = serialize(item)
    expected = {k: whole(TypeDeserializer().deserialize(v)) for k, v in raw.items()}
    decoded = deserialize(raw)
    assert decoded == expected
    assert repr(decoded) == repr(expected)  # the same types too (True is not 1, a list is not a tuple)


def test_an_attribute_value_with_two_types_is_an_error() -> None:
    with pytest.raises(ValueError, match="unpack"):
        deserialize({"odd": {"S": "a", "N": "1"}})


def test_null_and_empty_containers_read_back() -> None:
    assert deserialize({"gone": {"NULL": True}, "m": {"M": {}}, "l": {"L": []}, "s": {"S": ""}}) == {
        "gone": None,
        "m": {},
        "l": [],
        "s": "",
    }
