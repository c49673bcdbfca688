"""Every format that imports gives back every annotator's spans of a document it exported.

One property over all of them, so that a new format is held to it: documents
of emoji, combining characters, CJK and line breaks, each annotated by two or
three people (their spans overlapping, several on the same offsets), exported
and read back. Each format's own tests check what else it keeps (attributes,
notes, records); the README's "What each format keeps" table says which.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.interop.formats import load_format
from annotator.interop.model import ExportRecord, ImportedDocument
from annotator.model.document import Document, DocumentMeta, text_sha256
from annotator.model.editing import AnnotationSet
from tests.conftest import read_strictly

ALPHABET = st.sampled_from([*"ab c\n.,'\"", "é", "e\u0301", "👍", "👨🏻‍🚒", "東", "京", "🇫🇷"])
texts = st.lists(ALPHABET, min_size=2, max_size=30).map("".join).filter(str.strip)
ANNOTATORS = ("alice", "bob", "carol")
LABELS = ("quote", "claim", "number", "hedge")
# Formats whose export names the file's annotator: brat does it with a folder
# per annotator (its export chooses that layout for such a corpus), W3C with
# each annotation's creator; the others with a field of each record.
IMPORTABLE = ("jsonl", "label-studio", "doccano", "w3c", "brat")


@st.composite
def annotated_documents(draw) -> list[ExportRecord]:
    """One document, each of two or three annotators' files of it."""
    text = draw(texts)
    stripped = [i for i, ch in enumerate(text) if not ch.isspace()]
    document = Document("docs/d1.txt", text, DocumentMeta("d1"), text_sha256(text))
    records = []
    for annotator in ANNOTATORS[: draw(st.integers(2, 3))]:
        aset = AnnotationSet.new(document, annotator)
        seen = set()
        for _ in range(draw(st.integers(0, 4))):
            start = draw(st.sampled_from(stripped))
            end = draw(st.sampled_from([i + 1 for i in stripped if i >= start]))
            label = draw(st.sampled_from(LABELS))
            if (start, end, label) not in seen:
                seen.add((start, end, label))
                aset.create(start, end, label)
        records.append(ExportRecord(Path(f"annotations/d1/{annotator}.json"), aset.to_file(), document))
    return records


def spans_by_annotator(records: list[ExportRecord]) -> dict[str, list[tuple[int, int, str]]]:
    return {r.file.annotator: sorted((s.start, s.end, s.label) for s in r.file.spans) for r in records}


def imported_by_annotator(docs: list[ImportedDocument]) -> dict[str, list[tuple[int, int, str]]]:
    return {doc.annotator or "": sorted((s.start, s.end, s.label) for s in doc.spans) for doc in docs}


def export_then_read(fmt: str, records: list[ExportRecord], folder: Path) -> list[ImportedDocument]:
    (folder / "docs").mkdir(exist_ok=True)
    (folder / "docs" / "d1.txt").write_text(records[0].document.text, encoding="utf-8", newline="")
    module = load_format(fmt, "export")
    options: dict = {"report": lambda _: None, "documents": folder, "docs": folder / "docs"}
    planner = getattr(module, "export_options_for", None)
    if planner is not None:
        options.update(planner([folder / r.path for r in records]))
    dest = folder / ("out" if getattr(module, "FOLDER_OUTPUT", False) else f"out.{fmt}")
    unit = module.OFFSET_UNITS[0]
    module.export(records, dest, offsets=unit, options=options)
    reader = load_format(fmt, "import")
    read_options = {"documents": folder, "docs": folder / "docs", "report": lambda _: None}
    return [doc for doc in read_strictly(reader.read(dest, offsets=unit, options=read_options)) if doc.spans]


@pytest.mark.parametrize("fmt", IMPORTABLE)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=annotated_documents())
def test_every_annotator_comes_back(tmp_path_factory: pytest.TempPathFactory, fmt: str, records) -> None:
    folder = tmp_path_factory.mktemp(fmt)
    docs = export_then_read(fmt, records, folder)
    assert {doc.text for doc in docs} <= {records[0].document.text}
    expected = {name: spans for name, spans in spans_by_annotator(records).items() if spans}
    assert imported_by_annotator(docs) == expected
