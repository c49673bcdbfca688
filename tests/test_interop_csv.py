"""CSV audit export: parse back with the csv module, BOM, quoting, formula-injection guard."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from annotator.interop.formats import csv_export
from annotator.interop.formats.csv_export import COLUMNS, guard, unguard
from annotator.interop.model import ExportRecord, InteropError
from annotator.model.document import Document, DocumentMeta, text_sha256
from annotator.model.editing import AnnotationSet

TEXT = '=SUM(A1:A2) said @bob, "quoted, with comma"\nnext line -5 +3 👍 firetrucks\t\'=x'


def make_record(text: str, spans, doc_id: str = "doc-1", annotator: str = "alice") -> ExportRecord:
    document = Document(f"docs/{doc_id}.txt", text, DocumentMeta(doc_id), text_sha256(text))
    aset = AnnotationSet.new(document, annotator)
    for start, end, label, extra in spans:
        aset.create(start, end, label, **extra)
    return ExportRecord(Path(f"annotations/{annotator}/{doc_id}.json"), aset.to_file(), document)


def at(needle: str) -> tuple[int, int]:
    i = TEXT.index(needle)
    return i, i + len(needle)


def sample() -> ExportRecord:
    return make_record(
        TEXT,
        [
            (*at("=SUM(A1:A2)"), "formula", {"note": "+evil note", "attributes": {"speaker": "@bob", "n": 3}}),
            (*at('"quoted, with comma"\nnext'), "quote", {"note": "multi\nline", "group": "g1"}),
            (*at("-5"), "num", {}),
            (*at("firetrucks"), "vehicle", {"source": "T1", "origin": "imported"}),
            (*at("\t'=x"), "odd", {}),
        ],
    )


def read_rows(path: Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.DictReader(f))


def test_rows_round_trip(tmp_path):
    dest = tmp_path / "out.csv"
    record = sample()
    assert csv_export.export([record], dest, offsets="codepoint", options={}) == 5
    raw = dest.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    assert b"\r\n" in raw  # RFC 4180 row ends
    rows = read_rows(dest)
    with open(dest, encoding="utf-8-sig", newline="") as f:
        assert tuple(next(csv.reader(f))) == COLUMNS
    assert len(rows) == 5
    for row, span in zip(rows, record.file.spans, strict=True):
        assert unguard(row["text"]) == span.text == TEXT[int(row["start"]) : int(row["end"])]
        assert (row["document"], row["path"], row["annotator"]) == ("doc-1", "docs/doc-1.txt", "alice")
        assert (row["id"], row["label"]) == (span.id, span.label)
        assert json.loads(row["attributes"]) == span.attributes
        assert unguard(row["note"]) == (span.note or "")
        assert row["group"] == (span.group or "")
        assert (row["origin"], row["source"]) == (span.origin, span.source or "")
        assert (row["created_by"], row["created"]) == (span.created_by, span.created_at)
        assert (row["modified_by"], row["modified"]) == (span.modified_by, span.modified_at)
    quote = next(r for r in rows if r["label"] == "quote")
    assert "\n" in quote["text"] and quote["note"] == "multi\nline"  # newlines preserved inside quotes


def test_formula_guard(tmp_path):
    dest = tmp_path / "out.csv"
    csv_export.export([sample()], dest, offsets="codepoint", options={})
    rows = {r["label"]: r for r in read_rows(dest)}
    assert rows["formula"]["text"] == "'=SUM(A1:A2)"
    assert rows["formula"]["note"] == "'+evil note"
    assert rows["num"]["text"] == "'-5"
    assert rows["odd"]["text"] == "'\t'=x"
    for row in rows.values():
        for column in COLUMNS:
            assert row[column][:1] not in ("=", "+", "@", "\t", "\r") and not (
                row[column].startswith("-") and column not in ("start", "end")
            ), (column, row[column])
    # off: the raw values
    csv_export.export([sample()], dest, offsets="codepoint", options={"formula_guard": False, "bom": False})
    assert not dest.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = {r["label"]: r for r in read_rows(dest, "utf-8")}
    assert rows["formula"]["text"] == "=SUM(A1:A2)"


@pytest.mark.parametrize(
    "value", ["=1", "+1", "-1", "@x", "\tx", "\rx", "'=1", "''-1", "'tis", "plain", "", "'", "a=b"]
)
def test_guard_is_reversible(value):
    guarded = guard(value)
    assert unguard(guarded) == value
    assert guarded[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_utf16_offsets(tmp_path):
    dest = tmp_path / "out.csv"
    csv_export.export([sample()], dest, offsets="utf16", options={})
    row = next(r for r in read_rows(dest) if r["label"] == "vehicle")
    start, end = at("firetrucks")
    assert (int(row["start"]), int(row["end"])) == (start + 1, end + 1)  # one astral character before it
    with pytest.raises(InteropError):
        csv_export.export([sample()], dest, offsets="utf8", options={})


def test_streams_many_records(tmp_path):
    dest = tmp_path / "many.csv"
    records = (make_record(f"doc {i} text", [(0, 3, "num", {})], doc_id=f"d{i}") for i in range(200))
    assert csv_export.export(records, dest, offsets="codepoint", options={}) == 200
    assert [r["document"] for r in read_rows(dest)] == [f"d{i}" for i in range(200)]
