"""`annotator import` on the shapes real corpora come in: every bad document reported at
once, --skip-invalid, Label Studio predictions as suggestions (or, with --predictions, as
spans), brat's capitalised attributes with --map-attribute, co-located labels merged into
one span, the JSONL span source, and a failed import saying so once.

In process through `main([...])` in conftest's scratch project (docs/a.txt, cwd at its root);
every source is written by hand in its test.
"""

from __future__ import annotations

import errno
from pathlib import Path

import orjson
import pytest

from annotator.cli.import_cmd import StoredSuggestions, suggester_name
from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, main
from annotator.interop import writer
from annotator.interop.labelmap import LabelMapper
from annotator.interop.model import ImportedDocument, ImportedSpan, InteropError
from annotator.model.suggestion_ref import SuggestionRef
from annotator.storage import dumps
from annotator.storage.documents import load_document
from annotator.storage.loading import load_annotation_file
from annotator.suggest.base import Suggestion
from annotator.suggest.pending import Suggestions
from annotator.suggest.store import build, load_for
from tests.conftest import TEXT, Clock, Project, span_of

QUOTE = span_of(TEXT, "we will act soon")
NUMBER = span_of(TEXT, "42")
HEDGE = span_of(TEXT, "may")
ATTRIBUTES_TOML = """
[labels.quote.attributes.mention]
type = "string"
[labels.quote.attributes.individual]
type = "boolean"
"""


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().err


def files(project: Project) -> list[str]:
    """Every file of the project but its config and the sources the tests write."""
    return sorted(
        p.relative_to(project.root).as_posix()
        for p in project.root.rglob("*")
        if p.is_file() and p.parts[len(project.root.parts)] in ("docs", "annotations", "suggestions", "imported")
    )


def jsonl_span(where: tuple[int, int], label: str, **extra) -> dict:
    return {"start": where[0], "end": where[1], "label": label, "text": TEXT[where[0] : where[1]], **extra}


def write_jsonl(path: Path, lines: list[dict | str]) -> Path:
    path.write_bytes(
        b"".join((line.encode() if isinstance(line, str) else orjson.dumps(line)) + b"\n" for line in lines)
    )
    return path


def task(doc_id: str, spans: list[dict], **meta) -> dict:
    return {"text": TEXT, "meta": {"id": doc_id, **meta}, "spans": spans}


def shifted(where: tuple[int, int]) -> tuple[int, int]:
    return where[0] + 1, where[1] + 1


# Six documents: two good, a misaligned one (two problems), one the reader cannot read
# (an offset that is not a number), a line of broken JSON, a span off the text.
SOURCE_LINES: list[dict | str] = [
    task("g1", [jsonl_span(QUOTE, "quote")]),
    task(
        "bad1",
        [
            {**jsonl_span(shifted(QUOTE), "quote"), "text": "we will act soon"},
            {**jsonl_span(NUMBER, "number"), "text": "43"},
        ],
    ),
    task("bad2", [{"start": 0, "end": "3", "label": "quote"}]),
    '{"text": "broken',
    task("bad3", [{"start": 5, "end": len(TEXT) + 5, "label": "claim"}]),
    task("g2", [jsonl_span(NUMBER, "number", id="n1")]),
]


