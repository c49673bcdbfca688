"""The pydantic models and the generated JSON Schema give the same verdict on every input.

Hypothesis builds valid annotation files (as `orjson.loads` would return them:
dict, list, str, int, float, bool, None) and mutations of them: keys deleted
or added at any level, values of another JSON type, broken patterns, wrong
enum and const values, empty strings. For every instance the compiled models
(what `annotator validate` runs) and `jsonschema` on the checked-in schema
must agree, and whenever the models reject a file the `jsonschema`
explanation must name at least one known rule.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from annotator.model.annotation import AnnotationFile
from annotator.model.document import Document, DocumentMeta, text_sha256
from annotator.model.editing import AnnotationSet, EditError
from annotator.model.schema import annotation_schema
from annotator.storage import dumps
from annotator.validation.codes import RULES
from annotator.validation.engine import parse_annotation_bytes
from annotator.validation.schema_errors import schema_issues

VALIDATOR = Draft202012Validator(annotation_schema())
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Edit sequences are long to draw; fewer of them still make hundreds of edits.
EDIT_SETTINGS = settings(SETTINGS, max_examples=100)

I64_MIN = -(2**63)
U64_MAX = 2**64 - 1  # orjson reads and writes integers in [I64_MIN, U64_MAX]


def pydantic_ok(instance: Any) -> bool:
    try:
        AnnotationFile.model_validate(instance)
    except ValidationError:
        return False
    return True


def jsonschema_ok(instance: Any) -> bool:
    return VALIDATOR.is_valid(instance)


def same_json(a: Any, b: Any) -> bool:
    """Equal as JSON values, and of the same Python types (1, 1.0 and True differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_json(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    return a == b


# -- strings -----------------------------------------------------------------

TRICKY_CHARS = (
    "😀👩‍👩‍👧🇪🇺"  # emoji, a ZWJ sequence and a flag (several code points each)
    "e\u0301a\u0300\u20dd"  # combining marks
    "漢字中文日本語한국어"  # CJK
    "\x00\x01\x1f\x7f\x85\u200b\u200d\u2028\u2029\ufeff"  # control, format, separators
    "١٢३０"  # non-ASCII digits
    '\n\r\t"\\/ '
)
characters = st.characters(codec="utf-8") | st.sampled_from(TRICKY_CHARS)  # no lone surrogates: not JSON
texts = st.text(characters, max_size=12)
non_empty_texts = st.text(characters, min_size=1, max_size=12)

DIGITS = "0123456789"
LOWER = "abcdefghijklmnopqrstuvwxyz"
ALNUM = DIGITS + LOWER + LOWER.upper()


def _pattern_strings(first: str, rest: str, longest: int) -> st.SearchStrategy[str]:
    """`[first][rest]{0,longest}`: cheaper to draw than `st.from_regex`."""
    return st.builds(str.__add__, st.sampled_from(first), st.text(st.sampled_from(rest), max_size=longest))


def _timestamp(digits: str, fraction: str) -> str:
    d = digits
    return f"{d[0:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}{fraction}Z"


timestamps = (
    st.builds(
        _timestamp,
        st.text(st.sampled_from(DIGITS), min_size=14, max_size=14),  # the pattern checks digits, not dates
        st.just("") | st.text(st.sampled_from(DIGITS), min_size=1, max_size=6).map(lambda f: "." + f),
    )
    | st.datetimes().map(lambda t: f"{t.year:04d}-{t:%m-%dT%H:%M:%S.%f}"[:-3] + "Z")
)
names = _pattern_strings(ALNUM, ALNUM + "._@+-", 63)
identifiers = _pattern_strings(ALNUM, ALNUM + "._:-", 63)
labels = _pattern_strings(LOWER, LOWER + DIGITS + "_-", 31) | st.sampled_from(["quote", "claim", "hedge", "number"])
sha256s = st.binary(max_size=4).map(lambda b: text_sha256(b.hex())) | st.sampled_from(["0" * 64, "f" * 64])

# -- numbers -----------------------------------------------------------------

# A JSON integer may arrive as 3 or 3.0 (both are integers to JSON Schema).
counts = st.integers(0, U64_MAX) | st.integers(0, 2**53).map(float) | st.sampled_from([0.0, -0.0, 1e20, 1e300])
finite_floats = st.floats(allow_nan=False, allow_infinity=False)  # NaN and infinity are not JSON
json_ints = st.integers(I64_MIN, U64_MAX)
attribute_values = texts | st.booleans() | json_ints | finite_floats
attributes = st.dictionaries(texts, attribute_values, max_size=4)
optional_texts = st.none() | texts

ORIGINS = ["manual", "imported", "suggested"]
STATUSES = ["in_progress", "done"]
OPERATIONS = ["create", "relabel", "resize", "attributes", "note", "delete"]

# -- valid files ---------------------------------------------------------------

span_states = st.fixed_dictionaries(
    {"start": counts, "end": counts, "label": labels, "text": texts},
    optional={"attributes": attributes, "note": optional_texts},
)
spans = st.fixed_dictionaries(
    {
        "id": identifiers,
        "start": counts,
        "end": counts,
        "label": labels,
        "text": texts,
        "created_by": names,
        "created_at": timestamps,
        "modified_by": names,
        "modified_at": timestamps,
    },
    optional={
        "attributes": attributes,
        "note": optional_texts,
        "origin": st.sampled_from(ORIGINS),
        "source": optional_texts,
    },
)
events = st.fixed_dictionaries(
    {
        "seq": counts,
        "at": timestamps,
        "by": names,
        "op": st.sampled_from(OPERATIONS),
        "span": identifiers,
        "hash": sha256s,
    },
    optional={
        "origin": st.sampled_from(ORIGINS),
        "source": optional_texts,
        "before": st.none() | span_states,
        "after": st.none() | span_states,
    },
)
documents = st.fixed_dictionaries({"id": identifiers, "path": non_empty_texts, "length": counts, "sha256": sha256s})
valid_files = st.fixed_dictionaries(
    {"schema_version": st.sampled_from([1, 1.0]), "document": documents, "annotator": names},
    optional={
        "status": st.sampled_from(STATUSES),
        "spans": st.lists(spans, max_size=2),
        "history": st.lists(events, max_size=2),
    },
)

# -- mutations -----------------------------------------------------------------

json_scalars = st.none() | st.booleans() | json_ints | finite_floats | texts
json_values = st.recursive(
    json_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3), max_leaves=6
)
# Values chosen to sit on the edges of the schema: other JSON types, bools and
# integral floats where integers go, out-of-range numbers, near-miss strings.
trap_values = st.sampled_from(
    [
        None,
        True,
        False,
        0,
        1,
        2,
        -1,
        -(2**63),
        2**63 - 1,
        U64_MAX,
        0.0,
        -0.0,
        1.0,
        3.0,
        -1.0,
        0.5,
        1.5,
        1e20,
        -1e20,
        1e300,
        2.5e-7,
        "",
        " ",
        "1",
        "1.0",
        "true",
        "null",
        "\n",
        "١",
        "x\n",
        "a\n",
        "\nabc",
        "abc ",
        "ABC",
        "Manual",
        "manual ",
        "manual\n",
        "done\n",
        "DONE",
        "in-progress",
        "create\n",
        "Quote",
        "quote\n",
        "2024-01-02T03:04:05Z\n",
        "2024-01-02T03:04:05z",
        "2024-01-02 03:04:05Z",
        "2024-01-02T03:04:05.1234567Z",
        "2024-01-02T03:04:05+00:00",
        "٢٠٢٤-01-02T03:04:05Z",
        "2024-01-02T03:04:05.Z",
        "A" * 64,
        "a" * 63,
        "a" * 65,
        "a" * 64 + "\n",
        "0123456789ABCDEF" * 4,
        "x" * 65,
        "-leading-dash",
        ".hidden",
        "has space",
        "has/slash",
        "ünïcode",
        "bob@example.org",
        "id:with:colons",
        "😀",
        [],
        [1],
        [None],
        {},
        {"a": 1},
        *ORIGINS,
        *STATUSES,
        *OPERATIONS,
    ]
).map(copy.deepcopy)  # never share a mutable value between instances, or within one
VERSION_TRAPS = [True, 1.0, False, 0, 2, 1.5, 1e300, "1", None, [1]]
ENUM_VALUES = [*ORIGINS, *STATUSES, *OPERATIONS]
unknown_keys = texts | st.sampled_from(
    ["Id", "id ", "ID", "schema_version\n", "$schema", "$id", "extra", "hash", "spans", "document", "seq", "created"]
)

JsonPath = tuple[str | int, ...]


def _paths(value: Any, path: JsonPath = ()) -> list[tuple[JsonPath, Any]]:
    found = [(path, value)]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*path, index)))
    return found


