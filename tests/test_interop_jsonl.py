"""Prodigy-compatible JSONL: export, import of real Prodigy files, round trips."""

from __future__ import annotations

import re
import time
from pathlib import Path

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.interop.formats import jsonl
from annotator.interop.model import ExportRecord, UnreadableDocument
from annotator.interop.offsets import OffsetMap
from annotator.model.document import Document, DocumentMeta, text_sha256
from annotator.model.editing import AnnotationSet

FIXTURES = Path(__file__).parent / "fixtures" / "prodigy"
TEXT = '👨🏻‍🚒 firemen drive firetrucks.\nCafé 💩 "quote" 東京'


def make_record(text: str, spans, doc_id: str = "doc-1", annotator: str = "alice", **meta) -> ExportRecord:
    document = Document(f"docs/{doc_id}.txt", text, DocumentMeta(doc_id, **meta), text_sha256(text))
    aset = AnnotationSet.new(document, annotator)
    for start, end, label, extra in spans:
        aset.create(start, end, label, **extra)
    file = aset.to_file()
    return ExportRecord(Path(f"annotations/{annotator}/{doc_id}.json"), file, document)


def unreadable(items) -> list[str]:
    """The lines the reader could not read, as it names them (it yields them and goes on)."""
    return [str(item) for item in items if isinstance(item, UnreadableDocument)]


def sample() -> ExportRecord:
    i = TEXT.index("firetrucks")
    return make_record(
        TEXT,
        [
            (i, i + 10, "vehicle", {"attributes": {"count": 2, "plural": True, "kind": "truck"}}),
            (i - 6, i + 10, "phrase", {"note": "overlaps\nthe vehicle", "group": "g1"}),
            (0, 7, "emoji", {}),
        ],
        title="Firemen",
        language="en",
    )


def test_export_fields_and_order(tmp_path):
    dest = tmp_path / "out.jsonl"
    assert jsonl.export([sample()], dest, offsets="codepoint", options={}) == 3
    lines = dest.read_bytes().splitlines()
    assert len(lines) == 1
    task = orjson.loads(lines[0])
    assert list(task) == ["text", "spans", "meta", "_input_hash", "_task_hash", "answer"]
    assert task["answer"] == "accept"
    assert task["meta"] == {
        "id": "doc-1",
        "title": "Firemen",
        "language": "en",
        "path": "docs/doc-1.txt",
        "annotator": "alice",
    }
    first = task["spans"][0]
    assert list(first) == ["start", "end", "label", "text", "id"]
    assert (first["start"], first["end"], first["text"]) == (0, 7, TEXT[:7])
    vehicle = next(s for s in task["spans"] if s["label"] == "vehicle")
    assert (vehicle["start"], vehicle["end"]) == (19, 29)  # NOTES §5: code points
    assert list(vehicle) == ["start", "end", "label", "text", "attributes", "id"]
    phrase = next(s for s in task["spans"] if s["label"] == "phrase")
    assert list(phrase) == ["start", "end", "label", "text", "note", "id", "group"]
    for key in ("_input_hash", "_task_hash"):
        assert isinstance(task[key], int) and -(2**31) <= task[key] < 2**31
    assert task["_input_hash"] == jsonl.input_hash(TEXT)


def test_export_utf16_offsets(tmp_path):
    dest = tmp_path / "out.jsonl"
    jsonl.export([sample()], dest, offsets="utf16", options={})
    task = orjson.loads(dest.read_bytes())
    vehicle = next(s for s in task["spans"] if s["label"] == "vehicle")
    assert (vehicle["start"], vehicle["end"]) == (22, 32)  # NOTES §5: UTF-16 units
    assert task["meta"]["offsets"] == "utf16"
    [refused] = unreadable(jsonl.read(dest, offsets="codepoint", options={}))
    assert "utf16" in refused


