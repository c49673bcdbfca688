"""A changed article in a real terminal: the offer to re-anchor, then the review keys (! to the
next re-anchored span, = to accept it, ctrl+z to take that back) sent as tmux sends them."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest
from terminal import run_annotator, run_validate

from annotator.config import load_config
from annotator.keys import all_bindings
from annotator.model.editing import AnnotationSet
from annotator.storage.annotation_files import dumps
from annotator.storage.documents import load_document

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

OLD = (
    "The minister said the bridge would reopen in the spring, after repairs.\n\n"
    "Engineers counted 42 cracks in the supports of the eastern span last week.\n"
)
NEW = "Updated on Friday.\n\n" + OLD.replace("42 cracks", "45 cracks")


def _project(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "annotator.toml").write_text('documents = ["docs"]\nannotator = "tester"\n', encoding="utf-8")
    (root / "docs" / "a.txt").write_text(OLD, encoding="utf-8")
    config = load_config(start=root)
    aset = AnnotationSet.new(load_document(root, "docs/a.txt"), "tester", tagset=config.tagset)
    aset.create(OLD.index("minister"), OLD.index("minister") + 8, "quote")
    aset.create(OLD.index("42"), OLD.index("42") + 2, "number")
    (root / "annotations" / "a").mkdir(parents=True)
    (root / "annotations" / "a" / "tester.json").write_bytes(dumps(aset.to_file()))
    (root / "docs" / "a.txt").write_text(NEW, encoding="utf-8")
    return root


def test_a_changed_article_is_re_anchored_and_reviewed_with_the_keys_a_terminal_sends(tmp_path: Path) -> None:
    root = _project(tmp_path / "project")
    with run_annotator("annotate", "docs/a.txt", cwd=root, exit_file=tmp_path / "exit") as pane:
        pane.wait_for("The article changed", "the offer to re-anchor")
        pane.keys("y")
        pane.wait_for("1 span(s) moved, 1 changed", "the document, re-anchored")
        pane.keys("!")
        pane.wait_for("re-anchored, review: was '42'", "the changed span, with its old text")
        pane.keys("=")
        pane.wait_for(lambda screen: "was '42'" not in screen.split("\n")[-2], "the mark cleared")
        pane.keys("C-z")
        pane.wait_for("re-anchored, review: was '42'", "the mark back after undo")
        pane.keys("C-y", "C-s")
        pane.wait_for("saved", "the save")
        pane.keys("C-q")
        assert pane.wait_exit() == 0
    saved = orjson.loads((root / "annotations" / "a" / "tester.json").read_bytes())
    assert [span.get("reanchored") for span in saved["spans"]] == [None, None]
    assert [event["op"] for event in saved["history"]][-2:] == ["reanchor", "reanchor"]
    checked = run_validate(root)
    assert checked.returncode == 0, checked.stderr


def test_the_re_anchoring_keys_are_the_ones_pressed_here() -> None:
    keys = {b.id: b.key for b in all_bindings() if b.id in ("span.next_reanchored", "span.accept_reanchored")}
    assert keys == {"span.next_reanchored": "exclamation_mark", "span.accept_reanchored": "equals_sign"}
