"""Stored suggestions: annotation files of their own, all or nothing per suggester, and
which of them an annotator's file settles."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pytest
from conftest import TEXT, Project, span_of

from annotator.model.editing import Provenance
from annotator.model.suggestion_ref import SuggestionRef, suggestion_id
from annotator.review.adjudication import rejection_of
from annotator.storage.documents import load_document
from annotator.suggest.base import DocumentInput, SuggesterError, Suggestion, TextSuggester
from annotator.suggest.pending import Settled, SuggestionCounts, Suggestions
from annotator.suggest.run import Fitting, suggest_documents, suggestions_on_open
from annotator.suggest.store import load_for, path_for, store

QUOTE = Suggestion(*span_of(TEXT, '"we will act soon"'), "quote", {"speaker": "The minister"})
NUMBER = Suggestion(*span_of(TEXT, "42"), "number", {"value": 42, "unit": "people"})
HEDGE = Suggestion(*span_of(TEXT, "reportedly"), "hedge")


def found(*items: Suggestion) -> TextSuggester:
    return TextSuggester("fake", "1", lambda text: list(items))


def test_a_suggesters_file_is_an_annotation_file_that_validates(project: Project) -> None:
    document = load_document(project.root, "docs/a.txt")
    assert store(project.config, document, SuggestionRef("fake", "1"), [NUMBER, QUOTE])
    path = path_for(project.config, document.id, "fake")
    assert path == project.root / "suggestions" / document.id / "fake.json"
    assert project.validate(path) == []
    (stored,), problems = load_for(project.config, document)
    assert problems == []
    assert (stored.suggester, stored.version) == ("fake", "1")
    file = stored.file
    assert file.annotator == "fake" and file.status == "done"
    assert [span.id for span in file.spans] == [
        suggestion_id("quote", QUOTE.start, QUOTE.end),
        f"number-{NUMBER.start}-{NUMBER.end}",
    ]
    assert {(span.origin, span.source, span.created_by) for span in file.spans} == {("suggested", "fake@1", "fake")}
    assert [event.op for event in file.history] == ["create", "create"]


def test_the_same_suggestions_again_leave_the_file_as_it_was(project: Project) -> None:
    document = load_document(project.root, "docs/a.txt")
    config = project.config
    assert store(config, document, SuggestionRef("fake", "1"), [QUOTE], at="2026-01-01T00:00:00Z")
    before = path_for(config, document.id, "fake").read_bytes()
    assert not store(config, document, SuggestionRef("fake", "1"), [QUOTE], at="2026-02-02T00:00:00Z")
    assert path_for(config, document.id, "fake").read_bytes() == before
    assert store(config, document, SuggestionRef("fake", "2"), [QUOTE])  # another version
    assert store(config, document, SuggestionRef("fake", "2"), [QUOTE, HEDGE])  # other spans


def test_stored_suggestions_of_another_text_or_broken_are_reported(project: Project) -> None:
    document = load_document(project.root, "docs/a.txt")
    config = project.config
    store(config, document, SuggestionRef("fake", "1"), [QUOTE])
    (config.suggestions_path / document.id / "broken.json").write_text("{", encoding="utf-8")
    project.write_doc("docs/a.txt", TEXT + "More text.\n")
    stored, problems = load_for(config, load_document(project.root, "docs/a.txt"))
    assert stored == []
    messages = {problem.path.name: problem.message for problem in problems}
    assert "A103 invalid JSON" in messages["broken.json"]
    assert (
        messages["fake.json"]
        == f"suggestions/{document.id}/fake.json: made on another text of docs/a.txt; run the suggester again"
    )


# -- fitting to the tag set ------------------------------------------------------------


def test_labels_are_mapped_attributes_checked_and_duplicates_dropped(project: Project) -> None:
    fitting = Fitting(project.config.tagset, {"QUOTE": "quote"}, drop_unmapped=True)
    kept = fitting.fit(
        [
            Suggestion(QUOTE.start, QUOTE.end, "QUOTE", {"speaker": "x", "mood": "grim"}),
            Suggestion(QUOTE.start, QUOTE.end, "QUOTE"),
            Suggestion(NUMBER.start, NUMBER.end, "number", {"value": "forty-two"}),
            Suggestion(HEDGE.start, HEDGE.end, "PERSON"),
        ],
        TEXT,
        "fake on docs/a.txt",
    )
    assert kept == [
        Suggestion(QUOTE.start, QUOTE.end, "quote", {"speaker": "x"}),
        Suggestion(NUMBER.start, NUMBER.end, "number", {}),
    ]
    assert fitting.unmapped == {"PERSON": 1} and fitting.duplicates == 1
    warnings = "\n".join(fitting.warnings())
    assert "'PERSON' (1)" in warnings and "'mood' from 1 quote" in warnings and "'value' from 1 number" in warnings


def test_unmapped_labels_are_an_error_naming_each_unless_dropped(project: Project) -> None:
    fitting = Fitting(project.config.tagset)
    fitting.fit([Suggestion(0, 3, "PERSON"), Suggestion(4, 8, "PERSON"), Suggestion(9, 12, "ORG")], TEXT, "x")
    with pytest.raises(SuggesterError, match=r"'ORG': 1 suggestion\(s\)\n  'PERSON': 2") as raised:
        fitting.check("spacy.news@1")
    assert "--map FROM=TO or pass --drop-unmapped" in str(raised.value)


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (3, 3), (5, 2), (0, len(TEXT) + 1)])
def test_a_suggestion_off_the_text_is_an_error(project: Project, start: int, end: int) -> None:
    with pytest.raises(SuggesterError, match=r"fake@1 on docs/a.txt: a quote suggestion .* is not a range of the text"):
        Fitting(project.config.tagset).fit([Suggestion(start, end, "quote")], TEXT, "fake@1 on docs/a.txt")


# -- running: all or nothing ------------------------------------------------------------


class Failing:
    """Suggests for the first document, then fails: nothing of it may be stored."""

    name, version, fast = "failing", "1", False

    def suggest(self, documents: Iterable[DocumentInput]) -> Iterator[list[Suggestion]]:
        for number, _ in enumerate(documents):
            if number == 1:
                raise SuggesterError("failing: the model crashed on document 2")
            yield [QUOTE]


def test_a_suggester_that_fails_stores_nothing(project: Project) -> None:
    project.write_doc("docs/b.txt", TEXT)
    config = project.config
    documents = [load_document(project.root, "docs/a.txt"), load_document(project.root, "docs/b.txt")]
    with pytest.raises(SuggesterError, match="crashed on document 2"):
        suggest_documents(config, documents, Failing())
    assert not config.suggestions_path.exists()
    report = suggest_documents(config, documents, found(QUOTE, NUMBER))
    assert (report.documents, report.suggestions, report.written, report.unchanged) == (2, 4, 2, 0)
    assert suggest_documents(config, documents, found(QUOTE, NUMBER)).unchanged == 2


def test_a_suggester_that_answers_for_fewer_documents_stores_nothing(project: Project) -> None:
    project.write_doc("docs/b.txt", TEXT)
    documents = [load_document(project.root, "docs/a.txt"), load_document(project.root, "docs/b.txt")]

    class Short:
        name, version, fast = "short", "1", False

        def suggest(self, documents):
            yield [QUOTE]

    with pytest.raises(SuggesterError, match="answered for 1 of 2 documents"):
        suggest_documents(project.config, documents, Short())
    assert not project.config.suggestions_path.exists()


def test_names_that_cannot_name_stored_suggestions_are_refused(project: Project) -> None:
    document = load_document(project.root, "docs/a.txt")
    with pytest.raises(SuggesterError, match="cannot name a suggester"):
        suggest_documents(project.config, [document], TextSuggester("My Model", "1", lambda text: []))
    with pytest.raises(SuggesterError, match="cannot be a suggester version"):
        suggest_documents(project.config, [document], TextSuggester("mine", "1 beta", lambda text: []))


def test_on_open_the_built_ins_run_once_and_are_stored(project: Project) -> None:
    document = load_document(project.root, "docs/a.txt")
    stored, problems = suggestions_on_open(project.config, document, ("numbers",))
    assert problems == [] and [item.suggester for item in stored] == ["numbers"]
    path = stored[0].path
    before = path.stat().st_mtime_ns
    again, _ = suggestions_on_open(project.config, document, ("numbers",))
    assert path.stat().st_mtime_ns == before and again[0].file == stored[0].file


# -- what an annotator's file settles ----------------------------------------------------


def test_accepted_rejected_marked_and_pending(project: Project) -> None:
    document = load_document(project.root, "docs/a.txt")
    config = project.config
    store(config, document, SuggestionRef("fake", "1"), [QUOTE, NUMBER, HEDGE])
    store(config, document, SuggestionRef("other", "3"), [HEDGE])
    suggestions = Suggestions.of(load_for(config, document)[0])
    by_label = {candidate.label: candidate for candidate in suggestions.candidates}
    assert by_label["hedge"].annotators == ("fake", "other")  # one candidate, both suggesters
    aset = project.new_set()
    accepted = aset.create(QUOTE.start, QUOTE.end, "quote", **_provenance(suggestions.provenance(by_label["quote"])))
    assert accepted.source == f"fake@1#quote-{QUOTE.start}-{QUOTE.end}"
    aset.resize(accepted.id, QUOTE.start + 1, QUOTE.end - 1)  # edited since: still accepted
    aset.set_rejected(rejection_of(by_label["number"], "alice", aset.now()))
    settled = suggestions.settled(aset.spans.values(), aset.rejected)
    assert settled == {by_label["quote"]: Settled.ACCEPTED, by_label["number"]: Settled.REJECTED}
    assert suggestions.pending(settled) == [by_label["hedge"]]
    aset.create(HEDGE.start, HEDGE.end, "hedge")  # the person marked it by hand
    settled = suggestions.settled(aset.spans.values(), aset.rejected)
    assert settled[by_label["hedge"]] is Settled.MARKED
    # The app passes the span table, whose indexes give the same answer without a pass over every span.
    assert suggestions.settled(aset.spans, aset.rejected) == settled
    edited = aset.delete(accepted.id)
    assert by_label["quote"] not in suggestions.settled(aset.spans, aset.rejected)
    assert suggestions.settled(aset.spans, aset.rejected) == suggestions.settled(aset.spans.values(), aset.rejected)
    aset.bring(edited.id, edited.state(), Provenance.of(edited))  # as undo brings it back
    assert suggestions.settled(aset.spans, aset.rejected) == settled
    assert suggestions.counts(settled) == SuggestionCounts(suggested=3, accepted=1, rejected=1, marked=1)
    assert suggestions.counts(settled).pending == 0
    project.write("doc/alice.json", aset)
    assert project.validate(project.root / "annotations" / "doc" / "alice.json") == []


def test_a_rejection_holds_for_the_same_suggestion_of_a_later_version(project: Project) -> None:
    document = load_document(project.root, "docs/a.txt")
    config = project.config
    store(config, document, SuggestionRef("fake", "1"), [NUMBER])
    (candidate,) = Suggestions.of(load_for(config, document)[0]).candidates
    aset = project.new_set()
    aset.set_rejected(rejection_of(candidate, "alice", aset.now()))
    store(config, document, SuggestionRef("fake", "2"), [NUMBER, HEDGE])
    later = Suggestions.of(load_for(config, document)[0])
    settled = later.settled(aset.spans.values(), aset.rejected)
    assert [c.label for c in later.pending(settled)] == ["hedge"]


def test_suggestion_refs_round_trip() -> None:
    ref = SuggestionRef("spacy.news", "3.7.1+local", "quote-10-20")
    assert str(ref) == "spacy.news@3.7.1+local#quote-10-20"
    assert SuggestionRef.parse(str(ref)) == ref
    assert SuggestionRef.parse("quotes@1") == SuggestionRef("quotes", "1")
    for source in (None, "", "file.ann#T1", "Quotes@1", "quotes", "quotes@"):
        assert SuggestionRef.parse(source) is None, source


def _provenance(made) -> dict:
    return {"origin": made.origin, "source": made.source, "adjudicated_from": made.adjudicated_from}


def test_stats_count_each_suggesters_suggestions_by_how_each_annotator_settled_them(project: Project) -> None:
    from annotator.reports.stats import build_stats, render_table

    document = load_document(project.root, "docs/a.txt")
    config = project.config
    store(config, document, SuggestionRef("fake", "1"), [QUOTE, NUMBER, HEDGE])
    stored = load_for(config, document)[0]
    (candidates,) = [Suggestions.of(stored).candidates]
    by_label = {c.label: c for c in candidates}
    alice = project.new_set()
    alice.create(QUOTE.start, QUOTE.end, "quote", **_provenance(Suggestions.of(stored).provenance(by_label["quote"])))
    alice.set_rejected(rejection_of(by_label["number"], "alice", alice.now()))
    bob = project.new_set(annotator="bob")
    bob.create(HEDGE.start, HEDGE.end, "hedge")
    report = build_stats([alice.to_file(), bob.to_file()], config.tagset.names(), {document.id: stored})
    assert report["suggestions"] == {
        "fake": {
            "alice": {"suggested": 3, "accepted": 1, "rejected": 1, "marked": 0, "pending": 1},
            "bob": {"suggested": 3, "accepted": 0, "rejected": 0, "marked": 1, "pending": 2},
        }
    }
    table = "\n".join(render_table(report))
    assert "suggester  annotator  suggested  accepted  rejected  marked  pending" in table
    assert "fake       alice              3         1         1       0        1" in table


class _Broken:
    """A plug-in whose own code fails on the second document."""

    name, version, fast = "broken", "1", False

    def suggest(self, documents: Iterable[DocumentInput]) -> Iterator[list[Suggestion]]:
        for number, _ in enumerate(documents):
            if number == 1:
                raise KeyError("vocab")
            yield []


def test_a_suggester_that_raises_is_reported_by_name_and_stores_nothing(project: Project) -> None:
    project.write_doc("docs/b.txt", "A second article.\n")
    documents = [load_document(project.root, path) for path in ("docs/a.txt", "docs/b.txt")]
    with pytest.raises(SuggesterError, match=r"broken@1 on docs/b.txt: the suggester failed: KeyError: 'vocab'"):
        suggest_documents(project.config, documents, _Broken())
    assert not project.config.suggestions_path.exists()


def test_built_ins_over_many_documents_find_in_other_processes_what_they_find_here(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.suggest import run as run_module
    from annotator.suggest.builtin import BuiltinOptions, builtin

    for number in range(7):
        project.write_doc(f"docs/n{number}.txt", f"Officials said {number + 2},000 people may come, reportedly.\n")
    documents = [load_document(project.root, f"docs/n{number}.txt") for number in range(7)]
    hedges = builtin("hedges", BuiltinOptions(hedges=("officials said",)))
    here = run_module._run(hedges, documents, Fitting(project.config.tagset), lambda: None)
    monkeypatch.setattr(run_module, "PROCESS_MIN_CHARS", 0)
    monkeypatch.setattr(run_module, "PROCESS_CHUNK", 3)
    monkeypatch.setattr(run_module, "_cores", lambda: 2)
    assert run_module._worth_processes(hedges, documents)
    assert run_module._run(hedges, documents, Fitting(project.config.tagset), lambda: None) == here
    assert any(item.start == 0 for item in here[0])  # the project's own phrase, in the other process too
