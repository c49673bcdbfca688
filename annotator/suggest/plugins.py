"""Suggesters from installed packages, found by entry point.

A package offers a Python suggester by declaring an entry point in the group
`annotator.suggesters`, for example in its pyproject.toml:

    [project.entry-points."annotator.suggesters"]
    newsroom-ner = "newsroom_ner.annotator:make_suggester"

The object named must be a callable taking no arguments that returns a
suggester: an object with `name` and `version` (strings fit for
`check_identity`), `fast` (a bool) and `suggest(documents)` (see
`annotator.suggest.base.Suggester`). The entry point's name is what the user
types; the suggester's own `name` and `version` are what suggestions record.
Nothing is imported until a plug-in is asked for by name.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass

from annotator.suggest.base import Suggester, SuggesterError, check_identity

GROUP = "annotator.suggesters"


@dataclass(frozen=True, slots=True)
class PluginEntry:
    """An entry point of the group, and the distribution that declared it (for messages)."""

    name: str
    value: str  # "module:attribute"
    entry_point: importlib.metadata.EntryPoint
    distribution: str


def _entries() -> list[PluginEntry]:
    # Looked up through the module attribute on every call, so a newly installed package is
    # seen and tests can substitute the function.
    found = importlib.metadata.entry_points(group=GROUP)
    return [PluginEntry(ep.name, ep.value, ep, _distribution(ep)) for ep in found]


def _distribution(entry_point: importlib.metadata.EntryPoint) -> str:
    dist = getattr(entry_point, "dist", None)
    return getattr(dist, "name", None) or "an unknown package"


def plugin_names() -> list[str]:
    """The names of the installed plug-in suggesters, sorted, each once."""
    return sorted({entry.name for entry in _entries()})


def plugin_suggester(name: str) -> Suggester:
    """The suggester the plug-in `name` makes, checked to have what a suggester must have."""
    entry = _entry(name)
    where = f"plug-in suggester {name!r} ({entry.value} from {entry.distribution})"
    try:
        factory = entry.entry_point.load()
    # A plug-in is third-party code: an ImportError, a SyntaxError or anything its module
    # raises at import all mean it cannot be used, and the user needs to know which one.
    except Exception as err:
        raise SuggesterError(f"cannot load {where}: {type(err).__name__}: {err}") from None
    if not callable(factory):
        raise SuggesterError(f"{where} is not callable: it must name a function that returns a suggester")
    try:
        suggester = factory()
    except SuggesterError:
        raise  # the plug-in's own explanation (a missing model, say)
    except Exception as err:
        raise SuggesterError(f"{where} failed to make its suggester: {type(err).__name__}: {err}") from None
    _check(suggester, where)
    return suggester


def _entry(name: str) -> PluginEntry:
    entries = [entry for entry in _entries() if entry.name == name]
    if not entries:
        available = ", ".join(plugin_names()) or "none is installed"
        raise SuggesterError(f"no plug-in suggester {name!r} (available: {available})")
    if len({entry.value for entry in entries}) > 1:
        # Two packages claim the name: running either silently would be a guess.
        offers = "; ".join(f"{entry.value} from {entry.distribution}" for entry in entries)
        raise SuggesterError(f"plug-in suggester {name!r} is declared by several packages: {offers}")
    return entries[0]


def _check(suggester: object, where: str) -> None:
    """SuggesterError unless `suggester` has the Suggester protocol's members."""
    missing = [attr for attr in ("name", "version", "fast", "suggest") if not hasattr(suggester, attr)]
    if missing:
        raise SuggesterError(
            f"{where} returned {type(suggester).__name__}, not a suggester: it has no {', '.join(missing)}"
        )
    name, version = suggester.name, suggester.version  # type: ignore[attr-defined]
    if not isinstance(name, str) or not isinstance(version, str):
        raise SuggesterError(f"{where}: its suggester's name and version must be strings")
    if not isinstance(suggester.fast, bool):  # type: ignore[attr-defined]
        raise SuggesterError(f"{where}: its suggester's 'fast' must be True or False")
    if not callable(suggester.suggest):  # type: ignore[attr-defined]
        raise SuggesterError(f"{where}: its suggester's 'suggest' is not callable")
    try:
        check_identity(name, version)
    except SuggesterError as err:
        raise SuggesterError(f"{where}: {err}") from None
