"""The annotation file changed on disk under the app: the conflict is shown,
and merging, keeping or taking settles it with nothing lost."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from conftest import run_async
from terminal_keys import press_as_sent
from test_ui_readable import make_project

from annotator.config import load_config
from annotator.ui.app import AnnotatorApp
from annotator.ui.screens.conflict import ConflictScreen
from annotator.validation.engine import Validator


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AnnotatorApp:
    monkeypatch.chdir(tmp_path)
    return make_project(tmp_path / "project")


def saved_texts(path: Path) -> list[str]:
    return sorted(span["text"] for span in orjson.loads(path.read_bytes())["spans"])


async def tag_and_save(pilot, app: AnnotatorApp, needle: str) -> None:
    app.view.move_cursor(app.session.text.index(needle))
    await press_as_sent(pilot, "h", "C-s")
    await pilot.pause()


@run_async
async def test_an_older_copy_put_back_is_caught_up_with_a_key(app: AnnotatorApp) -> None:
    """Tag (saved), copy the file, tag (saved), put the copy back, tag: the save
    shows the conflict instead of saying the work is in the journal; m merges."""
    path = app.out_dir / "a" / "reader.json"
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await tag_and_save(pilot, app, "minister")
        copy = path.read_bytes()
        await tag_and_save(pilot, app, "vote")
        path.write_bytes(copy)
        await tag_and_save(pilot, app, "officials")
        assert isinstance(app.screen, ConflictScreen)
        await press_as_sent(pilot, "m")
        await pilot.pause()
        assert not isinstance(app.screen, ConflictScreen)
        assert {"minister", "vote", "officials"} <= set(saved_texts(path))
        await press_as_sent(pilot, "C-q")
    assert Validator(load_config(start=app.config.root)).validate_file(path) == []


@run_async
async def test_taking_the_disk_version_keeps_yours_beside_it(app: AnnotatorApp) -> None:
    path = app.out_dir / "a" / "reader.json"
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        before = path.read_bytes()
        await tag_and_save(pilot, app, "minister")
        path.write_bytes(before)  # another tool puts the old version back
        await tag_and_save(pilot, app, "vote")
        assert isinstance(app.screen, ConflictScreen)
        await press_as_sent(pilot, "t")
        await pilot.pause()
        assert path.read_bytes() != b"" and "minister" not in saved_texts(path)
        (mine,) = path.parent.glob(".reader.json.mine-*.json")
        assert {"minister", "vote"} <= set(saved_texts(mine))
        await press_as_sent(pilot, "C-q")


@run_async
async def test_deciding_later_writes_nothing_and_quitting_says_so(app: AnnotatorApp) -> None:
    path = app.out_dir / "a" / "reader.json"
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        before = path.read_bytes()
        await tag_and_save(pilot, app, "minister")
        path.write_bytes(before)
        await tag_and_save(pilot, app, "vote")
        await press_as_sent(pilot, "Escape")
        await pilot.pause()
        assert path.read_bytes() == before
        await press_as_sent(pilot, "C-q")
        await pilot.pause()
        message = str(app.screen.query_one("#confirm-message").render())
        assert "changed on disk" in message and "next start asks" in message
        await press_as_sent(pilot, "y")
    assert path.read_bytes() == before
    assert (path.parent / ".reader.json.journal").exists()  # nothing lost: the next start asks again
