"""Widgets, each owning presentation only."""
