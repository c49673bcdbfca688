"""Styles a widget resolves from its CSS once and keeps until the CSS changes.

The row-caching widgets cannot look styles up per row (`rich_style` walks the
DOM, about 0.1 ms a call), so they resolve them once and render from the
copy. When matters: resolved in on_mount or in a theme watcher, they were
read before Textual had applied the CSS, and the first paint drew the text
in its background colour (233 on 233) while a theme change left the text
one theme behind. Textual calls `notify_style_update` whenever it applies CSS
to a widget (at mount, on a theme change); `:focus` rules can change the
component styles alone, so focus changes count too. The widget forgets its
styles then, and resolves them again at its next render.
"""

from __future__ import annotations

from textual.widget import Widget


class ResolvedStyles(Widget):
    """Mix in before the widget class; implement `forget_styles`."""

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.forget_styles()

    def on_focus(self) -> None:
        self.forget_styles()

    def on_blur(self) -> None:
        self.forget_styles()

    def forget_styles(self) -> None:
        """Drop the resolved styles and everything rendered with them, and repaint."""
        raise NotImplementedError
