"""The `annotator` command line. Subcommands import their work lazily.

Layer: the top. `validate`, `agree`, `stats`, `history`, `schema`, `export`
and `import` never load the UI, the editor or Textual (contract `cli-no-ui`).
"""
