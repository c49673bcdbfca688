"""Modal screens: help, span details, relabel, confirmations."""
