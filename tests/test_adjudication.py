"""Adjudication: candidates and disagreements from several annotators' files,
and accepting and rejecting them into a gold file (undoably, with provenance)."""

from __future__ import annotations

import pytest
from conftest import TEXT, Project, span_of

from annotator.editor.session import EditorSession
from annotator.model.annotation import AnnotationFile, SourceSpan
from annotator.model.editing import AnnotationSet, EditError
from annotator.review.adjudication import Adjudication, rejection_of


def two_annotators(project: Project) -> dict[str, AnnotationFile]:
    """alice and bob agree on a quote (speakers differ) and a number; the rest differs.

    TEXT: 'The minister said "we will act soon".\\nAbout 42 people may come, reportedly. ...'
    """
    alice = project.new_set(annotator="alice")
    alice.create(*span_of(TEXT, "we will act soon"), "quote", attributes={"speaker": "the minister"}, span_id="a1")
    alice.create(*span_of(TEXT, "42"), "number", attributes={"value": 42}, span_id="a2")
    alice.create(*span_of(TEXT, "may"), "hedge", span_id="a3")
    bob = project.new_set(annotator="bob")
    bob.create(*span_of(TEXT, "we will act soon"), "quote", attributes={"speaker": "minister"}, span_id="b1")
    bob.create(*span_of(TEXT, "42"), "number", attributes={"value": 42}, span_id="b2")
    bob.create(*span_of(TEXT, "reportedly"), "hedge", span_id="b3")
    bob.create(*span_of(TEXT, "About 42 people may come"), "claim", span_id="b4")
    return {"alice": alice.to_file(), "bob": bob.to_file()}


def gold_session(project: Project) -> EditorSession:
    gold = project.new_set(annotator="gold")
    gold.editor = "carol"
    return EditorSession(gold, project.config.tagset)


def test_candidates_groups_and_disagreements(project: Project) -> None:
    review = Adjudication.of(two_annotators(project))
    assert review.annotators == ("alice", "bob")
    assert [(c.label, c.text, c.annotators) for c in review.candidates] == [
        ("quote", "we will act soon", ("alice", "bob")),
        ("claim", "About 42 people may come", ("bob",)),
        ("number", "42", ("alice", "bob")),
        ("hedge", "may", ("alice",)),
        ("hedge", "reportedly", ("bob",)),
    ]
    # The claim overlaps the number and "may": one group. The quote stands alone and is agreed.
    assert [(g.start, g.end, len(g.candidates), g.agreed) for g in review.groups] == [
        (*span_of(TEXT, "we will act soon"), 1, True),
        (*span_of(TEXT, "About 42 people may come"), 3, False),
        (*span_of(TEXT, "reportedly"), 1, False),
    ]
    assert len(review.disagreements) == 2
    assert [c.text for c in review.open_agreed({})] == ["we will act soon", "42"]
    # Speakers differ 1:1: the first annotator's version is proposed.
    assert review.candidates[0].gold_attributes() == {"speaker": "the minister"}


def test_accept_records_provenance_and_undoes(project: Project) -> None:
    files = two_annotators(project)
    review = Adjudication.of(files)
    session = gold_session(project)
    claim = review.candidates[1]
    [span] = session.accept([claim], "accept claim")
    assert (span.origin, span.created_by, span.text) == ("adjudicated", "carol", "About 42 people may come")
    assert span.adjudicated_from == [SourceSpan(annotator="bob", span="b4")]
    event = session.annotations.history[-1]
    assert (event.op, event.by, event.adjudicated_from) == ("create", "carol", span.adjudicated_from)
    decided = review.decisions(session.annotations.spans.values(), session.annotations.rejected)
    assert decided == {claim: "accepted"}

    session.undo()
    assert not session.annotations.spans
    session.redo()  # the span comes back with its provenance
    [again] = session.annotations.spans.values()
    assert again.adjudicated_from == span.adjudicated_from and again.origin == "adjudicated"

    with pytest.raises(EditError, match="already has a claim span"):
        session.accept([claim], "accept claim")


def test_bulk_accept_skips_what_gold_has_and_is_one_undo(project: Project) -> None:
    review = Adjudication.of(two_annotators(project))
    session = gold_session(project)
    session.accept([review.candidates[2]], "accept number")  # the agreed number, by hand first
    created = session.accept(review.open_agreed({}), "accept agreed")
    assert [s.text for s in created] == ["we will act soon"]
    assert sorted(s.text for s in session.annotations.spans.values()) == ["42", "we will act soon"]
    session.undo()
    assert [s.text for s in session.annotations.spans.values()] == ["42"]


def test_reject_is_recorded_undoable_and_settles_a_disagreement(project: Project) -> None:
    review = Adjudication.of(two_annotators(project))
    session = gold_session(project)
    aset = session.annotations
    reportedly = review.candidates[4]
    changes = []
    session.subscribe(changes.append)
    session.reject(rejection_of(reportedly, "carol", aset.now()), "reject")
    assert [(r.annotator, r.span, r.text, r.by) for r in aset.rejected] == [("bob", "b3", "reportedly", "carol")]
    assert changes[-1].ranges == (span_of(TEXT, "reportedly"),)  # the view repaints those rows
    decided = review.decisions(aset.spans.values(), aset.rejected)
    assert review.progress(decided) == (1, 2)
    session.reject(rejection_of(reportedly, "carol", aset.now()), "again")  # nothing new: no change
    assert session.can_undo and len(aset.rejected) == 1
    session.undo()
    assert aset.rejected == []
    session.redo()
    assert len(aset.rejected) == 1

    # Accepting a rejected candidate later wins over the rejection.
    session.accept([reportedly], "accept after all")
    assert review.decisions(aset.spans.values(), aset.rejected)[reportedly] == "accepted"


def test_a_settled_gold_file_validates(project: Project) -> None:
    files = two_annotators(project)
    for name, file in files.items():
        project.write(f"a/{name}.json", file)
    review = Adjudication.of(files)
    session = gold_session(project)
    aset: AnnotationSet = session.annotations
    session.accept(review.open_agreed({}), "accept agreed")
    session.accept([review.candidates[1]], "accept claim")
    for candidate in (review.candidates[3], review.candidates[4]):
        session.reject(rejection_of(candidate, "carol", aset.now()), "reject")
    session.resize(session.annotations.spans.holder(*span_of(TEXT, "About 42 people may come"), "claim"), 39, 62)
    decided = review.decisions(aset.spans.values(), aset.rejected)
    assert review.progress(decided) == (2, 2) and not review.open_agreed(decided)
    path = project.write("a/gold.json", aset.to_file())
    assert project.validate(path) == []


def test_review_settles_the_disagreements_agree_lists() -> None:
    """On the shipped seeds: the groups `agree` lists are the ones `review` walks through."""
    from conftest import REPO

    from annotator.review.agreement import DocumentSpans, MarkedSpan, disagreements
    from annotator.storage.loading import load_annotation_file

    for folder in sorted((REPO / "annotations").iterdir()):
        files = {}
        for path in folder.glob("*.json"):
            file, _ = load_annotation_file(path)
            if file.annotator != "gold":
                files[file.annotator] = file
        spans = {
            name: tuple(MarkedSpan(s.start, s.end, s.label, s.text) for s in file.spans) for name, file in files.items()
        }
        doc = DocumentSpans(folder.name, next(iter(files.values())).document.length, spans)
        listed = [(d["start"], d["end"]) for d in disagreements(doc, sorted(files))]
        review = Adjudication.of(files)
        assert listed == [(g.start, g.end) for g in review.disagreements]
        assert len(listed) >= 10  # the two readers really differ
