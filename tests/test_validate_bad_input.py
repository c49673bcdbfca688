"""Bad input is a finding with a place, never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import CONFIG_TOML, Project, line_col_of, run_cli, to_json_bytes

from annotator.storage.loading import load_annotation_file
from annotator.storage.paths import expand_paths
from annotator.validation import engine
from annotator.validation.engine import parse_annotation_bytes
from annotator.validation.findings import Finding

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def _validate(project: Project, content: bytes, name: str = "x.json") -> list[Finding]:
    return project.validate(project.write(name, content))


def _only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, findings
    return findings[0]


# -- through the command line -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{\n  "schema_version": 1,\n  "spans": [}\n', "annotations/bad.json:3:13: A103 invalid JSON: "),
        (b"", "annotations/bad.json:1:1: A104 file is empty; expected a JSON object"),
        (PNG, "annotations/bad.json:1:1: A102 binary data: byte 0x89 at byte offset 0 cannot be decoded"),
        (b"[" * 100_000, "annotations/bad.json:1:"),
        (b'"just a string"', "annotations/bad.json:1:1: A201 expected a JSON object at the top level, got string"),
    ],
    ids=["malformed", "empty", "png", "deep", "string"],
)
def test_cli_bad_file_is_a_finding(project: Project, content: bytes, expected: str) -> None:
    project.write("bad.json", content)
    result = run_cli(["validate", "annotations/bad.json"], cwd=project.root)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(expected)
    assert result.stderr == "annotator: 1 finding(s) in 1 of 1 file(s)\n"


def test_cli_deep_nesting_is_a106(project: Project) -> None:
    project.write("deep.json", b"[" * 100_000)
    result = run_cli(["validate", "--format", "json", "annotations/deep.json"], cwd=project.root)
    assert result.returncode == 1
    finding = json.loads(result.stdout)["files"][0]["findings"][0]
    assert finding["code"] == "A106"
    assert finding["rule"] == "nesting-too-deep"


def test_cli_path_that_does_not_exist(project: Project) -> None:
    result = run_cli(["validate", "no/such/file.json"], cwd=project.root)
    assert result.returncode == 1
    assert result.stdout == "no/such/file.json:1:1: A101 cannot read file: No such file or directory\n"
    assert "Traceback" not in result.stderr


# -- the file itself ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "line", "col", "message"),
    [
        (b'{"a": 1,}', 1, 8, "trailing comma"),  # placed at the comma
        (b'{\n  "a": 1\n  "b": 2\n}', 3, 3, "invalid JSON"),
        (b'{\r\n  "a": tru\r\n}', 2, 8, "invalid JSON"),
        (b'{\n  "caf\xc3\xa9 \xf0\x9f\x91\x8d": x\n}', 2, 13, "invalid JSON"),  # columns in characters
        (b'{"a": 1} {"b": 2}', 1, 10, "invalid JSON"),
        (b'{"a": "\\ud800"}', 1, 8, "invalid JSON"),
        (b"{'a': 1}", 1, 2, "invalid JSON"),
        (b'{"a": NaN}', 1, 7, "invalid JSON"),
        (b"\x0c", 1, 1, "invalid JSON"),  # a form feed is not JSON whitespace
    ],
)
def test_malformed_json_line_col(project: Project, content: bytes, line: int, col: int, message: str) -> None:
    finding = _only(_validate(project, content))
    assert finding.code == "A103"
    assert (finding.line, finding.col) == (line, col)
    assert message in finding.message
    assert finding.pointer == ""


@pytest.mark.parametrize("content", [b"", b"   ", b"\n\n\t\r\n ", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"])
def test_empty_and_whitespace_only(project: Project, content: bytes) -> None:
    finding = _only(_validate(project, content))
    assert (finding.code, finding.line, finding.col) == ("A104", 1, 1)


@pytest.mark.parametrize(
    ("content", "line", "col", "byte", "offset"),
    [
        (b'{"a": "\xff"}', 1, 8, 0xFF, 7),
        (b'{\n  "caf\xc3\xa9": "\xc0\xaf"\n}', 2, 12, 0xC0, 14),
        (b'{\n  "x": "\xe2\x82"\n}', 2, 9, 0xE2, 10),
        (b'\xef\xbb\xbf{"a": "\xfe"}', 1, 8, 0xFE, 10),
    ],
)
def test_not_utf8(project: Project, content: bytes, line: int, col: int, byte: int, offset: int) -> None:
    finding = _only(_validate(project, content))
    assert finding.code == "A102"
    assert (finding.line, finding.col) == (line, col)
    assert finding.message == f"not valid UTF-8: byte 0x{byte:02x} at byte offset {offset} cannot be decoded"


def test_binary_file(project: Project) -> None:
    finding = _only(_validate(project, PNG))
    assert (finding.code, finding.line, finding.col) == ("A102", 1, 1)
    assert finding.message.startswith("binary data: byte 0x89")


def test_binary_after_text(project: Project) -> None:
    finding = _only(_validate(project, b'{"a":\n 1}\x00\x00\xff\xfe'))
    assert finding.code == "A102"
    assert (finding.line, finding.col) == (2, 6)
    assert finding.message.startswith("binary data")


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"[]", "array"),
        (b'"text"', "string"),
        (b"42", "integer"),
        (b"4.5", "number"),
        (b"null", "null"),
        (b"true", "boolean"),
    ],
)
def test_wrong_top_level_type(project: Project, content: bytes, kind: str) -> None:
    finding = _only(_validate(project, content))
    assert (finding.code, finding.line, finding.col, finding.pointer) == ("A201", 1, 1, "")
    assert finding.message == f"expected a JSON object at the top level, got {kind}"


@pytest.mark.parametrize(
    "content",
    [b"[" * 100_000, b'{"a":' * 50_000, b"[" * 1025 + b"]" * 1025],
    ids=["arrays", "objects", "just-over-the-limit"],
)
def test_deep_nesting(project: Project, content: bytes) -> None:
    finding = _only(_validate(project, content))
    assert finding.code == "A106"
    assert finding.line == 1


def test_nesting_within_parser_limit_is_a_schema_finding(project: Project, sample_data: dict) -> None:
    # 1000 levels parse, so the schema check and the locator see them and must not recurse away.
    raw = to_json_bytes(sample_data)[:-3] + b',\n  "extra": ' + b"[" * 1000 + b"]" * 1000 + b"\n}\n"
    finding = _only(_validate(project, raw))
    assert (finding.code, finding.pointer) == ("A203", "/extra")
    assert (finding.line, finding.col) == line_col_of(raw.decode(), '"extra"')


def _limit(project: Project, size: int) -> None:
    (project.root / "annotator.toml").write_text(f"{CONFIG_TOML}\n[limits]\nmax_file_size = {size}\n")


def test_huge_file(project: Project, sample_data: dict) -> None:
    path = project.write("big.json", sample_data)
    size = path.stat().st_size
    _limit(project, size - 1)
    finding = _only(project.validate(path))
    assert (finding.code, finding.line, finding.col) == ("A105", 1, 1)
    assert finding.message == (
        f"the annotation file has {size:,} bytes or more; the limit is {size - 1:,} "
        "(raise limits.max_file_size in annotator.toml to read it)"
    )
    _limit(project, size)
    assert project.validate(path) == []


def test_long_values_are_clipped_in_messages(project: Project, sample_data: dict) -> None:
    """A finding is one short line, however large the value it quotes: a message that quoted a
    50 MB note whole was a 50 MB line, written to the terminal a character at a time."""
    from annotator.model.audit import GENESIS_HASH, chain_hash, event_body

    data = json.loads(to_json_bytes(sample_data))
    data["spans"][1]["attributes"]["check_worthiness"] = "urgent " * 10_000  # not one of the enum's values
    data["history"][4]["after"]["note"] = "a note the span does not have " * 10_000
    previous = GENESIS_HASH
    for event in data["history"]:  # a trail that chains, so that only the replay differs
        event["hash"] = previous = chain_hash(previous, event_body(event))
    findings = _validate(project, to_json_bytes(data))
    by_code = {finding.code: finding for finding in findings}
    assert by_code["A404"].message.startswith(
        "attribute 'check_worthiness' must be one of 'high', 'medium', 'low', not"
    )
    assert len(by_code["A404"].message) == engine.MESSAGE_LIMIT and by_code["A404"].message.endswith("…")
    [note] = [f for f in findings if f.code == "A504" and f.pointer == "/spans/2/note"]
    assert note.message.endswith("the trail gives note='a note the span does not have a note th…'")
    assert max(len(finding.message) for finding in findings) <= engine.MESSAGE_LIMIT


def test_huge_file_is_not_read(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    path = project.write("big.json", b"{}" + b" " * 1000)
    _limit(project, 10)
    config = project.config
    from annotator.storage import files

    def no_read(fd: int, size: int) -> bytes:
        raise AssertionError("a file over the limit must not be read")

    monkeypatch.setattr(files.os, "read", no_read)
    assert _only(engine.Validator(config).validate_file(path)).code == "A105"


def test_missing_document(project: Project, sample_data: dict) -> None:
    (project.root / "docs" / "a.txt").unlink()
    finding = _only(project.validate(project.write("a.json", sample_data)))
    assert (finding.code, finding.pointer) == ("A301", "/document/path")


def test_path_that_does_not_exist(project: Project) -> None:
    finding = _only(project.validate(project.root / "annotations" / "missing.json"))
    assert (finding.code, finding.line, finding.col) == ("A101", 1, 1)
    assert finding.message == "cannot read file: No such file or directory"
    assert finding.path == "annotations/missing.json"


def test_path_outside_cwd_is_shown_as_given(project: Project, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.json"
    outside.write_bytes(b"[]")
    finding = _only(project.validate(outside))
    assert finding.path == str(outside)


def test_unreadable_file(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    path = project.write("locked.json", b"{}")

    def denied(*args: object, **kwargs: object) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(engine, "read_file", denied)  # the tests run as root, where chmod denies nothing
    finding = _only(project.validate(path))
    assert (finding.code, finding.message) == ("A101", "cannot read file: Permission denied")


# -- folders -------------------------------------------------------------------------------------------


def test_folder_with_nested_subfolders_and_hidden_files(project: Project) -> None:
    base = project.root / "annotations"
    for relative in (
        "b.json",
        "a.json",
        "sub/c.json",
        "sub/deeper/d.json",
        ".hidden.json",
        ".git/e.json",
        "sub/.cache/f.json",
        "sub/notes.txt",
    ):
        path = base / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"[]")
    (base / "folder.json").mkdir()
    found = list(expand_paths([base]))
    assert found == [base / "a.json", base / "b.json", base / "sub/c.json", base / "sub/deeper/d.json"]


def test_hidden_folder_given_explicitly_is_searched(project: Project) -> None:
    base = project.root / ".annotations"
    (base / "x").mkdir(parents=True)
    (base / "x" / "a.json").write_bytes(b"{}")
    assert list(expand_paths([base])) == [base / "x" / "a.json"]


def test_files_are_taken_as_given_even_hidden_or_not_json(project: Project) -> None:
    hidden = project.write(".h.json", b"[]")
    other = project.write("a.txt", b"[]")
    assert list(expand_paths([hidden, other])) == [hidden, other]


def test_cli_folder_run_reports_every_file(project: Project, sample: object) -> None:
    project.write("good.json", sample)  # type: ignore[arg-type]
    project.write("sub/bad.json", b"{")
    project.write("sub/.hidden/ignored.json", b"{")
    project.write(".ignored.json", b"{")
    result = run_cli(["validate", "--format", "json", "annotations"], cwd=project.root)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert [f["path"] for f in report["files"]] == ["annotations/good.json", "annotations/sub/bad.json"]
    assert report["summary"] == {"files": 2, "invalid_files": 1, "findings": 1}


def test_file_name_that_is_not_utf8(project: Project) -> None:
    folder = project.root / "annotations"
    name = os.fsencode(folder) + b"/caf\xe9.json"
    try:
        with open(name, "wb") as handle:
            handle.write(b"[]")
    except OSError:
        pytest.skip("the file system refuses names that are not UTF-8")
    for output in ("text", "json", "github", "junit"):
        result = run_cli(["validate", "--format", output, "annotations"], cwd=project.root)
        assert result.returncode == 1, (output, result.stderr)
        assert "Traceback" not in result.stderr
        assert "A201" in result.stdout


# -- parse_annotation_bytes and load_annotation_file -----------------------------------------------------


def test_parse_good_bytes(sample_data: dict) -> None:
    parsed = parse_annotation_bytes(to_json_bytes(sample_data))
    assert parsed.problems == []
    assert parsed.model is not None and len(parsed.model.spans) == 4


def test_load_annotation_file_refuses_with_places(project: Project) -> None:
    path = project.write("x.json", b'{\n  "a": }')
    with pytest.raises(ValueError, match=r"annotations/x.json:2:8: A103 invalid JSON"):
        load_annotation_file(path)
    path = project.write("y.json", b'{"schema_version": 1}')
    with pytest.raises(ValueError) as caught:
        load_annotation_file(path)
    assert "A202 missing required property 'document'" in str(caught.value)
    assert "A202 missing required property 'annotator'" in str(caught.value)
