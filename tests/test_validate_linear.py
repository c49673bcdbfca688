"""Validation cost grows linearly with a file's size and its number of findings.

Counted, not timed: the Python and built-in calls made while validating a file
with n problems, then with 2n in a file twice the size. Linear work doubles;
locating each finding by a scan from the start of the text (as before) made
it four times as much. The timings are in benchmarks/validate_bench.py.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from typing import Any

import pytest
from conftest import Project, to_json_bytes

from annotator.validation.engine import Validator

Data = dict[str, Any]


def calls(work: Callable[[], object]) -> int:
    """Python and built-in function calls made by `work()`."""
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(None)
    return count


def growth(validator: Validator, make: Callable[[int], bytes], n: int) -> tuple[float, int, int]:
    """(calls for 2n / calls for n, findings for n, findings for 2n)."""
    small, large = make(n), make(2 * n)
    found = [len(validator.validate_bytes(raw, "x.json")) for raw in (small, large)]  # also warms caches
    ratio = calls(lambda: validator.validate_bytes(large, "x.json")) / calls(
        lambda: validator.validate_bytes(small, "x.json")
    )
    return ratio, found[0], found[1]


def wrong_spans(sample_data: Data) -> Callable[[int], bytes]:
    """n spans whose text is not the document's and that have no audit trail: 2n findings."""

    def make(n: int) -> bytes:
        data = copy.deepcopy(sample_data)
        template = data["spans"][0]
        data["spans"] = [
            # Distinct offsets (the document has 87 characters), so that no two spans are duplicates.
            {**template, "id": f"w{i}", "start": i % 60, "end": i % 60 + 1 + i // 60, "text": "not the text"}
            for i in range(n)
        ]
        data["history"] = []
        return to_json_bytes(data)

    return make


def unknown_keys(sample_data: Data) -> Callable[[int], bytes]:
    """n spans' worth of padding and n unknown top-level properties after it: n findings, explained by jsonschema."""

    def make(n: int) -> bytes:
        data = copy.deepcopy(sample_data)
        data["foreign"] = [
            {"format": "brat", "kind": "note", "id": f"N{index}", "record": "x" * 200, "spans": []}
            for index in range(n)
        ]
        data.update({f"unknown_{index}": index for index in range(n)})
        return to_json_bytes(data)

    return make


@pytest.mark.parametrize(("case", "findings"), [(wrong_spans, 2), (unknown_keys, 1)], ids=["spans", "keys"])
def test_work_grows_linearly_with_findings_and_size(
    project: Project, sample_data: Data, case: Callable[[Data], Callable[[int], bytes]], findings: int
) -> None:
    ratio, small, large = growth(Validator(project.config), case(sample_data), 150)
    assert (small, large) == (findings * 150, findings * 300)
    assert ratio < 2.4, f"twice the findings in twice the text took {ratio:.1f} times the calls"


def test_one_long_line_is_placed_in_one_pass(project: Project, sample_data: Data) -> None:
    # Without indentation the whole file is one line: columns are counted once, not from the start each time.
    data = copy.deepcopy(sample_data)
    data.update({f"unknown_{index}": index for index in range(300)})
    raw = to_json_bytes(data).replace(b"\n", b"").replace(b"  ", b"")
    findings = Validator(project.config).validate_bytes(raw, "x.json")
    text = raw.decode()
    assert len(findings) == 300
    for finding in findings:
        assert finding.line == 1
        assert text[finding.col - 1 :].startswith(f'"{finding.pointer[1:]}"')
