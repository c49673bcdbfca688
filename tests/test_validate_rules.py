"""Every rule code of `annotator validate`: triggered, placed and pointed at correctly."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import CONFIG_TOML, TEXT, Project, line_col_of, to_json_bytes

from annotator.model.audit import GENESIS_HASH, chain_hash, event_body
from annotator.validation.codes import RULES
from annotator.validation.engine import Validator
from annotator.validation.findings import Finding

# The sample (see conftest.build_sample), in file order:
#   spans:   0 s1 quote, 1 s4 claim, 2 s2 number, 3 s3 hedge
#   history: 0 create s1, 1 create s2, 2 create s3, 3 resize s3, 4 note s2, 5 create s4,
#            6 relabel s4, 7 attributes s4, 8 create s5, 9 delete s5, 10 attributes s1

Data = dict[str, Any]


def rehash(data: Data) -> Data:
    """Recompute the hash chain, so that a test isolates the replay rules from A501."""
    previous = GENESIS_HASH
    for event in data["history"]:
        event["hash"] = chain_hash(previous, event_body(event))
        previous = event["hash"]
    return data


def check(project: Project, data: Data, name: str = "x.json") -> tuple[list[Finding], str]:
    raw = to_json_bytes(data)
    path = project.write(name, raw)
    return project.validate(path), raw.decode("utf-8")


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def one(findings: list[Finding], code: str) -> Finding:
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, findings
    return matching[0]


def at(finding: Finding, text: str, needle: str, nth: int = 0) -> None:
    """The finding sits where `needle` starts in the file text, or at its `|` mark."""
    prefix, _, rest = needle.rpartition("|")
    line, col = line_col_of(text, prefix + rest, nth)
    assert (finding.line, finding.col) == (line, col + len(prefix)), finding


# -- clean files ----------------------------------------------------------------------


def test_sample_is_clean(project: Project, sample_data: Data) -> None:
    findings, _ = check(project, sample_data)
    assert findings == []


def test_seed_document_annotation_is_clean(project: Project) -> None:
    from conftest import SEEDS

    seed = sorted(SEEDS.glob("*.txt"))[0]
    project.write_doc(f"docs/{seed.name}", seed.read_bytes())
    project.write_doc(f"docs/{seed.stem}.meta.json", (SEEDS / f"{seed.stem}.meta.json").read_bytes())
    aset = project.new_set(f"docs/{seed.name}")
    text = aset.text
    start = text.index("“It’s possible,”")
    aset.create(start, start + len("“It’s possible,”"), "quote", attributes={"speaker": "Mark Milley"})
    aset.create(text.index("Taliban"), text.index("Taliban") + 7, "claim")
    path = project.write("seed.json", aset)
    assert project.validate(path) == []
    assert aset.document.id == seed.stem


def test_bom_before_json_is_accepted(project: Project, sample_data: Data) -> None:
    path = project.write("bom.json", b"\xef\xbb\xbf" + to_json_bytes(sample_data))
    assert project.validate(path) == []


# -- the exact place of a finding ----------------------------------------------------------

# Hand-laid so the positions can be counted: line 7 is /spans/1.
HAND = """{
  "schema_version": 1,
  "document": {"id": "a", "path": "docs/a.txt", "length": LEN, "sha256": "SHA"},
  "annotator": "alice",
  "spans": [
    {"id": "s1", "start": 0, "end": 3, "label": "claim", "text": "The", "attributes": {}, "created_by": "alice", "created_at": "2026-01-01T00:00:00Z", "modified_by": "alice", "modified_at": "2026-01-01T00:00:00Z"},
    {"id": "s2", "start": 4, "end": 12, "label": "quote", "text": "minister", "attributes": {"speaker": 7, "tone": "x"}, "created_by": "alice", "created_at": "2026-01-01T00:00:00Z", "modified_by": "alice", "modified_at": "2026-01-01T00:00:00Z"}
  ]
}
"""


def _hand(project: Project, **replace: str) -> tuple[list[Finding], str]:
    text = HAND.replace("LEN", str(len(TEXT))).replace("SHA", hashlib.sha256(TEXT.encode()).hexdigest())
    for old, new in replace.items():
        text = text.replace(old, new)
    path = project.write("hand.json", text)
    return project.validate(path), text


def test_exact_line_col_of_span_text(project: Project) -> None:
    findings, text = _hand(project, **{'"minister"': '"ministry"'})
    finding = one(findings, "A402")
    assert (finding.path, finding.line, finding.col, finding.pointer) == (
        "annotations/hand.json",
        7,
        67,
        "/spans/1/text",
    )
    assert text.splitlines()[6][66:76] == '"ministry"'
    assert finding.json_path == "$.spans[1].text"
    assert finding.message == "span text 'ministry' differs from the document at [4, 12): 'minister'"


def test_exact_line_col_of_attribute_key_and_value(project: Project) -> None:
    findings, text = _hand(project)
    a404 = sorted((f for f in findings if f.code == "A404"), key=lambda f: f.col)
    assert [(f.line, f.col, f.pointer) for f in a404] == [
        (7, 105, "/spans/1/attributes/speaker"),
        (7, 108, "/spans/1/attributes/tone"),
    ]
    line = text.splitlines()[6]
    assert line[104:106] == "7,"  # a wrong value is placed at the value
    assert line[107:113] == '"tone"'  # an attribute that is not allowed, at its key
    assert "must be a string, not int 7" in a404[0].message
    assert "'tone' is not allowed on label 'quote' (allowed: speaker)" in a404[1].message


def test_exact_line_col_of_document_and_top_level(project: Project) -> None:
    findings, _ = _hand(project, **{'"id": "a"': '"id": "b"', '"schema_version": 1': '"schema_version": 3'})
    a304 = one(findings, "A304")
    assert (a304.line, a304.col, a304.pointer) == (3, 22, "/document/id")
    a204 = one(findings, "A204")
    assert (a204.line, a204.col, a204.pointer) == (2, 21, "/schema_version")


def test_spans_without_trail_in_hand_file(project: Project) -> None:
    findings, _ = _hand(project, **{'"speaker": 7, "tone": "x"': '"speaker": "x"', '"minister"': '"minister"'})
    assert [(f.code, f.line, f.col, f.pointer) for f in findings] == [
        ("A505", 6, 12, "/spans/0/id"),
        ("A505", 7, 12, "/spans/1/id"),
    ]


# -- one case per rule -------------------------------------------------------------------------

Case = Callable[[Project, Data, pytest.MonkeyPatch], tuple[list[Finding], str]]


def _edit(change: Callable[[Data], object], *, chain: bool = False) -> Case:
    def run(project: Project, data: Data, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Finding], str]:
        data = copy.deepcopy(data)
        change(data)
        if chain:
            rehash(data)
        return check(project, data)

    return run


def _raw(content: bytes) -> Case:
    def run(project: Project, data: Data, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Finding], str]:
        path = project.write("x.json", content)
        return project.validate(path), content.decode("utf-8", "replace")

    return run


def _missing_file(project: Project, data: Data, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Finding], str]:
    return project.validate(project.root / "annotations" / "nope.json"), ""


def _too_large(project: Project, data: Data, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Finding], str]:
    (project.root / "annotator.toml").write_text(CONFIG_TOML + "\n[limits]\nmax_file_size = 100\n")
    return check(project, data)


def _schema_fallback(project: Project, data: Data, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Finding], str]:
    # If jsonschema ever passed what pydantic rejects, the file must still fail.
    from annotator.validation import schema_errors

    monkeypatch.setattr(schema_errors, "schema_issues", lambda instance: [])
    data = copy.deepcopy(data)
    data["spans"][0]["start"] = -1
    return check(project, data)


def _changed_document(project: Project, data: Data, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Finding], str]:
    project.write_doc("docs/a.txt", TEXT.replace("42", "43"))
    return check(project, data)


def _bad_document(project: Project, data: Data, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Finding], str]:
    project.write_doc("docs/a.txt", TEXT.encode() + b"\xff")
    return check(project, data)


def _set(path: tuple, value: Any) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


def _delete(path: tuple) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        target = data
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    return change


def _add_span(**fields: Any) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        data["spans"].append({**copy.deepcopy(data["spans"][2]), **fields})

    return change


# code -> (case, pointer, needle for the expected position or None, nth occurrence)
CASES: dict[str, tuple[Case, str, str | None, int]] = {
    "A101": (_missing_file, "", None, 0),
    "A102": (_raw(b'{\n  "a": "caf\xc3\xa9 \xff"\n}'), "", None, 0),
    "A103": (_raw(b'{\n  "spans": [1, 2,]\n}'), "", ",]", 0),
    "A104": (_raw(b""), "", None, 0),
    "A105": (_too_large, "", None, 0),
    "A106": (_raw(b'{"spans": ' + b"[" * 5000), "", None, 0),
    "A201": (_edit(_set(("spans", 2, "start"), "44")), "/spans/2/start", '"44"', 0),
    "A202": (_edit(_delete(("spans", 3, "label"))), "/spans/3", '{\n      "id": "s3"', 0),
    "A203": (_edit(_set(("spans", 0, "colour"), "red")), "/spans/0/colour", '"colour"', 0),
    "A204": (_edit(_set(("status",), "finished")), "/status", '"finished"', 0),
    "A205": (_edit(_set(("spans", 3, "label"), "Hedge")), "/spans/3/label", '"Hedge"', 0),
    "A206": (_edit(_set(("spans", 2, "start"), -1)), "/spans/2/start", "-1", 0),
    "A207": (_edit(_set(("document", "path"), "")), "/document/path", '""', 0),
    "A209": (_schema_fallback, "/spans/0/start", "-1", 0),
    "A301": (_edit(_set(("document", "path"), "docs/missing.txt")), "/document/path", '"docs/missing.txt"', 0),
    "A302": (_changed_document, "/document/sha256", '"32b', 0),
    "A303": (_bad_document, "/document/path", '"docs/a.txt"', 0),
    "A304": (_edit(_set(("document", "id"), "b")), "/document/id", '"b"', 0),
    "A305": (_edit(_set(("document", "path"), "../a.txt")), "/document/path", '"../a.txt"', 0),
    "A401": (_edit(_set(("spans", 3, "end"), 1000)), "/spans/3/end", "1000", 0),
    "A402": (_edit(_set(("spans", 2, "text"), "43")), "/spans/2/text", '"43"', 0),
    "A410": (_edit(_set(("spans", 2, "prefix"), "elsewhere ")), "/spans/2/prefix", '"elsewhere "', 0),
    "A403": (_edit(_set(("spans", 3, "label"), "opinion")), "/spans/3/label", '"opinion"', 0),
    "A404": (
        _edit(_set(("spans", 1, "attributes", "check_worthiness"), "urgent")),
        "/spans/1/attributes/check_worthiness",
        '"urgent"',
        0,
    ),
    "A405": (_edit(_set(("spans", 1, "id"), "s1")), "/spans/1/id", '"s1"', 1),
    "A406": (_edit(_add_span(id="s9")), "/spans/4", '{\n      "id": "s9"', 0),
    "A407": (
        _edit(
            _set(
                ("foreign",),
                [
                    {
                        "format": "brat",
                        "kind": "relation",
                        "id": "R1",
                        "record": "R1\tCause Arg1:T1 Arg2:T9",
                        "spans": ["s2", "gone"],
                    }
                ],
            )
        ),
        "/foreign/0/spans/1",
        '"gone"',
        0,
    ),
    "A408": (_edit(_set(("spans", 0, "origin"), "adjudicated")), "/spans/0/origin", '"adjudicated"', 0),
    "A409": (
        _edit(
            _set(
                ("rejected",),
                [
                    {
                        "annotator": "bob",
                        "span": "s1",
                        "start": 0,
                        "end": 3,
                        "label": "quote",
                        "text": "Thx",
                        "by": "carol",
                        "at": "2026-01-01T00:00:00.000Z",
                    }
                ],
            )
        ),
        "/rejected/0/text",
        '"Thx"',
        0,
    ),
    "A501": (_edit(_set(("history", 9, "origin"), "imported")), "/history/9/hash", '"hash": |"', 9),
    "A502": (_edit(_set(("history", 4, "seq"), 7), chain=True), "/history/4/seq", '"seq": |7', 0),
    "A503": (
        _edit(_set(("history", 4, "before", "note"), "stale"), chain=True),
        "/history/4/before",
        '"before": |{',
        1,
    ),
    "A504": (_edit(_set(("spans", 2, "note"), "edited by hand")), "/spans/2/note", '"edited by hand"', 0),
    "A505": (_edit(_add_span(id="s9", start=0, end=3, text="The")), "/spans/4/id", '"s9"', 0),
    "A506": (
        _edit(_set(("spans", 3, "created_at"), "2026-01-02T00:00:00.000Z")),
        "/spans/3/created_by",
        '"created_by": |"',
        3,
    ),
}


def test_every_rule_has_a_case() -> None:
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule(project: Project, sample_data: Data, monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    case, pointer, needle, nth = CASES[code]
    findings, text = case(project, sample_data, monkeypatch)
    finding = one(findings, code)
    assert finding.pointer == pointer
    assert finding.path.startswith("annotations/")
    assert finding.line >= 1 and finding.col >= 1
    assert finding.rule == RULES[code].name
    if needle is not None:
        at(finding, text, needle, nth)


def test_a502_and_a503_alone_when_the_chain_is_intact(project: Project, sample_data: Data) -> None:
    # With the hashes recomputed, a renumbered or inconsistent event is its own finding only.
    data = copy.deepcopy(sample_data)
    data["history"][4]["seq"] = 7
    findings, _ = check(project, rehash(data))
    assert codes(findings) == ["A502"]
    data = copy.deepcopy(sample_data)
    data["history"][4]["before"]["note"] = "stale"
    findings, _ = check(project, rehash(data))
    assert codes(findings) == ["A503"]
    assert "'before' of this note does not match span 's2'" in findings[0].message


def test_tampered_event_without_rehash(project: Project, sample_data: Data) -> None:
    data = copy.deepcopy(sample_data)
    data["history"][1]["after"]["text"] = "4"
    findings, _ = check(project, data)
    assert [(f.code, f.pointer) for f in findings] == [("A501", "/history/1/hash"), ("A503", "/history/4/before")]
    assert "audit event 2 does not chain" in findings[0].message


def test_edited_hash_breaks_the_next_event_too(project: Project, sample_data: Data) -> None:
    data = copy.deepcopy(sample_data)
    data["history"][3]["hash"] = "0" * 64
    findings, _ = check(project, data)
    assert [(f.code, f.pointer) for f in findings] == [("A501", "/history/3/hash"), ("A501", "/history/4/hash")]


def test_dropped_event(project: Project, sample_data: Data) -> None:
    data = copy.deepcopy(sample_data)
    del data["history"][10]  # the last change of s1
    findings, _ = check(project, data)
    assert ("A504", "/spans/0/attributes") in [(f.code, f.pointer) for f in findings]
    assert ("A506", "/spans/0/modified_by") in [(f.code, f.pointer) for f in findings]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["history"][1].update(span="s1"),
            ("A503", "/history/1/span", "creates span 's1', which already exists"),
        ),
        (
            lambda d: d["history"][4].update(span="ghost"),
            ("A503", "/history/4/span", "note of span 'ghost', which does not exist"),
        ),
        (
            lambda d: d["history"][4]["after"].update(label="claim"),
            ("A503", "/history/4/after", "a note event may not change label"),
        ),
        (
            lambda d: d["history"][0].update(before=d["history"][0]["after"]),
            ("A503", "/history/0/before", "must not have a 'before'"),
        ),
        (lambda d: d["history"][0].pop("after"), ("A503", "/history/0", "a create event needs an 'after'")),
        (
            lambda d: d["history"][9].update(after=d["history"][9]["before"]),
            ("A503", "/history/9/after", "must not have an 'after'"),
        ),
        (lambda d: d["history"][4].pop("after"), ("A503", "/history/4", "a note event needs an 'after'")),
    ],
)
def test_replay_inconsistencies(
    project: Project, sample_data: Data, change: Callable, expected: tuple[str, str, str]
) -> None:
    data = copy.deepcopy(sample_data)
    change(data)
    findings, _ = check(project, rehash(data))
    code, pointer, message = expected
    matching = [f for f in findings if (f.code, f.pointer) == (code, pointer)]
    assert len(matching) == 1, findings
    assert message in matching[0].message
    assert "A501" not in codes(findings)


def test_span_missing_from_spans(project: Project, sample_data: Data) -> None:
    data = copy.deepcopy(sample_data)
    del data["spans"][2]  # s2, last touched by history event 4
    findings, text = check(project, data)
    finding = one(findings, "A505")
    assert finding.pointer == "/history/4/span"
    assert "leaves span 's2' in place, but it is missing from spans" in finding.message
    at(finding, text, '"s2"', 1)


@pytest.mark.parametrize(
    ("field", "value", "pointer", "message"),
    [
        ("created_by", "bob", "/spans/0/created_by", "says created by bob"),
        (
            "created_at",
            "2025-01-01T00:00:00Z",
            "/spans/0/created_by",
            "the trail says alice at 2026-01-01T00:00:00.000Z",
        ),
        ("modified_by", "bob", "/spans/0/modified_by", "says modified by bob"),
        (
            "modified_at",
            "2027-01-01T00:00:00Z",
            "/spans/0/modified_by",
            "the trail says alice at 2026-01-01T00:00:10.000Z",
        ),
        ("origin", "imported", "/spans/0/origin", "has origin 'imported'; the trail created it as 'manual'"),
        ("source", "a model", "/spans/0/origin", "has origin 'manual'"),
    ],
)
def test_metadata_mismatch(
    project: Project, sample_data: Data, field: str, value: str, pointer: str, message: str
) -> None:
    data = copy.deepcopy(sample_data)
    data["spans"][0][field] = value
    findings, _ = check(project, data)
    assert [(f.code, f.pointer) for f in findings] == [("A506", pointer)]
    assert message in findings[0].message


def test_span_differs_from_trail_names_every_field(project: Project, sample_data: Data) -> None:
    data = copy.deepcopy(sample_data)
    data["spans"][2]["note"] = None
    data["spans"][2]["attributes"] = {"value": 42}
    findings, _ = check(project, data)
    finding = one(findings, "A504")
    assert finding.pointer == "/spans/2/attributes"
    assert "differs from its audit trail in attributes, note" in finding.message
    assert "note='rounded'" in finding.message


def test_duplicate_id_is_not_also_a_span_without_trail(project: Project, sample_data: Data) -> None:
    data = copy.deepcopy(sample_data)
    data["spans"][1]["id"] = "s1"
    findings, _ = check(project, data)
    assert [(f.code, f.pointer) for f in findings] == [
        ("A405", "/spans/1/id"),
        ("A505", "/history/7/span"),  # s4 is gone from spans
    ]
    assert "is also used by /spans/0" in findings[0].message


# -- the document ---------------------------------------------------------------------------------------


def test_document_changed_message(project: Project, sample_data: Data) -> None:
    project.write_doc("docs/a.txt", TEXT + "More.\n")
    findings, _ = check(project, sample_data)
    finding = one(findings, "A302")
    assert "document changed since annotation" in finding.message
    assert f"now has length {len(TEXT) + 6}" in finding.message
    assert f"the file records length {len(TEXT)}" in finding.message
    # spans are not checked against a changed text
    assert codes(findings) == ["A302"]


def test_document_crlf_is_not_a_change(project: Project, sample_data: Data) -> None:
    project.write_doc("docs/a.txt", b"\xef\xbb\xbf" + TEXT.replace("\n", "\r\n").encode())
    findings, _ = check(project, sample_data)
    assert findings == []


def test_document_not_found_message(project: Project, sample_data: Data) -> None:
    data = copy.deepcopy(sample_data)
    data["document"]["path"] = "docs/gone.txt"
    findings, _ = check(project, data)
    finding = one(findings, "A301")
    assert finding.message == f"document not found: docs/gone.txt (looked in {project.root / 'docs/gone.txt'})"
    assert codes(findings) == ["A301"]  # the spans' own shape is still fine; no text to compare


def test_document_unreadable_message_names_place(project: Project, sample_data: Data) -> None:
    project.write_doc("docs/a.txt", b"ok\nbad \xff here")
    findings, _ = check(project, sample_data)
    finding = one(findings, "A303")
    assert "docs/a.txt:2:5: not valid UTF-8: byte 0xff" in finding.message


def test_document_meta_error_is_a303(project: Project, sample_data: Data) -> None:
    (project.root / "docs" / "a.meta.json").write_text("{oops")
    findings, _ = check(project, sample_data)
    assert "a.meta.json:1:2: invalid JSON" in one(findings, "A303").message


@pytest.mark.parametrize("path", ["/etc/passwd", "../a.txt", "docs/../../a.txt", "docs\\a.txt", "docs/a\x00.txt"])
def test_document_path_must_stay_in_project(project: Project, sample_data: Data, path: str) -> None:
    data = copy.deepcopy(sample_data)
    data["document"]["path"] = path
    findings, _ = check(project, data)
    assert codes(findings) == ["A305"]
    assert findings[0].pointer == "/document/path"


def test_documents_are_cached_across_files(project: Project, sample_data: Data) -> None:
    validator = Validator(project.config)
    first = project.write("one.json", sample_data)
    second = project.write("two.json", sample_data)
    assert validator.validate_file(first) == []
    (project.root / "docs" / "a.txt").unlink()
    assert validator.validate_file(second) == []  # the text is read once per run
    assert codes(Validator(project.config).validate_file(second)) == ["A301"]


# -- spans ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "pointer", "message"),
    [
        (60, 60, "/spans/3/start", "span is empty or reversed: start 60 must be less than end 60"),
        (70, 60, "/spans/3/start", "start 70 must be less than end 60"),
        (
            64,
            len(TEXT) + 1,
            "/spans/3/end",
            f"span end {len(TEXT) + 1} is past the end of the document (length {len(TEXT)})",
        ),
    ],
)
def test_offsets_out_of_range(
    project: Project, sample_data: Data, start: int, end: int, pointer: str, message: str
) -> None:
    data = copy.deepcopy(sample_data)
    data["spans"][3].update(start=start, end=end)
    findings, _ = check(project, data)
    finding = one(findings, "A401")
    assert finding.pointer == pointer
    assert message in finding.message


def test_text_mismatch_counts_code_points(project: Project) -> None:
    aset = project.new_set()
    aset.create(*_find("Café 👍"), "hedge")
    path = project.write("u.json", aset)
    assert project.validate(path) == []
    data = to_json_bytes({**_loads(path), "spans": [{**_loads(path)["spans"][0], "end": _find("Café 👍")[1] - 1}]})
    findings = project.validate(project.write("u2.json", data))
    start, end = _find("Café 👍")
    assert (start, end) == (76, 82)  # code points: the emoji is one, é is one
    assert (
        one(findings, "A402").message
        == f"span text 'Café 👍' differs from the document at [{start}, {end - 1}): 'Café '"
    )


def _find(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


def _loads(path: Path) -> Data:
    import orjson

    return orjson.loads(path.read_bytes())


@pytest.mark.parametrize(
    ("index", "attributes", "pointer", "message"),
    [
        (
            0,
            {"speaker": "x", "unit": "y"},
            "/spans/0/attributes/unit",
            "'unit' is not allowed on label 'quote' (allowed: speaker)",
        ),
        (3, {"x": 1}, "/spans/3/attributes/x", "'x' is not allowed on label 'hedge' (allowed: none)"),
        (
            2,
            {"value": "42", "unit": "people"},
            "/spans/2/attributes/value",
            "attribute 'value' must be a number, not str '42'",
        ),
        (2, {"value": True, "unit": "people"}, "/spans/2/attributes/value", "must be a number, not bool True"),
        (2, {"value": 42, "unit": 1}, "/spans/2/attributes/unit", "attribute 'unit' must be a string, not int 1"),
        (
            1,
            {"check_worthiness": "urgent"},
            "/spans/1/attributes/check_worthiness",
            "must be one of 'high', 'medium', 'low', not 'urgent'",
        ),
        (
            1,
            {"check_worthiness": 1},
            "/spans/1/attributes/check_worthiness",
            "must be one of 'high', 'medium', 'low', not 1",
        ),
    ],
)
def test_attribute_problems(
    project: Project, sample_data: Data, index: int, attributes: dict, pointer: str, message: str
) -> None:
    data = copy.deepcopy(sample_data)
    data["spans"][index]["attributes"] = attributes
    findings, _ = check(project, data)
    finding = one(findings, "A404")
    assert finding.pointer == pointer
    assert message in finding.message


def test_attributes_of_a_custom_label(project: Project, sample_data: Data) -> None:
    (project.root / "annotator.toml").write_text(
        'annotations = "annotations"\n[labels.hedge.attributes.strength]\ntype = "integer"\n'
    )
    data = copy.deepcopy(sample_data)
    data["spans"][3]["attributes"] = {"strength": 2}
    findings, _ = check(project, data)
    assert codes(findings) == ["A504"]  # allowed by the tag set; only the trail disagrees
    data["spans"][3]["attributes"] = {"strength": 2.5}
    findings, _ = check(project, data)
    assert "attribute 'strength' must be an integer, not float 2.5" in one(findings, "A404").message


def test_duplicate_span(project: Project, sample_data: Data) -> None:
    data = copy.deepcopy(sample_data)
    data["spans"].append({**data["spans"][0], "id": "copy"})
    findings, _ = check(project, data)
    finding = one(findings, "A406")
    assert finding.pointer == "/spans/4"
    assert finding.message == "duplicate span: /spans/0 has the same start 19, end 35 and label 'quote'"


# -- all problems, not the first -----------------------------------------------------------------------


def test_all_problems_in_one_file_are_reported(project: Project, sample_data: Data) -> None:
    data = copy.deepcopy(sample_data)
    data["spans"][0]["attributes"] = {"speaker": "minister", "mood": "x"}  # A404 (+ A504)
    data["spans"][1]["label"] = "opinion"  # A403 (+ A504)
    data["spans"][2]["text"] = "43"  # A402 (+ A504)
    data["spans"][3]["end"] = 1000  # A401 (+ A504)
    data["spans"].append({**data["spans"][2], "id": "s1"})  # A405, A406
    data["history"][9]["origin"] = "imported"  # A501
    data["document"]["id"] = "other"  # A304
    findings, _ = check(project, data)
    assert sorted(set(codes(findings))) == ["A304", "A401", "A402", "A403", "A404", "A405", "A406", "A501", "A504"]
    assert codes(findings).count("A504") == 4
    assert findings == sorted(findings, key=Finding.sort_key)


def test_schema_and_semantic_problems_together(project: Project, sample_data: Data) -> None:
    data = copy.deepcopy(sample_data)
    data["status"] = "finished"  # A204: the file fails the schema...
    data["spans"][0]["colour"] = "red"  # A203
    data["spans"][2]["text"] = "43"  # ...but the valid spans are still checked
    data["spans"][3]["label"] = "opinion"
    findings, _ = check(project, data)
    assert [(f.code, f.pointer) for f in findings] == [
        ("A204", "/status"),
        ("A203", "/spans/0/colour"),
        ("A402", "/spans/2/text"),
        ("A403", "/spans/3/label"),
    ]


def test_trail_is_checked_when_only_the_top_level_breaks_the_schema(project: Project, sample_data: Data) -> None:
    data = copy.deepcopy(sample_data)
    data["reviewer"] = "bob"  # A203: the file fails the schema...
    data["history"][9]["origin"] = "imported"  # ...and the trail was edited
    data["spans"][2]["note"] = "by hand"
    findings, _ = check(project, data)
    assert sorted((f.code, f.pointer) for f in findings) == [
        ("A203", "/reviewer"),
        ("A501", "/history/9/hash"),
        ("A504", "/spans/2/note"),
    ]


def test_trail_is_not_checked_when_a_span_is_malformed(project: Project, sample_data: Data) -> None:
    # Without every span the replay would report the missing one as missing: noise.
    data = copy.deepcopy(sample_data)
    data["spans"][2]["start"] = "44"
    findings, _ = check(project, data)
    assert [(f.code, f.pointer) for f in findings] == [("A201", "/spans/2/start")]


def test_many_schema_problems_are_all_reported(project: Project, sample_data: Data) -> None:
    data = copy.deepcopy(sample_data)
    del data["annotator"]
    data["spans"][0]["start"] = -5
    data["spans"][1]["end"] = "62"
    data["history"][0]["op"] = "move"
    data["history"][1]["at"] = "yesterday"
    findings, _ = check(project, data)
    assert [(f.code, f.pointer) for f in findings] == [
        ("A202", ""),
        ("A206", "/spans/0/start"),
        ("A201", "/spans/1/end"),
        ("A204", "/history/0/op"),
        ("A205", "/history/1/at"),
    ]
    assert findings[0].message == "missing required property 'annotator'"
    assert (findings[0].line, findings[0].col) == (1, 1)
