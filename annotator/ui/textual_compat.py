"""The one place annotator uses Textual's private API.

Textual has no public way to bind keys on one widget instance (the tag keys
come from the tag set, so they differ per document view). Everything that
reaches past Textual's public API lives here, behind a function with a
test, so that a Textual upgrade breaks in one place.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.dom import DOMNode


def add_instance_bindings(node: DOMNode, bindings: Iterable[Binding]) -> None:
    """Bind `bindings` on this node only, after its class's BINDINGS."""
    for binding in Binding.make_bindings(bindings):
        node._bindings._add_binding(binding)
