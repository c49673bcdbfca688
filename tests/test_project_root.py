"""`annotator validate` and `export` find each file's project from the file's own location, so they work
from any folder, and files of several projects are each checked against their own documents."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from conftest import TEXT, Project, run_cli, span_of

from annotator.config import configs_of, load_config, project_root

OTHER = "Officials say 3 ships arrived on Tuesday, probably from the north.\n"


def make_project(root: Path, marker: str, text: str, annotator: str, needle: str) -> Path:
    """A project at `root` marked by `marker` (its config file, or .git) with docs/a.txt holding `text`,
    and `annotator`'s valid file on it with one span; returns the annotation file's path."""
    root.mkdir(parents=True)
    if marker == "annotator.toml":
        (root / marker).write_text('documents = ["docs"]\n', encoding="utf-8")
    elif marker == "pyproject.toml":
        (root / marker).write_text(
            '[project]\nname = "x"\n\n[tool.annotator]\ndocuments = ["docs"]\n', encoding="utf-8"
        )
    else:
        (root / marker).mkdir()
    project = Project(root)
    project.write_doc("docs/a.txt", text)
    aset = project.new_set("docs/a.txt", annotator)
    aset.create(*span_of(text, needle), "number")
    return project.write(f"a/{annotator}.json", aset)


@pytest.fixture
def projects(tmp_path: Path) -> dict[str, Path]:
    """alpha (annotator.toml), beta (pyproject.toml) and gamma (.git only): each has its own docs/a.txt,
    with different texts, and one valid annotation file on it. `elsewhere` is in no project."""
    (tmp_path / "elsewhere").mkdir()
    return {
        "alpha": make_project(tmp_path / "alpha", "annotator.toml", TEXT, "alice", "42"),
        "beta": make_project(tmp_path / "beta", "pyproject.toml", OTHER, "bob", "3"),
        "gamma": make_project(tmp_path / "gamma", ".git", OTHER.upper(), "carol", "3"),
        "elsewhere": tmp_path / "elsewhere",
    }


def test_validate_from_an_unrelated_folder_by_absolute_path(projects: dict[str, Path]) -> None:
    result = run_cli(["validate", str(projects["alpha"])], projects["elsewhere"])
    assert (result.returncode, result.stdout) == (0, ""), result.stdout
    assert result.stderr == "annotator: 1 file(s) valid\n"


def test_validate_from_an_unrelated_folder_by_relative_path(projects: dict[str, Path]) -> None:
    result = run_cli(["validate", "../alpha/annotations/a/alice.json"], projects["elsewhere"])
    assert (result.returncode, result.stdout) == (0, ""), result.stdout
    # A folder inside a project, too: its files are found and checked against that project.
    result = run_cli(["validate", "../gamma/annotations"], projects["elsewhere"])
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "annotator: 1 file(s) valid\n")


def test_files_of_several_projects_each_against_its_own_documents(projects: dict[str, Path]) -> None:
    # Each project has its own docs/a.txt: checked against another project's text, a file would fail (A302).
    files = [str(projects[name]) for name in ("beta", "alpha", "gamma")]
    result = run_cli(["validate", *files], projects["elsewhere"])
    assert (result.returncode, result.stdout) == (0, ""), result.stdout
    assert result.stderr == "annotator: 3 file(s) valid\n"
    # From inside alpha as well: beta's file is still beta's.
    result = run_cli(["validate", str(projects["beta"]), "annotations"], projects["alpha"].parents[2])
    assert (result.returncode, result.stdout) == (0, ""), result.stdout


def test_findings_keep_the_order_of_the_files(projects: dict[str, Path]) -> None:
    for name in ("alpha", "beta"):
        data = orjson.loads(projects[name].read_bytes())
        data["spans"][0]["text"] = "forged"
        projects[name].write_bytes(orjson.dumps(data))
    files = [projects[name] for name in ("beta", "gamma", "alpha")]
    result = run_cli(["validate", "--format", "json", *map(str, files)], projects["elsewhere"])
    assert result.returncode == 1
    report = orjson.loads(result.stdout)["files"]
    assert [entry["path"] for entry in report] == [path.as_posix() for path in files]
    assert [entry["valid"] for entry in report] == [False, True, False]
    # Only the forged span text is wrong: the documents themselves were found and match.
    codes = {finding["code"] for entry in report for finding in entry["findings"]}
    assert "A301" not in codes and "A302" not in codes


def test_a_file_in_no_project_goes_with_the_working_directory(projects: dict[str, Path]) -> None:
    loose = projects["elsewhere"] / "alice.json"
    loose.write_bytes(projects["alpha"].read_bytes())  # its document path is relative to alpha
    assert run_cli(["validate", str(loose)], projects["alpha"].parents[2]).returncode == 0
    result = run_cli(["validate", str(loose)], projects["elsewhere"])
    assert result.returncode == 1 and "A301" in result.stdout


def test_export_reads_each_file_against_its_own_project(projects: dict[str, Path]) -> None:
    out = projects["elsewhere"] / "out.jsonl"
    files = [str(projects[name]) for name in ("beta", "alpha")]
    result = run_cli(["export", "--format", "jsonl", *files, "--out", str(out)], projects["elsewhere"])
    assert result.returncode == 0, result.stderr
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [record["text"] for record in records] == [OTHER, TEXT]


def test_project_root_and_configs_of(projects: dict[str, Path]) -> None:
    alpha, beta, gamma = (projects[name].parents[2] for name in ("alpha", "beta", "gamma"))
    assert [project_root(projects[name]) for name in ("alpha", "beta", "gamma")] == [alpha, beta, gamma]
    assert project_root(projects["elsewhere"] / "x.json") is None
    fallback = load_config(alpha)
    files = [projects["alpha"], projects["beta"], projects["elsewhere"] / "x.json", alpha / "annotations" / "b.json"]
    configs = configs_of(files, fallback)
    assert [config.root for config in configs] == [alpha, beta, alpha, alpha]
    assert configs[0] is fallback and configs[2] is fallback and configs[3] is fallback  # alpha is read once


def test_a_broken_config_of_the_files_project_is_one_line(projects: dict[str, Path]) -> None:
    config = projects["alpha"].parents[2] / "annotator.toml"
    config.write_text("documents = [", encoding="utf-8")
    result = run_cli(["validate", str(projects["alpha"])], projects["elsewhere"])
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"annotator: config error: {config}: invalid TOML")
    assert result.stderr.count("\n") == 1


def test_export_refuses_projects_with_different_tag_sets(projects: dict[str, Path]) -> None:
    alpha = projects["alpha"].parents[2]
    extra = '\n[labels.source]\ndescription = "A source"\nkey = "p"\ncolor = "magenta"\n'
    (alpha / "annotator.toml").write_text('documents = ["docs"]\n' + extra, encoding="utf-8")
    out = projects["elsewhere"] / "out.jsonl"
    files = [str(projects[name]) for name in ("alpha", "beta")]
    result = run_cli(["export", "--format", "jsonl", *files, "--out", str(out)], projects["elsewhere"])
    assert result.returncode == 2 and not out.exists()
    assert "projects with different tag sets" in result.stderr and "Traceback" not in result.stderr
