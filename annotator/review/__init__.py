"""Comparing and reconciling annotators' work: agreement metrics, the corpus they use, adjudication.

Layer: imports the model, storage and validation; never Textual, the editor
or the UI (contract `no-ui`).
"""
