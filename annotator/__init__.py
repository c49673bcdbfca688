"""annotator: keyboard-first editorial span annotation for the terminal.

The packages, from the bottom up (each imports only those below it; the rules
are import contracts in pyproject.toml, checked by tests/test_import_contracts.py):

- `text` (terminal-safe display of document text) and `storage.files`,
  `storage.paths`: standard library only.
- `model`: documents, spans, the audit trail and its replay, tag sets.
- `config`, `keys`: the project's configuration and the key bindings as data.
- `storage`: every read and write of a project file, the edit lock and journal.
- `validation`: the rules an annotation file must keep.
- `editor` (the annotation screen's view-model), `interop` (other tools'
  formats), `review` (agreement, adjudication), `reports` (stats, history).
- `ui`: the Textual app; `cli`: the command line.
"""

__version__ = "0.1.0"
