"""Files that are not what they seem: FIFOs, devices, links out of the project, huge files.

Each is a finding (A101, A105; A303 for a document) that names the file and
why, found quickly: never a hang, a traceback, or the content of a file
outside the project. Whatever can block runs in a subprocess with a timeout,
so that a regression fails the test instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CONFIG_TOML, REPO, Project, to_json_bytes

from annotator.storage.loading import load_annotation_file
from annotator.storage.paths import expand_paths
from annotator.validation.engine import Validator

SECRET = "the-content-of-a-file-outside-the-project"
TIMEOUT = 60  # seconds; a run takes well under one


def validate(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    """`annotator validate ARGS --format json` in the project, killed after TIMEOUT seconds."""
    return subprocess.run(
        [sys.executable, "-m", "annotator", "validate", "--format", "json", *args],
        cwd=project.root,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        encoding="utf-8",
        errors="surrogateescape",
        timeout=TIMEOUT,
    )


def findings(result: subprocess.CompletedProcess[str]) -> dict[str, list[tuple[str, str]]]:
    """{file relative to the project: [(code, message)]} of a --format json run that ended
    without a traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    return {
        _relative(entry["path"]): [(f["code"], f["message"]) for f in entry["findings"]] for entry in report["files"]
    }


def _relative(path: str) -> str:
    """A path of the report from the annotations folder on: the default run lists absolute paths."""
    parts = Path(path).parts
    return "/".join(parts[parts.index("annotations") :]) if "annotations" in parts else path


def outside(tmp_path: Path, name: str, content: bytes) -> Path:
    """A file beside the project, not in it."""
    path = tmp_path / "elsewhere" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    return path


def limit(project: Project, size: int) -> None:
    (project.root / "annotator.toml").write_text(f"{CONFIG_TOML}\n[limits]\nmax_file_size = {size}\n")


# -- FIFOs ------------------------------------------------------------------------------------------


def test_fifo_given_explicitly_is_a101(project: Project) -> None:
    os.mkfifo(project.root / "annotations" / "pipe.json")
    found = findings(validate(project, "annotations/pipe.json"))
    assert found == {
        "annotations/pipe.json": [
            ("A101", "cannot read file: the annotation file is a FIFO, not a regular file; it is not read")
        ]
    }


def test_fifo_in_the_annotations_folder_is_a101(project: Project, sample: object) -> None:
    project.write("good.json", sample)  # type: ignore[arg-type]
    os.mkfifo(project.root / "annotations" / "pipe.json")
    found = findings(validate(project))  # the default: the annotations folder
    assert found["annotations/good.json"] == []
    assert [code for code, _ in found["annotations/pipe.json"]] == ["A101"]
    assert "FIFO" in found["annotations/pipe.json"][0][1]


def test_fifo_document_is_a303(project: Project, sample_data: dict) -> None:
    project.write("a.json", sample_data)
    document = project.root / "docs" / "a.txt"
    document.unlink()
    os.mkfifo(document)
    found = findings(validate(project, "annotations/a.json"))
    [(code, message)] = found["annotations/a.json"]
    assert code == "A303"
    assert (
        message
        == "document docs/a.txt cannot be used: docs/a.txt:1:1: the document is a FIFO, not a regular file; it is not read"
    )


