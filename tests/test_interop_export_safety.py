"""Export never destroys a file: an --out that is one of its inputs is refused, a failed
export leaves an existing output as it was, and a file `annotator validate` refuses is
never exported."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import orjson
import pytest

from annotator.interop.model import InteropError
from tests.conftest import TEXT, Project, build_sample, run_cli

FILE_FORMATS = ["jsonl", "csv", "w3c", "doccano", "label-studio", "conll"]
if importlib.util.find_spec("spacy") is not None:
    FILE_FORMATS.append("spacy")
FOLDER_FORMATS = ["brat"]
if importlib.util.find_spec("pyarrow") is not None:
    FOLDER_FORMATS.append("hf")


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under root."""
    return {p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None) for p in root.rglob("*")}


@pytest.fixture
def corpus(project: Project) -> Project:
    """Two valid annotation files of docs/a.txt."""
    project.write("a/alice.json", build_sample(project))
    bob = project.new_set(annotator="bob")
    bob.create(*_find("42"), "number")
    project.write("a/bob.json", bob)
    return project


def _find(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


# -- an output that is an input ------------------------------------------------------------


@pytest.mark.parametrize("fmt", FILE_FORMATS)
@pytest.mark.parametrize("out", ["annotations/a/alice.json", "docs/a.txt", "docs/a.meta.json"])
def test_out_that_is_an_input_is_refused(corpus: Project, fmt: str, out: str) -> None:
    if out.endswith(".meta.json"):
        (corpus.root / out).write_text('{"id": "a"}', encoding="utf-8")
    before = snapshot(corpus.root)
    result = run_cli(["export", "-f", fmt, "--out", out], corpus.root)
    assert result.returncode == 2, result.stderr
    assert "choose another --out; nothing was exported" in result.stderr
    assert snapshot(corpus.root) == before


def test_label_studio_config_that_is_an_input_is_refused(corpus: Project) -> None:
    """Label Studio writes <stem>.config.xml beside the tasks: that file may not be an input either."""
    (corpus.root / "annotations" / "a" / "carol.config.xml").write_bytes(
        (corpus.root / "annotations" / "a" / "alice.json").read_bytes()
    )
    before = snapshot(corpus.root)
    args = ["export", "-f", "label-studio", "annotations/a/carol.config.xml", "--out", "annotations/a/carol.json"]
    result = run_cli(args, corpus.root)
    assert result.returncode == 2 and "would write over its own input" in result.stderr
    assert snapshot(corpus.root) == before


@pytest.mark.parametrize("fmt", FOLDER_FORMATS)
def test_folder_export_into_the_documents_folder_is_refused(corpus: Project, fmt: str) -> None:
    before = snapshot(corpus.root)
    result = run_cli(["export", "-f", fmt, "--out", "docs"], corpus.root)
    assert result.returncode == 2
    assert "is the documents folder" in result.stderr and "nothing was exported" in result.stderr
    assert f"a {fmt} export replaces the folder it writes" in result.stderr
    assert snapshot(corpus.root) == before


@pytest.mark.parametrize("fmt", ["brat", "jsonl"])
def test_document_outside_the_documents_folders_is_not_overwritten(corpus: Project, fmt: str) -> None:
    """A document the config does not list as a documents folder is found only while
    reading: the export stops there, and nothing is written."""
    corpus.write_doc("texts/b.txt", TEXT)
    aset = corpus.new_set("texts/b.txt", annotator="carol")
    aset.create(*_find("42"), "number")
    corpus.write("b/carol.json", aset)
    before = snapshot(corpus.root)
    out = "texts" if fmt == "brat" else "texts/b.txt"  # brat: one annotator, so texts/b.txt and texts/b.ann
    result = run_cli(["export", "-f", fmt, "annotations/b", "--out", out], corpus.root)
    assert result.returncode == 1, result.stderr
    assert "texts/b.txt" in result.stderr and "choose another --out" in result.stderr
    assert "nothing was exported" in result.stderr.lower()
    assert snapshot(corpus.root) == before  # no temporary file or folder left either


# -- a failed export leaves the output as it was -----------------------------------------------


@pytest.mark.parametrize("fmt", [*FILE_FORMATS, *FOLDER_FORMATS])
def test_failed_export_leaves_an_existing_output_untouched(corpus: Project, fmt: str) -> None:
    corpus.write("z/broken.json", "{")
    if fmt in FOLDER_FORMATS:
        (corpus.root / "out").mkdir()
        (corpus.root / "out" / "a.ann").write_text("T1\tclaim 0 3\tThe\n", encoding="utf-8")
        (corpus.root / "out" / "notes.md").write_text("mine", encoding="utf-8")
    else:
        (corpus.root / "out").write_bytes(b"the previous export\n")
    before = snapshot(corpus.root)
    result = run_cli(["export", "-f", fmt, "--out", "out"], corpus.root)
    assert result.returncode == 1
    assert "broken.json: does not validate" in result.stderr
    assert "Nothing was exported; out is unchanged" in result.stderr
    assert snapshot(corpus.root) == before


def test_export_whose_inputs_all_fail_leaves_the_output_untouched(project: Project) -> None:
    project.write("z/broken.json", "{")
    (project.root / "out.jsonl").write_bytes(b"the previous export\n")
    result = run_cli(["export", "-f", "jsonl", "--out", "out.jsonl"], project.root)
    assert result.returncode == 1
    assert "1 of 1 file(s) cannot be exported" in result.stderr and "out.jsonl is unchanged" in result.stderr
    assert (project.root / "out.jsonl").read_bytes() == b"the previous export\n"


@pytest.mark.parametrize("fmt", [*FILE_FORMATS, "brat"])
def test_successful_export_replaces_the_output_and_leaves_no_temporary_file(corpus: Project, fmt: str) -> None:
    if fmt == "brat":
        (corpus.root / "out").mkdir()
        (corpus.root / "out" / "notes.md").write_text("mine", encoding="utf-8")
        (corpus.root / "out" / "alice").mkdir()
        (corpus.root / "out" / "alice" / "a.ann").write_text("old", encoding="utf-8")
    else:
        (corpus.root / "out").write_bytes(b"the previous export\n")
    result = run_cli(["export", "-f", fmt, "--out", "out"], corpus.root)
    assert result.returncode == 0, result.stderr
    assert not [p for p in corpus.root.rglob(".*") if p.name.endswith(".tmp")]
    if fmt == "brat":
        assert (corpus.root / "out" / "notes.md").read_text(encoding="utf-8") == "mine"
        assert (corpus.root / "out" / "alice" / "a.ann").read_text(encoding="utf-8") != "old"
        assert (corpus.root / "out" / "bob" / "a.txt").read_text(encoding="utf-8") == TEXT
    else:
        assert (corpus.root / "out").read_bytes() != b"the previous export\n"


def test_brat_does_not_write_through_a_link_in_the_output_folder(corpus: Project, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (corpus.root / "out").mkdir()
    (corpus.root / "out" / "alice").symlink_to(elsewhere)
    result = run_cli(["export", "-f", "brat", "--out", "out"], corpus.root)
    assert result.returncode == 1
    assert "is a link or not a folder; the export does not write into it" in result.stderr
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in (corpus.root / "out").iterdir()) == ["alice"]


def test_staging_discards_on_error(tmp_path: Path) -> None:
    from annotator.interop.output import Staging

    dest = tmp_path / "out.jsonl"
    dest.write_bytes(b"old")
    with pytest.raises(InteropError, match="boom"), Staging() as staging:
        with staging.open(dest) as out:
            out.write(b"new")
        raise InteropError("boom")
    assert dest.read_bytes() == b"old" and sorted(tmp_path.iterdir()) == [dest]
    with Staging() as staging, staging.open(dest) as out:
        out.write(b"new")
    assert dest.read_bytes() == b"new" and sorted(tmp_path.iterdir()) == [dest]


# -- export refuses what validate refuses ---------------------------------------------------------


def _duplicate_ids(data: dict) -> str:
    data["spans"][1]["id"] = data["spans"][0]["id"]
    return "A405"


def _trail_does_not_replay(data: dict) -> str:
    data["spans"][0]["note"] = "added behind the audit trail's back"
    return "A50"


def _unknown_attribute(data: dict) -> str:
    quote = next(span for span in data["spans"] if span["label"] == "quote")
    quote["attributes"]["mood"] = "angry"
    return "A404"


@pytest.mark.parametrize("fmt", ["jsonl", "brat"])
@pytest.mark.parametrize("mutate", [_duplicate_ids, _trail_does_not_replay, _unknown_attribute])
def test_export_refuses_what_validate_refuses(corpus: Project, fmt: str, mutate) -> None:
    path = corpus.root / "annotations" / "a" / "alice.json"
    data = orjson.loads(path.read_bytes())
    code = mutate(data)
    corpus.write("a/alice.json", data)
    check = run_cli(["validate", "annotations/a/alice.json"], corpus.root)
    assert check.returncode == 1 and code in check.stdout + check.stderr
    result = run_cli(["export", "-f", fmt, "--out", "out"], corpus.root)
    assert result.returncode == 1, result.stderr
    assert "alice.json: does not validate, so it is not exported" in result.stderr
    assert code in result.stderr
    assert not (corpus.root / "out").exists()
