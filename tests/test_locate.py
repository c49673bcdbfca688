"""JSON Pointer to line and column in the JSON text."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from conftest import line_col_of
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.validation.findings import Finding
from annotator.validation.locate import line_col, line_cols, locate, locate_offset, locate_offsets, to_pointer

DOC = """{
  "a": {"b": [10, {"c": "x"}, [1, [2, 3]]]},
  "s": "he said \\"[{not a bracket}]\\" and \\\\",
  "t": "after",
  "e\\"k": 1,
  "empty": {},
  "list": [],
  "u": "日本語 👍",
  "v": true
}"""


def test_doc_is_valid_json() -> None:
    assert json.loads(DOC)["s"] == 'he said "[{not a bracket}]" and \\'


@pytest.mark.parametrize(
    ("parts", "needle", "nth"),
    [
        ((), "{", 0),
        (("a",), '{"b"', 0),
        (("a", "b"), "[10", 0),
        (("a", "b", 0), "10", 0),
        (("a", "b", 1), '{"c"', 0),
        (("a", "b", 1, "c"), '"x"', 0),
        (("a", "b", 2), "[1, [2", 0),
        (("a", "b", 2, 1), "[2, 3]", 0),
        (("a", "b", 2, 1, 1), "3]", 0),
        (("a", "b", "2", "1", "0"), "2, 3", 0),  # string indexes into arrays too
        (("s",), '"he said', 0),
        (("t",), '"after"', 0),  # the scanner got past the escaped quotes and brackets
        (('e"k',), "1,\n", 0),
        (("empty",), "{}", 0),
        (("list",), "[]", 0),
        (("u",), '"日本語', 0),
        (("v",), "true", 0),
    ],
)
def test_values(parts: tuple, needle: str, nth: int) -> None:
    assert locate(DOC, parts) == line_col_of(DOC, needle, nth)


@pytest.mark.parametrize(
    ("parts", "needle"),
    [
        (("a",), '"a"'),
        (("a", "b"), '"b"'),
        (("a", "b", 1, "c"), '"c"'),
        (("t",), '"t"'),
        (('e"k',), '"e\\"k"'),
        (("v",), '"v"'),
    ],
)
def test_keys(parts: tuple, needle: str) -> None:
    assert locate(DOC, parts, key=True) == line_col_of(DOC, needle)


def test_key_flag_on_an_array_item_gives_the_item() -> None:
    assert locate(DOC, ("a", "b", 1), key=True) == line_col_of(DOC, '{"c"')


@pytest.mark.parametrize(
    ("parts", "needle"),
    [
        (("missing",), "{"),  # nothing matches: the root
        (("a", "missing"), '{"b"'),
        (("a", "b", 7), "[10"),  # index past the end: the array
        (("a", "b", 1, "c", "deeper"), '"x"'),  # into a string: the string
        (("a", "b", "x"), "[10"),  # a key on an array: the array
        (("empty", "k"), "{}"),
        (("list", 0), "[]"),
        (("v", 0), "true"),
    ],
)
def test_missing_pointer_falls_back_to_deepest_existing_ancestor(parts: tuple, needle: str) -> None:
    assert locate(DOC, parts) == line_col_of(DOC, needle)
    assert locate(DOC, parts, key=True) == line_col_of(DOC, needle)


def test_duplicate_keys_point_at_the_last_one_like_the_parser() -> None:
    text = '{\n  "status": "done",\n  "x": 1,\n  "status": "bad"\n}'
    assert json.loads(text)["status"] == "bad"
    assert locate(text, ("status",)) == (4, 13)
    assert locate(text, ("status",), key=True) == (4, 3)
    assert locate(text, ("x",)) == (3, 8)


def test_unicode_columns_are_characters() -> None:
    text = '{"名前": "👍👍", "k": 1}'
    assert locate(text, ("k",)) == (1, 19)
    assert text[18] == "1"  # 2 + 3 + 2 characters before, not 6 + 8 bytes
    assert locate(text, ("k",), key=True) == (1, 14)


def test_escaped_unicode_key_is_matched_by_its_value() -> None:
    text = '{"caf\\u00e9": 1, "x": 2}'
    assert locate(text, ("café",)) == (1, 15)


def test_crlf_text() -> None:
    text = '{\r\n  "a": 1,\r\n  "b": [\r\n    2\r\n  ]\r\n}'
    assert locate(text, ("b", 0)) == (4, 5)


def test_malformed_text_gives_the_deepest_place_found() -> None:
    text = '{"a": {"b": 1, "c" 2}}'
    assert locate(text, ("a", "c")) == (1, 7)
    assert locate(text, ("a", "b")) == (1, 13)
    assert locate("", ("a",)) == (1, 1)
    assert locate('{"a": [1, 2', ("a", 5)) == (1, 7)
    assert locate('{"a": "unterminated', ("b",)) == (1, 1)


def test_leading_whitespace_and_bom_free_start() -> None:
    assert locate('\n\n   {"a": 1}', ("a",)) == (3, 10)
    assert locate_offset('  {"a": 1}', ()) == 2


def test_line_col() -> None:
    text = "ab\ncd\n\nef"
    assert [line_col(text, offset) for offset in (0, 1, 2, 3, 5, 6, 7, 9)] == [
        (1, 1), (1, 2), (1, 3), (2, 1), (2, 3), (3, 1), (4, 1), (4, 3),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("parts", "pointer", "json_path"),
    [
        ((), "", "$"),
        (("spans", 3, "text"), "/spans/3/text", "$.spans[3].text"),
        (("a/b", "m~n"), "/a~1b/m~0n", "$['a/b']['m~n']"),
        (("attributes", "check worthiness"), "/attributes/check worthiness", "$.attributes['check worthiness']"),
    ],
)
def test_pointer_and_json_path(parts: tuple, pointer: str, json_path: str) -> None:
    assert to_pointer(parts) == pointer
    assert Finding("f", 1, 1, "A201", "m", pointer).json_path == json_path


# -- property: every value of any document is found where the serialiser put it ---------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
)
keys = st.text(alphabet=st.sampled_from('ab"\\[]{}:, é👍'), min_size=1, max_size=5)
documents = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=20,
)


def _leaves(value: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    found = [(path, value)]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _leaves(item, (*path, index))
    return found


@settings(max_examples=150, deadline=None)
@given(documents, st.booleans())
def test_every_value_is_located(document: Any, indent: bool) -> None:
    option = orjson.OPT_INDENT_2 if indent else 0
    text = orjson.dumps(document, option=option).decode()
    for path, value in _leaves(document):
        offset = locate_offset(text, path)
        rest = text[offset:]
        decoder = json.JSONDecoder()
        parsed, _ = decoder.raw_decode(rest)
        assert parsed == value, (path, text)


# -- all the pointers of a file in one pass -----------------------------------------------------------

pointer_parts = st.lists(st.one_of(keys, st.integers(0, 4), st.sampled_from(["0", "1", "zz"])), max_size=4)


@settings(max_examples=150, deadline=None)
@given(documents, st.booleans(), st.lists(st.tuples(pointer_parts, st.booleans()), max_size=12))
def test_many_pointers_at_once_find_what_each_finds_alone(document: Any, indent: bool, extra: list) -> None:
    text = orjson.dumps(document, option=orjson.OPT_INDENT_2 if indent else 0).decode()
    pointers = [(path, key) for path, _ in _leaves(document) for key in (False, True)] + extra
    together = locate_offsets(text, pointers)
    assert together == [locate_offset(text, parts, key=key) for parts, key in pointers]
    # In the UTF-8 bytes: the same places, counted in bytes; the same lines and columns.
    data = text.encode()
    in_bytes = locate_offsets(data, pointers)
    assert [len(data[:offset].decode()) for offset in in_bytes] == together
    assert line_cols(data, in_bytes) == line_cols(text, together) == [line_col(text, o) for o in together]


def test_duplicate_keys_with_parts_below_them() -> None:
    text = '{"a": {"b": 1, "c": 2}, "a": {"b": 3}}'
    pointers = [(("a", "b"), False), (("a", "c"), False), (("a", "c"), True), (("a",), True)]
    # The last "a" is the one the parser keeps: it has no "c", so "c" falls back to it.
    assert locate_offsets(text, pointers) == [text.index("3"), text.rindex("{"), text.rindex("{"), text.rindex('"a"')]


def test_a_quote_in_a_malformed_scalar_ends_its_container_as_counting_brackets_does() -> None:
    # Read item by item, `n"ull` is a scalar; counting brackets, its quote opens a string that
    # never closes. Item 1 is reached only by counting brackets past item 0, so it is not found.
    text = '[[n"ull], null]'
    assert locate_offsets(text, [((1,), False), ((0, 0), False)]) == [0, 2]
    assert locate_offset(text, (1,)) == 0


def test_a_long_string_is_skipped_whole() -> None:
    text = '{"note": "' + 'x \\" ' * 200_000 + '", "k": 1}'
    assert json.loads(text)["k"] == 1
    assert locate(text, ("k",)) == (1, len(text) - 1)
    assert locate(text.encode(), ("k",), key=True) == (1, len(text) - 6)


def test_line_cols_in_any_order_and_past_the_end() -> None:
    text = "ab\ncd\n\nef"
    offsets = [9, 0, 5, 3, 100, -1, 7, 7]
    assert line_cols(text, offsets) == [line_col(text, o) for o in offsets]
    assert line_cols(text, offsets) == [(4, 3), (1, 1), (2, 3), (2, 1), (4, 3), (1, 1), (4, 1), (4, 1)]
    data = "é👍\nñ x".encode()
    assert line_cols(data, [len("é👍\nñ ".encode()), 2, 0]) == [(2, 3), (1, 2), (1, 1)]


def test_locating_grows_linearly_with_pointers_and_text() -> None:
    """Counted calls, not time: twice the items and pointers, twice the work (four times, before)."""
    import sys

    def calls(n: int) -> int:
        items = [{"id": f"s{i}", "text": "x" * 20, "attributes": {"a": [1, 2], "b": None}} for i in range(n)]
        text = orjson.dumps({"spans": items, "tail": 1}, option=orjson.OPT_INDENT_2).decode()
        pointers = [(("spans", i, "text"), False) for i in range(n)] + [(("tail",), True)] * n
        count = 0

        def profile(frame: object, event: str, arg: object) -> None:
            nonlocal count
            count += event in ("call", "c_call")

        sys.setprofile(profile)
        try:
            line_cols(text, locate_offsets(text, pointers))
        finally:
            sys.setprofile(None)
        return count

    assert calls(400) / calls(200) < 2.2
