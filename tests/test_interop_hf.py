"""Hugging Face datasets export, loaded back with datasets itself: load_from_disk and load_dataset
on the same folder, every span as the annotation files hold it, an empty export, the same bytes
twice, the card, a missing pyarrow, and the command line."""

from __future__ import annotations

import builtins
import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest

from annotator.interop.corpus import iter_records
from annotator.interop.formats import hf_datasets
from annotator.interop.model import ExportRecord, InteropError
from annotator.model.document import Document, DocumentMeta, text_sha256
from annotator.model.editing import AnnotationSet
from annotator.model.tagset import DEFAULT_LABELS, TagSet, default_tagset
from tests.conftest import TEXT, Project, build_sample, run_cli, span_of

pytest.importorskip("pyarrow")

# CJK, a combining diaeresis, a ZWJ family emoji and a flag (two regional indicators).
CJK = "東京で首相は「明日やる」と述べた。Zoe\u0308 said “maybe 👩\u200d👩\u200d👧 soon”; costs rose 5 % 🇫🇷.\n"
META = {
    "title": "Tokyo",
    "publisher": "Daily 東京",
    "source": "https://example.org/a",
    "language": "ja",
    "published": "2024-05-01",
}
LABELS = [label.name for label in DEFAULT_LABELS]


@pytest.fixture(scope="module")
def hf() -> Any:
    """datasets, imported once for the module (it takes most of a second)."""
    datasets = pytest.importorskip("datasets")
    datasets.disable_progress_bars()
    return datasets


@pytest.fixture
def corpus(project: Project) -> Project:
    """docs/a.txt by alice and bob; docs/b.txt (CJK, combining, emoji; with metadata) by alice, bob and gold."""
    project.write("a/alice.json", build_sample(project))
    bob = project.new_set("docs/a.txt", "bob")
    bob.create(*span_of(TEXT, "42"), "number", attributes={"value": 42})
    bob.create(*span_of(TEXT, "Café 👍"), "hedge", note="emoji at the end")
    bob.set_status("done")
    project.write("a/bob.json", bob)
    project.write_doc("docs/b.txt", CJK, meta={"id": "b", **META})
    alice = project.new_set("docs/b.txt", "alice")
    alice.create(*span_of(CJK, "明日やる"), "quote", attributes={"speaker": "首相"})
    alice.create(*span_of(CJK, "Zoe\u0308"), "claim", group="g1")  # ends after the combining mark
    alice.create(*span_of(CJK, "said"), "claim", group="g1")
    alice.create(*span_of(CJK, "👩\u200d👩\u200d👧"), "hedge")
    alice.create(*span_of(CJK, "5 %"), "number", attributes={"value": 5, "unit": "percent"})
    project.write("b/alice.json", alice)
    bob_b = project.new_set("docs/b.txt", "bob")
    bob_b.create(*span_of(CJK, "“maybe 👩\u200d👩\u200d👧 soon”"), "quote", note="a *markdown* note")
    bob_b.create(*span_of(CJK, "maybe"), "hedge")  # inside the quote
    bob_b.create(*span_of(CJK, "🇫🇷"), "number")
    project.write("b/bob.json", bob_b)
    gold = project.new_set("docs/b.txt", "gold")
    gold.create(*span_of(CJK, "東京"), "claim", attributes={"check_worthiness": "low"})
    project.write("b/gold.json", gold)
    return project


def records(project: Project) -> list[ExportRecord]:
    return list(iter_records(None, project.config))


def export(project: Project, dest: Path, **options: Any) -> int:
    return hf_datasets.export(records(project), dest, offsets="codepoint", options=options)


def expected_rows(project: Project) -> list[dict[str, Any]]:
    """What each annotation file says, in the order of the export, as plain JSON."""
    files = sorted((project.root / "annotations").rglob("*.json"))
    return [orjson.loads(path.read_bytes()) for path in files]


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# -- both loaders ------------------------------------------------------------------------