def _get(root: Any, path: JsonPath) -> Any:
    for step in path:
        root = root[step]
    return root


def _set(root: Any, path: JsonPath, value: Any) -> Any:
    if not path:
        return value
    _get(root, path[:-1])[path[-1]] = value
    return root


def _string_variants(value: str) -> list[str]:
    return [
        value + "\n",
        value + "\r\n",
        "\n" + value,
        value + " ",
        value + "\x00",
        value[:-1],
        value[1:],
        value.upper(),
        value.lower(),
        value.swapcase(),
        value.replace("0", "٠").replace("1", "١").replace("2", "٢"),
        value.replace("a", "а"),  # Cyrillic a
        "",
        value * 2,
    ]


def _pick(draw: st.DrawFn, candidates: list[tuple[JsonPath, Any]]) -> tuple[JsonPath, Any]:
    """A candidate at a random depth: the few top-level values are as likely as the many nested ones."""
    depth = draw(st.sampled_from(sorted({len(path) for path, _ in candidates})))
    return draw(st.sampled_from([candidate for candidate in candidates if len(candidate[0]) == depth]))


@st.composite
def mutations(draw: st.DrawFn, instance: Any) -> Any:
    """One mutation of `instance` (which is modified in place and returned)."""
    located = _paths(instance)
    kind = draw(
        # Hypothesis favours the first choices: type confusion first, it is where engines differ.
        st.sampled_from(
            ["number", "version", "trap", "string", "enum", "delete", "add", "rename", "replace", "item", "wrap"]
        )
    )
    if kind == "version" and isinstance(instance, dict):
        instance["schema_version"] = copy.deepcopy(draw(st.sampled_from(VERSION_TRAPS)))
        return instance
    if kind == "enum":
        enums = [(path, value) for path, value in located if isinstance(value, str) and value in ENUM_VALUES]
        if enums:
            path, value = _pick(draw, enums)
            return _set(instance, path, draw(st.sampled_from([*ENUM_VALUES, *_string_variants(value)])))
    if kind in ("delete", "add"):
        dicts = [(path, value) for path, value in located if isinstance(value, dict)]
        if dicts:
            path, target = _pick(draw, dicts)
            if kind == "delete" and target:
                del target[draw(st.sampled_from(sorted(target)))]
            else:
                target[draw(unknown_keys)] = draw(json_values | trap_values)
            return instance
    if kind == "rename":
        keyed = [(path, value) for path, value in located if isinstance(value, dict) and value]
        if keyed:
            path, target = _pick(draw, keyed)
            key = draw(st.sampled_from(sorted(target)))
            target[draw(st.sampled_from(_string_variants(key)))] = target.pop(key)
            return instance
    if kind == "string":
        strings = [(path, value) for path, value in located if isinstance(value, str)]
        if strings:
            path, value = _pick(draw, strings)
            return _set(instance, path, draw(st.sampled_from(_string_variants(value))))
    if kind == "number":
        numbers = [(path, value) for path, value in located if type(value) in (int, float)]
        if numbers:
            path, value = _pick(draw, numbers)
            groups = [
                [True, False],  # a bool is not an integer to JSON Schema, but True == 1 in Python
                [float(value), value + 0.5, -1.0, 1e300],  # 3.0 is an integer to JSON Schema, 3.5 is not
                [int(value) if abs(value) < 2**63 else 0, -value, value - 1, -1, U64_MAX, I64_MIN],
                [str(value), [value], None],
            ]
            options = [o for o in draw(st.sampled_from(groups)) if type(o) is not int or I64_MIN <= o <= U64_MAX]
            return _set(instance, path, draw(st.sampled_from(options)))
    if kind == "item":
        lists = [(path, value) for path, value in located if isinstance(value, list) and value]
        if lists:
            path, target = _pick(draw, lists)
            target[draw(st.integers(0, len(target) - 1))] = draw(json_values | trap_values)
            return instance
    path, value = _pick(draw, located)
    if kind == "wrap":
        return _set(instance, path, draw(st.sampled_from([[value], {"value": value}, None])))
    replacement = draw(trap_values if kind == "trap" else json_values | trap_values)
    return _set(instance, path, replacement)


