"""The built-in suggesters: rules from how news is written, no model, no network.

- `quotes`: direct quotations (straight and curly, nested, over several
  paragraphs, split by an attribution) and reported speech, with the
  speaker from the attribution.
- `numbers`: every numeric expression the `n` key understands, with
  `value` and `unit`.
- `hedges`: a lexicon of hedging words and phrases, extendable per project.

Each is a pure function of the text, loaded only when asked for.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from functools import partial

from annotator.suggest.base import SuggesterError, TextSuggester

# name -> (module in this package, what it suggests)
BUILTINS: dict[str, tuple[str, str]] = {
    "quotes": ("quotes", "direct quotations and reported speech, with the speaker"),
    "numbers": ("numbers", "numeric expressions, with value and unit"),
    "hedges": ("hedges", "hedging words and phrases"),
}


@dataclass(frozen=True, slots=True)
class BuiltinOptions:
    """What a project sets for the built-ins (`[suggest]` in annotator.toml)."""

    hedges: tuple[str, ...] = ()  # extra hedging words and phrases


def builtin(name: str, options: BuiltinOptions | None = None) -> TextSuggester:
    """The built-in suggester `name`. Each module has `suggester(options) -> TextSuggester`."""
    if name not in BUILTINS:
        raise SuggesterError(f"no built-in suggester {name!r} (choose from: {', '.join(BUILTINS)})")
    options = options or BuiltinOptions()
    module = importlib.import_module(f"{__name__}.{BUILTINS[name][0]}")
    return replace(module.suggester(options), remake=partial(builtin, name, options))
