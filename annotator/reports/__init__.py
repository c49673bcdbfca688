"""Read-only reports over annotation files: statistics and audit-trail timelines.

Layer: imports the model, storage and validation; never Textual, the editor
or the UI (contract `no-ui`).
"""
