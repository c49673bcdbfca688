"""The one place annotator uses Textual's private API.

Textual has no public way to bind keys on one widget instance (the tag keys
come from the tag set, so they differ per document view), nor to ask which
key names its driver makes of what a terminal sends (the tests check every
bound key against exactly that). Everything that reaches past Textual's
public API lives here, behind a function with a test, so that a Textual
upgrade breaks in one place.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual.binding import Binding
from textual.dom import DOMNode


def add_instance_bindings(node: DOMNode, bindings: Iterable[Binding]) -> None:
    """Bind `bindings` on this node only, after its class's BINDINGS."""
    for binding in Binding.make_bindings(bindings):
        node._bindings._add_binding(binding)


def keys_from_terminal(data: str) -> list[str]:
    """The key names Textual's driver makes of the characters a terminal sent."""
    from textual._xterm_parser import XTermParser  # only the tests and key checks need the parser

    parser = XTermParser()
    found = [event.key for event in parser.feed(data) if isinstance(event, events.Key)]
    if data == "\x1b" and not found:  # the driver flushes a lone escape after a timeout
        found = [event.key for event in parser.feed("") if isinstance(event, events.Key)] or ["escape"]
    return found
