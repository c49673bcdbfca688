"""The four report writers, on hand-made findings."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from annotator.validation.codes import RULES
from annotator.validation.findings import Finding
from annotator.validation.report import (
    FORMATS,
    GITHUB_SHOWN_PER_STEP,
    WRITERS,
    github_escape_data,
    github_escape_property,
    rules_table,
    text_line,
    write_github,
    write_json,
    write_junit,
    write_text,
)

Results = list[tuple[Path, list[Finding]]]


def render(writer, results: Results) -> str:
    out = io.StringIO()
    writer(out, results)
    return out.getvalue()


def _finding(message: str = "msg", path: str = "a.json", code: str = "A402", pointer: str = "/spans/0/text") -> Finding:
    return Finding(path, 3, 7, code, message, pointer)


def test_writers_cover_formats() -> None:
    assert set(WRITERS) == set(FORMATS) == {"text", "json", "github", "junit"}


def test_text_line() -> None:
    assert text_line(_finding()) == "a.json:3:7: A402 msg (/spans/0/text)"
    assert text_line(_finding(pointer="")) == "a.json:3:7: A402 msg"


def test_write_text_only_findings() -> None:
    results = [(Path("good.json"), []), (Path("a.json"), [_finding("one"), _finding("two")])]
    assert render(write_text, results) == "a.json:3:7: A402 one (/spans/0/text)\na.json:3:7: A402 two (/spans/0/text)\n"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[2J", "\\x1b[2J"),
        ("bell\x07", "bell\\x07"),
        ("nl\ncr\r", "nl\\x0acr\\x0d"),
        ("del\x7f", "del\\x7f"),
        ("csi\x9b", "csi\\x9b"),
        ("zw\u200bj", "zw\\u200bj"),
        ("bidi\u202e", "bidi\\u202e"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("tab\tok", "tab\tok"),
        ("Café 👍 日本", "Café 👍 日本"),
    ],
)
def test_text_escapes_what_a_terminal_would_interpret(raw: str, shown: str) -> None:
    out = render(write_text, [(Path("a.json"), [_finding(raw, pointer="")])])
    assert out == f"a.json:3:7: A402 {shown}\n"


def test_text_escapes_control_characters_in_the_path() -> None:
    out = render(write_text, [(Path("x"), [_finding(path="evil\x1b]0;t\x07.json", pointer="")])])
    assert out == "evil\\x1b]0;t\\x07.json:3:7: A402 msg\n"


# -- json ---------------------------------------------------------------------------------------------


def test_json_structure() -> None:
    results = [
        (Path("dir/good.json"), []),
        (Path("dir/bad.json"), [_finding("m1"), _finding("m2", code="A501", pointer="/history/0/hash")]),
    ]
    report = json.loads(render(write_json, results))
    assert report["summary"] == {"files": 2, "invalid_files": 1, "findings": 2}
    assert report["files"][0] == {"path": "dir/good.json", "valid": True, "findings": []}
    second = report["files"][1]["findings"][1]
    assert second == {
        "path": "a.json",
        "line": 3,
        "col": 7,
        "code": "A501",
        "rule": "audit-hash-mismatch",
        "message": "m2",
        "pointer": "/history/0/hash",
        "json_path": "$.history[0].hash",
    }


def test_json_empty_run() -> None:
    assert json.loads(render(write_json, [])) == {
        "summary": {"files": 0, "invalid_files": 0, "findings": 0},
        "files": [],
    }


def test_json_keeps_control_characters_as_escapes() -> None:
    message = "esc\x1b del\x7f csi\x9b nul\x00 é"
    out = render(write_json, [(Path("a.json"), [_finding(message)])])
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", out)
    assert json.loads(out)["files"][0]["findings"][0]["message"] == message


def test_json_with_undecodable_file_name() -> None:
    name = "caf\udce9.json"  # how Python shows a file name byte that is not UTF-8
    out = render(write_json, [(Path(name), [_finding(path=name)])])
    report = json.loads(out)
    assert report["files"][0]["path"] == "caf\\udce9.json"


# -- github -----------------------------------------------------------------------------------------------


def test_github_escape_functions() -> None:
    assert github_escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert github_escape_data("a:b,c") == "a:b,c"
    assert github_escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert github_escape_data("%0A") == "%250A"  # a literal escape in the data is not decoded


def test_github_error_line() -> None:
    out = render(
        write_github,
        [(Path("a.json"), [Finding("dir/a,b:c.json", 12, 4, "A402", "50% of\nit: x, y", "/spans/0/text")])],
    )
    lines = out.splitlines()
    assert lines[0] == (
        "::error file=dir/a%2Cb%3Ac.json,line=12,col=4,title=A402 text-mismatch::50%25 of%0Ait: x, y (/spans/0/text)"
    )
    assert lines[1] == "dir/a,b:c.json:12:4: A402 50% of\\x0ait: x, y (/spans/0/text)"
    assert len(lines) == 2


def test_github_error_line_has_no_raw_controls() -> None:
    out = render(write_github, [(Path("a.json"), [_finding("\x1b[31mred\x07", path="p\x1b.json")])])
    assert "\x1b" not in out and "\x07" not in out
    assert (
        out.splitlines()[0]
        == "::error file=p\\x1b.json,line=3,col=7,title=A402 text-mismatch::\\x1b[31mred\\x07 (/spans/0/text)"
    )


@pytest.mark.parametrize("count", [0, 1, GITHUB_SHOWN_PER_STEP, GITHUB_SHOWN_PER_STEP + 1, 25])
def test_github_notice_threshold(count: int) -> None:
    findings = [Finding("a.json", n + 1, 1, "A103", f"m{n}") for n in range(count)]
    out = render(write_github, [(Path("a.json"), findings)])
    lines = out.splitlines()
    assert sum(line.startswith("::error ") for line in lines) == count
    notices = [line for line in lines if line.startswith("::notice")]
    if count > GITHUB_SHOWN_PER_STEP:
        assert notices == [
            f"::notice title=annotator validate::{count} findings; GitHub shows only the first 10 annotations "
            f"of a step, so {count - 10} more are listed only in this log."
        ]
    else:
        assert notices == []
    assert sum(line.startswith("a.json:") for line in lines) == count


# -- junit --------------------------------------------------------------------------------------------------


def test_junit_structure() -> None:
    results = [
        (Path("ok.json"), []),
        (Path("bad.json"), [_finding("one"), _finding("two", code="A101", pointer="")]),
    ]
    out = render(write_junit, results)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(out)
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "1", "0")
    cases = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("annotations", "ok.json"),
        ("annotations", "bad.json"),
    ]
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.get("message") == "2 finding(s): A101, A402"
    assert failure.get("type") == "annotator"
    assert failure.text == "a.json:3:7: A402 one (/spans/0/text)\na.json:3:7: A101 two"


@pytest.mark.parametrize(
    "message",
    [
        "<b>&amp;</b> \"q\" 'a'",
        "esc\x1b[1m",
        "nul\x00",
        "csi\x9b",
        "del\x7f",
        "non-char\uffff\ufffe",
        "]]>",
        "tab\tnl\n",
    ],
)
def test_junit_is_always_well_formed_xml(message: str) -> None:
    path = f"dir/{message.replace(chr(10), '')}.json"
    out = render(write_junit, [(Path(path), [_finding(message, path=path)])])
    root = ET.fromstring(out)  # raises on anything XML 1.0 cannot hold
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]", out)
    failure = root.find("./testsuite/testcase/failure")
    assert failure is not None and failure.text is not None
    if "<b>" in message:
        assert message in failure.text


def test_junit_with_undecodable_file_name() -> None:
    name = "caf\udce9.json"
    out = render(write_junit, [(Path(name), [_finding(path=name)])])
    out.encode("utf-8")  # no surrogates are left to fail on output
    case = ET.fromstring(out).find("./testsuite/testcase")
    assert case is not None and case.get("name") == "caf\\udce9.json"


def test_junit_empty_run() -> None:
    root = ET.fromstring(render(write_junit, []))
    assert root.get("tests") == "0" and root.findall("./testsuite/testcase") == []


# -- rules table --------------------------------------------------------------------------------------------------


def test_rules_table() -> None:
    lines = rules_table().splitlines()
    assert len(lines) == len(RULES)
    assert lines[0].startswith("A101  unreadable-file ")
    codes = [line[:4] for line in lines]
    assert codes == sorted(codes)
    assert all(re.fullmatch(r"A[1-5]\d\d", code) for code in codes)
    names = [rule.name for rule in RULES.values()]
    assert len(set(names)) == len(names)
