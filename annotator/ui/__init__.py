"""The Textual user interface. Nothing outside this package imports it but `annotator annotate`
and `annotator review`.

Layer: the top, beside the command line. Widgets own presentation only: state
flows down through method calls and reactives, events flow up as Messages.
Textual's private API is used only in `textual_compat`.
"""