def test_every_bad_document_is_reported_at_once(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    write_jsonl(project.root / "in.jsonl", SOURCE_LINES)
    before = files(project)
    code, err = run(["import", "-f", "jsonl", "in.jsonl"], capsys)
    assert code == EXIT_FINDINGS
    assert "4 of the 6 document(s) read cannot be imported:" in err
    # grouped by document, each with all its problems
    assert (
        "in.jsonl:2: document bad1:\n"
        f"  span in.jsonl#line-2/span-1 [{QUOTE[0] + 1}, {QUOTE[1] + 1}) quote: misaligned: the source says "
        "'we will act soon', the text there is 'e will act soon\"'\n"
        f"  span in.jsonl#line-2/span-2 [{NUMBER[0]}, {NUMBER[1]}) number: misaligned: the source says '43'"
    ) in err
    assert "in.jsonl:3: document bad2: spans[0]: span 'end' must be an integer, not '3'" in err
    assert "in.jsonl:4:" in err and "invalid JSON" in err
    assert f"in.jsonl:5: document bad3: spans[0]: [5, {len(TEXT) + 5}) is outside the text" in err
    assert err.count("in.jsonl:2: document bad1:") == 1
    assert "document g1" not in err and "document g2" not in err
    assert err.count("nothing was imported") == 1
    assert "Traceback" not in err
    assert files(project) == before


def test_skip_invalid_writes_the_good_documents_and_lists_the_refused(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    # One text annotated by two people: alice's set is good, bob's is not.
    shared = [
        task("shared", [jsonl_span(HEDGE, "hedge")], annotator="alice"),
        task("shared", [{**jsonl_span(shifted(HEDGE), "hedge"), "text": "may"}], annotator="bob"),
    ]
    write_jsonl(project.root / "in.jsonl", SOURCE_LINES + shared)
    code, err = run(["import", "-f", "jsonl", "in.jsonl", "--skip-invalid"], capsys)
    assert code == EXIT_FINDINGS
    assert "refused 5 of 8 document(s) (--skip-invalid; nothing of them was written):" in err
    for refused in (
        "in.jsonl:2: document bad1:",
        "in.jsonl:3: document bad2:",
        "in.jsonl:4:",
        "in.jsonl:5: document bad3:",
    ):
        assert refused in err
    assert "in.jsonl:8: document shared (by bob): span in.jsonl#line-8/span-1" in err and "misaligned" in err
    assert "imported 3 documents, 3 spans" in err
    assert "nothing was imported" not in err
    assert files(project) == [
        "annotations/g1/jsonl.json",
        "annotations/g2/jsonl.json",
        "annotations/shared/alice.json",
        "docs/a.txt",
        "docs/g1.meta.json",
        "docs/g1.txt",
        "docs/g2.meta.json",
        "docs/g2.txt",
        "docs/shared.meta.json",
        "docs/shared.txt",
    ]
    assert main(["validate", "annotations"]) == EXIT_OK


def test_skip_invalid_with_every_document_refused_writes_nothing(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    write_jsonl(project.root / "in.jsonl", SOURCE_LINES[1:5])
    before = files(project)
    code, err = run(["import", "-f", "jsonl", "in.jsonl", "--skip-invalid"], capsys)
    assert code == EXIT_FINDINGS
    assert "4 of the 4 document(s) read cannot be imported" in err and err.count("nothing was imported") == 1
    assert files(project) == before


def test_a_source_that_ends_badly_is_reported_with_the_bad_documents_before_it(project: Project) -> None:
    """A reader that cannot go on raises; the documents refused before are listed with it."""

    def source():
        yield ImportedDocument("d1", TEXT, "src/d1", spans=[ImportedSpan(*shifted(NUMBER), "number", "src/d1#1", "42")])
        raise InteropError("src/d2: not a document at all")

    config = project.config
    with pytest.raises(InteropError) as caught:
        writer.write_imported(
            source,
            config,
            docs_dir=project.root / "docs",
            out_dir=config.annotations_path,
            annotator_default="importer",
            skip_invalid=True,
        )
    message = str(caught.value)
    assert "src/d2: not a document at all" in message
    assert "1 of the 1 document(s) read cannot be imported:\nsrc/d1: document d1:" in message
    assert message.endswith("nothing was imported")


# -- Label Studio predictions ---------------------------------------------------------------------

MODEL = "NER-Model_v2"  # an annotator name; as a suggester: ner-model_v2


def export_predictions(project: Project, capsys: pytest.CaptureFixture[str]) -> Path:
    """A model's spans on docs/a.txt, exported as Label Studio predictions."""
    made = project.new_set("docs/a.txt", MODEL)
    made.create(*QUOTE, "quote", attributes={"speaker": "the minister"})
    made.create(*NUMBER, "number", attributes={"value": 42})
    path = project.write(f"a/{MODEL}.json", made)
    code, err = run(["export", "-f", "label-studio", "--as-predictions", "--out", "pred.json", str(path)], capsys)
    assert code == EXIT_OK, err
    assert "predictions" in orjson.loads((project.root / "pred.json").read_bytes())[0]
    return project.root / "pred.json"


def test_predictions_come_back_as_the_models_suggestions(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    export_predictions(project, capsys)
    code, err = run(["import", "-f", "label-studio", "pred.json"], capsys)
    assert code == EXIT_OK, err
    assert "1 suggestion file(s), 2 suggestions" in err
    path = project.root / "suggestions" / "a" / "ner-model_v2.json"
    assert files(project) == ["annotations/a/NER-Model_v2.json", "docs/a.txt", "suggestions/a/ner-model_v2.json"]
    assert main(["validate", "suggestions"]) == EXIT_OK
    # the file `annotator suggest` writes, byte for byte
    file, _ = load_annotation_file(path)
    document = load_document(project.root, "docs/a.txt")
    found = [Suggestion(s.start, s.end, s.label, s.attributes) for s in file.spans]
    expected = build(document, SuggestionRef("ner-model_v2", "label-studio"), found, file.spans[0].created_at)
    assert path.read_bytes() == dumps(expected)
    # and the app offers them, pending, to an annotator who has settled none
    stored, problems = load_for(project.config, document)
    assert problems == [] and [(s.suggester, s.version) for s in stored] == [("ner-model_v2", "label-studio")]
    suggestions = Suggestions.of(stored)
    pending = suggestions.pending(suggestions.settled([], []))
    assert [c.key for c in pending] == [(*QUOTE, "quote"), (*NUMBER, "number")]


def test_predictions_with_the_predictions_option_are_spans_of_the_model(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    export_predictions(project, capsys)
    code, err = run(["import", "-f", "label-studio", "pred.json", "--predictions", "--out", "imported"], capsys)
    assert code == EXIT_OK, err
    assert "imported 1 documents, 2 spans" in err and "suggestion" not in err
    assert not (project.root / "suggestions").exists()
    file, _ = load_annotation_file(project.root / "imported" / "a" / f"{MODEL}.json")
    assert [(s.start, s.end, s.label, s.origin) for s in file.spans] == [
        (*QUOTE, "quote", "imported"),
        (*NUMBER, "number", "imported"),
    ]
    assert main(["validate", "imported"]) == EXIT_OK


def region(rid: str, where: tuple[int, int], label: str, text: str | None = None) -> dict:
    value = {"start": where[0], "end": where[1], "text": text or TEXT[where[0] : where[1]], "labels": [label]}
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "value": value}


def write_tasks(project: Project, prediction: dict) -> Path:
    """One task on docs/a.txt with bob's annotation (a claim) and `prediction`."""
    ls_task = {
        "id": 1,
        "data": {"text": TEXT, "meta": {"id": "a"}},
        "annotations": [{"completed_by": "bob", "result": [region("c1", NUMBER, "claim")]}],
        "predictions": [prediction],
    }
    path = project.root / "tasks.json"
    path.write_bytes(orjson.dumps([ls_task]))
    return path


def test_a_task_with_annotations_and_predictions_imports_both(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tasks(project, {"model_version": "m1", "result": [region("p1", HEDGE, "hedge")]})
    code, err = run(["import", "-f", "label-studio", "tasks.json"], capsys)
    assert code == EXIT_OK, err
    assert files(project) == ["annotations/a/bob.json", "docs/a.txt", "suggestions/a/m1.json"]
    suggested, _ = load_annotation_file(project.root / "suggestions" / "a" / "m1.json")
    assert [(s.label, s.source) for s in suggested.spans] == [("hedge", "m1@label-studio")]
    assert main(["validate"]) == EXIT_OK


def test_a_bad_prediction_writes_nothing(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    write_tasks(project, {"model_version": "m1", "result": [region("p1", shifted(HEDGE), "hedge", "may")]})
    before = files(project)
    code, err = run(["import", "-f", "label-studio", "tasks.json"], capsys)
    assert code == EXIT_FINDINGS
    assert "tasks.json: task 1: document a: result p1:" in err and "not the stated text 'may'" in err
    assert files(project) == before
    # an existing suggestions file is never replaced either
    write_tasks(project, {"model_version": "m1", "result": [region("p1", HEDGE, "hedge")]})
    (project.root / "suggestions" / "a").mkdir(parents=True)
    (project.root / "suggestions" / "a" / "m1.json").write_bytes(b"theirs\n")
    code, err = run(["import", "-f", "label-studio", "tasks.json"], capsys)
    assert code == EXIT_FINDINGS
    assert "tasks.json#task-1: document a (predictions of m1):" in err
    assert "m1.json exists; an import never overwrites suggestions" in err
    assert (project.root / "suggestions" / "a" / "m1.json").read_bytes() == b"theirs\n"
    assert not (project.root / "annotations" / "a").exists()


def test_a_write_failing_after_a_suggestions_file_removes_it(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    config = project.config
    predicted = ImportedDocument(
        "a", TEXT, "src#1", annotator="m1", spans=[ImportedSpan(*HEDGE, "hedge", "src#1/p1", "may")], predicted=True
    )
    people = ImportedDocument("a", TEXT, "src#1", annotator="bob", spans=[ImportedSpan(*NUMBER, "claim", "src#1/c1")])
    real_create_new = writer.create_new

    def create_new(path, data, **kwargs):
        if path.name == "bob.json":
            raise OSError(errno.ENOSPC, "No space left on device")
        real_create_new(path, data, **kwargs)

    monkeypatch.setattr(writer, "create_new", create_new)
    before = files(project)
    with pytest.raises(InteropError) as caught:
        writer.write_imported(
            [predicted, people],
            config,
            docs_dir=project.root / "docs",
            out_dir=config.annotations_path,
            annotator_default="importer",
            clock=Clock(),
            suggestions=StoredSuggestions(config, "label-studio"),
        )
    assert "nothing was imported: the 1 file(s) it had written were removed" in str(caught.value)
    assert files(project) == before and not (project.root / "suggestions").exists()


@pytest.mark.parametrize(
    ("model", "name"),
    [("NER-Model_v2", "ner-model_v2"), ("alice@example.com", "alice-example.com"), ("quotes", "imported.quotes")],
)
def test_suggester_names_made_from_model_names(model: str, name: str) -> None:
    assert suggester_name(model) == name


# -- brat: capitalised attributes, co-located labels -------------------------------------------------


def brat_corpus(project: Project, lines: list[str]) -> None:
    (project.root / "annotator.toml").write_text(
        (project.root / "annotator.toml").read_text(encoding="utf-8") + ATTRIBUTES_TOML, encoding="utf-8"
    )
    corpus = project.root / "corpus"
    corpus.mkdir()
    (corpus / "d1.txt").write_text(TEXT, encoding="utf-8")
    (corpus / "d1.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")


def t_line(tid: str, label: str, where: tuple[int, int]) -> str:
    return f"{tid}\t{label} {where[0]} {where[1]}\t{TEXT[where[0] : where[1]]}"


def test_capitalised_brat_attributes_are_kept_with_map_attribute(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    brat_corpus(project, [t_line("T1", "Quote", QUOTE), "A1\tMention T1 Direct", "A2\tIndividual T1"])
    code, err = run(["import", "-f", "brat", "corpus", "--map", "Quote=quote", "--out", "plain"], capsys)
    assert code == EXIT_OK, err
    assert "dropped attribute 'Individual' from 1 quote span(s)" in err
    assert "dropped attribute 'Mention' from 1 quote span(s)" in err
    mapped = ["--map-attribute", "Mention=mention", "--map-attribute", "Individual=individual"]
    code, err = run(["import", "-f", "brat", "corpus", "--map", "Quote=quote", *mapped, "--out", "mapped"], capsys)
    assert code == EXIT_OK, err
    assert "dropped" not in err
    file, _ = load_annotation_file(project.root / "mapped" / "d1" / "brat.json")
    assert [s.attributes for s in file.spans] == [{"individual": True, "mention": "Direct"}]
    assert main(["validate", "mapped"]) == EXIT_OK


@pytest.mark.parametrize(
    ("mapping", "said"),
    [
        ("Mention", "expected FROM=TO"),
        ("Mention=Mention", "'Mention' is not an attribute of the tag set"),
        ("Mention=speaker", None),
    ],
)
def test_map_attribute_usage(
    project: Project, capsys: pytest.CaptureFixture[str], mapping: str, said: str | None
) -> None:
    brat_corpus(project, [t_line("T1", "quote", QUOTE), "A1\tMention T1 the%20minister"])
    code, err = run(["import", "-f", "brat", "corpus", "--map-attribute", mapping], capsys)
    if said is None:
        assert code == EXIT_OK, err
        file, _ = load_annotation_file(project.root / "annotations" / "d1" / "brat.json")
        assert file.spans[0].attributes == {"speaker": "the minister"}
    else:
        assert code == EXIT_USAGE and said in err


def test_colocated_labels_are_merged_keeping_both_sources(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    brat_corpus(
        project,
        [
            t_line("T1", "Cue", QUOTE),
            t_line("T2", "Attribution", QUOTE),
            "A1\tMention T1 Direct",
            "A2\tIndividual T2",
            "R1\tSays Arg1:T2 Arg2:T1",
            t_line("T3", "Cue", NUMBER),
            t_line("T4", "Attribution", NUMBER),
            "#1\tAnnotatorNotes T3\tcheck",
            t_line("T5", "Cue", HEDGE),
        ],
    )
    args = ["import", "-f", "brat", "corpus", "--map", "Cue=quote", "--map", "Attribution=quote"]
    code, err = run([*args, "--map-attribute", "Mention=mention", "--map-attribute", "Individual=individual"], capsys)
    assert code == EXIT_OK, err
    assert "merged 4 spans with identical offsets and label into 2: 'Attribution' + 'Cue' as quote (2)" in err
    assert "imported 1 documents, 3 spans" in err
    file, _ = load_annotation_file(project.root / "annotations" / "d1" / "brat.json")
    spans = {s.text: s for s in file.spans}
    quote, number = spans["we will act soon"], spans["42"]
    assert quote.source == "d1.ann#T1,d1.ann#T2" and number.source == "d1.ann#T3,d1.ann#T4"
    assert quote.attributes == {"individual": True, "mention": "Direct"}
    assert number.note == "check"
    assert spans["may"].source == "d1.ann#T5"
    [relation] = file.foreign
    assert relation.id == "R1" and relation.spans == [quote.id, quote.id]
    assert main(["validate", "annotations"]) == EXIT_OK


def test_colocated_labels_that_disagree_are_refused_naming_both(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    brat_corpus(
        project,
        [
            t_line("T3", "Cue", NUMBER),
            t_line("T4", "Attribution", NUMBER),
            "A1\tMention T3 Direct",
            "A2\tMention T4 Indirect",
        ],
    )
    args = ["import", "-f", "brat", "corpus", "--map", "Cue=quote", "--map", "Attribution=quote"]
    code, err = run([*args, "--map-attribute", "Mention=mention"], capsys)
    assert code == EXIT_FINDINGS
    assert (
        f"d1.ann: document d1: spans d1.ann#T3 and d1.ann#T4 [{NUMBER[0]}, {NUMBER[1]}) quote: cannot be merged: "
        "attribute 'mention' is 'Direct' in d1.ann#T3 and 'Indirect' in d1.ann#T4"
    ) in err
    assert "already covers" not in err
    assert not (project.root / "annotations" / "d1").exists()


def test_spans_stating_different_texts_are_not_merged() -> None:
    """Same offsets and label, but one says another text: left apart, so the writer finds it misaligned."""
    from annotator.model.tagset import default_tagset

    right = ImportedSpan(*NUMBER, "number", "s#1", "42")
    wrong = ImportedSpan(*NUMBER, "number", "s#2", "43")
    problems: list[str] = []
    mapped = LabelMapper(default_tagset()).map_document(
        ImportedDocument("d", TEXT, "s", spans=[right, wrong]), problems
    )
    assert mapped.spans == [right, wrong] and problems == []


# -- JSONL, and saying it once ---------------------------------------------------------------------


def test_jsonl_span_source_is_file_and_record(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    write_jsonl(
        project.root / "in.jsonl", [task("j1", [jsonl_span(QUOTE, "quote", id="q7"), jsonl_span(NUMBER, "number")])]
    )
    code, err = run(["import", "-f", "jsonl", "in.jsonl"], capsys)
    assert code == EXIT_OK, err
    file, _ = load_annotation_file(project.root / "annotations" / "j1" / "jsonl.json")
    assert [s.source for s in file.spans] == ["in.jsonl#line-1/q7", "in.jsonl#line-1/span-2"]


@pytest.mark.parametrize(
    "lines",
    [
        [task("u1", [jsonl_span(QUOTE, "QUOTE")])],  # a label with no mapping
        [task("u2", [{**jsonl_span(shifted(QUOTE), "quote"), "text": "we will act soon"}])],  # misaligned
        ['{"text": '],  # a line that is not JSON
    ],
)
def test_a_failed_import_says_nothing_was_imported_once(
    project: Project, capsys: pytest.CaptureFixture[str], lines: list
) -> None:
    write_jsonl(project.root / "in.jsonl", lines)
    code, err = run(["import", "-f", "jsonl", "in.jsonl"], capsys)
    assert code == EXIT_FINDINGS
    assert err.count("nothing was imported") == 1, err
