"""Label Studio JSON: fixtures in the real export shape, offsets in UTF-16 units
and code points, per-region attributes and notes, and an export→read round trip."""

from __future__ import annotations

import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.interop.formats import label_studio
from annotator.interop.model import ExportRecord, InteropError, UnreadableDocument
from annotator.model.annotation import ForeignRecord
from annotator.model.document import Document, DocumentMeta, text_sha256
from annotator.model.editing import AnnotationSet
from annotator.model.tagset import AttributeSpec, LabelSpec, TagSet, default_tagset

FIXTURES = Path(__file__).parent / "fixtures" / "label_studio"
POOP = "💩This is an annotation."
FR = "Le ministre 👨🏻‍🚒 a dit « Nous agirons vite » ; cafe\u0301 à 東京 : 1400万人 peut-être."


def _record(text: str, annotator: str, spans, *, doc_id: str = "doc-1", tagset=None, **meta) -> ExportRecord:
    document = Document(f"docs/{doc_id}.txt", text, DocumentMeta(doc_id, **meta), text_sha256(text))
    annotations = AnnotationSet.new(document, annotator, tagset=tagset)
    for start, end, label, kwargs in spans:
        annotations.create(start, end, label, **kwargs)
    return ExportRecord(Path(f"annotations/{doc_id}/{annotator}.json"), annotations.to_file(), document)


def _read(path: Path, offsets: str = "utf16", **options):
    """The documents read; InteropError for the first one the reader could not read (it yields
    an UnreadableDocument for it and goes on with the next)."""
    items = list(label_studio.read(path, offsets=offsets, options=options))
    for item in items:
        if isinstance(item, UnreadableDocument):
            raise InteropError(str(item))
    return items


def test_contract():
    assert label_studio.NAME == "label-studio"
    assert label_studio.OFFSET_UNITS[0] == "utf16"
    assert set(label_studio.OFFSET_UNITS) == {"utf16", "codepoint"}


# -- NOTES test vectors -------------------------------------------------------


def test_notes_vector_export_utf16_and_codepoint(tmp_path):
    start = POOP.index("annotation")
    assert start == 12
    record = _record(POOP, "alice", [(start, start + 10, "claim", {})])
    for unit, expected in (("utf16", (13, 23)), ("codepoint", (12, 22))):
        dest = tmp_path / f"{unit}.json"
        assert label_studio.export([record], dest, offsets=unit, options={}) == 1
        value = orjson.loads(dest.read_bytes())[0]["annotations"][0]["result"][0]["value"]
        assert (value["start"], value["end"]) == expected
        assert value["text"] == "annotation"


def test_firetruck_vector(tmp_path):
    text = "👨🏻‍🚒 firemen drive firetrucks"
    record = _record(text, "alice", [(19, 29, "claim", {})])
    dest = tmp_path / "out.json"
    label_studio.export([record], dest, offsets="utf16", options={})
    value = orjson.loads(dest.read_bytes())[0]["annotations"][0]["result"][0]["value"]
    assert (value["start"], value["end"], value["text"]) == (22, 32, "firetrucks")
    [doc] = _read(dest)
    assert [(s.start, s.end) for s in doc.spans] == [(19, 29)]


# -- read the fixture ---------------------------------------------------------


