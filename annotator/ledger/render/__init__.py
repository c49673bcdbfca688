"""The ledger's renderings: a table for the terminal, JSON, and a self-contained HTML page."""
