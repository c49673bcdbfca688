"""W3C Web Annotation: export as an AnnotationCollection, import with selector checks, round trips."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.interop.formats import w3c
from annotator.interop.model import ExportRecord, InteropError
from annotator.model.document import Document, DocumentMeta, text_sha256
from annotator.model.editing import AnnotationSet

FIXTURES = Path(__file__).parent / "fixtures" / "w3c"
TEXT = '👨🏻‍🚒 firemen drive firetrucks.\nCafé 💩 "quote" 東京 ' + "x" * 40 + " firetrucks"


def make_record(text: str, spans, doc_id: str = "doc-1", annotator: str = "alice") -> ExportRecord:
    document = Document(f"docs/{doc_id}.txt", text, DocumentMeta(doc_id), text_sha256(text))
    aset = AnnotationSet.new(document, annotator)
    for start, end, label, extra in spans:
        aset.create(start, end, label, **extra)
    return ExportRecord(Path(f"annotations/{annotator}/{doc_id}.json"), aset.to_file(), document)


def sample() -> ExportRecord:
    i = TEXT.index("firetrucks")
    return make_record(
        TEXT,
        [
            (i, i + 10, "vehicle", {"attributes": {"count": 2, "plural": True, "who=what": "a=b"}}),
            (i - 6, i + 10, "phrase", {"note": "a note\nover two lines", "group": "g1"}),
        ],
    )


def test_export_shape(tmp_path):
    dest = tmp_path / "out.jsonld"
    record = sample()
    assert w3c.export([record], dest, offsets="codepoint", options={}) == 2
    data = orjson.loads(dest.read_bytes())
    assert data["type"] == "AnnotationCollection" and data["total"] == 2
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    items = data["first"]["items"]
    assert data["first"]["type"] == "AnnotationPage" and len(items) == 2
    by_label = {a["body"][0]["value"]: a for a in items}
    vehicle, phrase = by_label["vehicle"], by_label["phrase"]
    span = next(s for s in record.file.spans if s.label == "vehicle")
    assert vehicle["id"] == f"urn:annotator:doc-1:alice:{span.id}"
    assert vehicle["type"] == "Annotation" and vehicle["motivation"] == "tagging"
    assert vehicle["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert vehicle["creator"] == {"type": "Person", "nickname": "alice"}
    assert vehicle["created"] == span.created_at and vehicle["modified"] == span.modified_at
    assert vehicle["body"][0] == {"type": "TextualBody", "purpose": "tagging", "value": "vehicle"}
    describing = [b for b in vehicle["body"] if b["purpose"] == "describing"]
    assert [orjson.loads(b["value"]) for b in describing] == [{"count": 2}, {"plural": True}, {"who=what": "a=b"}]
    quote, position = vehicle["target"]["selector"]
    assert vehicle["target"]["source"] == "docs/doc-1.txt"
    assert quote["type"] == "TextQuoteSelector" and quote["exact"] == "firetrucks"
    assert quote["prefix"] == TEXT[max(0, span.start - 32) : span.start] and len(quote["prefix"]) == 19
    assert quote["suffix"] == TEXT[span.end : span.end + 32] and len(quote["suffix"]) == 32
    assert position == {"type": "TextPositionSelector", "start": 19, "end": 29}  # code points (NOTES §5)
    assert phrase["motivation"] == "commenting"
    assert {"type": "TextualBody", "purpose": "commenting", "value": "a note\nover two lines"} in phrase["body"]
    assert {"type": "SpecificResource", "purpose": "linking", "source": "urn:annotator:group:g1"} in phrase["body"]


def test_export_refuses_utf16(tmp_path):
    with pytest.raises(InteropError, match="code points"):
        w3c.export([sample()], tmp_path / "x.json", offsets="utf16", options={})


def test_empty_export_is_valid(tmp_path):
    dest = tmp_path / "empty.json"
    assert w3c.export([], dest, offsets="codepoint", options={}) == 0
    assert orjson.loads(dest.read_bytes())["total"] == 0
    assert list(w3c.read(dest, offsets="codepoint", options={})) == []


def test_read_hand_written_collection():
    docs = list(w3c.read(FIXTURES / "collection.json", offsets="codepoint", options={}))
    assert [(d.doc_id, d.annotator) for d in docs] == [("speech-1", "alice"), ("speech-1", "bob")]
    alice, bob = docs
    assert alice.meta == {"title": "A speech"}
    quote, second = alice.spans
    assert (quote.start, quote.end, quote.label, quote.text) == (19, 35, "quote", "we will act soon")
    assert quote.attributes == {"speaker": "minister"} and quote.source == "http://example.org/anno1"
    # quote selector only: the prefix/suffix pick the second "minister"
    assert (second.start, second.end, second.label, second.note) == (42, 50, "speaker", "second mention")
    # body without purpose takes the annotation's motivation; position selector only
    (only,) = bob.spans
    assert (only.start, only.end, only.label) == (4, 12, "speaker")


def test_position_quote_mismatch_names_annotation():
    with pytest.raises(InteropError, match=r"anno-bad: TextPositionSelector \[18, 29\) covers"):
        list(w3c.read(FIXTURES / "mismatch.json", offsets="codepoint", options={}))


def test_ambiguous_and_missing_quote():
    with pytest.raises(InteropError, match=r"anno-ambiguous: quote 'minister' is ambiguous \(2 matches"):
        list(w3c.read(FIXTURES / "ambiguous.json", offsets="codepoint", options={}))
    text = (FIXTURES / "docs" / "speech.txt").read_text()
    with pytest.raises(InteropError, match="anno-ambiguous: quote 'minister' not found"):
        list(
            w3c.read(
                FIXTURES / "ambiguous.json",
                offsets="codepoint",
                options={"documents": {"docs/speech.txt": text.replace("minister", "mayor")}},
            )
        )


def test_documents_option_folder_and_missing(tmp_path):
    src = tmp_path / "a.json"
    src.write_bytes((FIXTURES / "collection.json").read_bytes())
    with pytest.raises(InteropError, match="cannot read document"):
        list(w3c.read(src, offsets="codepoint", options={}))
    docs = list(w3c.read(src, offsets="codepoint", options={"documents": FIXTURES}))
    assert docs[0].doc_id == "speech-1"
    with pytest.raises(InteropError, match="no document given"):
        list(w3c.read(src, offsets="codepoint", options={"documents": {}}))


def test_read_jsonl_of_annotations(tmp_path):
    record = sample()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "doc-1.txt").write_text(TEXT, encoding="utf-8")
    items = [w3c.annotation(record, s) for s in record.file.spans]
    src = tmp_path / "annos.jsonl"
    src.write_bytes(b"".join(orjson.dumps(a) + b"\n" for a in items))
    (doc,) = w3c.read(src, offsets="codepoint", options={})
    assert doc.doc_id == "doc-1" and len(doc.spans) == 2


# -- round trips ----------------------------------------------------------------

ALPHABET = st.sampled_from([*"ab c\n.,'\"", "é", "e\u0301", "👍", "👨🏻‍🚒", "💩", "東", "京", "\u200d", "🇫🇷"])
texts = st.lists(ALPHABET, min_size=1, max_size=50).map("".join)
attribute_values = st.one_of(st.text(max_size=5), st.booleans(), st.integers(-(2**53), 2**53))


@st.composite
def records(draw) -> ExportRecord:
    text = draw(texts)
    n = len(text)
    spans, seen = [], set()
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, n - 1))
        end = draw(st.integers(start + 1, n))
        label = draw(st.sampled_from(["quote", "claim", "num"]))
        if (start, end, label) in seen:
            continue
        seen.add((start, end, label))
        extra = {
            "attributes": draw(st.dictionaries(st.sampled_from(["speaker", "n", "a=b"]), attribute_values, max_size=3)),
            "note": draw(st.one_of(st.none(), st.text(min_size=1, max_size=8))),
            "group": draw(st.one_of(st.none(), st.sampled_from(["g1", "g:2"]))),
        }
        spans.append((start, end, label, extra))
    return make_record(text, spans)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=records())
def test_round_trip(tmp_path, record):
    dest = tmp_path / "rt.json"
    w3c.export([record], dest, offsets="codepoint", options={})
    docs = list(w3c.read(dest, offsets="codepoint", options={"documents": {"docs/doc-1.txt": record.document}}))
    if not record.file.spans:
        assert docs == []
        return
    (doc,) = docs
    assert doc.doc_id == "doc-1" and doc.annotator == "alice" and doc.text == record.document.text
    expected = sorted((s.start, s.end, s.label, s.text, s.attributes, s.note, s.group) for s in record.file.spans)
    got = sorted((s.start, s.end, s.label, s.text, s.attributes, s.note, s.group) for s in doc.spans)
    assert got == expected


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=records())
def test_quote_only_round_trip(tmp_path, record):
    """Dropping the position selectors: the quote with 32-character context finds the span when unambiguous."""
    text = record.document.text
    dest = tmp_path / "rt.json"
    w3c.export([record], dest, offsets="codepoint", options={})
    data = orjson.loads(dest.read_bytes())
    for item in data["first"]["items"]:
        item["target"]["selector"] = item["target"]["selector"][:1]
    dest.write_bytes(orjson.dumps(data))
    for span in record.file.spans:
        one = {
            **data,
            "first": {
                "type": "AnnotationPage",
                "items": [a for a in data["first"]["items"] if a["id"].endswith(":" + span.id)],
            },
        }
        dest.write_bytes(orjson.dumps(one))
        quote = one["first"]["items"][0]["target"]["selector"][0]
        candidates = [
            i
            for i in range(len(text) - len(span.text) + 1)
            if text.startswith(span.text, i)
            and text[:i].endswith(quote.get("prefix", ""))
            and text.startswith(quote.get("suffix", ""), i + len(span.text))
        ]
        if len(candidates) == 1:
            (doc,) = w3c.read(dest, offsets="codepoint", options={"documents": {"docs/doc-1.txt": text}})
            assert (doc.spans[0].start, doc.spans[0].end) == (span.start, span.end)
        else:
            with pytest.raises(InteropError, match="ambiguous"):
                list(w3c.read(dest, offsets="codepoint", options={"documents": {"docs/doc-1.txt": text}}))
