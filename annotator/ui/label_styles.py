"""How text looks: each label's colour tint plus a text style, so that labels
stay distinguishable without colour (NO_COLOR, monochrome terminals), and
colours that stay readable whatever the theme.

Every colour used for text is checked against what is under it with the WCAG
contrast ratio, on the colours the terminal will really show (with 256
colours, the nearest of them), and moved toward white or black just far
enough to reach 4.5:1. Theme colours made for backgrounds or accents
($success, $primary) and configured label colours fail that on one theme or
the other; tests check the result in a real terminal (tests/test_terminal_app.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.style import Style
from textual.color import Color

from annotator.model.tagset import TagSet

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget

WHITE = Color(255, 255, 255)
BLACK = Color(0, 0, 0)

READABLE = 4.5  # WCAG 2 for body text

# Text styles by label position; the gutter letter tells them apart as well.
# Never dim: a dimmed hedge on its tint measured 4.26:1, below the 4.5:1 that
# body text needs (WCAG); an overline changes no colour.
TEXT_STYLES = (
    Style(italic=True),
    Style(underline=True),
    Style(overline=True),
    Style(bold=True),
    Style(underline=True, italic=True),
    Style(bold=True, italic=True),
    Style(bold=True, underline=True),
)


def parse_color(value: str, fallback: str = "#888888") -> Color:
    try:
        return Color.parse(value)
    except Exception:  # a bad colour in config must not break the UI
        return Color.parse(fallback)


def label_styles(tagset: TagSet, background: Color, *, tint: float = 0.35) -> dict[str, Style]:
    """A Rich style per label: its colour blended into the background, plus a text style."""
    styles: dict[str, Style] = {}
    for index, label in enumerate(tagset):
        color = parse_color(label.color)
        blended = background.blend(color, tint)
        styles[label.name] = TEXT_STYLES[index % len(TEXT_STYLES)] + Style(bgcolor=RichColor.from_rgb(*blended.rgb))
    return styles


def label_foreground(
    tagset: TagSet, background: Color, shown: Callable[[Color], Color] = lambda c: c
) -> dict[str, Style]:
    """Foreground colour and text style per label, for legends and lists: the
    label's colour, moved toward the theme's text colour as far as it takes to
    read on `background` (the default green measured 1.3:1 on the light theme)."""
    return {
        label.name: TEXT_STYLES[index % len(TEXT_STYLES)]
        + Style(color=RichColor.from_rgb(*readable_on(parse_color(label.color), background, shown=shown).rgb))
        for index, label in enumerate(tagset)
    }


def readable_on(
    color: Color, background: Color, minimum: float = READABLE, shown: Callable[[Color], Color] = lambda c: c
) -> Color:
    """`color`, blended toward white or black just enough for a WCAG contrast of
    `minimum` against `background`, as the terminal shows both (`shown`, see
    `terminal_colors`). Toward the background's contrast text first; where even
    that extreme is not enough (white on a mid blue), toward the other one."""
    under = shown(background)
    toward = background.get_contrast_text(1.0)
    other = BLACK if toward.brightness > 0.5 else WHITE
    for target in (toward, other):
        for step in range(21):
            candidate = color.blend(target, step / 20)
            if contrast_ratio(shown(candidate), under) >= minimum:
                return candidate
    return max((WHITE, BLACK), key=lambda extreme: contrast_ratio(shown(extreme), under))


def terminal_colors(app: App) -> Callable[[Color], Color]:
    """The colour a terminal shows for a colour: with 256 colours, the nearest of
    them (Rich's choice, as Textual writes it), which moved contrast by up to 0.4."""
    if app.console.color_system != "256":
        return lambda color: color
    return _nearest_of_256


@lru_cache(maxsize=4096)
def _nearest_of_256(color: Color) -> Color:
    triplet = RichColor.from_rgb(*color.rgb).downgrade(ColorSystem.EIGHT_BIT).get_truecolor()
    return Color(*triplet)


def contrast_ratio(a: Color, b: Color) -> float:
    """WCAG 2.x contrast ratio of two opaque colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _luminance(color: Color) -> float:
    channels = [c / 255 for c in color.rgb]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def overlay_style(widget: Widget, component: str, *, on: Color | None = None) -> Style:
    """A component class's colours blended over the widget's background (or `on`, what is
    really under the text there), and its text style: a style to add on top of the text's own.

    Textual's `get_component_rich_style(partial=True)` drops a colour's alpha,
    so `background: $warning 25%` painted solid orange, and text coloured
    `$warning` on it vanished (1.0:1 in the review's current disagreement);
    and it resolves `$text` against nothing, which gave white text on the
    light theme's light grey (1.3:1).
    """
    styles = widget.get_component_styles(component)
    base = widget.background_colors[1] if on is None else on
    background = base + styles.background if styles.has_rule("background") else None
    under = background or base
    color = None
    if styles.has_rule("auto_color") and styles.auto_color:
        # `$text` and `$text-muted` are "auto" colours: contrast text for what is under them.
        # Resolved on its own, a component has nothing under it and came out white on light themes.
        color = under + under.get_contrast_text(styles.color.a)
    elif styles.has_rule("color"):
        color = under + styles.color
    if color is not None:
        shown = terminal_colors(widget.app)
        # Theme colours used as text ($text-success on the status line's panel, 3.2:1 on the
        # light theme; white on the list cursor's blue, 3.8:1) are moved just far enough to read.
        color = readable_on(color, under, shown=shown)
    return styles.text_style + Style(
        color=color.rich_color if color is not None else None,
        bgcolor=background.rich_color if background is not None else None,
    )
