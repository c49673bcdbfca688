"""The command palette provider: go to span, filter by label, and markup-safe prompts."""

from __future__ import annotations

import time

import pytest
from conftest import run_async
from textual.app import App, ComposeResult
from textual.command import CommandInput, CommandList, CommandPalette, DiscoveryHit, Hit
from textual.content import Content
from textual.widgets import Static

from annotator.model.annotation import Span
from annotator.model.tagset import default_tagset
from annotator.ui.commands import MAX_SPAN_HITS, AnnotatorCommands, find_offsets, span_line

SIZE = (100, 30)
STAMP = "2026-01-01T00:00:00Z"


def make_span(span_id: str, label: str, text: str, start: int = 0) -> Span:
    return Span(
        id=span_id,
        start=start,
        end=start + len(text),
        label=label,
        text=text,
        created_by="tester",
        created_at=STAMP,
        modified_by="tester",
        modified_at=STAMP,
    )


SPANS = [
    make_span("s1", "quote", "He said [/quote] and left", 0),
    make_span("s2", "claim", "a [bold] claim about taxes", 40),
    make_span("s3", "hedge", "[b]maybe[/b] soon", 80),
    make_span("s4", "number", "42\x1b[31m people\nin all", 120),
]


class PaletteApp(App[None]):
    """The app surface the provider uses, recording every call."""

    COMMANDS = {AnnotatorCommands}  # noqa: RUF012 - Textual's own convention

    def __init__(self, spans: list[Span] | None = None) -> None:
        super().__init__()
        self.spans = SPANS if spans is None else spans
        self.tagset = default_tagset()
        self.calls: list[tuple[str, ...]] = []

    def compose(self) -> ComposeResult:
        yield Static("document")

    def current_spans(self) -> list[Span]:
        return list(self.spans)

    def action_goto_span(self, span_id: str) -> None:
        self.calls.append(("goto", span_id))

    def action_filter_label(self, label: str) -> None:
        self.calls.append(("filter", label))

    def action_next_undone(self) -> None:
        self.calls.append(("next_undone",))

    def action_toggle_span_list(self) -> None:
        self.calls.append(("toggle_span_list",))

    def action_change_theme(self) -> None:
        self.calls.append(("change_theme",))

    def action_show_messages(self) -> None:
        self.calls.append(("show_messages",))

    def action_show_orphans(self) -> None:
        self.calls.append(("show_orphans",))

    def action_quote_versions(self) -> None:
        self.calls.append(("quote_versions",))


async def search(app: App, query: str) -> list[Hit]:
    provider = AnnotatorCommands(app.screen)
    return [hit async for hit in provider.search(query)]


async def discover(app: App) -> list[DiscoveryHit]:
    provider = AnnotatorCommands(app.screen)
    return [hit async for hit in provider.discover()]


def highlighted(content: Content) -> str:
    """The characters of `content` under a style that is not plain bold (the match highlight)."""
    marked = sorted({i for span in content.spans if "bold" != str(span.style) for i in range(span.start, span.end)})
    return "".join(content.plain[i] for i in marked)


# -- the provider, called directly --------------------------------------------------


@pytest.mark.parametrize(("query", "span_id", "shown"), [("/quote", "s1", "[/quote]"), ("[bold]", "s2", "[bold]")])
@run_async
async def test_goto_span_hits_keep_markup_as_text(query: str, span_id: str, shown: str) -> None:
    app = PaletteApp()
    async with app.run_test(size=SIZE):
        hits = await search(app, query)
        best = max(hits, key=lambda hit: hit.score)
        assert best.text is not None and shown in best.text
        assert isinstance(best.prompt, Content)
        assert best.prompt.plain == best.text  # nothing dropped, offsets unshifted
        assert highlighted(best.prompt) == query
        best.command()
    assert app.calls == [("goto", span_id)]


@run_async
async def test_b_tag_is_not_dropped_and_highlight_is_not_shifted() -> None:
    app = PaletteApp()
    async with app.run_test(size=SIZE):
        hits = await search(app, "[b]maybe")
        best = max(hits, key=lambda hit: hit.score)
        assert best.text == "Go to span: hedge [b]maybe[/b] soon"
        assert highlighted(best.prompt) == "[b]maybe"
        best.command()
    assert app.calls == [("goto", "s3")]