def test_both_loaders_give_every_span_as_the_files_hold_it(hf: Any, corpus: Project, tmp_path: Path) -> None:
    dest = tmp_path / "out"
    files = expected_rows(corpus)
    assert export(corpus, dest, tagset=corpus.config.tagset) == sum(len(f["spans"]) for f in files)
    from_disk = hf.load_from_disk(str(dest))
    loaded = hf.load_dataset(str(dest), cache_dir=str(tmp_path / "cache"))
    assert list(from_disk) == list(loaded) == ["train"]
    assert from_disk["train"].features == loaded["train"].features
    assert from_disk["train"].to_list() == loaded["train"].to_list()
    train = from_disk["train"]
    assert train.features["span_labels"].feature.names == LABELS
    texts = {"a": TEXT, "b": CJK}
    assert len(train) == len(files) == 5
    for row, file in zip(train, files, strict=True):
        assert (row["id"], row["annotator"], row["status"]) == (
            file["document"]["id"],
            file["annotator"],
            file["status"],
        )
        assert row["text"] == texts[row["id"]]
        assert row["document_path"] == file["document"]["path"]
        assert len(row["spans"]) == len(file["spans"])
        for span, want in zip(row["spans"], file["spans"], strict=True):
            assert {key: span[key] for key in ("start", "end", "label", "text", "id")} == {
                key: want[key] for key in ("start", "end", "label", "text", "id")
            }
            assert orjson.loads(span["attributes"]) == want.get("attributes", {})
            assert (span["note"], span["group"]) == (want.get("note"), want.get("group"))
            assert row["text"][span["start"] : span["end"]] == span["text"]
        assert row["span_starts"] == [s["start"] for s in file["spans"]]
        assert row["span_ends"] == [s["end"] for s in file["spans"]]
        assert [LABELS[n] for n in row["span_labels"]] == [s["label"] for s in file["spans"]]
    b_rows = [row for row in train if row["id"] == "b"]
    assert all({name: row[name] for name in META} == META for row in b_rows)
    assert all(row["title"] is None for row in train if row["id"] == "a")


def test_rows_are_batched_and_still_load_whole(hf: Any, corpus: Project, tmp_path: Path, monkeypatch) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    monkeypatch.setattr(hf_datasets, "BATCH_ROWS", 2)
    dest = tmp_path / "out"
    export(corpus, dest)
    assert pq.ParquetFile(dest / hf_datasets.PARQUET_FILE).num_row_groups == 3
    with pa.ipc.open_stream(str(dest / hf_datasets.ARROW_FILE)) as stream:
        assert [len(batch) for batch in stream] == [2, 2, 1]
    rows = hf.load_from_disk(str(dest))["train"].to_list()
    assert [(row["id"], row["annotator"]) for row in rows] == [
        ("a", "alice"),
        ("a", "bob"),
        ("b", "alice"),
        ("b", "bob"),
        ("b", "gold"),
    ]
    assert hf.load_dataset(str(dest), cache_dir=str(tmp_path / "cache"))["train"].to_list() == rows


def test_empty_export_declares_its_types(hf: Any, tmp_path: Path) -> None:
    dest = tmp_path / "empty"
    assert hf_datasets.export([], dest, offsets="codepoint", options={}) == 0
    train = hf.load_from_disk(str(dest))["train"]
    assert len(train) == 0
    assert train.features == hf.Features.from_dict(hf_datasets.features(LABELS))
    types = {column.name: str(column.type) for column in train.features.arrow_schema}
    struct = ", ".join(
        f"{name}: {'int64' if name in ('start', 'end') else 'string'}" for name in hf_datasets.SPAN_FIELDS
    )
    assert types["spans"] == f"list<item: struct<{struct}>>"
    assert types["span_starts"] == types["span_labels"] == "list<item: int64>" and types["text"] == "string"
    assert train.features["span_labels"].feature.names == LABELS
    # load_dataset refuses a split without rows (datasets' own limit); the card's features still read
    builder = hf.load_dataset_builder(str(dest), cache_dir=str(tmp_path / "cache"))
    assert builder.info.features == train.features
    assert "This export is empty" in (dest / "README.md").read_text(encoding="utf-8")


# -- the same bytes ---------------------------------------------------------------------------


def test_same_input_gives_the_same_bytes(corpus: Project, tmp_path: Path) -> None:
    export(corpus, tmp_path / "one")
    export(corpus, tmp_path / "two")
    one = snapshot(tmp_path / "one")
    assert sorted(one) == sorted(hf_datasets.FILES)
    assert one == snapshot(tmp_path / "two")
    state = orjson.loads(one[hf_datasets.STATE_FILE])
    assert state["_fingerprint"] == hashlib.sha256(one[hf_datasets.ARROW_FILE]).hexdigest()[:16]
    assert state["_split"] == "train" and state["_data_files"] == [{"filename": "data-00000-of-00001.arrow"}]


# -- the card ---------------------------------------------------------------------------------


def test_card_counts_labels_and_no_document_text(corpus: Project, tmp_path: Path) -> None:
    yaml = pytest.importorskip("yaml")
    labels = [
        replace(label, description="<script>x</script> *bold* | [link](javascript:x)") for label in DEFAULT_LABELS
    ]
    export(corpus, tmp_path / "out", tagset=TagSet(labels))
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    _, header, body = card.split("---\n", 2)
    meta = yaml.safe_load(header)
    assert meta["configs"] == [
        {"config_name": "default", "data_files": [{"split": "train", "path": "data/train-00000-of-00001.parquet"}]}
    ]
    names = next(f for f in meta["dataset_info"]["features"] if f["name"] == "span_labels")["sequence"]["class_label"]
    assert names["names"] == {str(n): label for n, label in enumerate(LABELS)}
    for line in ("| rows (annotation files) | 5 |", "| documents | 2 |", "| annotators | 3 |", "| spans | 15 |"):
        assert line in body
    assert "| 0 | `quote` | 3 |" in body and "annotator export --format hf" in body
    assert "<script>" not in body and "&lt;script&gt;" in body and "\\*bold\\*" in body and "\\[link\\]" in body
    for phrase in ("minister", "明日", "Zoe", "Café", "Tokyo", "alice", "gold"):
        assert phrase not in card