@st.composite
def mutated_files(draw: st.DrawFn) -> Any:
    instance = copy.deepcopy(draw(valid_files))
    # Mostly one mutation: a second one often hides the first behind an error both report.
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        instance = draw(mutations(instance))
    return instance


instances = st.one_of(valid_files, mutated_files(), mutated_files(), mutated_files())  # mostly mutations

# -- the known traps, each with the verdict both must give ---------------------

_TS = "2024-05-01T12:00:00.123Z"
_SHA = "0123456789abcdef" * 4


def _base() -> dict[str, Any]:
    state = {"start": 0, "end": 4, "label": "quote", "text": "Hi 😀", "attributes": {"speaker": "Ann"}, "note": None}
    return {
        "schema_version": 1,
        "document": {"id": "doc-1", "path": "seeds/a.txt", "length": 10, "sha256": _SHA},
        "annotator": "ann",
        "status": "done",
        "spans": [
            {
                "id": "s1",
                "start": 0,
                "end": 4,
                "label": "quote",
                "text": "Hi 😀",
                "attributes": {"speaker": "Ann", "ok": True, "n": 3, "x": 2.5},
                "note": "e\u0301 漢字",
                "origin": "manual",
                "source": None,
                "created_by": "ann",
                "created_at": _TS,
                "modified_by": "ann",
                "modified_at": _TS,
            }
        ],
        "history": [
            {
                "seq": 1,
                "at": _TS,
                "by": "ann",
                "op": "create",
                "span": "s1",
                "origin": "manual",
                "source": None,
                "before": None,
                "after": state,
                "hash": _SHA,
            }
        ],
    }


