"""Plug-in suggesters found by entry point, with importlib.metadata.entry_points replaced."""

from __future__ import annotations

import importlib.metadata
import itertools
import textwrap

import pytest

from annotator.suggest.base import DocumentInput, SuggesterError, Suggestion
from annotator.suggest.plugins import GROUP, plugin_names, plugin_suggester

PLUGIN_SOURCE = """
from annotator.suggest.base import Suggestion, SuggesterError


class Hedges:
    name = "acme.hedges"
    version = "2.1"
    fast = False

    def suggest(self, documents):
        for document in documents:
            start = document.text.find("reportedly")
            yield [] if start < 0 else [Suggestion(start, start + 10, "HEDGE")]


def make():
    return Hedges()


NOT_CALLABLE = 42


def makes_nothing_useful():
    return object()


def makes_a_bad_name():
    suggester = Hedges()
    suggester.name = "Acme Hedges"
    return suggester


def makes_no_fast():
    class NoFast:
        name, version = "x", "1"

        def suggest(self, documents):
            return iter(())

    return NoFast()


def fails():
    raise RuntimeError("no GPU here")


def explains():
    raise SuggesterError("acme.hedges: download the model first")
"""

_modules = itertools.count()


@pytest.fixture
def install(tmp_path, monkeypatch):
    """Installs the plug-in module and entry points named {entry name: attribute of the module}."""
    module = f"annotator_test_plugin_{next(_modules)}"  # a fresh name: no module cached from another test
    (tmp_path / f"{module}.py").write_text(textwrap.dedent(PLUGIN_SOURCE), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))

    def declare(entries: dict[str, str]) -> None:
        found = [
            importlib.metadata.EntryPoint(name, value if ":" in value else f"{module}:{value}", GROUP)
            for name, value in entries.items()
        ]

        def entry_points(**selection):
            assert selection == {"group": GROUP}
            return importlib.metadata.EntryPoints(found)

        monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)

    return declare


def test_a_plugin_suggester_runs(install):
    install({"hedges": "make"})
    suggester = plugin_suggester("hedges")
    assert (suggester.name, suggester.version, suggester.fast) == ("acme.hedges", "2.1", False)
    found = list(suggester.suggest([DocumentInput("a", "It reportedly rained."), DocumentInput("b", "No.")]))
    assert found == [[Suggestion(3, 13, "HEDGE")], []]


def test_names_are_sorted_and_unique(install):
    install({"zeta": "make", "alpha": "make"})
    assert plugin_names() == ["alpha", "zeta"]


def test_no_plugins(install):
    install({})
    assert plugin_names() == []
    with pytest.raises(SuggesterError, match=r"no plug-in suggester 'x' \(available: none is installed\)"):
        plugin_suggester("x")


def test_an_unknown_name_lists_the_available_ones(install):
    install({"hedges": "make", "quotes": "make"})
    with pytest.raises(SuggesterError, match=r"no plug-in suggester 'ner' \(available: hedges, quotes\)"):
        plugin_suggester("ner")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("NOT_CALLABLE", "is not callable"),
        ("makes_nothing_useful", "returned object, not a suggester: it has no name, version, fast, suggest"),
        ("makes_no_fast", "it has no fast"),
        ("makes_a_bad_name", "'Acme Hedges' cannot name a suggester"),
        ("fails", "failed to make its suggester: RuntimeError: no GPU here"),
        ("no_such_attribute", "cannot load plug-in suggester 'broken'"),
        ("no_such_module:make", "ModuleNotFoundError"),
    ],
)
def test_a_broken_plugin_is_a_suggester_error(install, target, expected):
    install({"broken": target})
    with pytest.raises(SuggesterError, match="broken") as caught:
        plugin_suggester("broken")
    assert expected in str(caught.value)


def test_the_plugins_own_error_is_kept(install):
    install({"hedges": "explains"})
    with pytest.raises(SuggesterError, match=r"^acme\.hedges: download the model first$"):
        plugin_suggester("hedges")


def test_a_name_declared_twice_is_ambiguous(install, monkeypatch):
    install({"hedges": "make"})
    [first] = importlib.metadata.entry_points(group=GROUP)
    other = importlib.metadata.EntryPoint("hedges", "other_package:make", GROUP)
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **_: importlib.metadata.EntryPoints([first, other]))
    assert plugin_names() == ["hedges"]
    with pytest.raises(SuggesterError, match="declared by several packages"):
        plugin_suggester("hedges")
