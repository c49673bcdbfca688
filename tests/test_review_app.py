"""`annotator review`: settling two annotators' disagreements into a gold file
with keys alone, leaving and resuming."""

from __future__ import annotations

import orjson
from conftest import TEXT, Project, run_async, span_of
from test_adjudication import two_annotators

from annotator.cli.main import main
from annotator.ui.review_app import ReviewApp
from annotator.ui.widgets.review_panel import ReviewPanel

SIZE = (120, 40)


def make_app(project: Project) -> ReviewApp:
    files = two_annotators(project)
    for name, file in files.items():
        if not (project.root / "annotations" / "a" / f"{name}.json").exists():
            project.write(f"a/{name}.json", file)
    return ReviewApp("docs/a.txt", project.config, "gold", "carol", project.root / "annotations", files)


def panel(app: ReviewApp) -> str:
    return str(app.query_one(ReviewPanel).render())


def gold(project: Project) -> dict:
    return orjson.loads((project.root / "annotations" / "a" / "gold.json").read_bytes())


@run_async
async def test_settle_every_disagreement_with_keys(project: Project) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "0/2 disagreements settled" in panel(app)
        assert "2 agreed spans to accept" in panel(app)
        # The first disagreement: bob's claim over alice's and bob's number and alice's "may".
        assert "#1" in panel(app) and "nothing:" not in panel(app)
        assert app.session.cursor == span_of(TEXT, "About 42 people may come")[0]
        kinds = {kind for _, _, kind in app.view.marks}
        assert kinds == {"agreed", "current", "disputed"}

        await pilot.press("A")  # the quote and the number, which both marked
        assert sorted(s.text for s in app.session.annotations.spans.values()) == ["42", "we will act soon"]
        assert "agreed spans" not in panel(app)

        await pilot.press("y")  # accept the highlighted version: bob's claim
        await pilot.press("o", "o")  # alice's "may" is the third version
        assert "▸  3 hedge" in panel(app)
        await pilot.press("x")  # reject what is left of this disagreement
        assert "1/2 disagreements settled" in panel(app)
        assert "#2" in panel(app) and "nothing: alice" in panel(app)  # moved on to bob's "reportedly"

        await pilot.press("x")
        assert "2/2 disagreements settled" in panel(app)
        await pilot.press("ctrl+z")  # undo the last rejection
        assert "1/2 disagreements settled" in panel(app)
        await pilot.press("ctrl+q")
        await pilot.pause()

    data = gold(project)
    assert data["annotator"] == "gold"
    claim = next(s for s in data["spans"] if s["label"] == "claim")
    assert claim["origin"] == "adjudicated" and claim["created_by"] == "carol"
    assert claim["adjudicated_from"] == [{"annotator": "bob", "span": "b4"}]
    quote = next(s for s in data["spans"] if s["label"] == "quote")
    assert {s["annotator"] for s in quote["adjudicated_from"]} == {"alice", "bob"}
    assert [(r["annotator"], r["text"], r["by"]) for r in data["rejected"]] == [("alice", "may", "carol")]
    assert main(["validate", "annotations/a/gold.json", "--quiet"]) == 0

    # Reopened, the review resumes at the one disagreement still open.
    again = make_app(project)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "1/2 disagreements settled" in panel(again)
        assert "#2" in panel(again) and "reportedly" in panel(again)
        await pilot.press("y")
        assert "2/2 disagreements settled" in panel(again)
        assert "all disagreements settled" in panel(again)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert {s["text"] for s in gold(project)["spans"]} == {
        "we will act soon",
        "42",
        "About 42 people may come",
        "reportedly",
    }


@run_async
async def test_review_keys_are_in_the_footer_and_only_in_review(project: Project) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = [binding.id for (_, binding, enabled, _) in app.screen.active_bindings.values() if binding.show]
        review = ["review.next", "review.next_version", "review.accept", "review.reject_rest", "review.accept_agreed"]
        assert shown[: len(review)] == review  # first in the Footer, before the annotation keys
        await pilot.press("f1")
        help_text = str(app.screen.query_one("#help-bindings").render())
        assert "Review" in help_text and "accept version" in help_text and "review.accept" in help_text
        await pilot.press("escape")
        from annotator.ui.commands import AnnotatorCommands

        names = [command.text for command in AnnotatorCommands(app.screen).fixed_commands([])]
        assert "Next disagreement" in names and "Accept agreed spans" in names
        assert not [n for n in app.notices if n.severity == "error"]
        await pilot.press("ctrl+q")
        await pilot.pause()


def test_review_command_refuses_what_it_cannot_review(project: Project, capsys) -> None:
    assert main(["review", "docs/a.txt", "--annotator", "carol"]) == 2  # nobody annotated it yet
    assert "nobody has annotated" in capsys.readouterr().err
    assert main(["review", "docs/nope.txt"]) == 2
    assert "no document 'docs/nope.txt'" in capsys.readouterr().err
    project.write("a/bob.json", "{not json")
    assert main(["review", "a", "--annotator", "carol"]) == 1  # by id; bob's file is broken
    err = capsys.readouterr().err
    assert "cannot review with" in err and "bob.json:1:2: A103" in err and "Traceback" not in err
    (project.root / "annotations" / "a" / "bob.json").unlink()
    project.write("a/alice.json", two_annotators(project)["alice"])
    project.write_doc("docs/a.txt", TEXT.replace("42", "43"))
    assert main(["review", "docs/a.txt", "--annotator", "carol"]) == 1
    assert "document changed since annotation" in capsys.readouterr().err


def test_review_screen_snapshot(snap_compare, project: Project, monkeypatch) -> None:
    import time

    from annotator.ui.widgets.status_line import StatusLine

    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    app = make_app(project)

    async def run_before(pilot) -> None:
        app.theme = "textual-dark"
        await pilot.press("A", "y")  # the agreed spans, then bob's claim; alice's "may" is still open
        deadline = time.monotonic() + 10
        while not all(word in app.query_one(StatusLine).render_line(0).text for word in ("✓ valid", " saved")):
            assert time.monotonic() < deadline, "the save and the check did not finish"
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        app.clear_notifications()  # toasts expire on a timer: the snapshot must not depend on timing
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
    finally:
        if app.work_file is not None:
            app.work_file.close()