def _with(path: JsonPath, value: Any) -> dict[str, Any]:
    return _set(_base(), path, value)


def _without(path: JsonPath) -> dict[str, Any]:
    instance = _base()
    del _get(instance, path[:-1])[path[-1]]
    return instance


TRAPS: list[tuple[str, dict[str, Any], bool]] = [
    ("base", _base(), True),
    ("schema_version 1.0", _with(("schema_version",), 1.0), True),
    ("schema_version true", _with(("schema_version",), True), False),
    ("schema_version 3", _with(("schema_version",), 3), False),
    ("schema_version 2", _with(("schema_version",), 2), True),
    ("schema_version 1.5", _with(("schema_version",), 1.5), False),
    ("schema_version '1'", _with(("schema_version",), "1"), False),
    ("schema_version null", _with(("schema_version",), None), False),
    ("length 3.0", _with(("document", "length"), 3.0), True),
    ("length -0.0", _with(("document", "length"), -0.0), True),
    ("length 1e300", _with(("document", "length"), 1e300), True),
    ("length u64 max", _with(("document", "length"), U64_MAX), True),
    ("length true", _with(("document", "length"), True), False),
    ("length false", _with(("document", "length"), False), False),
    ("length 3.5", _with(("document", "length"), 3.5), False),
    ("length -1", _with(("document", "length"), -1), False),
    ("length -1.0", _with(("document", "length"), -1.0), False),
    ("length '3'", _with(("document", "length"), "3"), False),
    ("start true", _with(("spans", 0, "start"), True), False),
    ("seq 1.0", _with(("history", 0, "seq"), 1.0), True),
    ("before.end 4.0", _with(("history", 0, "after", "end"), 4.0), True),
    ("annotator x\\n", _with(("annotator",), "x\n"), False),
    ("document id x\\n", _with(("document", "id"), "doc-1\n"), False),
    ("label x\\n", _with(("spans", 0, "label"), "quote\n"), False),
    ("sha256 \\n", _with(("document", "sha256"), _SHA + "\n"), False),
    ("hash uppercase", _with(("history", 0, "hash"), _SHA.upper()), False),
    ("timestamp \\n", _with(("spans", 0, "created_at"), _TS + "\n"), False),
    ("timestamp unicode digits", _with(("history", 0, "at"), "٢٠٢٤-05-01T12:00:00Z"), False),
    ("timestamp 7 decimals", _with(("spans", 0, "modified_at"), "2024-05-01T12:00:00.1234567Z"), False),
    ("label uppercase", _with(("spans", 0, "label"), "Quote"), False),
    ("id leading dash", _with(("spans", 0, "id"), "-s1"), False),
    ("name 65 chars", _with(("annotator",), "a" * 65), False),
    ("path empty", _with(("document", "path"), ""), False),
    ("status done\\n", _with(("status",), "done\n"), False),
    ("origin Manual", _with(("spans", 0, "origin"), "Manual"), False),
    ("op unknown", _with(("history", 0, "op"), "move"), False),
    ("attribute null", _with(("spans", 0, "attributes", "x"), None), False),
    ("attribute list", _with(("spans", 0, "attributes", "x"), [1]), False),
    ("attribute huge int", _with(("spans", 0, "attributes", "x"), U64_MAX), True),
    ("attribute unicode key", _with(("spans", 0, "attributes", "😀\u0301"), "ok"), True),
    ("note null", _with(("spans", 0, "note"), None), True),
    ("note int", _with(("spans", 0, "note"), 1), False),
    ("after null", _with(("history", 0, "after"), None), True),
    ("after list", _with(("history", 0, "after"), []), False),
    ("unknown top-level key", _with(("extra",), 1), False),
    ("unknown key in document", _with(("document", "title"), "x"), False),
    ("unknown key in state", _with(("history", 0, "after", "id"), "s1"), False),
    ("missing annotator", _without(("annotator",)), False),
    ("missing span text", _without(("spans", 0, "text")), False),
    ("missing optional status", _without(("status",)), True),
    ("missing optional note", _without(("history", 0, "after", "note")), True),
    ("top level list", [_base()], False),
]


