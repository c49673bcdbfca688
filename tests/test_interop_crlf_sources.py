"""Sources written with CRLF line endings: offsets counted in the raw file are
mapped onto the normalised text, and a round trip keeps every span in place."""

from __future__ import annotations

import tempfile
from itertools import count
from pathlib import Path

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.interop.formats import brat, jsonl
from annotator.interop.model import ExportRecord, ImportedDocument
from annotator.model.document import Document, DocumentMeta, text_sha256
from annotator.model.editing import AnnotationSet

LABELS = ("quote", "claim", "hedge", "number")
CHARACTERS = st.sampled_from([*"abc xyz,.", "é", "e\u0301", "中", "文", "👍", "👨🏻\u200d🚒", "🇺🇸"])
LINES = st.lists(st.lists(CHARACTERS, min_size=1, max_size=12).map("".join), min_size=1, max_size=5)
OPTIONS: dict = {"report": lambda message: None}


@st.composite
def crlf_sources(draw: st.DrawFn) -> tuple[str, list[tuple[int, int, str]]]:
    """A CRLF text and spans as (start, end, label) in raw code points, within lines."""
    lines = draw(LINES)
    raw = "\r\n".join(lines) + "\r\n"
    spans = set()
    offset = 0
    for line in lines:
        for _ in range(draw(st.integers(0, 2))):
            start = draw(st.integers(0, len(line) - 1))
            end = draw(st.integers(start + 1, len(line)))
            if line[start:end].strip():
                spans.add((offset + start, offset + end, draw(st.sampled_from(LABELS))))
        offset += len(line) + 2
    return raw, sorted(spans)


def expected(raw: str, spans: list[tuple[int, int, str]]) -> set[tuple[str, str]]:
    return {(raw[start:end], label) for start, end, label in spans}


def found(document: ImportedDocument) -> set[tuple[str, str]]:
    return {(document.text[span.start : span.end], span.label) for span in document.spans}


def as_record(document: ImportedDocument) -> ExportRecord:
    text = document.text
    ids = (f"s{n}" for n in count(1))
    ticks = count()
    aset = AnnotationSet.new(
        Document(f"docs/{document.doc_id}.txt", text, DocumentMeta(document.doc_id), text_sha256(text)),
        "alice",
        clock=lambda: f"2026-01-01T00:00:{next(ticks) % 60:02d}Z",
        make_id=lambda: next(ids),
    )
    for span in document.spans:
        aset.create(span.start, span.end, span.label)
    return ExportRecord(Path(f"annotations/{document.doc_id}/alice.json"), aset.to_file(), aset_document(aset))


def aset_document(aset: AnnotationSet) -> Document:
    ref = aset.document
    return Document(ref.path, aset.text, DocumentMeta(ref.id), ref.sha256)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(crlf_sources())
def test_brat_crlf_source_round_trips(source: tuple[str, list[tuple[int, int, str]]]) -> None:
    raw, spans = source
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "in").mkdir()
        (root / "in" / "doc.txt").write_bytes(raw.encode("utf-8"))
        lines = [f"T{n}\t{label} {start} {end}\t{raw[start:end]}" for n, (start, end, label) in enumerate(spans, 1)]
        (root / "in" / "doc.ann").write_text("".join(line + "\n" for line in lines), encoding="utf-8")

        (document,) = brat.read(root / "in", offsets="codepoint", options=OPTIONS)
        assert document.text == raw.replace("\r\n", "\n")
        assert found(document) == expected(raw, spans)

        brat.export([as_record(document)], root / "out", offsets="codepoint", options=OPTIONS)
        (again,) = brat.read(root / "out", offsets="codepoint", options=OPTIONS)
        assert again.text == document.text
        assert {(s.start, s.end, s.label) for s in again.spans} == {(s.start, s.end, s.label) for s in document.spans}


@settings(max_examples=60, deadline=None)
@given(crlf_sources(), st.sampled_from(["codepoint", "utf16"]))
def test_jsonl_crlf_source_round_trips(source: tuple[str, list[tuple[int, int, str]]], unit: str) -> None:
    raw, spans = source

    def units(offset: int) -> int:
        return offset if unit == "codepoint" else len(raw[:offset].encode("utf-16-le")) // 2

    task = {
        "text": raw,
        "meta": {"id": "doc", "offsets": unit} if unit == "utf16" else {"id": "doc"},
        "spans": [{"start": units(s), "end": units(e), "label": label} for s, e, label in spans],
        "answer": "accept",
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.jsonl"
        path.write_bytes(orjson.dumps(task) + b"\n")
        (document,) = jsonl.read(path, offsets=unit, options=OPTIONS)
        assert document.text == raw.replace("\r\n", "\n")
        assert found(document) == expected(raw, spans)

        out = Path(folder) / "out.jsonl"
        jsonl.export([as_record(document)], out, offsets=unit, options=OPTIONS)
        (again,) = jsonl.read(out, offsets=unit, options=OPTIONS)
        assert {(s.start, s.end, s.label) for s in again.spans} == {(s.start, s.end, s.label) for s in document.spans}