def test_load_annotation_file_refuses_a_fifo(project: Project) -> None:
    os.mkfifo(project.root / "annotations" / "pipe.json")
    probe = (
        "import sys; from pathlib import Path\n"
        "from annotator.storage import NotRegularFile\n"
        "from annotator.storage.loading import load_annotation_file\n"
        "try:\n"
        "    load_annotation_file(Path('annotations/pipe.json'))\n"
        "except NotRegularFile as err:\n"
        "    print(err.reason)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=project.root,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.stdout == "the annotation file is a FIFO, not a regular file; it is not read\n", result.stderr


# -- links out of the project ---------------------------------------------------------------------


def test_document_linked_to_dev_zero_is_a303(project: Project, sample_data: dict) -> None:
    project.write("a.json", sample_data)
    document = project.root / "docs" / "a.txt"
    document.unlink()
    document.symlink_to("/dev/zero")
    [(code, message)] = findings(validate(project, "annotations/a.json"))["annotations/a.json"]
    assert code == "A303"
    assert "leads outside" in message and "/dev/zero" in message


def test_annotation_file_linked_outside_the_project_is_not_read(
    project: Project, sample_data: dict, tmp_path: Path
) -> None:
    # Invalid in a way that would be quoted: an unknown property named after the secret.
    target = outside(tmp_path, "x.json", to_json_bytes({**sample_data, SECRET: 1}))
    (project.root / "annotations" / "x.json").symlink_to(target)
    for args in (["annotations/x.json"], ["annotations"], []):
        result = validate(project, *args)
        assert SECRET not in result.stdout + result.stderr
        [(code, message)] = findings(result)["annotations/x.json"]
        assert code == "A101"
        assert message.startswith("cannot read file: the annotation file leads outside ")
        assert f"(to {target})" in message


def test_linked_folder_leading_outside_is_reported_not_searched(
    project: Project, sample: object, tmp_path: Path
) -> None:
    project.write("good.json", sample)  # type: ignore[arg-type]
    folder = outside(tmp_path, "inner.json", SECRET.encode()).parent
    (project.root / "annotations" / "shared").symlink_to(folder, target_is_directory=True)
    result = validate(project)
    assert SECRET not in result.stdout + result.stderr
    found = findings(result)
    assert sorted(found) == ["annotations/good.json", "annotations/shared"]
    assert found["annotations/good.json"] == []
    [(code, message)] = found["annotations/shared"]
    assert code == "A101"
    assert message == (
        f"not searched: a symbolic link to a folder outside the folder searched (to {folder}); "
        "give that folder to check its files"
    )


def test_linked_folder_inside_the_search_adds_nothing(project: Project, sample: object) -> None:
    path = project.write("sub/good.json", sample)  # type: ignore[arg-type]
    (project.root / "annotations" / "again").symlink_to(path.parent, target_is_directory=True)
    assert list(expand_paths([project.root / "annotations"])) == [path]


def test_documents_folder_linked_elsewhere_is_read(project: Project, sample_data: dict, tmp_path: Path) -> None:
    # The documents folders the config names are part of the area, wherever their links lead.
    moved = tmp_path / "corpus"
    (project.root / "docs").rename(moved)
    (project.root / "docs").symlink_to(moved, target_is_directory=True)
    assert project.validate(project.write("a.json", sample_data)) == []


# -- sizes ------------------------------------------------------------------------------------------


def test_annotation_file_over_the_configured_limit_is_a105(project: Project, sample_data: dict) -> None:
    limit(project, 1000)
    project.write("a.json", sample_data)
    [(code, message)] = findings(validate(project, "annotations/a.json"))["annotations/a.json"]
    assert code == "A105"
    assert "the limit is 1,000 (raise limits.max_file_size in annotator.toml to read it)" in message


def test_document_over_the_configured_limit_is_a303(project: Project, sample_data: dict) -> None:
    raw = to_json_bytes(sample_data)
    limit(project, len(raw))  # the annotation file fits; the document is made larger
    project.write_doc("docs/a.txt", "x" * (len(raw) + 1))
    findings_ = project.validate(project.write("a.json", raw))
    [a303] = [f for f in findings_ if f.code == "A303"]
    assert "limits.max_file_size" in a303.message


def test_load_annotation_file_takes_the_storage_options(project: Project, sample_data: dict, tmp_path: Path) -> None:
    path = project.write("a.json", sample_data)
    model, raw = load_annotation_file(path)  # as before: positional, no limit but the default
    assert raw == path.read_bytes() and model.annotator == "alice"
    from annotator.storage import FileTooLarge, OutsideArea

    with pytest.raises(FileTooLarge, match=r"limits\.max_file_size"):
        load_annotation_file(path, limit=100)
    link = project.root / "annotations" / "link.json"
    link.symlink_to(outside(tmp_path, "x.json", path.read_bytes()))
    with pytest.raises(OutsideArea):
        load_annotation_file(link, area=project.config.area_for(link))


def test_validator_uses_the_configs_limit_for_files(project: Project, sample_data: dict) -> None:
    limit(project, 100)
    finding = Validator(project.config).validate_file(project.write("a.json", sample_data))
    assert [f.code for f in finding] == ["A105"]
