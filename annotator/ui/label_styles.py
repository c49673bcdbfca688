"""How each label looks: a colour tint plus a text style, so that labels stay
distinguishable without colour (NO_COLOR, monochrome terminals)."""

from __future__ import annotations

from rich.color import Color as RichColor
from rich.style import Style
from textual.color import Color

from annotator.model.tagset import TagSet

# Text styles by label position; the gutter letter tells them apart as well.
TEXT_STYLES = (
    Style(italic=True),
    Style(underline=True),
    Style(dim=True),
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


def label_foreground(tagset: TagSet) -> dict[str, Style]:
    """Foreground colour and text style per label, for legends and lists."""
    return {
        label.name: TEXT_STYLES[index % len(TEXT_STYLES)]
        + Style(color=RichColor.from_rgb(*parse_color(label.color).rgb))
        for index, label in enumerate(tagset)
    }
