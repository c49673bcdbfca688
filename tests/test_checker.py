"""The checker process: validates saved files for the UI without holding its GIL."""

from __future__ import annotations

import copy

import pytest
from conftest import Project

from annotator.validation import checker


def test_counts_what_validate_finds_and_survives_its_worker_dying(project: Project, sample_data: dict) -> None:
    good = project.write("a/alice.json", sample_data)
    broken = copy.deepcopy(sample_data)
    broken["spans"][0]["text"] = "not the text"
    bad = project.write("a/bob.json", broken)
    config = project.config
    assert checker.problems_in_saved_file(config, good) == len(project.validate(good)) == 0
    assert checker.problems_in_saved_file(config, bad) == len(project.validate(bad)) >= 1

    process = checker._worker._process
    assert process is not None and process.poll() is None  # a separate process did the work
    process.kill()
    process.wait()
    assert checker.problems_in_saved_file(config, bad) == len(project.validate(bad))  # started again
    assert checker._worker._process is not process


def test_a_file_that_is_not_there_is_a_problem_not_a_crash(project: Project) -> None:
    assert checker.problems_in_saved_file(project.config, project.root / "annotations" / "nope.json") == 1


def test_an_unusable_request_is_an_error_not_a_hang(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checker.pickle, "dumps", lambda config: b"not a pickle")
    with pytest.raises(checker.CheckerError, match="Error"):
        checker.problems_in_saved_file(project.config, project.root / "x.json")
