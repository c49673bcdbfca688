"""The `annotator` command line. Subcommands import their work lazily."""
