"""Write findings as text, JSON, GitHub workflow commands or JUnit XML."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import orjson

from annotator.validation.codes import RULES
from annotator.validation.findings import Finding

FORMATS = ("text", "json", "github", "junit")
_C1 = re.compile("[\x7f-\x9f]")
GITHUB_SHOWN_PER_STEP = 10


def text_line(finding: Finding) -> str:
    where = f" ({finding.pointer})" if finding.pointer else ""
    return f"{finding.path}:{finding.line}:{finding.col}: {finding.code} {finding.message}{where}"


def write_text(out: TextIO, results: Sequence[tuple[Path, list[Finding]]]) -> None:
    for _path, findings in results:
        for finding in findings:
            out.write(_printable(text_line(finding)) + "\n")


def _printable(line: str) -> str:
    # A finding may quote document text; never send control characters to a terminal.
    if line.isprintable():
        return line  # nearly every line, checked in C rather than a character at a time
    return "".join(ch if ch.isprintable() or ch == "\t" else _escape(ch) for ch in line)


def _escape(ch: str) -> str:
    # Python's own escapes, so "\u200b" cannot be read as "\x20" followed by "0b".
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _utf8_safe(text: str) -> str:
    # A file name that is not UTF-8 arrives with surrogates, which orjson refuses to encode.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def write_json(out: TextIO, results: Sequence[tuple[Path, list[Finding]]]) -> None:
    records = []
    for path, findings in results:
        records.append(
            {
                "path": _utf8_safe(path.as_posix()),
                "valid": not findings,
                "findings": [
                    {
                        "path": _utf8_safe(f.path),
                        "line": f.line,
                        "col": f.col,
                        "code": f.code,
                        "rule": f.rule,
                        "message": _utf8_safe(f.message),
                        "pointer": f.pointer,
                        "json_path": f.json_path,
                    }
                    for f in findings
                ],
            }
        )
    total = sum(len(r["findings"]) for r in records)
    summary = {"files": len(records), "invalid_files": sum(not r["valid"] for r in records), "findings": total}
    text = orjson.dumps({"summary": summary, "files": records}, option=orjson.OPT_INDENT_2).decode()
    # orjson escapes C0 controls but writes DEL and C1 (the 8-bit CSI, 0x9b) raw; they can
    # only be inside strings here, so a \u escape keeps the data and spares the terminal.
    out.write(_C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def github_escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_escape_property(value: str) -> str:
    return github_escape_data(value).replace(":", "%3A").replace(",", "%2C")


def write_github(out: TextIO, results: Sequence[tuple[Path, list[Finding]]]) -> None:
    count = 0
    for _path, findings in results:
        for f in findings:
            count += 1
            title = github_escape_property(f"{f.code} {f.rule}")
            props = f"file={_printable(github_escape_property(f.path))},line={f.line},col={f.col},title={title}"
            message = f.message + (f" ({f.pointer})" if f.pointer else "")
            # Escape first (CR and LF become %0D %0A), then make what is left printable.
            out.write(f"::error {props}::{_printable(github_escape_data(message))}\n")
    # GitHub shows only the first annotations of a step; the log keeps them all.
    if count > GITHUB_SHOWN_PER_STEP:
        hidden = count - GITHUB_SHOWN_PER_STEP
        out.write(
            "::notice title=annotator validate::"
            + github_escape_data(
                f"{count} findings; GitHub shows only the first {GITHUB_SHOWN_PER_STEP} annotations of a step, "
                f"so {hidden} more are listed only in this log."
            )
            + "\n"
        )
    for _path, findings in results:
        for f in findings:
            out.write(_printable(text_line(f)) + "\n")


def write_junit(out: TextIO, results: Sequence[tuple[Path, list[Finding]]]) -> None:
    # Imported here: xml.sax.saxutils imports urllib.request, http.client and ssl, 20-40 ms
    # (python -X importtime) that the start-up of every other format does without.
    from xml.sax.saxutils import quoteattr

    failures = sum(1 for _, findings in results if findings)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(
        f'<testsuites name="annotator validate" tests="{len(results)}" failures="{failures}">\n'
        f'  <testsuite name="annotator validate" tests="{len(results)}" failures="{failures}" errors="0">\n'
    )
    for path, findings in results:
        name = quoteattr(_xml_safe(path.as_posix()))
        if not findings:
            out.write(f'    <testcase classname="annotations" name={name}/>\n')
            continue
        out.write(f'    <testcase classname="annotations" name={name}>\n')
        summary = f"{len(findings)} finding(s): " + ", ".join(sorted({f.code for f in findings}))
        body = "\n".join(_xml_safe(text_line(f)) for f in findings)
        out.write(
            f'      <failure message={quoteattr(_xml_safe(summary))} type="annotator">{_xml_text(body)}</failure>\n'
        )
        out.write("    </testcase>\n")
    out.write("  </testsuite>\n</testsuites>\n")


def _xml_safe(text: str) -> str:
    # XML 1.0 cannot hold most C0 controls, even escaped; C1 controls (such as
    # the 8-bit CSI, 0x9b) are legal XML but still terminal escapes, so go too;
    # U+FFFE and U+FFFF are not XML characters at all, nor are surrogates.
    return "".join(
        ch if ch in "\t\n\r" or 0x20 <= ord(ch) < 0x7F or _xml_char_above_c1(ord(ch)) else _escape(ch) for ch in text
    )


def _xml_char_above_c1(code: int) -> bool:
    # Surrogates come from undecodable file names (surrogateescape); they cannot be written as UTF-8.
    return 0x9F < code < 0xD800 or 0xDFFF < code < 0xFFFE or code > 0xFFFF


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


WRITERS = {"text": write_text, "json": write_json, "github": write_github, "junit": write_junit}


def rules_table() -> str:
    return "\n".join(f"{rule.code}  {rule.name:<24} {rule.summary}" for rule in RULES.values())
