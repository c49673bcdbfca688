"""End to end: the real `annotator annotate` in a tmux pane, driven with keys only.

A person's session: open a seed article, make a span of each label with the
keyboard (one of them by selecting with shift+right), undo one, redo it, quit.
Then `annotator validate` passes on the file written, and each span's text is
the document's text at its offsets.

The test waits on what the screen shows (the legend's counts), never on time:
every wait polls `capture-pane` with short sleeps up to a generous limit.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from terminal import TMUX, run_annotator

REPO = Path(__file__).resolve().parent.parent
SEED = Path(__file__).resolve().parent / ".." / "seeds" / "000_386033cfb5d56fdc.txt"

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def legend(quote: int, claim: int, hedge: int, number: int) -> Callable[[str], bool]:
    """The legend shows these counts ("q quote 1", ...), each once, on one line or wrapped over several."""
    expected = {"quote": quote, "claim": claim, "hedge": hedge, "number": number}

    def shows(screen: str) -> bool:
        return all(re.findall(rf"\b{label[0]} {label} (\d+)\b", screen) == [str(n)] for label, n in expected.items())

    return shows


def test_annotate_a_seed_with_keys_only(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "annotator.toml").write_text('documents = ["docs"]\n', encoding="utf-8")
    shutil.copy(SEED, project / "docs" / SEED.name)
    shutil.copy(SEED.with_name(SEED.stem + ".meta.json"), project / "docs")
    text = (project / "docs" / SEED.name).read_text(encoding="utf-8")
    out = tmp_path / "out"
    exit_file = tmp_path / "exit-code"
    # Textual draws on stderr, so neither stream is redirected: the exit code goes to a file, and the
    # pane stays open after the app exits (tmux's remain-on-exit) to show a traceback, if any.
    with run_annotator(
        "annotate", "--out", str(out), "--annotator", "e2e", "docs", cwd=project, exit_file=exit_file
    ) as pane:
        pane.wait_for(lambda screen: "Accessibility links" in screen and "Breaking News" in screen, "the first paint")
        pane.wait_for(legend(0, 0, 0, 0), "the legend")

        # The cursor starts on "Accessibility": tag the word under it as a quote.
        pane.keys("q")
        pane.wait_for(legend(1, 0, 0, 0), "the quote")
        # Next paragraph, select "Breaking" with shift+right, tag it as a claim.
        pane.keys("C-Down", *["S-Right"] * len("Breaking"), "c")
        pane.wait_for(legend(1, 1, 0, 0), "the claim")
        # Next paragraph ("‘Possible’ But Unlikely"), to the end of the word: a hedge.
        pane.keys("C-Down", "C-Right", "h")
        pane.wait_for(legend(1, 1, 1, 0), "the hedge")
        # Two paragraphs on, back one word: "2021", the end of "Aug. 31, 2021.", a number.
        pane.keys("C-Down", "C-Down", "C-Left", "n")
        pane.wait_for(legend(1, 1, 1, 1), "the number")

        pane.keys("C-z")
        pane.wait_for(legend(1, 1, 1, 0), "undo")
        pane.keys("C-y")
        pane.wait_for(legend(1, 1, 1, 1), "redo")

        pane.keys("C-q")
        pane.wait_exit()
        last_screen = pane.screen(history=200)

    assert exit_file.read_text().strip() == "0", last_screen

    written = out / "000_386033cfb5d56fdc" / "e2e.json"
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "validate", str(written)],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    data = orjson.loads(written.read_bytes())
    spans = data["spans"]
    for span in spans:
        assert span["text"] == text[span["start"] : span["end"]]
    assert sorted(span["label"] for span in spans) == ["claim", "hedge", "number", "quote"]
    assert {span["label"]: span["text"] for span in spans} == {
        "quote": "Accessibility",
        "claim": "Breaking",
        "hedge": "Possible",
        "number": "2021",
    }
    assert data["annotator"] == "e2e"
    # Undo and redo are audited too: the number was deleted, then created again with its id.
    assert [event["op"] for event in data["history"]] == ["create"] * 4 + ["delete", "create"]
    assert data["history"][-1]["span"] == data["history"][-2]["span"] == data["history"][3]["span"]
    # A clean quit leaves neither the recovery journal nor the lock behind.
    assert sorted(path.name for path in written.parent.iterdir()) == ["e2e.json"]


def test_adjudicate_a_seed_with_keys_only(tmp_path: Path) -> None:
    """The reviewer's session: the two readers' files of a seed, `annotator review`,
    accept the agreed spans at once, settle the first disagreements with y / o / x,
    leave; the gold file validates and `annotator history` traces its spans back."""
    doc_id = "000_386033cfb5d56fdc"
    project = tmp_path / "project"
    (project / "seeds").mkdir(parents=True)
    (project / "annotator.toml").write_text('documents = ["seeds"]\n', encoding="utf-8")
    shutil.copy(SEED, project / "seeds" / SEED.name)
    shutil.copy(SEED.with_name(SEED.stem + ".meta.json"), project / "seeds")
    (project / "annotations" / doc_id).mkdir(parents=True)
    for reader in ("reference", "second-reader"):
        shutil.copy(REPO / "annotations" / doc_id / f"{reader}.json", project / "annotations" / doc_id)
    exit_file = tmp_path / "exit-code"
    with run_annotator(
        "review", f"seeds/{SEED.name}", "--annotator", "editor", cwd=project, exit_file=exit_file
    ) as pane:
        pane.wait_for(lambda screen: "0/21 disagreements settled" in screen, "the review panel")
        assert "agreed spans to accept (A)" in pane.screen()
        pane.keys("A")
        pane.wait_for(lambda screen: "agreed spans to accept" not in screen, "the agreed spans")
        pane.keys("x")  # #1: the second reader's headline claim, rejected
        pane.wait_for(lambda screen: "1/21 disagreements settled" in screen, "the first rejection")
        pane.keys("x")  # #2: a caption claim, rejected
        pane.wait_for(lambda screen: "#3 [275, 432)" in screen, "the third disagreement")
        pane.keys("o", "y")  # #3: the reference's "not ruling out", accepted
        pane.wait_for(lambda screen: "3/21 disagreements settled" in screen, "the accepted hedge")
        pane.keys("C-q")
        pane.wait_exit()
        last_screen = pane.screen(history=200)
    assert exit_file.read_text().strip() == "0", last_screen

    gold = project / "annotations" / doc_id / "gold.json"
    run = functools.partial(
        subprocess.run,
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = run([sys.executable, "-m", "annotator", "validate", str(gold)])
    assert result.returncode == 0, result.stdout + result.stderr
    data = orjson.loads(gold.read_bytes())
    assert data["annotator"] == "gold" and len(data["rejected"]) == 2
    hedge = next(s for s in data["spans"] if s["text"] == "not ruling out")
    assert hedge["adjudicated_from"] == [{"annotator": "reference", "span": hedge["adjudicated_from"][0]["span"]}]
    assert all(s["origin"] == "adjudicated" and s["created_by"] == "editor" for s in data["spans"])
    history = run([sys.executable, "-m", "annotator", "history", str(gold), "--span", hedge["id"]])
    assert history.returncode == 0, history.stderr
    assert "adjudicated" in history.stdout and "from reference span" in history.stdout
