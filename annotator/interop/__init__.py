"""Import and export: other tools' formats, with explicit offset conversion.

Layer: imports the model, storage and validation; never Textual, the editor
or the UI (contract `no-ui`). `registry` imports only the standard library
(contract `leaves`), so that the command line parses without loading a format.
"""
