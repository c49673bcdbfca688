"""The layer rules of the package docstrings, as import-linter contracts (pyproject.toml).

They run here, so CI fails when an import breaks one; the second test shows
that they can: the same contracts over a copy of the package with one
forbidden import added.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONTRACTS = ("layers", "model", "leaves", "no-ui", "editor", "cli-no-ui")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}  # the package under `root`, not the installed one
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


def test_every_layer_contract_is_kept() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "forbidden", "contract"),
    [
        ("annotator/model/tagset.py", "from annotator.storage import files", "The model imports nothing of the app"),
        ("annotator/reports/stats.py", "import textual.widgets", "never import Textual, the editor or the UI"),
        ("annotator/validation/findings.py", "from annotator.editor import layout", "never import Textual"),
        ("annotator/cli/validate_cmd.py", "from annotator.ui import app", "commands load no UI"),
        ("annotator/validation/engine.py", "from annotator.storage import work_file", "each imports only those below"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(tmp_path: Path, module: str, forbidden: str, contract: str) -> None:
    shutil.copytree(REPO / "annotator", tmp_path / "annotator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    source = tmp_path / module
    # Inside a function, as the CLI imports its work: import-linter counts it all the same.
    source.write_text(source.read_text() + f"\n\ndef _breaks_the_layers() -> None:\n    {forbidden}  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert contract in " ".join(broken.split())
