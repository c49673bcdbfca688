"""spaCy DocBin export, loaded back with spaCy itself."""

from __future__ import annotations

import builtins
from pathlib import Path

import pytest

from annotator.interop.formats import spacy_docbin
from annotator.interop.model import ExportRecord, InteropError
from annotator.model.document import Document, DocumentMeta, text_sha256
from annotator.model.editing import AnnotationSet

TEXT = 'The minister said "we will act soon". About 42 people came 👍 to Café Tokyo.'


def make_record(text: str, spans, doc_id: str = "doc-1", annotator: str = "alice", language=None) -> ExportRecord:
    document = Document(f"docs/{doc_id}.txt", text, DocumentMeta(doc_id, language=language), text_sha256(text))
    aset = AnnotationSet.new(document, annotator)
    for start, end, label, extra in spans:
        aset.create(start, end, label, **extra)
    return ExportRecord(Path(f"annotations/{annotator}/{doc_id}.json"), aset.to_file(), document)


def at(needle: str, text: str = TEXT) -> tuple[int, int]:
    i = text.index(needle)
    return i, i + len(needle)


def aligned() -> ExportRecord:
    return make_record(
        TEXT,
        [
            (*at("we will act soon"), "quote", {"attributes": {"speaker": "minister"}, "note": "a promise"}),
            (*at("will act"), "claim", {}),  # overlaps the quote
            (*at("42"), "num", {}),
            (*at("About 42 people"), "num", {"group": "g1"}),
            (*at("Café"), "place", {}),
        ],
    )


def misaligned() -> ExportRecord:
    # "inister" starts inside a token; "42 peo" ends inside one; "i" is inside one token
    return make_record(
        TEXT,
        [(*at("minister"), "person", {}), (*at("inister"), "part", {}), (*at("42 peo"), "num", {}), (5, 6, "tiny", {})],
        doc_id="doc-2",
    )


def load(path: Path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))


def test_round_trip_with_spacy(tmp_path):
    pytest.importorskip("spacy")
    dest = tmp_path / "train.spacy"
    record = aligned()
    other = make_record("Tokyo is big.", [(0, 5, "place", {})], doc_id="doc-3", annotator="bob")
    assert spacy_docbin.export([record, other], dest, offsets="codepoint", options={}) == 6
    docs = load(dest)
    assert [d.text for d in docs] == [TEXT, "Tokyo is big."]
    doc = docs[0]
    got = sorted((s.start_char, s.end_char, s.label_, s.text) for s in doc.spans["sc"])
    expected = sorted((s.start, s.end, s.label, s.text) for s in record.file.spans)
    assert got == expected  # every span's text and label, overlaps included
    assert {s.id_ for s in doc.spans["sc"]} == {s.id for s in record.file.spans}
    assert doc.user_data["doc_id"] == "doc-1" and doc.user_data["annotator"] == "alice"
    kept = {s["id"]: s for s in doc.user_data["annotator_spans"]}
    quote = next(s for s in record.file.spans if s.label == "quote")
    assert kept[quote.id]["attributes"] == {"speaker": "minister"} and kept[quote.id]["note"] == "a promise"
    assert docs[1].user_data["annotator"] == "bob" and [s.label_ for s in docs[1].spans["sc"]] == ["place"]


def test_strict_leaves_out_and_lists_every_misaligned_span(tmp_path):
    pytest.importorskip("spacy")
    dest = tmp_path / "x.spacy"
    messages, stats = [], {}
    options = {"report": messages.append, "stats": stats}
    assert spacy_docbin.export([aligned(), misaligned()], dest, offsets="codepoint", options=options) > 0
    assert stats == {"misaligned": 3, "skipped": 3}
    (message,) = messages
    assert "left out 3 span(s)" in message and "--align expand keeps them" in message
    assert "skip_misaligned" not in message
    for needle in ("doc-2 [5, 12) part 'inister'", "'42 peo'", "doc-2 [5, 6) tiny 'i'"):
        assert needle in message
    docs = load(dest)
    assert [(s.text, s.label_) for s in docs[1].spans["sc"]] == [("minister", "person")]


