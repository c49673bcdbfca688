"""`annotator reanchor`: a document edited after annotation, its spans carried over, with the old
text from git, from --old, or from the spans' own text and context; then the files validate."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import orjson
import pytest
from conftest import Project

from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, main

OLD = (
    "The minister said the bridge would reopen in the spring, after repairs.\n\n"
    "Engineers counted 42 cracks in the supports of the eastern span last week.\n\n"
    "Traffic may return to normal, reportedly, once the work is finished.\n"
)
INSERTED = "Updated on Friday with the council's decision.\n\n"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def annotated(project: Project) -> Path:
    """docs/b.txt with three spans by alice, saved; the path of her file."""
    project.write_doc("docs/b.txt", OLD)
    aset = project.new_set("docs/b.txt")
    for needle, label in (("minister", "quote"), ("42", "number"), ("reportedly", "hedge")):
        aset.create(OLD.index(needle), OLD.index(needle) + len(needle), label)
    return project.write("b/alice.json", aset)


def commit(root: Path) -> None:
    git = ["git", "-c", "user.email=t@example.org", "-c", "user.name=t", "-C", str(root)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "annotated"], check=True)


def spans(path: Path) -> dict[str, dict]:
    return {span["text"]: span for span in orjson.loads(path.read_bytes())["spans"]}


def test_nothing_changed_is_nothing_to_do(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    annotated(project)
    assert run(["reanchor"], capsys) == (
        EXIT_OK,
        "",
        "annotator: no file's document has changed: nothing to re-anchor\n",
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_with_the_old_text_from_git_every_span_moves_exactly(project: Project, capsys) -> None:
    path = annotated(project)
    commit(project.root)
    project.write_doc("docs/b.txt", INSERTED + OLD)
    code, out, _ = run(["reanchor"], capsys)
    assert code == EXIT_OK, out
    assert "(old text from git); 0 unchanged, 3 moved, 0 changed, 0 orphaned (were written)" in out
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["moved"] * 3  # every span, listed
    assert {text: span["start"] for text, span in spans(path).items()} == {
        needle: len(INSERTED) + OLD.index(needle) for needle in ("minister", "42", "reportedly")
    }
    assert project.validate(path) == []
    code, out, _ = run(["history", str(path)], capsys)
    assert out.count("reanchor") == 3


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_changed_and_orphaned_spans_are_listed_kept_and_the_file_validates(project: Project, capsys) -> None:
    path = annotated(project)
    commit(project.root)
    new = INSERTED + OLD.replace("42", "45").replace(
        "Traffic may return to normal, reportedly, once the work is finished.", "The council will decide in May."
    )
    project.write_doc("docs/b.txt", new)
    before = path.read_bytes()
    code, out, err = run(["reanchor", "--dry-run"], capsys)
    assert code == EXIT_FINDINGS and path.read_bytes() == before and "nothing was written" in err
    assert "changed" in out and "'42' -> [" in out and "orphaned" in out
    code, out, _ = run(["reanchor"], capsys)
    assert code == EXIT_FINDINGS
    saved = orjson.loads(path.read_bytes())
    assert {span["text"] for span in saved["spans"]} == {"minister", "45"}
    assert [orphan["span"]["text"] for orphan in saved["orphaned"]] == ["reportedly"]
    assert project.validate(path) == []


def test_with_old_given_and_without_any_old_text(project: Project, capsys, tmp_path: Path) -> None:
    path = annotated(project)
    project.write_doc("docs/b.txt", INSERTED + OLD)
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("another text\n", encoding="utf-8")
    code, _, err = run(["reanchor", "--old", str(wrong)], capsys)
    assert code == EXIT_FINDINGS and "is not the text this file was made on" in err
    old = tmp_path / "old.txt"
    old.write_bytes(OLD.replace("\n", "\r\n").encode())  # the document text policy applies to it too
    code, out, _ = run(["reanchor", "--old", str(old), "--dry-run"], capsys)
    assert code == EXIT_OK and "old text from --old" in out
    # No git here: the spans are found by their text and context.
    code, out, _ = run(["reanchor", "--format", "json"], capsys)
    assert code == EXIT_OK
    [report] = orjson.loads(out)
    assert report["old_text_from"] == "old text not found: by text and context"
    assert {span["outcome"] for span in report["spans"]} == {"moved"}
    assert project.validate(path) == []


def test_usage_errors(project: Project, capsys) -> None:
    assert run(["reanchor", "--threshold", "0"], capsys)[0] == EXIT_USAGE
    assert run(["reanchor", "--old", "missing.txt"], capsys)[0] == EXIT_USAGE
