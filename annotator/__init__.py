"""annotator: keyboard-first editorial span annotation for the terminal.

The packages, from the bottom up (each imports only those below it; the rules
are import contracts in pyproject.toml, checked by tests/test_import_contracts.py):

- `text` (terminal-safe display of document text) and `storage.files`,
  `storage.paths` (the file rules): standard library only.
- `model`: documents, spans, the audit trail and its replay, tag sets.
- `storage.documents`, `storage.annotation_files`: reading documents,
  encoding and saving annotation files.
- `keys`, `config`: the key bindings as data; the project's configuration.
- `validation`: the rules an annotation file must keep.
- `storage.loading`, `.lock`, `.journal`, `.work_file`: an annotation file
  loaded (parsed by the validator) and opened for editing.
- `editor` (the annotation screen's view-model), `interop` (other tools'
  formats), `review` (agreement, adjudication), `reports` (stats, history).
- `ui`: the Textual app; `cli`: the command line.
"""

__version__ = "0.1.0"