def test_label_descriptions_stay_on_their_line() -> None:
    assert hf_datasets._plain("two\nlines\x1b[31m | cell") == "two lines \\[31m \\| cell"


# -- refused input ------------------------------------------------------------------------------


def make_record(text: str, document_text: str | None = None, label: str = "quote") -> ExportRecord:
    document = Document("docs/x.txt", text, DocumentMeta("x"), text_sha256(text))
    aset = AnnotationSet.new(document, "alice")
    aset.create(0, 3, label)
    if document_text is not None:
        document = replace(document, text=document_text)
    return ExportRecord(Path("annotations/x/alice.json"), aset.to_file(), document)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (make_record("abc def", "xyz def"), r"annotations/x/alice.json: span \w+ \[0, 3\) says its text is 'abc'"),
        (make_record("abc def", label="person"), r"has label 'person', which is not in the tag set \(quote, claim"),
    ],
)
def test_bad_span_names_the_file_and_writes_nothing(tmp_path: Path, record: ExportRecord, message: str) -> None:
    with pytest.raises(InteropError, match=message):
        hf_datasets.export([record], tmp_path / "out", offsets="codepoint", options={"tagset": default_tagset()})
    assert list(tmp_path.iterdir()) == []  # not even a temporary folder


def test_only_code_points_and_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InteropError, match="offsets must be one of codepoint"):
        hf_datasets.export([], tmp_path / "out", offsets="utf16", options={})
    (tmp_path / "file").write_bytes(b"x")
    with pytest.raises(InteropError, match="file: is not a folder; the hf export writes a folder"):
        hf_datasets.export([], tmp_path / "file", offsets="codepoint", options={})


# -- a missing pyarrow ------------------------------------------------------------------------------


def without_pyarrow(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)


def test_missing_pyarrow_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    without_pyarrow(monkeypatch)
    with pytest.raises(ImportError, match=r"pyarrow is not installed: pip install 'annotator\[hf\]'"):
        hf_datasets.export([], tmp_path / "out", offsets="codepoint", options={})
    assert not (tmp_path / "out").exists()


def test_missing_pyarrow_on_the_command_line(corpus: Project, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from annotator.cli.main import main

    without_pyarrow(monkeypatch)
    assert main(["export", "--format", "hf", "--out", "out"]) == 2
    err = capsys.readouterr().err
    assert "format 'hf' needs pyarrow, which is not installed: pip install 'annotator[hf]'" in err
    assert "Traceback" not in err and not (corpus.root / "out").exists()


# -- the command line ---------------------------------------------------------------------------------


def test_cli_export_into_a_new_and_an_existing_folder(hf: Any, corpus: Project) -> None:
    result = run_cli(["export", "--format", "hf", "--out", "out"], corpus.root)
    assert result.returncode == 0, result.stderr
    assert "exported 5 annotation file(s), 15 spans to out (offsets: codepoint)" in result.stderr
    first = snapshot(corpus.root / "out")
    assert len(hf.load_from_disk(str(corpus.root / "out"))["train"]) == 5
    (corpus.root / "out" / "mine.txt").write_text("kept", encoding="utf-8")
    result = run_cli(["export", "--format", "hf", "--out", "out", "annotations/b"], corpus.root)
    assert result.returncode == 0, result.stderr
    second = snapshot(corpus.root / "out")
    assert second.pop("mine.txt") == b"kept"
    assert second.keys() == first.keys() and second != first
    assert [row["annotator"] for row in hf.load_from_disk(str(corpus.root / "out"))["train"]] == [
        "alice",
        "bob",
        "gold",
    ]


def test_cli_refuses_a_file_and_utf16(corpus: Project) -> None:
    (corpus.root / "out").write_bytes(b"earlier")
    result = run_cli(["export", "--format", "hf", "--out", "out"], corpus.root)
    assert result.returncode == 1 and "out: is not a folder; the hf export writes a folder" in result.stderr
    assert (corpus.root / "out").read_bytes() == b"earlier" and "Traceback" not in result.stderr
    result = run_cli(["export", "--format", "hf", "--out", "x", "--offsets", "utf16"], corpus.root)
    assert result.returncode == 2 and "does not support --offsets utf16" in result.stderr
