"""The editor's view-model: everything the annotation screen does, without Textual.

`layout` wraps the text into rows measured in cells (words, sentences,
paragraphs and number tokens are `annotator.prose`'s), `span_index` keeps spans sorted
for per-row rendering and list views, `session` holds the cursor, the
selection, tagging and undo, and `search` finds text and "go to" targets.
The Textual widgets are a thin layer over these, so they can be tested and
timed without a terminal.

Layer: imports the model, `annotator.text` and `annotator.prose`; never Textual, the UI,
storage or validation (contract `editor`).
"""

from annotator.editor.layout import Layout
from annotator.editor.span_index import SpanIndex, SpanView

__all__ = ["Layout", "SpanIndex", "SpanView"]
