"""Validation of annotation files: schema, document, span and audit-trail rules.

Layer: imports the model, config and the storage rules; never Textual, the
editor or the UI (contract `no-ui`).
"""
