"""The spaCy suggester, on small pipelines built here and loaded from disk (no download)."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotator.suggest.base import DocumentInput, SuggesterError, Suggestion
from annotator.suggest.spacy_pipeline import SpacySuggester, default_name, default_version

spacy = pytest.importorskip("spacy")

HEDGES = [{"label": "HEDGE", "pattern": "reportedly"}, {"label": "HEDGE", "pattern": [{"LOWER": "allegedly"}]}]


def entity_pipeline(folder: Path, name: str = "news_hedges", version: str = "1.2.0") -> str:
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(HEDGES)
    nlp.meta["name"], nlp.meta["version"] = name, version
    nlp.to_disk(folder)
    return str(folder)


def span_pipeline(folder: Path, key: str) -> str:
    # Overlapping spans, which doc.ents could not hold: a span group can. The entity
    # ruler sets doc.ents too, to show which of the two is read.
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "ORG", "pattern": "Reuters"}])
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": key})
    ruler.add_patterns([*HEDGES, {"label": "CLAIM", "pattern": "reportedly said"}])
    nlp.to_disk(folder)
    return str(folder)


@dataclass(frozen=True)
class Pipelines:
    """Pipeline folders, built once for the module: entities, spans under "sc", spans under "news"."""

    ents: str
    sc: str
    news: str


@pytest.fixture(scope="module")
def pipelines(tmp_path_factory) -> Pipelines:
    root = tmp_path_factory.mktemp("pipelines")
    return Pipelines(
        entity_pipeline(root / "ents"), span_pipeline(root / "sc", "sc"), span_pipeline(root / "news", "news")
    )


def suggest(suggester: SpacySuggester, *texts: str) -> list[list[Suggestion]]:
    return list(suggester.suggest(DocumentInput(f"doc-{i}", text) for i, text in enumerate(texts)))


def test_entities_from_an_entity_ruler(pipelines):
    found = suggest(SpacySuggester(pipelines.ents), "Officials reportedly said so.")
    assert found == [[Suggestion(10, 20, "HEDGE", {})]]


def test_name_and_version_come_from_the_meta(tmp_path):
    suggester = SpacySuggester(entity_pipeline(tmp_path / "p", name="News Hedges", version="2.0.1"))
    assert (suggester.name, suggester.version, suggester.fast) == ("spacy.news_hedges", "2.0.1", False)


def test_a_name_given_wins(pipelines):
    assert SpacySuggester(pipelines.ents, name="desk.hedges").name == "desk.hedges"


def test_a_bad_name_given_is_refused(pipelines):
    with pytest.raises(SuggesterError, match="cannot name a suggester"):
        SpacySuggester(pipelines.ents, name="Desk Hedges")


@pytest.mark.parametrize(
    ("meta", "name", "version"),
    [
        ({"name": "core_web_sm", "version": "3.8.0"}, "spacy.core_web_sm", "3.8.0"),
        ({"name": "Ünïcode name!", "version": "v1 beta"}, "spacy._n_code_name", "v1_beta"),
        ({"name": "x" * 80}, "spacy." + "x" * 42, "0.0.0"),
        ({"version": "+++"}, "spacy.pipeline", "0.0.0"),
    ],
)
def test_names_and_versions_made_to_fit(meta, name, version):
    assert (default_name(meta), default_version(meta)) == (name, version)


def test_span_group_under_the_default_key_is_preferred_to_ents(pipelines):
    found = suggest(SpacySuggester(pipelines.sc), "Reuters: it reportedly said no.")
    assert sorted(found[0], key=lambda s: (s.start, s.end)) == [
        Suggestion(12, 22, "HEDGE", {}),
        Suggestion(12, 27, "CLAIM", {}),
    ]


def test_span_group_under_a_key_given(pipelines):
    suggester = SpacySuggester(pipelines.news, spans_key="news")
    assert suggest(suggester, "Reuters: allegedly, yes.") == [[Suggestion(9, 18, "HEDGE", {})]]


def test_without_a_key_or_an_sc_group_the_entities_are_read(pipelines):
    assert suggest(SpacySuggester(pipelines.news), "Reuters: allegedly, yes.") == [[Suggestion(0, 7, "ORG", {})]]


def test_a_missing_key_names_the_keys_the_doc_has(pipelines):
    suggester = SpacySuggester(pipelines.news, spans_key="sc")
    with pytest.raises(SuggesterError, match=r"document 'doc-0' has no span group 'sc' \(the pipeline set: 'news'\)"):
        suggest(suggester, "Allegedly, yes.")


def test_a_missing_pipeline_path(tmp_path):
    missing = str(tmp_path / "no-such-pipeline")
    with pytest.raises(SuggesterError, match="cannot load the spaCy pipeline") as caught:
        SpacySuggester(missing)
    assert missing in str(caught.value)


def test_a_folder_that_is_not_a_pipeline(tmp_path):
    with pytest.raises(SuggesterError, match="cannot load the spaCy pipeline"):
        SpacySuggester(str(tmp_path))


def test_offsets_are_code_points_after_emoji_and_combining_characters(pipelines):
    text = "👍🏽 Cafe\u0301 👨‍👩‍👧 reportedly"
    [[found]] = suggest(SpacySuggester(pipelines.ents), text)
    assert text[found.start : found.end] == "reportedly"
    # 15 code points before it, where UTF-16 counts 20 and UTF-8 35.
    assert found.start == len("👍🏽 Cafe\u0301 👨‍👩‍👧 ") == 15


def test_several_documents_in_order_across_batches(pipelines):
    texts = [f"{i}: " + ("reportedly " * (i % 3)) for i in range(7)]
    found = suggest(SpacySuggester(pipelines.ents, batch_size=2), *texts)
    assert [len(spans) for spans in found] == [i % 3 for i in range(7)]
    assert found[5] == [Suggestion(3, 13, "HEDGE", {}), Suggestion(14, 24, "HEDGE", {})]


def test_no_documents(pipelines):
    assert suggest(SpacySuggester(pipelines.ents)) == []


def test_a_pipeline_that_changes_the_text_is_refused(pipelines):
    suggester = SpacySuggester(pipelines.ents)
    real_pipe = suggester.nlp.pipe

    def lowering_pipe(texts, **kwargs):
        return real_pipe((text.lower() for text in texts), **kwargs)

    suggester.nlp.pipe = lowering_pipe
    with pytest.raises(SuggesterError, match="changed the text of document 'doc-0'"):
        suggest(suggester, "Reportedly")


def test_a_pipeline_that_returns_too_few_docs_is_refused(pipelines):
    suggester = SpacySuggester(pipelines.ents)
    real_pipe = suggester.nlp.pipe
    suggester.nlp.pipe = lambda texts, **kwargs: iter(list(real_pipe(texts, **kwargs))[:1])
    with pytest.raises(SuggesterError, match="no result for document 'doc-1'"):
        suggest(suggester, "a", "b")


def test_a_span_without_a_label_is_refused(pipelines):
    suggester = SpacySuggester(pipelines.sc)
    real_pipe = suggester.nlp.pipe

    def unlabelled(texts, **kwargs):
        for doc in real_pipe(texts, **kwargs):
            doc.spans["sc"] = [doc[0:1]]
            yield doc

    suggester.nlp.pipe = unlabelled
    with pytest.raises(SuggesterError, match=r"document 'doc-0', span \[0, 2\) has no label"):
        suggest(suggester, "It rained.")


def test_spacy_missing(monkeypatch):
    real_import = builtins.__import__

    def no_spacy(name, *args, **kwargs):
        if name == "spacy" or name.startswith("spacy."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_spacy)
    with pytest.raises(SuggesterError, match=r"pip install 'annotator\[spacy\]'"):
        SpacySuggester("anything")


def test_the_module_does_not_import_spacy():
    import subprocess
    import sys

    code = "import sys, annotator.suggest.spacy_pipeline; print('spacy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