def test_read_fixture():
    docs = _read(FIXTURES / "news.json")
    # task 101: one annotation and a model's prediction; task 102: two annotators, the cancelled one is skipped
    assert [(d.doc_id, d.annotator, d.predicted) for d in docs] == [
        ("poop-vector", "labelstudio-1", False),
        ("poop-vector", "ner-v2", True),
        ("fr-ministre", "alice@example.com", False),
        ("fr-ministre", "labelstudio-2", False),
    ]
    poop, _, alice, bob = docs
    assert [(s.start, s.end, s.label, s.text) for s in poop.spans] == [(12, 22, "claim", "annotation")]
    assert poop.spans[0].source == "news.json#task-101/r1a"
    assert poop.meta == {"title": "Offsets test vector"}

    assert alice.text == FR
    spans = {s.label: s for s in alice.spans}
    assert (spans["quote"].start, spans["quote"].end) == (25, 42)
    assert spans["quote"].attributes == {"speaker": "le ministre"}
    assert spans["quote"].note == "direct quote\ncheck the video"
    assert (spans["number"].start, spans["number"].end) == (60, 66)
    assert spans["number"].attributes == {"value": 14000000, "unit": "people"}
    assert FR[spans["claim"].start : spans["claim"].end] == "東京 : 1400万人"
    assert spans["claim"].attributes == {"check_worthiness": "high"}
    assert alice.meta == {"title": "Le ministre", "publisher": "Le Quotidien", "language": "fr"}

    kinds = {r.kind: r for r in alice.records}
    relation = kinds["relation"]
    assert relation.format == "label-studio"
    assert relation.span_sources == ("news.json#task-102/c-1", "news.json#task-102/n-1")
    assert orjson.loads(relation.record)["labels"] == ["supported_by"]
    # a document-level choice has no region: kept as a record
    assert kinds["choices"].id == "doc-topic" and kinds["choices"].span_sources == ()

    # the combining accent is part of the span: "cafe" + U+0301
    hedges = sorted((s.start, s.end, FR[s.start : s.end]) for s in bob.spans)
    assert hedges == [(47, 52, "cafe\u0301"), (67, 76, "peut-être")]


def test_read_predictions_as_the_models_and_on_request_as_spans():
    """Predictions are always read: marked predicted (stored as suggestions), or with
    options["predictions"] (--predictions) as the spans of an annotator named after the model."""
    for options, predicted in (({}, True), ({"predictions": True}, False)):
        docs = _read(FIXTURES / "news.json", **options)
        [model] = [d for d in docs if d.annotator == "ner-v2"]
        assert model.predicted is predicted
        assert [(s.start, s.end, s.label) for s in model.spans] == [(1, 5, "hedge")]
        assert all(not d.predicted for d in docs if d is not model)


def test_read_fixture_in_wrong_unit_is_refused_with_position():
    with pytest.raises(InteropError) as err:
        _read(FIXTURES / "news.json", offsets="codepoint")
    message = str(err.value)
    assert "news.json" in message and "task 101" in message and "result r1a" in message
    assert "[13, 23)" in message and "utf16" in message


def test_misaligned_span_refused_with_position():
    with pytest.raises(InteropError) as err:
        _read(FIXTURES / "misaligned.json", offsets="utf16")
    message = str(err.value)
    assert "misaligned.json" in message
    assert "task 7" in message and "result bad-1" in message and "[12, 22)" in message
    assert "try --offsets codepoint" in message
    # read in code points the same file is fine
    [doc] = _read(FIXTURES / "misaligned.json", offsets="codepoint")
    assert [(s.start, s.end) for s in doc.spans] == [(12, 22)]


def _one_result_task(tmp_path: Path, value: dict) -> Path:
    task = {
        "id": 3,
        "data": {"text": POOP},
        "annotations": [
            {
                "completed_by": 1,
                "result": [
                    {"id": "x", "from_name": "label", "to_name": "text", "type": "labels", "value": value},
                ],
            }
        ],
    }
    path = tmp_path / "one.json"
    path.write_bytes(orjson.dumps([task]))
    return path


def test_offset_inside_surrogate_pair_refused(tmp_path):
    path = _one_result_task(tmp_path, {"start": 1, "end": 5, "labels": ["hedge"]})
    with pytest.raises(InteropError, match=r"one\.json: task 3: result x: \[1, 5\) \(utf16\).*surrogate"):
        _read(path)


def test_offset_outside_text_and_empty_refused(tmp_path):
    path = _one_result_task(tmp_path, {"start": 2, "end": 99, "labels": ["hedge"]})
    with pytest.raises(InteropError, match="outside the text"):
        _read(path)
    path = _one_result_task(tmp_path, {"start": 6, "end": 6, "labels": ["hedge"]})
    with pytest.raises(InteropError, match="empty"):
        _read(path)


