"""Core of import/export: label mapping, the import writer, streaming records, the format registry."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from annotator.interop import formats, registry
from annotator.interop.corpus import iter_records
from annotator.interop.labelmap import LabelMapper, parse_mapping
from annotator.interop.model import ImportedDocument, ImportedRecord, ImportedSpan, InteropError
from annotator.interop.writer import write_imported
from annotator.model.tagset import default_tagset
from annotator.validation.engine import Validator
from tests.conftest import TEXT, Clock, Project, span_of

TAGSET = default_tagset()


def spans_of(text: str, *items: tuple[str, str]) -> list[ImportedSpan]:
    result = []
    for n, (needle, label) in enumerate(items, 1):
        start, end = span_of(text, needle)
        result.append(ImportedSpan(start, end, label, f"src.ann#T{n}", needle))
    return result


def doc(doc_id: str = "d1", text: str = TEXT, spans=None, **kwargs) -> ImportedDocument:
    if spans is None:
        spans = spans_of(text, ("we will act soon", "quote"), ("42", "number"))
    return ImportedDocument(doc_id=doc_id, text=text, source=f"src/{doc_id}.ann", spans=spans, **kwargs)


def run_import(project: Project, docs, mapper: LabelMapper | None = None, **kwargs):
    config = project.config
    return write_imported(
        docs,
        config,
        docs_dir=project.root / "imported",
        out_dir=project.root / "annotations",
        annotator_default="importer",
        clock=Clock(),
        mapper=mapper or LabelMapper(config.tagset),
        **kwargs,
    )


def written(project: Project) -> list[Path]:
    return sorted(p for p in project.root.rglob("*") if p.is_file() and "imported" in p.parts) + sorted(
        (project.root / "annotations").rglob("*.json")
    )


# -- label mapping -----------------------------------------------------------


def test_parse_mapping() -> None:
    assert parse_mapping(["Quote=quote", " CLAIM = claim "], TAGSET) == {"Quote": "quote", "CLAIM": "claim"}
    assert parse_mapping([]) == {}


@pytest.mark.parametrize("item", ["quote", "=quote", "Quote=", "a=b=c", "Q= "])
def test_parse_mapping_malformed(item: str) -> None:
    with pytest.raises(InteropError, match="expected FROM=TO"):
        parse_mapping([item])


def test_parse_mapping_target_not_in_tagset_and_conflicts() -> None:
    with pytest.raises(InteropError, match="'person' is not a label"):
        parse_mapping(["PER=person"], TAGSET)
    with pytest.raises(InteropError, match="already mapped"):
        parse_mapping(["Q=quote", "Q=claim"], TAGSET)
    assert parse_mapping(["Q=quote", "Q=quote"], TAGSET) == {"Q": "quote"}


def test_unmapped_labels_listed_all_at_once(project: Project) -> None:
    docs = [
        doc("d1", spans=spans_of(TEXT, ("we will act soon", "Quote"), ("42", "Num"), ("may", "Num"))),
        doc("d2", spans=spans_of(TEXT, ("reportedly", "Hedge"), ("Café", "quote"))),
    ]
    with pytest.raises(InteropError) as info:
        run_import(project, docs, LabelMapper(TAGSET, {"Quote": "quote"}))
    message = str(info.value)
    assert "2 label(s) are not in the tag set" in message
    assert "'Hedge': 1 span(s)" in message and "'Num': 2 span(s)" in message
    assert "'Quote'" not in message
    assert written(project) == []


def test_drop_unmapped_counts(project: Project) -> None:
    docs = [doc("d1", spans=spans_of(TEXT, ("we will act soon", "Quote"), ("42", "Num"), ("may", "Num")))]
    mapper = LabelMapper(TAGSET, {"Quote": "quote"}, drop_unmapped=True)
    report = run_import(project, docs, mapper)
    assert report.spans == 1
    assert any("dropped 2 span(s) with unmapped labels: 'Num' (2)" in w for w in report.warnings)


def test_attributes_not_allowed_are_dropped_with_warning(project: Project) -> None:
    start, end = span_of(TEXT, "42")
    spans = [ImportedSpan(start, end, "number", "s#1", "42", {"value": 42, "colour": "red", "unit": 3})]
    report = run_import(project, [doc(spans=spans)])
    data = orjson.loads(report.files[0].read_bytes())
    assert data["spans"][0]["attributes"] == {"value": 42}
    assert any("'colour' from 1 number span(s)" in w for w in report.warnings)
    assert any("'unit' from 1 number span(s)" in w for w in report.warnings)


# -- the writer --------------------------------------------------------------


def test_import_records_origin_source_group_and_foreign(project: Project) -> None:
    (a0, a1), (b0, b1) = span_of(TEXT, "About"), span_of(TEXT, "people may come")
    spans = [
        ImportedSpan(a0, a1, "claim", "src/d1.ann#T1", "About", group="T1"),
        ImportedSpan(b0, b1, "claim", "src/d1.ann#T1", "people may come", group="T1"),
        ImportedSpan(*span_of(TEXT, "42"), "number", "src/d1.ann#T2", "42", note="approx"),
    ]
    records = [ImportedRecord("brat", "relation", "R1", "R1\tAbout Arg1:T1 Arg2:T2", ("src/d1.ann#T2",), "src/d1.ann")]
    report = run_import(project, [doc(spans=spans, records=records, annotator="bob", meta={"title": "A"})])
    assert report.documents == 1 and report.spans == 3 and report.foreign == 1 and report.texts_written == 1
    path = project.root / "annotations" / "d1" / "bob.json"
    assert report.files == [path]
    data = orjson.loads(path.read_bytes())
    assert {s["origin"] for s in data["spans"]} == {"imported"}
    assert [s["source"] for s in data["spans"]] == ["src/d1.ann#T1", "src/d1.ann#T2", "src/d1.ann#T1"]
    assert [s.get("group") for s in data["spans"]] == ["T1", None, "T1"]
    assert data["spans"][1]["note"] == "approx"
    assert all(e["origin"] == "imported" and e["source"] for e in data["history"])
    number_id = data["spans"][1]["id"]
    assert data["foreign"] == [
        {
            "format": "brat",
            "kind": "relation",
            "id": "R1",
            "record": "R1\tAbout Arg1:T1 Arg2:T2",
            "spans": [number_id],
            "source": "src/d1.ann",
        }
    ]
    assert (project.root / "imported" / "d1.txt").read_text(encoding="utf-8") == TEXT
    meta = orjson.loads((project.root / "imported" / "d1.meta.json").read_bytes())
    assert meta == {"id": "d1", "title": "A"}
    assert Validator(project.config).validate_file(path) == []


def test_misaligned_span_refused_with_position(project: Project) -> None:
    start, end = span_of(TEXT, "42")
    good = doc("d0")
    bad = doc("d1", spans=[ImportedSpan(start + 1, end + 1, "number", "src/d1.ann#T9", "42")])
    with pytest.raises(InteropError) as info:
        run_import(project, [good, bad])
    message = str(info.value)
    assert f"src/d1.ann: document d1: span src/d1.ann#T9 [{start + 1}, {end + 1}) number" in message
    assert "misaligned: the source says '42', the text there is '2 '" in message
    assert "nothing was imported" in message
    assert written(project) == []  # not even the good document


def test_span_outside_text_refused(project: Project) -> None:
    bad = doc(spans=[ImportedSpan(5, len(TEXT) + 3, "quote", "s#1")])
    with pytest.raises(InteropError, match=r"outside the text \(length"):
        run_import(project, [bad])


def test_crlf_text_normalised_and_offsets_checked(project: Project) -> None:
    text = "Line one.\r\nAbout 42 people."
    normal = text.replace("\r\n", "\n")
    ok = ImportedSpan(*span_of(normal, "42"), "number", "s#1", "42")
    report = run_import(project, [doc(text=text, spans=[ok])])
    assert (project.root / "imported" / "d1.txt").read_bytes() == normal.encode()
    assert report.spans == 1
    # offsets into the un-normalised text are caught
    raw = ImportedSpan(*span_of(text, "42"), "number", "s#1", "42")
    with pytest.raises(InteropError, match="misaligned"):
        run_import(project, [doc("d2", text=text, spans=[raw])])
    # and a span without text cannot be checked when the policy changed the text
    blind = ImportedSpan(*span_of(normal, "42"), "number", "s#1")
    with pytest.raises(InteropError, match="no text to check"):
        run_import(project, [doc("d3", text=text, spans=[blind])])


def test_existing_document_with_different_text_refused(project: Project) -> None:
    project.write_doc("imported/d1.txt", "Another text entirely, long enough for the spans to fit in it all.")
    with pytest.raises(InteropError, match=r"imported/d1.txt exists with a different text; it is never overwritten"):
        run_import(project, [doc()])
    assert not (project.root / "annotations" / "d1").exists()


def test_existing_document_with_same_text_reused(project: Project) -> None:
    project.write_doc("imported/d1.txt", TEXT.encode("utf-8"))
    report = run_import(project, [doc()])
    assert report.texts_reused == 1 and report.texts_written == 0
    assert not (project.root / "imported" / "d1.meta.json").exists()


def test_existing_annotation_file_refused(project: Project) -> None:
    run_import(project, [doc()])
    before = (project.root / "annotations" / "d1" / "importer.json").read_bytes()
    with pytest.raises(InteropError, match=r"importer.json exists; an import never overwrites annotations"):
        run_import(project, [doc()])
    assert (project.root / "annotations" / "d1" / "importer.json").read_bytes() == before


def test_same_document_twice_in_one_import_refused(project: Project) -> None:
    with pytest.raises(InteropError, match="a second set of annotations by 'importer'"):
        run_import(project, [doc(), doc()])
    with pytest.raises(InteropError, match="differs from the text of the same id"):
        run_import(project, [doc(annotator="a"), doc(text=TEXT + "more", annotator="b")])
    assert written(project) == []


def test_two_annotators_share_one_document(project: Project) -> None:
    report = run_import(project, [doc(annotator="a"), doc(annotator="b")])
    assert report.documents == 2 and report.texts_written == 1 and report.texts_reused == 1


def test_bad_ids_and_names_refused(project: Project) -> None:
    with pytest.raises(InteropError, match="the id must be"):
        run_import(project, [doc("bad id")])
    with pytest.raises(InteropError, match="annotator 'no spaces' is not a valid name"):
        run_import(project, [doc(annotator="no spaces")])
    assert written(project) == []


def test_duplicate_span_is_merged(project: Project) -> None:
    """A span given twice is one span of the file (merging: tests/test_interop_import_corpora.py)."""
    spans = spans_of(TEXT, ("42", "number")) * 2
    report = run_import(project, [doc(spans=spans)])
    assert report.spans == 1 and any("merged 2 spans" in note for note in report.notes)


def test_foreign_record_to_unknown_span_refused(project: Project) -> None:
    records = [ImportedRecord("brat", "relation", "R1", "R1\tX Arg1:T8", ("src.ann#T8",))]
    with pytest.raises(InteropError, match=r"brat relation R1 refers to unknown span"):
        run_import(project, [doc(records=records)])


def test_import_from_callable_reads_twice_and_validates(project: Project) -> None:
    calls = []

    def source():
        calls.append(1)
        yield doc("d1")
        yield doc("d2")

    report = run_import(project, source)
    assert len(calls) == 2
    validator = Validator(project.config)
    assert all(validator.validate_file(p) == [] for p in report.files)


def test_empty_source_refused(project: Project) -> None:
    with pytest.raises(InteropError, match="no documents"):
        run_import(project, [])


def test_docs_dir_outside_root_refused(project: Project, tmp_path: Path) -> None:
    with pytest.raises(InteropError, match="outside the project root"):
        write_imported([doc()], project.config, docs_dir=tmp_path / "x", out_dir=project.root, annotator_default="a")


# -- streaming records for export -------------------------------------------


def test_iter_records_streams_and_reports_bad_files(project: Project, sample) -> None:
    good = project.write("a/alice.json", sample)
    project.write("b/broken.json", "{not json")
    changed = sample.to_file().model_copy(update={"document": sample.document.model_copy(update={"length": 3})})
    project.write("c/bob.json", changed)
    errors: list[InteropError] = []
    records = list(iter_records(None, project.config, on_error=errors.append))
    assert [r.path for r in records] == [good]
    assert records[0].document.text == TEXT and records[0].file.annotator == "alice"
    assert len(errors) == 2
    assert "broken.json: does not validate" in str(errors[0]) and "A103 invalid JSON" in str(errors[0])
    assert "bob.json: does not validate" in str(errors[1]) and "A302 document changed since annotation" in str(
        errors[1]
    )
    with pytest.raises(InteropError, match=r"broken\.json"):
        list(iter_records([project.root / "annotations"], project.config))


# -- the registry ------------------------------------------------------------


def test_the_cli_offers_the_registry_formats() -> None:
    from annotator.cli import main

    parser = main.build_parser()
    commands = next(action for action in parser._actions if action.dest == "command").choices
    for purpose in registry.Purpose:
        choices = next(action.choices for action in commands[purpose.value]._actions if action.dest == "format")
        assert tuple(choices) == registry.names(purpose)
    assert set(formats.EXPORT_FORMATS) | set(formats.IMPORT_FORMATS) == set(formats.MODULES)


@pytest.mark.parametrize("purpose", list(registry.Purpose))
def test_every_registered_format_loads_with_its_offset_units(purpose: registry.Purpose) -> None:
    for name in registry.names(purpose):
        module = formats.load_format(name, purpose.value)
        assert module.OFFSET_UNITS == registry.offset_units(name)
        assert module.NAME in {name, "jsonl"}  # prodigy is read by the jsonl module


def test_format_options_are_their_own() -> None:
    from annotator.cli import main

    flags = [
        option.flag for each in registry.FORMATS for purpose in registry.Purpose for option in each.options(purpose)
    ]
    assert len(flags) == len(set(flags))  # one option, one format: argparse refuses a flag twice
    args = main.build_parser().parse_args(["export", "-f", "spacy", "-o", "x", "--lang", "de"])
    assert registry.chosen_options(args, "spacy", registry.Purpose.EXPORT) == {"align": "strict", "lang": "de"}
    assert registry.misplaced(args, "spacy", registry.Purpose.EXPORT) is None
    assert registry.misplaced(args, "jsonl", registry.Purpose.EXPORT) == "--lang applies only to --format spacy"


def test_registry_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InteropError, match="unknown export format 'nope'"):
        formats.load_format("nope")
    with pytest.raises(InteropError, match="unknown import format 'csv'"):
        formats.load_format("csv", "import")
    monkeypatch.setitem(formats.MODULES, "jsonl", "no_such_module_xyz")
    with pytest.raises(InteropError, match=r"module annotator\.interop\.formats\.no_such_module_xyz is missing"):
        formats.load_format("jsonl")
    monkeypatch.setitem(formats.MODULES, "jsonl", "__init__")
    with pytest.raises(InteropError, match="has no export"):
        formats.load_format("jsonl")


def test_missing_dependency_message() -> None:
    err = ModuleNotFoundError("No module named 'spacy'", name="spacy")
    assert "pip install 'annotator[spacy]'" in str(formats.missing_dependency(err, "spacy"))


def test_unknown_label_in_annotation_file_not_exported(project: Project, sample) -> None:
    data = orjson.loads(project.write("a/alice.json", sample).read_bytes())
    data["spans"][0]["label"] = "person"
    project.write("a/alice.json", data)
    with pytest.raises(InteropError, match=r"alice\.json:16:16: A403 unknown label 'person'"):
        list(iter_records(None, project.config))
