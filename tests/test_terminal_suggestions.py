"""Suggestions in a real terminal: `annotate --suggest` on a fresh project, settled with the
keys tmux sends, saved, and the file validates.

Pilot presses keys by their bound names; this drives the app as a person does
(tests/terminal.py): the built-in numbers suggester runs as the document opens,
beside a stored suggestion of another suggester, and every suggestion key
(j k o y x A) is pressed and checked by its effect, then undo, redo and save.
The saved file holds the accepted spans with `origin: suggested` and the
suggester's name, and the rejection, and `annotator validate` passes. The
suggestions look unlike spans, also with NO_COLOR: a double underline and a
"?" in the gutter, not a colour alone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest
from terminal import Pane, run_annotator, run_validate

from annotator.config import load_config
from annotator.keys import SUGGEST_BINDINGS
from annotator.model.suggestion_ref import SuggestionRef
from annotator.storage.documents import load_document
from annotator.suggest.base import Suggestion
from annotator.suggest.store import store

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

TEXT = (
    "The minister said 42 people came.\n"
    "\n"
    "At least 2,000 people may come, reportedly.\n"
    "\n"
    "Costs rose 5 percent last year.\n"
)
CLAIM = Suggestion(18, 32, "claim", {})  # "42 people came": over the number 42, a second version there


def _project(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "annotator.toml").write_text('documents = ["docs"]\nannotator = "tester"\n', encoding="utf-8")
    (root / "docs" / "a.txt").write_text(TEXT, encoding="utf-8")
    config = load_config(start=root)
    store(config, load_document(root, "docs/a.txt"), SuggestionRef("model", "3"), [CLAIM])
    return root


def _start(tmp_path: Path, env: dict[str, str | None] | None = None) -> Pane:
    root = _project(tmp_path / "project")
    pane = run_annotator(
        "annotate", "docs/a.txt", "--suggest", "numbers", cwd=root, exit_file=tmp_path / "exit", env=env
    )
    pane.wait_for("4 suggested", "the stored claim and the numbers suggester's three numbers")
    return pane


def test_every_suggestion_key_works_as_a_terminal_sends_it(tmp_path: Path) -> None:
    with _start(tmp_path) as pane:
        pane.keys("j")
        pane.wait_for(lambda screen: "▸  1 number [18, 20)" in screen and "@18" in screen, "the first suggestion")
        pane.keys("o")
        pane.wait_for("▸  2 claim [18, 32)", "the other version of that place")
        pane.keys("j")
        pane.wait_for(lambda screen: "▸  1 number [44, 49)" in screen and "@44" in screen, "the next one")
        pane.keys("k")
        pane.wait_for("▸  1 number [18, 20)", "back to the first")
        pane.keys("y")
        pane.wait_for(lambda screen: "▸✓ 1 number" in screen and "3 suggested" in screen, "42 accepted")
        pane.keys("x")
        pane.wait_for("2 suggested", "the claim over it rejected")
        pane.keys("A")
        pane.wait_for("suggestions settled", "every number accepted")
        pane.keys("C-z")
        pane.wait_for("2 suggested", "the accept-all undone at once")
        pane.keys("C-y")
        pane.wait_for("suggestions settled", "and redone")
        pane.keys("C-s")
        pane.wait_for("saved", "the save")
        pane.keys("C-q")
        assert pane.wait_exit() == 0

    root = tmp_path / "project"
    saved = orjson.loads((root / "annotations" / "a" / "tester.json").read_bytes())
    assert [TEXT[span["start"] : span["end"]] for span in saved["spans"]] == ["42", "2,000", "5 percent"]
    assert all(span["origin"] == "suggested" for span in saved["spans"])
    assert [span["source"].split("#")[0] for span in saved["spans"]] == ["numbers@1"] * 3
    [rejected] = saved["rejected"]
    assert (rejected["annotator"], rejected["text"], rejected["by"]) == ("model", "42 people came", "tester")
    checked = run_validate(root)
    assert checked.returncode == 0, checked.stderr
    # The annotator's file, the model's stored suggestions, and the numbers suggester's, which the
    # app stored as the document opened so that every accepted source can be looked up.
    assert "3 file(s) valid" in checked.stderr
    assert (root / "suggestions" / "a" / "numbers.json").exists()


def test_every_suggestion_binding_has_a_check_here() -> None:
    """test_terminal_app's check of every key leaves the suggestion keys to this module: the
    sequence above presses each of them."""
    pressed = {"j", "k", "o", "y", "x", "A"}
    assert {binding.key for binding in SUGGEST_BINDINGS} == pressed


def test_suggestions_stand_out_without_colour(tmp_path: Path) -> None:
    with _start(tmp_path, env={"NO_COLOR": "1"}) as pane:
        grid = pane.cells()
        row, column = grid.find("5 percent")
        assert all(grid.cell(row, column + offset).underline for offset in range(len("5 percent")))
        plain = grid.find("Costs")
        assert plain is not None and not grid.cell(*plain).underline
        assert grid.line(row).startswith("?")  # the gutter's letter for a suggestion
