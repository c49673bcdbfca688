"""Re-anchoring an annotation set onto its document's new text (AnnotationSet.reanchor):
audited moves, marked changes, kept orphans, and a file that validates afterwards."""

from __future__ import annotations

import orjson
from conftest import TEXT, Project

from annotator.anchoring.outcome import AnchoredSpan, Outcome, place_spans
from annotator.anchoring.text_quote import CONTEXT, TextQuote
from annotator.model.annotation import SCHEMA_VERSION, AnnotationFile
from annotator.model.editing import AnnotationSet
from annotator.reports.history import describe
from annotator.storage.documents import load_document

OLD_TEXT = (
    "The minister said the bridge would reopen in the spring, after repairs.\n\n"
    "Engineers counted 42 cracks in the supports of the eastern span last week.\n\n"
    "Traffic may return to normal, reportedly, once the work is finished.\n"
)
NEW_TEXT = "Updated on Friday.\n\n" + OLD_TEXT.replace("42", "45").replace(
    "Traffic may return to normal, reportedly, once the work is finished.", "The council will decide in May."
)


def quotes_of(aset) -> list[AnchoredSpan]:
    return [
        AnchoredSpan(span.id, TextQuote(span.start, span.end, span.text, span.prefix or "", span.suffix or ""))
        for span in aset.sorted_spans()
    ]


def test_moved_changed_and_orphaned_spans_are_audited_kept_and_validate(project: Project) -> None:
    project.write_doc("docs/b.txt", OLD_TEXT)
    aset = project.new_set("docs/b.txt")
    minister = aset.create(OLD_TEXT.index("minister"), OLD_TEXT.index("minister") + 8, "quote")
    number = aset.create(OLD_TEXT.index("42"), OLD_TEXT.index("42") + 2, "number")
    hedge = aset.create(OLD_TEXT.index("reportedly"), OLD_TEXT.index("reportedly") + 10, "hedge")
    assert (minister.prefix, minister.suffix) == (OLD_TEXT[: minister.start], OLD_TEXT[minister.end :][:CONTEXT])
    project.write_doc("docs/b.txt", NEW_TEXT)
    document = load_document(project.root, "docs/b.txt")

    placements = {p.id: p for p in place_spans(quotes_of(aset), document.text)}
    assert placements[minister.id].outcome is Outcome.MOVED
    assert placements[number.id].outcome is Outcome.CHANGED
    assert placements[hedge.id].outcome is Outcome.ORPHANED
    assert aset.reanchor(document, list(placements.values()), by="editor") == []

    moved, changed = aset.spans[minister.id], aset.spans[number.id]
    assert (moved.start, moved.text, moved.reanchored) == (NEW_TEXT.index("minister"), "minister", None)
    assert changed.text == "45" and changed.reanchored is not None
    assert (changed.reanchored.start, changed.reanchored.text) == (number.start, "42")
    assert hedge.id not in aset.spans
    [orphan] = aset.orphaned
    assert (orphan.span.text, orphan.span.start, orphan.by) == ("reportedly", hedge.start, "editor")
    assert [event.op for event in aset.history[-3:]] == ["reanchor", "reanchor", "orphan"]
    assert describe(aset.history[-2]).startswith(f"[{number.start}, {number.end}) '42' -> [")

    path = project.write("b/alice.json", aset)
    assert project.validate(path) == []
    saved = orjson.loads(path.read_bytes())
    assert saved["schema_version"] == SCHEMA_VERSION and saved["document"]["sha256"] == document.sha256
    assert saved["orphaned"][0]["span"]["text"] == "reportedly"


def test_an_old_file_read_and_written_unedited_keeps_its_version(project: Project) -> None:
    aset = project.new_set()
    aset.create(0, 3, "quote")
    data = orjson.loads(project.write("a/alice.json", aset).read_bytes())
    data["schema_version"] = 1
    for span in data["spans"]:
        del span["prefix"], span["suffix"]
    path = project.write("a/alice.json", data)
    assert project.validate(path) == []
    reread = AnnotationSet(AnnotationFile.model_validate(data), TEXT)
    assert reread.to_file().model_dump(exclude_none=True) == AnnotationFile.model_validate(data).model_dump(
        exclude_none=True
    )
    # The first span made with context makes it a version 2 file.
    reread.create(4, 12, "quote")
    assert reread.to_file().schema_version == SCHEMA_VERSION


def test_a_rejected_candidate_with_no_place_is_kept_not_dropped(project: Project) -> None:
    from annotator.model.annotation import Rejection

    project.write_doc("docs/b.txt", OLD_TEXT)
    aset = project.new_set("docs/b.txt")
    sentence = "Traffic may return to normal, reportedly, once the work is finished."
    at = OLD_TEXT.index(sentence)
    gone = Rejection(
        annotator="bob", span="b1", start=at, end=at + len(sentence), label="claim", text=sentence, by="alice",
        at="2026-01-01T00:00:00Z",
    )  # fmt: skip
    kept_at = OLD_TEXT.index("42 cracks")
    kept = gone.model_copy(update={"span": "b2", "start": kept_at, "end": kept_at + 9, "text": "42 cracks"})
    aset.set_rejected([gone, kept])
    project.write_doc("docs/b.txt", NEW_TEXT)
    document = load_document(project.root, "docs/b.txt")
    rejected = [AnchoredSpan(str(n), TextQuote(r.start, r.end, r.text, "", "")) for n, r in enumerate(aset.rejected)]
    aset.reanchor(document, [], rejections=place_spans(rejected, document.text, OLD_TEXT))
    assert aset.orphaned_rejected == [gone]
    [moved] = aset.rejected
    assert moved.span == "b2" and document.text[moved.start : moved.end] == moved.text
    path = project.write("b/alice.json", aset)
    assert orjson.loads(path.read_bytes())["orphaned_rejected"][0]["text"] == sentence
    assert project.validate(path) == []
