"""`annotator export` and `annotator import` from the command line."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.conftest import REPO, run_cli

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parent / "seeds"
ANNOTATIONS = HERE.parent / "annotations"


def has_format(module: str) -> bool:
    return importlib.util.find_spec(f"annotator.interop.formats.{module}") is not None


needs_jsonl = pytest.mark.skipif(not has_format("jsonl"), reason="format module jsonl not there yet")


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """The repo's own seeds and annotations in a scratch project."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(SEEDS, root / "seeds")
    shutil.copytree(ANNOTATIONS, root / "annotations")
    (root / "annotator.toml").write_text('annotations = "annotations"\ndocuments = ["seeds"]\n', encoding="utf-8")
    return root


def annotation_files(root: Path) -> list[Path]:
    return sorted((root / "annotations").rglob("*.json"))


@pytest.mark.parametrize("command", ["export", "import"])
def test_help(command: str, tmp_path: Path) -> None:
    result = run_cli([command, "--help"], tmp_path)
    assert result.returncode == 0
    assert "--format" in result.stdout and "Exit status" in result.stdout
    if command == "import":
        assert "--map FROM=TO" in result.stdout and "--drop-unmapped" in result.stdout
    else:
        assert "--offsets" in result.stdout and "--as-predictions" in result.stdout and "--align" in result.stdout


@pytest.mark.parametrize("command", [["export", "--out", "x"], ["import", "src"]])
def test_unknown_format_is_usage_error(command: list[str], tmp_path: Path) -> None:
    result = run_cli([*command, "--format", "nope"], tmp_path)
    assert result.returncode == 2
    assert "invalid choice: 'nope'" in result.stderr
    assert "Traceback" not in result.stderr


def test_option_for_another_format_is_usage_error(repo_copy: Path) -> None:
    result = run_cli(["export", "--format", "jsonl", "--out", "x", "--as-predictions"], repo_copy)
    assert result.returncode == 2 and "only to --format label-studio" in result.stderr
    result = run_cli(["export", "--format", "csv", "--out", "x", "--align", "expand"], repo_copy)
    assert result.returncode == 2 and "only to --format spacy" in result.stderr


def test_missing_path_is_usage_error(repo_copy: Path) -> None:
    result = run_cli(["export", "--format", "jsonl", "--out", "x", "nowhere"], repo_copy)
    assert result.returncode == 2 and "no such file or folder: nowhere" in result.stderr
    result = run_cli(["import", "--format", "jsonl", "nowhere.jsonl"], repo_copy)
    assert result.returncode == 2 and "no such file or folder" in result.stderr


def test_bad_map_is_usage_error(repo_copy: Path) -> None:
    if not has_format("jsonl"):
        pytest.skip("format module jsonl not there yet")
    (repo_copy / "in.jsonl").write_text("", encoding="utf-8")
    result = run_cli(["import", "--format", "jsonl", "in.jsonl", "--map", "nonsense"], repo_copy)
    assert result.returncode == 2 and "expected FROM=TO" in result.stderr
    result = run_cli(["import", "--format", "jsonl", "in.jsonl", "--map", "X=person"], repo_copy)
    assert result.returncode == 2 and "'person' is not a label" in result.stderr


@needs_jsonl
def test_export_repo_annotations_to_jsonl(repo_copy: Path) -> None:
    result = run_cli(["export", "--format", "jsonl", "--out", "out.jsonl"], repo_copy)
    assert result.returncode == 0, result.stderr
    files = annotation_files(repo_copy)
    lines = (repo_copy / "out.jsonl").read_bytes().splitlines()
    assert len(lines) == len(files) >= 4  # two seeds, each by at least two annotators
    spans = sum(len(orjson.loads(p.read_bytes())["spans"]) for p in files)
    assert f"exported {len(files)} annotation file(s), {spans} spans to out.jsonl (offsets: codepoint)" in result.stderr
    texts = {orjson.loads(line)["text"] for line in lines}
    assert texts == {p.read_text(encoding="utf-8") for p in (repo_copy / "seeds").glob("*.txt")}