def with_trap_examples(test: Callable[[Any], None]) -> Callable[[Any], None]:
    for _, instance, _ in TRAPS:
        test = example(instance)(test)
    return test


# -- tests ---------------------------------------------------------------------


@pytest.mark.parametrize(("instance", "expected"), [(i, ok) for _, i, ok in TRAPS], ids=[n for n, _, _ in TRAPS])
def test_known_traps_have_the_intended_verdict(instance: Any, expected: bool) -> None:
    assert (pydantic_ok(instance), jsonschema_ok(instance)) == (expected, expected)


@SETTINGS
@given(valid_files)
def test_generated_valid_files_are_valid(instance: dict[str, Any]) -> None:
    assert pydantic_ok(instance)
    assert jsonschema_ok(instance), [e.message for e in VALIDATOR.iter_errors(instance)]


@SETTINGS
@with_trap_examples
@given(instances)
def test_pydantic_and_jsonschema_agree(instance: Any) -> None:
    assert pydantic_ok(instance) == jsonschema_ok(instance)


@SETTINGS
@with_trap_examples
@given(instances)
def test_instances_are_what_the_validator_sees(instance: Any) -> None:
    raw = orjson.dumps(instance)
    assert same_json(orjson.loads(raw), instance)
    parsed = parse_annotation_bytes(raw)
    assert (parsed.model is not None) == pydantic_ok(instance) == jsonschema_ok(instance)


