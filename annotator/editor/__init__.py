"""Pure editor model for the document view: no Textual imports.

`display` makes text terminal-safe, `layout` wraps it into rows measured in
cells, `motion` finds words, sentences, paragraphs and number tokens, and
`span_index` keeps spans sorted for per-row rendering and list views. The
Textual widget is a thin layer over these, so they can be tested and timed
without a terminal.
"""

from annotator.editor.display import display_text
from annotator.editor.layout import Layout
from annotator.editor.span_index import SpanIndex, SpanView

__all__ = ["Layout", "SpanIndex", "SpanView", "display_text"]
