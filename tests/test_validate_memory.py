"""Peak memory stays within a small multiple of the file's size.

Measured in a fresh process, as the growth of its peak resident set (VmHWM)
while it validates one file with a 10 MB note. Before: 9.1 times the file's
size for a valid file (the whole file was decoded into a str, four bytes a
character once it holds an emoji) and 63 times with a finding placed after
the note (the regular expression that skipped strings kept a backtracking
frame per character). benchmarks/validate_bench.py prints the same for a
50 MB note.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, Project

from annotator.storage import dumps

WORDS = "a long note, with words é and 👍 "  # one emoji: Python keeps the note at 4 bytes a character
NOTE = WORDS * (10 * 1024 * 1024 // len(WORDS.encode()))  # 10 MB of UTF-8
MEASURE = """
import sys
from pathlib import Path
from annotator.config import load_config
from annotator.validation.engine import Validator

def peak():
    with open("/proc/self/status") as status:
        return int(next(line for line in status if line.startswith("VmHWM")).split()[1]) * 1024

validator = Validator(load_config())
before = peak()
findings = validator.validate_file(Path(sys.argv[1]))
print(peak() - before, len(findings))
"""

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs Linux's /proc")


def peak_growth(project: Project, path: Path) -> tuple[float, int]:
    """(growth of the peak RSS while validating `path`, as a multiple of its size; findings)."""
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        cwd=project.root,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    grown, findings = map(int, result.stdout.split())
    return grown / path.stat().st_size, findings


@pytest.fixture
def noted(project: Project) -> bytes:
    """A valid file whose one span has a 10 MB note (so has the audit event that set it)."""
    aset = project.new_set()
    span = aset.create(4, 12, "claim")
    aset.set_note(span.id, NOTE)
    return dumps(aset.to_file())


def test_valid_file_with_a_huge_note(project: Project, noted: bytes) -> None:
    ratio, findings = peak_growth(project, project.write("noted.json", noted))
    assert findings == 0
    assert ratio < 7.5, f"validating took {ratio:.1f} times the file's size"


def test_finding_after_a_huge_note(project: Project, noted: bytes) -> None:
    raw = noted.rstrip()[:-1] + b',\n  "zz_unknown": 1\n}\n'
    ratio, findings = peak_growth(project, project.write("noted.json", raw))
    assert findings == 1
    assert ratio < 7.5, f"validating took {ratio:.1f} times the file's size"