def test_hashes_are_deterministic_and_depend_on_spans(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    jsonl.export([sample()], a, offsets="codepoint", options={})
    jsonl.export([sample()], b, offsets="codepoint", options={})
    ta, tb = orjson.loads(a.read_bytes()), orjson.loads(b.read_bytes())
    assert (ta["_input_hash"], ta["_task_hash"]) == (tb["_input_hash"], tb["_task_hash"])
    other = make_record(TEXT, [(0, 7, "emoji", {})])
    c = tmp_path / "c.jsonl"
    jsonl.export([other], c, offsets="codepoint", options={})
    tc = orjson.loads(c.read_bytes())
    assert tc["_input_hash"] == ta["_input_hash"] and tc["_task_hash"] != ta["_task_hash"]


def test_read_prodigy_fixture():
    messages: list[str] = []
    stats: dict = {}
    docs = list(
        jsonl.read(
            FIXTURES / "ner_manual.jsonl", offsets="codepoint", options={"report": messages.append, "stats": stats}
        )
    )
    assert [d.doc_id for d in docs] == ["tc-001", "tc-003"]
    assert docs[0].annotator == "news_ner-alice" and docs[1].annotator == "news_ner-bob"
    assert docs[0].meta == {"source": "techcrunch"}
    assert [(s.start, s.end, s.label) for s in docs[0].spans] == [(0, 5, "ORG"), (18, 35, "PRODUCT")]
    assert docs[0].source.endswith("ner_manual.jsonl:1")
    assert docs[1].spans[0].text == "Tim Cook" and docs[1].text[2:10] == "Tim Cook"
    assert stats == {"skipped_reject": 1, "skipped_ignore": 1}
    assert len(messages) == 1 and "1 rejected and 1 ignored" in messages[0]


def test_read_errors_name_file_and_line():
    """A bad line is yielded as unreadable, naming file and line; the good line before it is read."""
    items = list(jsonl.read(FIXTURES / "bad_json.jsonl", offsets="codepoint", options={}))
    assert [item.text for item in items if not isinstance(item, UnreadableDocument)] == ["fine"]
    [refused] = unreadable(items)
    assert re.search(r"bad_json\.jsonl:2: invalid JSON", refused)
    [refused] = unreadable(jsonl.read(FIXTURES / "bad_span.jsonl", offsets="codepoint", options={}))
    assert re.search(r"bad_span\.jsonl:2: spans\[0\]: span 'end' must be an integer", refused)


def test_read_doc_id_fallback_and_crlf(tmp_path):
    src = tmp_path / "in.jsonl"
    text = "one\r\ntwo\r\nthree"
    src.write_bytes(orjson.dumps({"text": text, "spans": [{"start": 10, "end": 15, "label": "x"}]}) + b"\n")
    (doc,) = jsonl.read(src, offsets="codepoint", options={})
    assert doc.text == "one\ntwo\nthree"
    assert doc.doc_id == text_sha256(doc.text)[:16]
    span = doc.spans[0]
    assert doc.text[span.start : span.end] == "three"


def test_read_utf16_inside_surrogate_is_an_error(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(orjson.dumps({"text": "💩ab", "spans": [{"start": 1, "end": 3, "label": "x"}]}) + b"\n")
    [refused] = unreadable(jsonl.read(src, offsets="utf16", options={}))
    assert re.search(r"in\.jsonl:1: spans\[0\]: .*surrogate", refused)


# -- round trips ----------------------------------------------------------------

ALPHABET = st.sampled_from([*"ab c\n.,'\"", "é", "e\u0301", "👍", "👨🏻‍🚒", "💩", "東", "京", "\u200d", "🇫🇷", "\t"])
texts = st.lists(ALPHABET, min_size=1, max_size=40).map("".join)
attribute_values = st.one_of(st.text(max_size=5), st.booleans(), st.integers(-(2**53), 2**53))


@st.composite
def records(draw) -> ExportRecord:
    text = draw(texts)
    n = len(text)
    spans = []
    seen = set()
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, n - 1))
        end = draw(st.integers(start + 1, n))
        label = draw(st.sampled_from(["quote", "claim", "num"]))
        if (start, end, label) in seen:
            continue
        seen.add((start, end, label))
        extra = {
            "attributes": draw(
                st.dictionaries(st.sampled_from(["speaker", "n", "ok", "a=b"]), attribute_values, max_size=3)
            ),
            "note": draw(st.one_of(st.none(), st.text(min_size=1, max_size=8))),
        }
        spans.append((start, end, label, extra))
    return make_record(text, spans)


def span_tuples(record: ExportRecord):
    return sorted((s.start, s.end, s.label, s.text, s.attributes, s.note, s.group) for s in record.file.spans)


def imported_tuples(doc):
    return sorted((s.start, s.end, s.label, s.text, s.attributes, s.note, s.group) for s in doc.spans)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=records(), unit=st.sampled_from(jsonl.OFFSET_UNITS))
def test_round_trip(tmp_path, record, unit):
    dest = tmp_path / "rt.jsonl"
    jsonl.export([record], dest, offsets=unit, options={})
    (doc,) = jsonl.read(dest, offsets=unit, options={})
    assert doc.text == record.document.text
    assert doc.doc_id == record.document.id and doc.annotator == "alice"
    assert imported_tuples(doc) == span_tuples(record)
    assert {s.source for s in doc.spans} == {f"rt.jsonl#line-1/{s.id}" for s in record.file.spans}
    if unit == "utf16":
        omap = OffsetMap(doc.text)
        raw = orjson.loads(dest.read_bytes())
        assert sorted((s["start"], s["end"]) for s in raw["spans"]) == sorted(
            (omap.to_utf16(s.start), omap.to_utf16(s.end)) for s in record.file.spans
        )


def test_many_records_stream_and_speed(tmp_path):
    text = ('Some words of a news article, quoted "here" 👍. ' * 40).strip()
    base = make_record(text, [(i * 10, i * 10 + 7, "claim", {"attributes": {"n": i}}) for i in range(60)])
    records = [base] * 400
    dest = tmp_path / "many.jsonl"
    t0 = time.perf_counter()
    assert jsonl.export(iter(records), dest, offsets="codepoint", options={}) == 400 * 60
    ours = time.perf_counter() - t0
    # The baseline: a bare orjson dump of the same records' content.
    t0 = time.perf_counter()
    with open(tmp_path / "bare.jsonl", "wb") as out:
        for r in records:
            out.write(
                orjson.dumps(
                    {
                        "text": r.document.text,
                        "spans": [
                            {
                                "start": s.start,
                                "end": s.end,
                                "label": s.label,
                                "text": s.text,
                                "attributes": s.attributes,
                                "id": s.id,
                            }
                            for s in r.file.spans
                        ],
                    },
                    option=orjson.OPT_APPEND_NEWLINE,
                )
            )
    bare = time.perf_counter() - t0
    assert len(dest.read_bytes().splitlines()) == 400
    assert ours < 3 * bare + 0.05, (ours, bare)
