"""annotator: keyboard-first editorial span annotation for the terminal."""

__version__ = "0.1.0"
