"""doccano JSONL: sequence-labeling and relation projects, offsets in UTF-16
units and code points, file:line errors and an export→read round trip
(start, end, label only: doccano has no place for attributes or notes)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.interop.formats import doccano
from annotator.interop.model import ExportRecord, InteropError
from annotator.model.annotation import ForeignRecord
from annotator.model.document import Document, DocumentMeta, text_sha256
from annotator.model.editing import AnnotationSet
from tests.conftest import read_strictly

FIXTURES = Path(__file__).parent / "fixtures" / "doccano"
POOP = "💩This is an annotation."
FR = "Le ministre 👨🏻‍🚒 a dit « Nous agirons vite » ; cafe\u0301 à 東京 : 1400万人 peut-être."


def _record(text: str, annotator: str, spans, *, doc_id: str = "doc-1", **meta) -> ExportRecord:
    document = Document(f"docs/{doc_id}.txt", text, DocumentMeta(doc_id, **meta), text_sha256(text))
    annotations = AnnotationSet.new(document, annotator)
    for start, end, label, kwargs in spans:
        annotations.create(start, end, label, **kwargs)
    return ExportRecord(Path(f"annotations/{doc_id}/{annotator}.json"), annotations.to_file(), document)


def _read(path: Path, offsets: str = "utf16", **options):
    return read_strictly(doccano.read(path, offsets=offsets, options=options))


def _lines(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_contract():
    assert doccano.NAME == "doccano"
    assert doccano.OFFSET_UNITS[0] == "utf16"
    assert set(doccano.OFFSET_UNITS) == {"utf16", "codepoint"}


def test_notes_vector(tmp_path):
    record = _record(POOP, "alice", [(12, 22, "claim", {})])
    for unit, expected in (("utf16", [13, 23, "claim"]), ("codepoint", [12, 22, "claim"])):
        dest = tmp_path / f"{unit}.jsonl"
        assert doccano.export([record], dest, offsets=unit, options={}) == 1
        [line] = _lines(dest)
        assert line["label"] == [expected]
        [doc] = _read(dest, unit)
        assert [(s.start, s.end, s.label) for s in doc.spans] == [(12, 22, "claim")]


def test_firetruck_vector(tmp_path):
    text = "👨🏻‍🚒 firemen drive firetrucks"
    dest = tmp_path / "f.jsonl"
    doccano.export([_record(text, "alice", [(19, 29, "claim", {})])], dest, offsets="utf16", options={})
    assert _lines(dest)[0]["label"] == [[22, 32, "claim"]]


def test_read_fixture():
    alice, bob, poop = _read(FIXTURES / "news.jsonl")
    assert (alice.doc_id, alice.annotator, alice.text) == ("fr-ministre", "alice", FR)
    assert alice.meta == {"title": "Le ministre", "language": "fr"}
    assert [(s.start, s.end, s.label, FR[s.start : s.end]) for s in alice.spans] == [
        (25, 42, "quote", "Nous agirons vite"),
        (55, 66, "claim", "東京 : 1400万人"),
        (60, 66, "number", "1400万人"),
    ]
    assert alice.spans[0].source == "news.jsonl:1#label-1"
    assert bob.annotator == "bob"
    assert [FR[s.start : s.end] for s in bob.spans] == ["cafe\u0301", "peut-être"]
    assert (poop.doc_id, poop.annotator) == ("doccano-12", None)
    assert [(s.start, s.end) for s in poop.spans] == [(12, 22)]


def test_read_default_annotator_option():
    *_, poop = _read(FIXTURES / "news.jsonl", annotator="carol")
    assert poop.annotator == "carol"


def test_read_relation_project():
    claim_doc, poop = _read(FIXTURES / "relations.jsonl")
    assert claim_doc.doc_id == "doccano-1"
    spans = {s.source: s for s in claim_doc.spans}
    claim = spans["relations.jsonl:1#entity-101"]
    number = spans["relations.jsonl:1#entity-102"]
    assert FR[claim.start : claim.end] == "東京 : 1400万人" and claim.label == "claim"
    assert FR[number.start : number.end] == "1400万人"
    [relation] = claim_doc.records
    assert (relation.format, relation.kind, relation.id) == ("doccano", "relation", "7")
    assert relation.span_sources == ("relations.jsonl:1#entity-101", "relations.jsonl:1#entity-102")
    assert orjson.loads(relation.record)["type"] == "supported_by"
    assert [(s.start, s.end) for s in poop.spans] == [(12, 22)]


def test_misaligned_refused_with_file_and_line():
    with pytest.raises(InteropError) as err:
        _read(FIXTURES / "misaligned.jsonl")
    message = str(err.value)
    assert "misaligned.jsonl:2" in message and "[1, 5)" in message and "surrogate" in message


@pytest.mark.parametrize(
    ("line", "pattern"),
    [
        ('{"text": "abc", "label": [[0, 9, "claim"]]}', "outside the text"),
        ('{"text": "abc", "label": [[2, 2, "claim"]]}', "empty"),
        ('{"text": "abc", "label": [[0, "2", "claim"]]}', "integers"),
        ('{"text": "abc", "label": [[0, 2]]}', "expected"),
        ('{"label": []}', "no 'text'"),
        ("[1, 2]", "JSON object"),
        ('{"text": "abc", ', "invalid JSON"),
        (
            '{"text": "abc", "entities": [{"id": 1, "label": "x", "start_offset": 0, "end_offset": 1}],'
            ' "relations": [{"id": 1, "from_id": 1, "to_id": 5, "type": "r"}]}',
            "unknown entity 5",
        ),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path, line, pattern):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "fine", "label": []}\n\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InteropError, match=rf"bad\.jsonl:3\b.*{pattern}"):
        _read(path)


def test_export_shape(tmp_path):
    records = [
        _record(
            FR, "alice", [(25, 42, "quote", {"attributes": {"speaker": "x"}, "note": "lost"})], doc_id="fr", title="T"
        ),
        _record(FR, "bob", [(47, 52, "hedge", {})], doc_id="fr", title="T"),
    ]
    dest = tmp_path / "out.jsonl"
    assert doccano.export(iter(records), dest, offsets="utf16", options={}) == 2
    first, second = _lines(dest)
    assert first == {"id": "fr", "text": FR, "label": [[28, 45, "quote"]], "annotator": "alice", "title": "T"}
    assert second["label"] == [[50, 55, "hedge"]] and second["annotator"] == "bob"


def test_export_relation_form_with_kept_relation(tmp_path):
    [claim_doc, _] = _read(FIXTURES / "relations.jsonl")
    [relation] = claim_doc.records
    record = _record(FR, "alice", [(55, 66, "claim", {"span_id": "c1"}), (60, 66, "number", {"span_id": "n1"})])
    file = record.file.model_copy(
        update={
            "foreign": [
                ForeignRecord(format="doccano", kind="relation", id="7", record=relation.record, spans=["c1", "n1"])
            ]
        }
    )
    dest = tmp_path / "rel.jsonl"
    doccano.export(
        [ExportRecord(record.path, file, record.document)], dest, offsets="utf16", options={"relations": True}
    )
    [line] = _lines(dest)
    assert line["entities"] == [
        {"id": 1, "label": "claim", "start_offset": 58, "end_offset": 69},
        {"id": 2, "label": "number", "start_offset": 63, "end_offset": 69},
    ]
    assert line["relations"] == [{"id": 1, "from_id": 1, "to_id": 2, "type": "supported_by"}]
    [doc] = _read(dest)
    assert [(s.start, s.end, s.label) for s in doc.spans] == [(55, 66, "claim"), (60, 66, "number")]
    assert doc.records[0].span_sources == ("rel.jsonl:1#entity-1", "rel.jsonl:1#entity-2")


# -- round trip: start, end, label -------------------------------------------

PIECES = ["a", "b", " ", "é", "e\u0301", "東", "京", "💩", "👨🏻‍🚒", "😀", "\n", "«"]
texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map("".join)


@st.composite
def annotated(draw):
    text = draw(texts)
    n = len(text)
    spans = {}
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, n - 1))
        end = draw(st.integers(start + 1, n))
        label = draw(st.sampled_from(["quote", "claim", "hedge", "number"]))
        spans[(start, end, label)] = (start, end, label, {})
    return text, list(spans.values())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.lists(annotated(), min_size=1, max_size=3),
    unit=st.sampled_from(["utf16", "codepoint"]),
    relations=st.booleans(),
)
def test_round_trip(data, unit, relations):
    records = [
        _record(text, annotator, spans, doc_id=f"d{index}")
        for index, (text, spans) in enumerate(data)
        for annotator in ("alice", "bob")
    ]
    expected = [
        (r.document.id, r.file.annotator, r.document.text, sorted((s.start, s.end, s.label) for s in r.file.spans))
        for r in records
    ]
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "out.jsonl"
        doccano.export(iter(records), dest, offsets=unit, options={"relations": relations})
        docs = list(doccano.read(dest, offsets=unit, options={}))
    got = [(d.doc_id, d.annotator, d.text, sorted((s.start, s.end, s.label) for s in d.spans)) for d in docs]
    assert got == expected


def test_export_reports_what_doccano_cannot_carry(tmp_path):
    record = _record(POOP, "alice", [(12, 22, "claim", {"note": "n"}), (1, 5, "hedge", {})])
    messages: list[str] = []
    doccano.export([record], tmp_path / "o.jsonl", offsets="utf16", options={"report": messages.append})
    assert messages == ["doccano: 1 span(s) lost attributes, notes or groups, which doccano JSONL cannot carry"]