@needs_jsonl
def test_export_with_a_bad_file_exports_nothing_and_exits_1(repo_copy: Path) -> None:
    """All or nothing: one file that does not validate, and no file is exported; an existing
    output is left as it was."""
    (repo_copy / "annotations" / "zz").mkdir()
    (repo_copy / "annotations" / "zz" / "bad.json").write_text("{", encoding="utf-8")
    result = run_cli(["export", "--format", "jsonl", "--out", "out.jsonl"], repo_copy)
    assert result.returncode == 1
    assert "bad.json: does not validate" in result.stderr and "A103 invalid JSON" in result.stderr
    assert f"1 of {len(annotation_files(repo_copy))} file(s) cannot be exported" in result.stderr
    assert "Nothing was exported; out.jsonl was not written" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (repo_copy / "out.jsonl").exists()
    assert [p.name for p in repo_copy.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    (repo_copy / "out.jsonl").write_bytes(b"earlier export\n")
    result = run_cli(["export", "--format", "jsonl", "--out", "out.jsonl"], repo_copy)
    assert result.returncode == 1 and "out.jsonl is unchanged" in result.stderr
    assert (repo_copy / "out.jsonl").read_bytes() == b"earlier export\n"


def test_export_nothing_found(tmp_path: Path) -> None:
    (tmp_path / "annotator.toml").write_text("", encoding="utf-8")
    result = run_cli(["export", "--format", "csv", "--out", "x.csv"], tmp_path)
    assert result.returncode == 1 and "no annotation files found" in result.stderr


@needs_jsonl
def test_round_trip_import_validates_and_refuses_overwrite(repo_copy: Path) -> None:
    assert run_cli(["export", "--format", "jsonl", "--out", "out.jsonl"], repo_copy).returncode == 0
    args = ["import", "--format", "jsonl", "out.jsonl", "--docs", "imported", "--out", "imported_ann"]
    result = run_cli(args, repo_copy)
    assert result.returncode == 0, result.stderr
    shipped = annotation_files(repo_copy)
    assert f"imported {len(shipped)} documents" in result.stderr
    written = sorted((repo_copy / "imported_ann").rglob("*.json"))
    assert len(written) == len(shipped)
    for path in written:
        data = orjson.loads(path.read_bytes())
        assert data["spans"] and all(s["origin"] == "imported" and s["source"] for s in data["spans"])
    check = run_cli(["validate", "imported_ann"], repo_copy)
    assert check.returncode == 0, check.stdout + check.stderr
    again = run_cli(args, repo_copy)
    assert again.returncode == 1 and "never overwrites annotations" in again.stderr
    assert "nothing was imported" in again.stderr


@needs_jsonl
def test_import_lists_every_unmapped_label(repo_copy: Path) -> None:
    lines = [
        {"text": "One two three.", "meta": {"id": "a"}, "spans": [{"start": 0, "end": 3, "label": "ONE"}]},
        {"text": "Four five.", "meta": {"id": "b"}, "spans": [{"start": 0, "end": 4, "label": "FOUR"}]},
    ]
    (repo_copy / "in.jsonl").write_bytes(b"\n".join(orjson.dumps(line) for line in lines) + b"\n")
    result = run_cli(["import", "--format", "prodigy", "in.jsonl", "--docs", "imp"], repo_copy)
    assert result.returncode == 1
    assert "'FOUR': 1 span(s)" in result.stderr and "'ONE': 1 span(s)" in result.stderr
    assert not (repo_copy / "imp").exists()
    result = run_cli(["import", "--format", "prodigy", "in.jsonl", "--docs", "imp", "--map", "ONE=claim"], repo_copy)
    assert result.returncode == 1 and "'FOUR'" in result.stderr and "'ONE'" not in result.stderr
    result = run_cli(
        ["import", "--format", "prodigy", "in.jsonl", "--docs", "imp", "--map", "ONE=claim", "--drop-unmapped"],
        repo_copy,
    )
    assert result.returncode == 0, result.stderr
    assert "dropped 1 span(s) with unmapped labels: 'FOUR' (1)" in result.stderr


@needs_jsonl
def test_import_misaligned_span_names_document_and_offsets(repo_copy: Path) -> None:
    line = {
        "text": "One two three.",
        "meta": {"id": "a"},
        "spans": [{"start": 4, "end": 7, "label": "claim", "text": "two!"}],
    }
    (repo_copy / "in.jsonl").write_bytes(orjson.dumps(line) + b"\n")
    result = run_cli(["import", "--format", "jsonl", "in.jsonl", "--docs", "imp"], repo_copy)
    assert result.returncode == 1, result.stderr
    assert "document a" in result.stderr and "[4, 7)" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (repo_copy / "imp").exists()


@pytest.mark.parametrize("command", ["export", "import"])
def test_no_textual_import(command: str, repo_copy: Path) -> None:
    code = (
        "import sys; from annotator.cli.main import main\n"
        f"main([{command!r}, '--format', 'jsonl', 'nowhere', '--out', 'x'] if {command!r} == 'import' "
        f"else [{command!r}, '--format', 'jsonl', '--out', 'x.jsonl'])\n"
        "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules), 'textual imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=repo_copy,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 0, result.stderr


def test_unsupported_offset_unit_is_usage_error(repo_copy: Path) -> None:
    if not has_format("w3c"):
        pytest.skip("format module w3c not there yet")
    result = run_cli(["export", "--format", "w3c", "--out", "x.json", "--offsets", "utf16"], repo_copy)
    assert result.returncode == 2
    assert "does not support --offsets utf16 (supported: codepoint)" in result.stderr


def test_progress_is_silent_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    from annotator.interop.progress import Progress

    with Progress(3, "exporting") as bar:
        assert list(bar.track([1, 2, 3])) == [1, 2, 3]
    assert capsys.readouterr().err == ""
    with Progress(2, "exporting", enabled=True) as bar:  # rich, as on a terminal
        bar.advance(2)
