"""W3C Web Annotation: export as an AnnotationCollection, import with selector checks, round trips."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.interop.formats import w3c
from annotator.interop.model import ExportRecord, InteropError, UnreadableDocument
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


BASE = "https://example.org/news/"
SOURCE = BASE + "docs/doc-1.txt"
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s\"<>\\^`{|}]+$")
DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def has_context(node: dict) -> bool:
    """The model's rule: the anno context, alone as a string or one of a list."""
    context = node.get("@context")
    return context == w3c.CONTEXT or (isinstance(context, list) and w3c.CONTEXT in context)


def check_agent(agent) -> None:
    assert isinstance(agent, dict) and agent["type"] == "Person" and IRI.match(agent["id"]), agent
    assert isinstance(agent["nickname"], str) and agent["nickname"]


def check_annotation(item: dict, inherited: bool) -> None:
    """The W3C Web Annotation Data Model's MUSTs for one annotation, and what this export promises."""
    assert has_context(item) or inherited
    assert IRI.match(item["id"]) and item["type"] == "Annotation"
    assert item["motivation"] in ("tagging", "commenting")
    check_agent(item["creator"])
    assert DATE.match(item["created"]) and DATE.match(item["modified"])
    assert item["body"] and all(body["type"] in ("TextualBody", "SpecificResource") for body in item["body"])
    for body in item["body"]:
        assert body["purpose"] in ("tagging", "describing", "commenting", "linking")
        assert isinstance(body["value"] if body["type"] == "TextualBody" else body["source"], str)
        if "creator" in body:
            check_agent(body["creator"])
    target = item["target"]
    assert IRI.match(target["source"]), target["source"]  # absolute, not a project path
    quote, position = target["selector"]
    assert quote["type"] == "TextQuoteSelector" and isinstance(quote["exact"], str) and quote["exact"]
    assert position["type"] == "TextPositionSelector" and 0 <= position["start"] < position["end"]
    assert len(quote["exact"]) == position["end"] - position["start"]


def check_w3c(data: dict) -> None:
    """A collection as the model requires: ids, types, its first page embedded, every item valid."""
    assert has_context(data) and IRI.match(data["id"]) and data["type"] == "AnnotationCollection"
    assert isinstance(data["label"], str)
    page = data["first"]
    assert IRI.match(page["id"]) and page["id"] != data["id"] and page["type"] == "AnnotationPage"
    assert page["partOf"] == data["id"] and page["startIndex"] == 0
    assert "next" not in page  # every annotation is on the embedded page
    assert data["total"] == len(page["items"])
    for agent in data.get("creator", []):
        check_agent(agent)
    assert {item["creator"]["id"] for item in page["items"]} == {agent["id"] for agent in data.get("creator", [])}
    for item in page["items"]:
        check_annotation(item, inherited=True)


