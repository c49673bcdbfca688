"""`annotator validate` on the command line: exit codes, streams and output formats."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import REPO, Project, run_cli

from annotator import __version__
from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, main
from annotator.validation.codes import RULES

GITHUB_ERROR = re.compile(r"^::error file=([^,]+),line=(\d+),col=(\d+),title=([^:]+)::(.*)$")


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def mixed(project: Project, sample_data: dict) -> Project:
    """annotations/good.json (valid) and annotations/bad.json (two findings)."""
    project.write("good.json", sample_data)
    bad = copy.deepcopy(sample_data)
    bad["spans"][2]["text"] = "43"
    bad["history"][9]["origin"] = "imported"
    project.write("bad.json", bad)
    return project


# -- exit codes and streams ---------------------------------------------------------------------


def test_clean_exits_0(project: Project, sample_data: dict, capsys: pytest.CaptureFixture[str]) -> None:
    project.write("good.json", sample_data)
    code, out, err = run(["validate"], capsys)
    assert code == EXIT_OK
    assert out == ""
    assert err == "annotator: 1 file(s) valid\n"


def test_findings_exit_1_on_stdout_and_summary_on_stderr(mixed: Project, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["validate", "annotations"], capsys)
    assert code == EXIT_FINDINGS
    lines = out.splitlines()
    assert len(lines) == 3  # A402 and A504 for the text, A501 for the trail
    assert all(line.startswith("annotations/bad.json:") for line in lines)
    assert re.match(r"^annotations/bad\.json:\d+:\d+: A402 span text '43' differs .* \(/spans/2/text\)$", lines[0])
    assert err == "annotator: 3 finding(s) in 1 of 2 file(s)\n"


def test_quiet_prints_no_summary(mixed: Project, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["validate", "-q", "annotations"], capsys)
    assert code == EXIT_FINDINGS
    assert out and err == ""


def test_no_files_found(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["validate"], capsys)
    assert code == EXIT_OK
    assert out == ""
    assert err == f"annotator: no annotation files found in {project.root / 'annotations'}\n"


def test_no_args_checks_the_configured_folder(
    project: Project, sample_data: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    (project.root / "annotator.toml").write_text('annotations = "work/ann"\n')
    target = project.root / "work" / "ann" / "x.json"
    target.parent.mkdir(parents=True)
    target.write_text("[]")
    project.write("not-checked.json", b"{")  # the default folder is not the configured one
    code, out, _ = run(["validate"], capsys)
    assert code == EXIT_FINDINGS
    assert out == "work/ann/x.json:1:1: A201 expected a JSON object at the top level, got array\n"


def test_no_args_from_a_subfolder_uses_the_project_root(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("x.json", b"[]")
    (project.root / "docs" / "deep").mkdir()
    monkeypatch.chdir(project.root / "docs" / "deep")
    code, out, _ = run(["validate"], capsys)
    assert code == EXIT_FINDINGS
    assert "A201" in out and "x.json" in out


def test_no_args_without_an_annotations_folder(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    (project.root / "annotations").rmdir()
    code, out, err = run(["validate"], capsys)
    assert code == EXIT_OK
    assert out == ""
    assert "no annotation files found" in err


def test_explicit_missing_path_is_a_finding_not_silence(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["validate", "nowhere"], capsys)
    assert code == EXIT_FINDINGS
    assert "A101" in out


def test_config_option(project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other"
    (other / "anns").mkdir(parents=True)
    (other / "anns" / "z.json").write_text("null")
    (other / "conf.toml").write_text('annotations = "anns"\n')
    code, out, _ = run(["validate", "--config", str(other / "conf.toml")], capsys)
    assert code == EXIT_FINDINGS
    assert "got null" in out


@pytest.mark.parametrize(
    "args",
    [["validate", "--format", "xml"], ["validate", "--bogus"], ["frobnicate"], ["validate", "--config"]],
)
def test_usage_errors_exit_2(project: Project, capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(args)
    assert caught.value.code == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "usage: annotator" in captured.err


def test_usage_error_exit_2_in_a_subprocess(project: Project) -> None:
    result = run_cli(["validate", "--format", "yaml"], cwd=project.root)
    assert result.returncode == EXIT_USAGE
    assert "invalid choice: 'yaml'" in result.stderr
    assert "Traceback" not in result.stderr


def test_list_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["validate", "--list-rules"], capsys)
    assert code == EXIT_OK
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == list(RULES)
    for line, rule in zip(lines, RULES.values(), strict=True):
        assert line.split()[1] == rule.name
        assert line.endswith(rule.summary)
    assert err == ""


def test_list_rules_ignores_a_broken_config(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    (project.root / "annotator.toml").write_text("labels = [\n")
    code, out, _ = run(["validate", "--list-rules"], capsys)
    assert code == EXIT_OK and "A101" in out


def test_version() -> None:
    result = run_cli(["--version"], cwd=Path(__file__).parent)
    assert result.returncode == 0
    assert result.stdout == f"annotator {__version__}\n"


@pytest.mark.parametrize(
    ("command", "module"),
    [
        (["validate", "annotations"], "annotator.validation.engine"),
        (["agree", "annotations"], "annotator.review.agreement"),
        (["stats", "annotations"], "annotator.reports.stats"),
        (["history", "annotations/good.json"], "annotator.reports.history"),
    ],
)
def test_ci_commands_do_not_import_textual(
    project: Project, sample_data: dict, command: list[str], module: str
) -> None:
    """The commands a CI job runs start without loading the UI."""
    project.write("good.json", sample_data)
    other = copy.deepcopy(sample_data)
    other["annotator"] = "bob"
    project.write("bob.json", other)
    timed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "annotator", *command],
        cwd=project.root,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert timed.returncode == 0, timed.stderr
    imports = [line for line in timed.stderr.splitlines() if line.startswith("import time:")]
    assert len(imports) > 50  # the import log is really there
    assert any(module in line for line in imports)
    assert [line for line in imports if "textual" in line] == []


def _imported(project: Project, *args: str) -> set[str]:
    """The modules `annotator ARGS` imports, from -X importtime."""
    timed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "annotator", *args],
        cwd=project.root,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert timed.returncode in (0, 1), timed.stderr
    return {line.split("|")[-1].strip() for line in timed.stderr.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize("output", ["text", "json", "github"])
def test_one_valid_file_imports_only_what_it_needs(project: Project, sample_data: dict, output: str) -> None:
    """Start-up is most of the time of a one-file check (the pre-commit hook): xml.sax.saxutils
    pulls in urllib.request, http.client and ssl (about 40 ms) and only JUnit output needs it;
    jsonschema explains failures only."""
    project.write("good.json", sample_data)
    modules = _imported(project, "validate", "--format", output, "annotations/good.json")
    assert "annotator.validation.engine" in modules
    unneeded = {"xml.sax.saxutils", "urllib.request", "http.client", "ssl", "jsonschema", "textual"}
    assert modules & unneeded == set()


def test_junit_output_imports_what_it_needs(project: Project, sample_data: dict) -> None:
    project.write("good.json", sample_data)
    assert "xml.sax.saxutils" in _imported(project, "validate", "--format", "junit", "annotations/good.json")


# -- --format json ------------------------------------------------------------------------------------


def test_json_format(mixed: Project, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["validate", "--format", "json", "annotations"], capsys)
    assert code == EXIT_FINDINGS
    report = json.loads(out)
    assert report["summary"] == {"files": 2, "invalid_files": 1, "findings": 3}
    files = {record["path"]: record for record in report["files"]}
    assert files["annotations/good.json"] == {"path": "annotations/good.json", "valid": True, "findings": []}
    bad = files["annotations/bad.json"]
    assert bad["valid"] is False
    assert [f["code"] for f in bad["findings"]] == ["A402", "A504", "A501"]  # same place: by code
    a402 = bad["findings"][0]
    assert a402["rule"] == "text-mismatch"
    assert a402["pointer"] == "/spans/2/text"
    assert a402["json_path"] == "$.spans[2].text"
    assert isinstance(a402["line"], int) and isinstance(a402["col"], int)
    assert set(a402) == {"path", "line", "col", "code", "rule", "message", "pointer", "json_path"}
    assert err == "annotator: 3 finding(s) in 1 of 2 file(s)\n"


def test_json_format_clean(project: Project, sample_data: dict, capsys: pytest.CaptureFixture[str]) -> None:
    project.write("good.json", sample_data)
    code, out, _ = run(["validate", "--format", "json"], capsys)
    assert code == EXIT_OK
    assert json.loads(out)["summary"] == {"files": 1, "invalid_files": 0, "findings": 0}


# -- --format github ------------------------------------------------------------------------------------


def test_github_format(mixed: Project, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["validate", "--format", "github", "annotations"], capsys)
    assert code == EXIT_FINDINGS
    lines = out.splitlines()
    errors = [GITHUB_ERROR.match(line) for line in lines if line.startswith("::error")]
    assert len(errors) == 3 and all(errors)
    assert [m.group(4) for m in errors] == [
        "A402 text-mismatch",
        "A504 audit-span-mismatch",
        "A501 audit-hash-mismatch",
    ]  # type: ignore[union-attr]
    assert {m.group(1) for m in errors} == {"annotations/bad.json"}  # type: ignore[union-attr]
    assert not any(line.startswith("::notice") for line in lines)
    # the plain lines follow for the log
    assert sum(1 for line in lines if line.startswith("annotations/bad.json:")) == 3


def test_github_escapes_message_and_properties(
    project: Project, sample_data: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    data = copy.deepcopy(sample_data)
    data["document"]["path"] = "docs/100%\r\nsure.txt"
    project.write("a,b:c.json", data)
    code, out, _ = run(["validate", "--format", "github", "annotations"], capsys)
    assert code == EXIT_FINDINGS
    line = out.splitlines()[0]
    match = GITHUB_ERROR.match(line)
    assert match, line
    assert match.group(1) == "annotations/a%2Cb%3Ac.json"
    assert match.group(4) == "A301 document-not-found"
    message = match.group(5)
    assert message.startswith("document not found: docs/100%25%0D%0Asure.txt (looked in ")
    assert "\r" not in out
    # only the %XX escapes GitHub defines appear in the message
    assert re.findall(r"%[0-9A-F]{2}", message) == ["%25", "%0D", "%0A", "%25", "%0D", "%0A"]


def test_github_notice_when_more_than_ten(
    project: Project, sample_data: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    for index in range(11):
        project.write(f"f{index:02d}.json", b"[]")
    code, out, _ = run(["validate", "--format", "github"], capsys)
    assert code == EXIT_FINDINGS
    lines = out.splitlines()
    assert sum(1 for line in lines if line.startswith("::error ")) == 11
    notices = [line for line in lines if line.startswith("::notice")]
    assert notices == [
        "::notice title=annotator validate::11 findings; GitHub shows only the first 10 annotations of a step, "
        "so 1 more are listed only in this log."
    ]


def test_github_no_notice_at_exactly_ten(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    for index in range(10):
        project.write(f"f{index:02d}.json", b"[]")
    _, out, _ = run(["validate", "--format", "github"], capsys)
    assert sum(1 for line in out.splitlines() if line.startswith("::error ")) == 10
    assert "::notice" not in out


# -- --format junit ---------------------------------------------------------------------------------------


def test_junit_format(mixed: Project, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["validate", "--format", "junit", "annotations"], capsys)
    assert code == EXIT_FINDINGS
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures")) == ("2", "1")
    cases = root.findall("./testsuite/testcase")
    assert [case.get("name") for case in cases] == ["annotations/bad.json", "annotations/good.json"]
    bad, good = cases
    assert good.find("failure") is None
    failure = bad.find("failure")
    assert failure is not None
    assert failure.get("message") == "3 finding(s): A402, A501, A504"
    assert failure.text is not None and len(failure.text.splitlines()) == 3
    assert "A402 span text '43'" in failure.text


def test_junit_escapes_markup(project: Project, sample_data: dict, capsys: pytest.CaptureFixture[str]) -> None:
    data = copy.deepcopy(sample_data)
    data["document"]["path"] = 'docs/<a href="x">&amp;</a>.txt'
    project.write("a&b<c>.json", data)
    _, out, _ = run(["validate", "--format", "junit", "annotations"], capsys)
    root = ET.fromstring(out)
    case = root.find("./testsuite/testcase")
    assert case is not None and case.get("name") == "annotations/a&b<c>.json"
    failure = case.find("failure")
    assert failure is not None and failure.text is not None
    assert 'docs/<a href="x">&amp;</a>.txt' in failure.text


# -- control characters from the document never reach the terminal raw -----------------------------------


@pytest.mark.parametrize("output", ["text", "github", "junit", "json"])
def test_control_characters_are_never_printed_raw(
    project: Project, sample_data: dict, capsys: pytest.CaptureFixture[str], output: str
) -> None:
    data = copy.deepcopy(sample_data)
    data["document"]["path"] = "docs/\x1b[31mred\x1b[0m\x07\x9b2J.txt"  # A301 quotes the path
    project.write("path.json", data)
    text = copy.deepcopy(sample_data)
    text["spans"][2]["text"] = "\x1b]0;pwned\x07"  # A402 quotes the span text
    project.write("text.json", text)
    code, out, _ = run(["validate", "--format", output, "annotations"], capsys)
    assert code == EXIT_FINDINGS
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    if output == "json":
        messages = [f["message"] for record in json.loads(out)["files"] for f in record["findings"]]
        assert any("\x1b[31mred" in message for message in messages)  # the data survives, escaped
    else:
        assert "\\x1b[31mred" in out
    if output == "junit":
        ET.fromstring(out)


def test_text_output_escapes_other_invisible_characters(
    project: Project, sample_data: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    data = copy.deepcopy(sample_data)
    data["document"]["path"] = "docs/a\u200bb\u2028c.txt"
    project.write("x.json", data)
    _, out, _ = run(["validate", "annotations"], capsys)
    assert "docs/a\\u200bb\\u2028c.txt" in out
    assert "\u2028" not in out and "\u200b" not in out