@run_async
async def test_control_characters_are_shown_as_placeholders() -> None:
    app = PaletteApp()
    async with app.run_test(size=SIZE):
        hits = await search(app, "people")
        texts = [hit.text for hit in hits]
    assert "Go to span: number 42␛[31m people⏎in all" in texts
    assert not any("\x1b" in text or "\n" in text for text in texts)


@run_async
async def test_label_filter_commands() -> None:
    app = PaletteApp()
    async with app.run_test(size=SIZE):
        for query in ("filter spans by label: claim", "show all labels"):
            hits = await search(app, query)
            max(hits, key=lambda hit: hit.score).command()
    assert app.calls == [("filter", "claim"), ("filter", "")]


@run_async
async def test_other_commands_call_the_app() -> None:
    app = PaletteApp()
    async with app.run_test(size=SIZE):
        for query in ("next undone document", "toggle span list", "change theme", "orphaned spans"):
            hits = await search(app, query)
            max(hits, key=lambda hit: hit.score).command()
    assert app.calls == [("next_undone",), ("toggle_span_list",), ("change_theme",), ("show_orphans",)]


@run_async
async def test_discover_lists_commands_labels_and_spans() -> None:
    app = PaletteApp()
    async with app.run_test(size=SIZE):
        hits = await discover(app)
    texts = [hit.text for hit in hits]
    assert texts[:3] == ["Next undone document", "Toggle span list", "Show all labels"]
    for label in ("quote", "claim", "hedge", "number"):
        assert f"Filter spans by label: {label}" in texts
    assert "Change theme" in texts
    assert "Go to span: quote He said [/quote] and left" in texts
    assert all(isinstance(hit.prompt, Content) and hit.prompt.plain == hit.text for hit in hits)
    assert all("[" not in (hit.help or "") for hit in hits)  # help is parsed as markup: never user text


@run_async
async def test_labels_come_from_spans_without_a_tagset() -> None:
    app = PaletteApp()
    async with app.run_test(size=SIZE):
        app.tagset = None
        texts = [hit.text for hit in await discover(app)]
    assert [t for t in texts if t.startswith("Filter")] == [
        f"Filter spans by label: {label}" for label in ("quote", "claim", "hedge", "number")
    ]


@run_async
async def test_many_spans_give_the_best_hits_quickly() -> None:
    spans = [make_span(f"s{i}", "claim", f"e{'e' * 30} claim number {i} [/quote]", i * 100) for i in range(10_000)]
    app = PaletteApp(spans)
    async with app.run_test(size=SIZE):
        started = time.perf_counter()
        hits = await search(app, "eeeeeeeeeeeeeeee 9999")  # many ways to match: linear, not combinatorial
        elapsed = time.perf_counter() - started
        span_hits = [hit for hit in hits if hit.text and hit.text.startswith("Go to span")]
        assert len(span_hits) <= MAX_SPAN_HITS
        assert "number 9999 " in span_hits[0].text
    assert elapsed < 10


def test_find_offsets_and_span_line() -> None:
    assert find_offsets("bold", "a [bold] claim") == [3, 4, 5, 6]
    assert find_offsets("ac", "a [bold] claim") == [0, 9]
    assert find_offsets("zz", "a [bold] claim") is None
    assert span_line("x" * 100, 10) == "x" * 9 + "…"
    assert span_line("a\nb\x1b") == "a⏎b␛"


# -- through the real command palette ---------------------------------------------------


async def wait_for(pilot, predicate, attempts: int = 100) -> None:
    for _ in range(attempts):
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached")


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("slash", *"quote"), ("goto", "s1")),
        (("left_square_bracket", *"bold", "right_square_bracket"), ("goto", "s2")),
        ((*"filter", "space", *"hedge"), ("filter", "hedge")),
    ],
)
@run_async
async def test_palette_end_to_end(keys: tuple[str, ...], expected: tuple[str, ...]) -> None:
    app = PaletteApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*keys)
        command_list = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: command_list.option_count > 0 and command_list.highlighted is not None)
        await pilot.pause(0.3)  # let the search finish and the list settle
        prompts = [command_list.get_option_at_index(i).prompt.plain for i in range(command_list.option_count)]
        assert app.screen.query_one(CommandInput).value
        if expected[0] == "goto":
            assert any("[/quote]" in p for p in prompts) or any("[bold]" in p for p in prompts)
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.calls))
    assert app.calls == [expected]