def test_text_from_first_string_and_task_id(tmp_path):
    task = {"id": 9, "data": {"url": 5, "body": "abc def"}, "annotations": [{"completed_by": "carol", "result": []}]}
    path = tmp_path / "t.json"
    path.write_bytes(orjson.dumps([task]))
    [doc] = _read(path)
    assert (doc.doc_id, doc.text, doc.annotator) == ("task-9", "abc def", "carol")


def test_invalid_json_names_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[{"id": 1,', encoding="utf-8")
    with pytest.raises(InteropError, match=r"broken\.json:1:\d+: invalid JSON"):
        _read(path)


# -- export shape -------------------------------------------------------------


def test_export_shape_two_annotators(tmp_path):
    tagset = default_tagset()
    quote = (25, 42, "quote", {"attributes": {"speaker": "le ministre"}, "note": "direct"})
    claim = (55, 66, "claim", {"attributes": {"check_worthiness": "high"}})
    number = (60, 66, "number", {"attributes": {"value": 14000000, "unit": "people"}})
    records = [
        _record(FR, "alice", [quote, claim, number], doc_id="fr", tagset=tagset, title="Le ministre"),
        _record(FR, "bob", [(47, 52, "hedge", {})], doc_id="fr", tagset=tagset, title="Le ministre"),
        _record(POOP, "alice", [(12, 22, "claim", {})], doc_id="poop"),
    ]
    dest = tmp_path / "export.json"
    assert label_studio.export(iter(records), dest, offsets="utf16", options={"tagset": tagset}) == 5
    tasks = orjson.loads(dest.read_bytes())
    assert len(tasks) == 2
    task = tasks[0]
    assert task["data"] == {"text": FR, "meta": {"id": "fr", "title": "Le ministre"}}
    assert [a["completed_by"] for a in task["annotations"]] == ["alice", "bob"]
    assert "created_at" in task["annotations"][0]
    results = task["annotations"][0]["result"]
    by_id: dict[str, list[dict]] = {}
    for result in results:
        assert result["to_name"] == "text" and result["origin"] == "manual"
        by_id.setdefault(result["id"], []).append(result)
    quote_results = next(r for r in by_id.values() if r[0]["value"].get("labels") == ["quote"])
    assert [(r["from_name"], r["type"]) for r in quote_results] == [
        ("label", "labels"),
        ("speaker", "textarea"),
        ("note", "textarea"),
    ]
    assert quote_results[0]["value"] == {"start": 28, "end": 45, "text": "Nous agirons vite", "labels": ["quote"]}
    assert quote_results[1]["value"] == {"start": 28, "end": 45, "text": ["le ministre"]}
    assert quote_results[2]["value"] == {"start": 28, "end": 45, "text": ["direct"]}
    claim_results = next(r for r in by_id.values() if r[0]["value"].get("labels") == ["claim"])
    assert claim_results[1]["type"] == "choices" and claim_results[1]["value"]["choices"] == ["high"]
    number_results = next(r for r in by_id.values() if r[0]["value"].get("labels") == ["number"])
    assert {r["from_name"]: r["type"] for r in number_results[1:]} == {"unit": "textarea", "value": "number"}
    assert tasks[1]["data"]["meta"] == {"id": "poop"}


def test_export_as_predictions(tmp_path):
    record = _record(POOP, "model-a", [(12, 22, "claim", {})])
    dest = tmp_path / "pred.json"
    label_studio.export([record], dest, offsets="utf16", options={"as_predictions": True})
    [task] = orjson.loads(dest.read_bytes())
    assert "annotations" not in task
    [prediction] = task["predictions"]
    assert prediction["model_version"] == "model-a"
    assert prediction["result"][0]["origin"] == "prediction"
    [doc] = _read(dest)
    assert doc.annotator == "model-a" and doc.predicted


def test_export_empty_is_valid_json(tmp_path):
    dest = tmp_path / "empty.json"
    assert label_studio.export([], dest, offsets="utf16", options={}) == 0
    assert orjson.loads(dest.read_bytes()) == []


def test_labeling_config(tmp_path):
    dest = tmp_path / "project.json"
    label_studio.export([], dest, offsets="utf16", options={})
    root = ET.fromstring((tmp_path / "project.config.xml").read_text(encoding="utf-8"))
    labels = root.find("Labels")
    assert labels.get("name") == "label" and labels.get("toName") == "text"
    assert [(x.get("value"), x.get("background")) for x in labels.findall("Label")] == [
        (spec.name, spec.color) for spec in default_tagset()
    ]
    assert root.find("Text").attrib == {"name": "text", "value": "$text"}
    controls = {c.get("name"): c for c in root.iter() if c.get("perRegion") == "true"}
    assert set(controls) == {"speaker", "check_worthiness", "value", "unit", "note"}
    assert controls["check_worthiness"].tag == "Choices"
    assert [c.get("value") for c in controls["check_worthiness"]] == ["high", "medium", "low"]
    assert controls["value"].tag == "Number"
    assert controls["speaker"].tag == "TextArea" and controls["note"].tag == "TextArea"
    assert all(c.get("toName") == "text" for c in controls.values())


def test_reserved_attribute_names_and_booleans_round_trip(tmp_path):
    tagset = TagSet(
        [
            LabelSpec(
                "claim",
                "",
                "c",
                "#ffffff",
                {
                    "note": AttributeSpec("note", "string"),
                    "verified": AttributeSpec("verified", "boolean"),
                    "count": AttributeSpec("count", "integer"),
                },
            )
        ]
    )
    attributes = {"note": "an attribute called note", "verified": False, "count": 3}
    record = _record(POOP, "alice", [(12, 22, "claim", {"attributes": attributes, "note": "the real note"})])
    dest = tmp_path / "r.json"
    label_studio.export([record], dest, offsets="utf16", options={"tagset": tagset})
    [doc] = _read(dest, tagset=tagset)
    [span] = doc.spans
    assert span.attributes == attributes
    assert span.note == "the real note"
    config = (tmp_path / "r.config.xml").read_text(encoding="utf-8")
    assert 'name="attribute.note"' in config


def test_relation_foreign_record_exported_back(tmp_path):
    [alice] = [d for d in _read(FIXTURES / "news.json") if d.annotator == "alice@example.com"]
    relation = next(r for r in alice.records if r.kind == "relation")
    record = _record(FR, "alice", [(55, 66, "claim", {"span_id": "c1"}), (60, 66, "number", {"span_id": "n1"})])
    taxonomy = {
        "id": "old-region",
        "from_name": "topic",
        "to_name": "text",
        "type": "taxonomy",
        "value": {"start": 1, "end": 2, "taxonomy": [["Politics", "France"]]},
    }
    foreign = [
        ForeignRecord(
            format="label-studio", kind="relation", id=relation.id, record=relation.record, spans=["c1", "n1"]
        ),
        ForeignRecord(
            format="label-studio", kind="taxonomy", id="t", record=orjson.dumps(taxonomy).decode(), spans=["c1"]
        ),
        ForeignRecord(format="label-studio", kind="relation", id="gone", record=relation.record, spans=["c1", "zz"]),
        ForeignRecord(format="brat", kind="relation", id="R1", record="R1\tX Arg1:T1 Arg2:T2", spans=["c1", "n1"]),
    ]
    file = record.file.model_copy(update={"foreign": foreign})
    dest = tmp_path / "rel.json"
    label_studio.export([ExportRecord(record.path, file, record.document)], dest, offsets="utf16", options={})
    results = orjson.loads(dest.read_bytes())[0]["annotations"][0]["result"]
    [rel] = [r for r in results if r["type"] == "relation"]  # the one naming a deleted span is dropped
    assert (rel["from_id"], rel["to_id"], rel["labels"]) == ("c1", "n1", ["supported_by"])
    [tax] = [r for r in results if r["type"] == "taxonomy"]
    assert tax["id"] == "c1" and (tax["value"]["start"], tax["value"]["end"]) == (58, 69)
    # read back: the taxonomy result hangs on the claim region, kept as a record of that span
    [doc] = _read(dest)
    [kept] = [r for r in doc.records if r.kind == "taxonomy"]
    assert kept.span_sources == ("rel.json#task-1/c1",)


def test_export_refuses_stale_span(tmp_path):
    record = _record(POOP, "alice", [(12, 22, "claim", {})])
    other = Document(record.document.path, POOP.replace("annotation", "ANNOTATION"), record.document.meta, "")
    with pytest.raises(InteropError, match=r"alice\.json: span .* says 'annotation'"):
        label_studio.export(
            [ExportRecord(record.path, record.file, other)], tmp_path / "x.json", offsets="utf16", options={}
        )


# -- round trip ---------------------------------------------------------------

PIECES = ["a", "b", " ", "é", "e\u0301", "東", "京", "💩", "👨🏻‍🚒", "😀", "\n", "«"]
texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map("".join)
notes = st.none() | st.text(min_size=1, max_size=12)


@st.composite
def annotated(draw):
    text = draw(texts)
    n = len(text)
    spans = []
    seen = set()
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, n - 1))
        end = draw(st.integers(start + 1, n))
        label = draw(st.sampled_from(["quote", "claim", "hedge", "number"]))
        if (start, end, label) in seen:
            continue
        seen.add((start, end, label))
        attributes: dict = {}
        if label == "quote" and draw(st.booleans()):
            attributes["speaker"] = draw(st.text(max_size=8))
        if label == "claim" and draw(st.booleans()):
            attributes["check_worthiness"] = draw(st.sampled_from(["high", "medium", "low"]))
        if label == "number":
            if draw(st.booleans()):
                attributes["value"] = draw(
                    st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False)
                )
            if draw(st.booleans()):
                attributes["unit"] = draw(st.text(max_size=5))
        spans.append((start, end, label, {"attributes": attributes, "note": draw(notes)}))
    return text, spans


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.lists(annotated(), min_size=1, max_size=3), unit=st.sampled_from(["utf16", "codepoint"]))
def test_round_trip(data, unit):
    tagset = default_tagset()
    records = []
    for index, (text, spans) in enumerate(data):
        for annotator in ("alice", "bob"):
            records.append(_record(text, annotator, spans, doc_id=f"d{index}", tagset=tagset))
    expected = [
        (
            r.document.id,
            r.file.annotator,
            r.document.text,
            sorted((s.start, s.end, s.label, sorted(s.attributes.items()), s.note) for s in r.file.spans),
        )
        for r in records
    ]
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "out.json"
        count = label_studio.export(iter(records), dest, offsets=unit, options={"tagset": tagset})
        assert count == sum(len(r.file.spans) for r in records)
        docs = list(label_studio.read(dest, offsets=unit, options={"tagset": tagset}))
    got = [
        (
            d.doc_id,
            d.annotator,
            d.text,
            sorted((s.start, s.end, s.label, sorted(s.attributes.items()), s.note) for s in d.spans),
        )
        for d in docs
    ]
    assert got == expected
    for d in docs:
        for s in d.spans:
            assert s.text == d.text[s.start : s.end]


def test_reports_cancelled_annotation_and_lost_groups(tmp_path):
    messages: list[str] = []
    _read(FIXTURES / "news.json", report=messages.append)
    assert any("task 102" in m and "annotation 23 was cancelled" in m for m in messages)
    record = _record(POOP, "alice", [(1, 5, "hedge", {"group": "g1"}), (12, 22, "hedge", {"group": "g1"})])
    messages.clear()
    label_studio.export([record], tmp_path / "g.json", offsets="utf16", options={"report": messages.append})
    assert messages == ["label-studio: 2 span(s) lost their group: Label Studio regions cannot be discontinuous"]