def test_export_shape(tmp_path):
    dest = tmp_path / "out.jsonld"
    record = sample()
    assert w3c.export([record], dest, offsets="codepoint", options={"base_iri": BASE}) == 2
    data = orjson.loads(dest.read_bytes())
    check_w3c(data)
    assert data["type"] == "AnnotationCollection" and data["total"] == 2
    assert data["@context"] == ["http://www.w3.org/ns/anno.jsonld", {"@base": BASE}]
    assert data["id"] == BASE + "out.jsonld" and data["first"]["id"] == BASE + "out.jsonld#page1"
    assert data["creator"] == [{"id": "urn:annotator:annotator:alice", "type": "Person", "nickname": "alice"}]
    items = data["first"]["items"]
    assert data["first"]["type"] == "AnnotationPage" and len(items) == 2
    by_label = {a["body"][0]["value"]: a for a in items}
    vehicle, phrase = by_label["vehicle"], by_label["phrase"]
    span = next(s for s in record.file.spans if s.label == "vehicle")
    assert vehicle["id"] == f"urn:annotator:doc-1:alice:{span.id}"
    assert vehicle["type"] == "Annotation" and vehicle["motivation"] == "tagging"
    assert vehicle["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert vehicle["creator"] == data["creator"][0]
    assert vehicle["created"] == span.created_at and vehicle["modified"] == span.modified_at
    # the span was made by the file's annotator: its body names no other creator
    assert vehicle["body"][0] == {"type": "TextualBody", "purpose": "tagging", "value": "vehicle"}
    describing = [b for b in vehicle["body"] if b["purpose"] == "describing"]
    assert [orjson.loads(b["value"]) for b in describing] == [{"count": 2}, {"plural": True}, {"who=what": "a=b"}]
    quote, position = vehicle["target"]["selector"]
    assert vehicle["target"]["source"] == SOURCE
    assert quote["type"] == "TextQuoteSelector" and quote["exact"] == "firetrucks"
    assert quote["prefix"] == TEXT[max(0, span.start - 32) : span.start] and len(quote["prefix"]) == 19
    assert quote["suffix"] == TEXT[span.end : span.end + 32] and len(quote["suffix"]) == 32
    assert position == {"type": "TextPositionSelector", "start": 19, "end": 29}  # code points (NOTES §5)
    assert phrase["motivation"] == "commenting"
    assert {"type": "TextualBody", "purpose": "commenting", "value": "a note\nover two lines"} in phrase["body"]
    assert {"type": "SpecificResource", "purpose": "linking", "source": "urn:annotator:group:g1"} in phrase["body"]


def test_span_creator_other_than_the_file_annotator_is_the_body_creator(tmp_path):
    dest = tmp_path / "out.jsonld"
    i = TEXT.index("firetrucks")
    record = make_record(TEXT, [(i, i + 10, "vehicle", {"by": "editor"})], annotator="gold")
    w3c.export([record], dest, offsets="codepoint", options={"base_iri": BASE})
    (item,) = orjson.loads(dest.read_bytes())["first"]["items"]
    assert item["creator"]["nickname"] == "gold"
    assert item["body"][0]["creator"] == {
        "id": "urn:annotator:annotator:editor",
        "type": "Person",
        "nickname": "editor",
    }
    (doc,) = w3c.read(dest, offsets="codepoint", options={"documents": {SOURCE: record.document}})
    assert doc.annotator == "gold"


def test_export_refuses_utf16(tmp_path):
    with pytest.raises(InteropError, match="code points"):
        w3c.export([sample()], tmp_path / "x.json", offsets="utf16", options={})


def test_empty_export_is_valid(tmp_path):
    dest = tmp_path / "empty.json"
    assert w3c.export([], dest, offsets="codepoint", options={}) == 0
    data = orjson.loads(dest.read_bytes())
    check_w3c(data)
    assert data["total"] == 0 and data["id"] == dest.as_uri() and "creator" not in data
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
    (missing,) = w3c.read(src, offsets="codepoint", options={})
    assert isinstance(missing, UnreadableDocument)
    assert str(missing) == (
        f"{src}: annotation http://example.org/anno1: no text for document docs/speech.txt: "
        f"looked for docs/speech.txt, speech.txt in {tmp_path}; a W3C export carries no texts: "
        "pass --docs DIR with the texts (a folder inside the project, the files named as in the IRIs)"
    )
    docs = list(w3c.read(src, offsets="codepoint", options={"documents": FIXTURES}))
    assert docs[0].doc_id == "speech-1"
    with pytest.raises(InteropError, match="no document given"):
        list(w3c.read(src, offsets="codepoint", options={"documents": {}}))


def test_read_jsonl_of_annotations(tmp_path):
    record = sample()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "doc-1.txt").write_text(TEXT, encoding="utf-8")
    source = (tmp_path / "docs" / "doc-1.txt").as_uri()  # a file: IRI inside the source folder is read
    items = [w3c.annotation(record, s, source) for s in record.file.spans]
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
    w3c.export([record], dest, offsets="codepoint", options={"base_iri": BASE})
    docs = list(w3c.read(dest, offsets="codepoint", options={"documents": {SOURCE: record.document}}))
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
    w3c.export([record], dest, offsets="codepoint", options={"base_iri": BASE})
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
            (doc,) = w3c.read(dest, offsets="codepoint", options={"documents": {SOURCE: text}})
            assert (doc.spans[0].start, doc.spans[0].end) == (span.start, span.end)
        else:
            with pytest.raises(InteropError, match="ambiguous"):
                list(w3c.read(dest, offsets="codepoint", options={"documents": {SOURCE: text}}))