@SETTINGS
@with_trap_examples
@given(instances)
def test_every_rejection_is_explained(instance: Any) -> None:
    issues = schema_issues(instance)
    if pydantic_ok(instance):
        assert issues == []
        return
    assert issues, "pydantic rejected the file but jsonschema explains nothing"
    for issue in issues:
        assert issue.code in RULES, issue
        assert issue.message
        assert _reachable(instance, issue.path[:-1] if issue.at_key else issue.path), issue


def _reachable(instance: Any, path: JsonPath) -> bool:
    try:
        _get(instance, path)
    except (KeyError, IndexError, TypeError):
        return False
    return True


# -- files written by the editor ----------------------------------------------

EDIT_OPS = ["create", "create", "create", "relabel", "resize", "attributes", "note", "delete"]
document_texts = st.text(st.sampled_from(TRICKY_CHARS) | st.characters(codec="utf-8"), min_size=1, max_size=40)


def _clock() -> Callable[[], str]:
    ticks = itertools.count()

    def now() -> str:
        tick = next(ticks)
        return f"2024-05-01T{tick // 3600 % 24:02d}:{tick // 60 % 60:02d}:{tick % 60:02d}.000Z"

    return now


@EDIT_SETTINGS
@given(text=document_texts, annotator=names, data=st.data())
def test_files_built_by_annotation_set_are_valid(text: str, annotator: str, data: st.DataObject) -> None:
    document = Document(path="seeds/doc.txt", text=text, meta=DocumentMeta(id="doc-1"), sha256=text_sha256(text))
    ids = (f"s{n}" for n in itertools.count(1))
    edits = AnnotationSet.new(document, annotator, clock=_clock(), make_id=lambda: next(ids))
    offsets = st.integers(0, len(text))
    for _ in range(data.draw(st.integers(0, 12), label="edits")):
        op = data.draw(st.sampled_from(EDIT_OPS), label="op")
        existing = sorted(edits.spans)
        by = data.draw(st.none() | names, label="by")
        try:
            if op == "create" or not existing:
                start, end = sorted(data.draw(st.tuples(offsets, offsets), label="range"))
                edits.create(
                    start,
                    max(end, start + 1),
                    data.draw(labels, label="label"),
                    attributes=data.draw(attributes, label="attributes"),
                    note=data.draw(optional_texts, label="note"),
                    origin=data.draw(st.sampled_from(ORIGINS), label="origin"),
                    source=data.draw(optional_texts, label="source"),
                    by=by,
                )
                continue
            span_id = data.draw(st.sampled_from(existing), label="span")
            if op == "relabel":
                edits.relabel(span_id, data.draw(labels, label="label"), by=by)
            elif op == "resize":
                start, end = sorted(data.draw(st.tuples(offsets, offsets), label="range"))
                edits.resize(span_id, start, max(end, start + 1), by=by)
            elif op == "attributes":
                edits.set_attributes(span_id, data.draw(attributes, label="attributes"), by=by)
            elif op == "note":
                edits.set_note(span_id, data.draw(optional_texts, label="note"), by=by)
            else:
                edits.delete(span_id, by=by)
        except EditError:
            pass  # an edit the set refuses (a duplicate, or a range past the end) changes nothing
    file = edits.to_file()
    for instance in (orjson.loads(dumps(file)), file.model_dump(mode="json")):
        assert pydantic_ok(instance)
        assert jsonschema_ok(instance), [e.message for e in VALIDATOR.iter_errors(instance)]
    assert parse_annotation_bytes(dumps(file)).model == file
