"""`annotator stats`: counts per label, annotator and document, progress and density."""

from __future__ import annotations

import orjson
import pytest
from conftest import TEXT, Project, span_of

from annotator.cli.main import main
from annotator.reports.stats import build_stats, density

LONG = "x" * 1000  # a second document of exactly 1,000 characters


@pytest.fixture
def two_annotators(project: Project) -> Project:
    """alice: a.txt (3 spans) and b.txt (1 span), both done; bob: a.txt (1 span), in progress."""
    project.write_doc("docs/b.txt", LONG)
    alice_a = project.new_set("docs/a.txt", "alice")
    alice_a.create(*span_of(TEXT, "we will act soon"), "quote", attributes={"speaker": "the minister"})
    alice_a.create(*span_of(TEXT, "42"), "number")
    alice_a.create(*span_of(TEXT, "may"), "hedge")
    alice_a.set_status("done")
    project.write("a/alice.json", alice_a)
    alice_b = project.new_set("docs/b.txt", "alice")
    alice_b.create(0, 10, "claim")
    alice_b.set_status("done")
    project.write("b/alice.json", alice_b)
    bob_a = project.new_set("docs/a.txt", "bob")
    bob_a.create(*span_of(TEXT, "About 42 people may come"), "claim")
    project.write("a/bob.json", bob_a)
    return project


def stats_json(capsys: pytest.CaptureFixture[str], *paths: str) -> dict:
    assert main(["stats", "--format", "json", *paths]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return orjson.loads(out)


def test_density_arithmetic() -> None:
    assert density(4, 1087) == 3.68  # 4 * 1000 / 1087 = 3.6798...
    assert density(1, 87) == 11.49  # 11.494...
    assert density(5, 1174) == 4.26  # 4.2589...
    assert density(0, 500) == 0.0
    assert density(3, 0) is None  # an empty document has no density, not a division error


def test_stats_json_numbers(two_annotators: Project, capsys: pytest.CaptureFixture[str]) -> None:
    report = stats_json(capsys)
    assert report["labels"] == {"quote": 1, "claim": 2, "hedge": 1, "number": 1}
    assert report["annotators"] == {
        "alice": {
            "files": 2,
            "done": 2,
            "in_progress": 0,
            "spans": 4,
            "characters": 87 + 1000,
            "spans_per_1000_chars": 3.68,
            "labels": {"quote": 1, "claim": 1, "hedge": 1, "number": 1},
        },
        "bob": {
            "files": 1,
            "done": 0,
            "in_progress": 1,
            "spans": 1,
            "characters": 87,
            "spans_per_1000_chars": 11.49,
            "labels": {"quote": 0, "claim": 1, "hedge": 0, "number": 0},
        },
    }
    assert report["documents"] == {
        "a": {
            "length": 87,
            "spans": 4,
            "status": "in_progress",
            "annotators": {"alice": {"spans": 3, "status": "done"}, "bob": {"spans": 1, "status": "in_progress"}},
        },
        "b": {"length": 1000, "spans": 1, "status": "done", "annotators": {"alice": {"spans": 1, "status": "done"}}},
    }
    assert report["progress"] == {"files_done": 2, "files_total": 3, "documents_done": 1, "documents_total": 2}
    assert report["overall"] == {"spans": 5, "characters": 1174, "spans_per_1000_chars": 4.26}


def test_stats_json_is_deterministic_with_sorted_keys(
    two_annotators: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["stats", "--format", "json"])
    first = capsys.readouterr().out
    main(["stats", "--format", "json"])
    assert capsys.readouterr().out == first
    assert list(orjson.loads(first)) == ["annotators", "documents", "labels", "overall", "progress"]
    # Every object, the label counts too, has its keys sorted.
    assert first.index('"claim"') < first.index('"hedge"') < first.index('"number"') < first.index('"quote"')


def test_stats_paths_select_files(two_annotators: Project, capsys: pytest.CaptureFixture[str]) -> None:
    report = stats_json(capsys, "annotations/b", "annotations/b/alice.json")  # the same file twice counts once
    assert report["progress"] == {"files_done": 1, "files_total": 1, "documents_done": 1, "documents_total": 1}
    assert report["overall"] == {"spans": 1, "characters": 1000, "spans_per_1000_chars": 1.0}


def test_stats_table(two_annotators: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "files: 2 of 3 done",
        "documents: 1 of 2 done by every annotator",
        "",
        "label   all  alice  bob",
        "quote     1      1    0",
        "claim     2      1    1",
        "hedge     1      1    0",
        "number    1      1    0",
        "total     5      4    1",
        "",
        "annotator  files  done  in progress  spans  characters  spans/1k chars",
        "alice          2     2            0      4        1087            3.68",
        "bob            1     0            1      1          87           11.49",
        "all            3     2            1      5        1174            4.26",
        "",
        "document  length  annotators  alice  bob  status",
        "a             87           2      3   1*  in progress",
        "b           1000           1      1    -  done",
        "(spans per annotator; * = that annotator's file is in progress, - = no file)",
    ]


def test_stats_bad_file_is_named_and_skipped(two_annotators: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project = two_annotators
    project.write("c/carol.json", "{not json")
    project.write("d/dave.json", '{"schema_version": 1}')
    assert main(["stats", "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert orjson.loads(out)["progress"]["files_total"] == 3  # the good files are still counted
    lines = err.splitlines()
    assert lines[0].startswith("annotator: annotations/c/carol.json:1:2: A103 invalid JSON")
    assert lines[1].startswith("annotator: annotations/d/dave.json:1:1: A202 ")
    assert lines[2] == "annotator: 2 file(s) could not be read and are not counted"
    assert "Traceback" not in err


def test_stats_missing_path_is_usage_error(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "nowhere"]) == 2
    assert capsys.readouterr().err == "annotator: no such file or folder: nowhere\n"


def test_stats_bad_config_is_usage_error(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    (project.root / "annotator.toml").write_text("annotations = [", encoding="utf-8")
    assert main(["stats"]) == 2
    assert capsys.readouterr().err.startswith("annotator: config error: ")


def test_build_stats_empty() -> None:
    report = build_stats([], ["quote"])
    assert report["labels"] == {"quote": 0}
    assert report["overall"] == {"spans": 0, "characters": 0, "spans_per_1000_chars": None}