def test_contract_leaves_out_a_one_character_span_instead_of_failing(tmp_path):
    pytest.importorskip("spacy")
    dest = tmp_path / "x.spacy"
    record = make_record("He said no.", [(3, 4, "tiny", {}), (3, 7, "quote", {})])
    stats: dict[str, int] = {}
    options = {"align": "contract", "report": lambda _: None, "stats": stats}
    assert spacy_docbin.export([record], dest, offsets="codepoint", options=options) == 1
    assert stats["skipped"] == 1
    (doc,) = load(dest)
    assert [(s.text, s.label_) for s in doc.spans["sc"]] == [("said", "quote")]


@pytest.mark.parametrize(
    ("align", "expected", "adjusted", "n_misaligned"),
    [
        ("contract", {("minister", "person"), ("42", "num")}, 1, 2),  # "inister" and "i" contract to nothing
        ("expand", {("minister", "person"), ("minister", "part"), ("42 people", "num"), ("minister", "tiny")}, 3, 0),
    ],
)
def test_contract_and_expand_report_adjustments(tmp_path, align, expected, adjusted, n_misaligned):
    pytest.importorskip("spacy")
    dest = tmp_path / "x.spacy"
    messages, stats = [], {}
    options = {"align": align, "report": messages.append, "stats": stats}
    spacy_docbin.export([misaligned()], dest, offsets="codepoint", options=options)
    (doc,) = load(dest)
    assert {(s.text, s.label_) for s in doc.spans["sc"]} == expected
    assert stats.get("adjusted", 0) == adjusted and stats.get("misaligned", 0) == n_misaligned
    assert any("adjusted to token boundaries" in m for m in messages)
    assert stats.get("skipped", 0) == n_misaligned


def test_language_from_metadata_and_bad_language(tmp_path):
    pytest.importorskip("spacy")
    dest = tmp_path / "x.spacy"
    record = make_record("Der Minister sprach.", [(4, 12, "person", {})], language="de-AT")
    assert spacy_docbin.export([record], dest, offsets="codepoint", options={}) == 1
    bad = make_record("text", [(0, 4, "x", {})], language="zz")
    with pytest.raises(InteropError, match="no language 'zz'"):
        spacy_docbin.export([bad], dest, offsets="codepoint", options={})


def test_missing_spacy_message(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "spacy" or name.startswith("spacy."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r"spaCy is not installed: pip install 'annotator\[spacy\]'"):
        spacy_docbin.export([aligned()], tmp_path / "x.spacy", offsets="codepoint", options={})


def test_cli_reports_spans_off_token_edges_and_strict_fails(project):
    pytest.importorskip("spacy")
    from tests.conftest import TEXT, run_cli, span_of

    aset = project.new_set()
    aset.create(*span_of(TEXT, "we will act soon"), "quote")
    start, _ = span_of(TEXT, "minister")
    aset.create(start + 1, start + 3, "hedge")  # inside a word: no token edge
    project.write("a/alice.json", aset)
    dest = project.root / "train.spacy"

    lenient = run_cli(["export", "--format", "spacy", "--out", str(dest)], project.root)
    assert lenient.returncode == 0, lenient.stderr
    assert "left out 1 span(s)" in lenient.stderr and "skip_misaligned" not in lenient.stderr
    assert "exported 1 annotation file(s), 1 spans" in lenient.stderr
    assert dest.exists()

    dest.unlink()
    strict = run_cli(["export", "--format", "spacy", "--out", str(dest), "--strict"], project.root)
    assert strict.returncode == 1 and "--strict: 1 span(s) were left out" in strict.stderr
    assert dest.exists()  # written all the same: --strict only changes the exit status
