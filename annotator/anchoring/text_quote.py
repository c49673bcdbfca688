"""The context a span keeps so it can be found again without the text it was made on.

Like the W3C Web Annotation TextQuoteSelector (and Hypothesis, which keeps 32
characters each side), a span records the `CONTEXT` code points before it
(`prefix`) and after it (`suffix`), fewer at the document's ends. Its own
text it already has. The context is derived from the document, never typed:
writers compute it as they save, the validator checks it against the text.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT = 32  # code points each side: Hypothesis's choice, enough to tell repeated words apart


@dataclass(frozen=True, slots=True)
class TextQuote:
    """A span's text with its context, and where it was (a hint, not a promise)."""

    start: int
    end: int
    text: str
    prefix: str
    suffix: str


def context_of(text: str, start: int, end: int) -> tuple[str, str]:
    """The prefix and suffix of `text[start:end]` in `text`."""
    return text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT]


def quote_of(text: str, start: int, end: int) -> TextQuote:
    """The TextQuote of `[start, end)` in `text`."""
    prefix, suffix = context_of(text, start, end)
    return TextQuote(start, end, text[start:end], prefix, suffix)
