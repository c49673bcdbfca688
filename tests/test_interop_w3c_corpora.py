"""W3C Web Annotation with real corpora: several annotators' files per document, absolute IRIs,
import into a fresh project (texts from --docs), hostile IRIs refused, errors that name the file."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.interop.formats import w3c
from annotator.interop.model import ImportedDocument, InteropError, UnreadableDocument
from tests.conftest import CONFIG_TOML, TEXT, Project, run_cli, span_of
from tests.test_interop_w3c import BASE, check_w3c, make_record

ANNOTATORS = ("alice", "bob", "gold")


@pytest.fixture
def corpus(project: Project) -> Project:
    """docs/a.txt with three files: alice's, bob's and a gold file whose spans an editor made."""
    alice = project.new_set(annotator="alice")
    alice.create(*span_of(TEXT, "we will act soon"), "quote", attributes={"speaker": "the minister"})
    alice.create(*span_of(TEXT, "42"), "number", attributes={"value": 42})
    bob = project.new_set(annotator="bob")
    bob.create(*span_of(TEXT, "may"), "hedge")
    bob.create(*span_of(TEXT, "Café 👍"), "claim")
    gold = project.new_set(annotator="gold")
    gold.create(*span_of(TEXT, "we will act soon"), "quote", by="editor")
    gold.create(*span_of(TEXT, "reportedly"), "hedge", by="editor")
    gold.create(*span_of(TEXT, "42"), "number")
    for aset in (alice, bob, gold):
        project.write(f"a/{aset.annotator}.json", aset)
    return project


def fresh_project(tmp_path: Path, export: Path) -> Path:
    """An empty project holding a copy of the export, and nothing else of the first project."""
    root = tmp_path / "fresh"
    root.mkdir()
    (root / "annotator.toml").write_text(CONFIG_TOML, encoding="utf-8")
    shutil.copy(export, root / export.name)
    return root


def exported(corpus: Project, *extra: str) -> tuple[Path, dict]:
    result = run_cli(["export", "--format", "w3c", "--out", "out.jsonld", *extra], corpus.root)
    assert result.returncode == 0, result.stderr
    assert "exported 3 annotation file(s), 7 spans" in result.stderr
    path = corpus.root / "out.jsonld"
    return path, orjson.loads(path.read_bytes())


def spans_of(path: Path) -> list[tuple]:
    data = orjson.loads(path.read_bytes())
    return sorted((s["start"], s["end"], s["label"], s["text"], s["attributes"]) for s in data["spans"])


def assert_same_files(corpus: Project, fresh: Path) -> None:
    """Each annotator's file comes back under its own name, with the same spans."""
    written = sorted(p.relative_to(fresh / "annotations").as_posix() for p in (fresh / "annotations").rglob("*.json"))
    assert written == ["a/alice.json", "a/bob.json", "a/gold.json"]
    for name in ANNOTATORS:
        back = fresh / "annotations" / "a" / f"{name}.json"
        assert orjson.loads(back.read_bytes())["annotator"] == name
        assert spans_of(back) == spans_of(corpus.root / "annotations" / "a" / f"{name}.json")
    check = run_cli(["validate", "annotations"], fresh)
    assert check.returncode == 0, check.stdout + check.stderr


# -- export ---------------------------------------------------------------------


def test_export_names_documents_by_file_iri_and_the_annotator_of_each_file(corpus: Project) -> None:
    _, data = exported(corpus)
    check_w3c(data)
    root = Path(os.path.abspath(corpus.root))
    assert data["id"] == (root / "out.jsonld").as_uri() and data["first"]["id"] == data["id"] + "#page1"
    assert data["first"]["partOf"] == data["id"]
    assert data["@context"] == [w3c.CONTEXT, {"@base": root.as_uri() + "/"}]
    assert [agent["nickname"] for agent in data["creator"]] == ["alice", "bob", "gold"]
    items = data["first"]["items"]
    assert {item["target"]["source"] for item in items} == {(root / "docs" / "a.txt").as_uri()}
    by_file = {name: [i for i in items if i["creator"]["nickname"] == name] for name in ANNOTATORS}
    assert [len(by_file[name]) for name in ANNOTATORS] == [2, 2, 3]
    assert all(i["id"].startswith(f"urn:annotator:a:{name}:") for name in ANNOTATORS for i in by_file[name])
    # gold's spans made by the editor keep the editor, on the tagging body; gold's own span names no one
    makers = sorted(i["body"][0].get("creator", {}).get("nickname", "-") for i in by_file["gold"])
    assert makers == ["-", "editor", "editor"]


def test_export_with_base_iri_shows_no_local_path(corpus: Project) -> None:
    path, data = exported(corpus, "--base-iri", BASE)
    check_w3c(data)
    assert data["id"] == BASE + "out.jsonld" and data["first"]["id"] == BASE + "out.jsonld#page1"
    assert data["@context"] == [w3c.CONTEXT, {"@base": BASE}]
    assert {item["target"]["source"] for item in data["first"]["items"]} == {BASE + "docs/a.txt"}
    assert str(corpus.root).encode() not in path.read_bytes()


def test_document_paths_are_percent_encoded_and_decoded(tmp_path: Path) -> None:
    text = "Le maire a dit 東京."
    record = make_record(text, [(0, 8, "quote", {})], doc_id="doc-1")
    record = replace(record, document=replace(record.document, path="docs/été 東京.txt"))
    dest = tmp_path / "out.jsonld"
    w3c.export([record], dest, offsets="codepoint", options={"base_iri": BASE})
    (item,) = orjson.loads(dest.read_bytes())["first"]["items"]
    assert item["target"]["source"] == BASE + "docs/%C3%A9t%C3%A9%20%E6%9D%B1%E4%BA%AC.txt"
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "été 東京.txt").write_text(text, encoding="utf-8")
    (doc,) = w3c.read(dest, offsets="codepoint", options={"documents": tmp_path})
    assert doc.text == text and doc.spans[0].text == "Le maire"


@pytest.mark.parametrize("bad", ["example.org/news/", "https://example.org/my news/", 'https://x/"'])
def test_bad_base_iri_is_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(InteropError, match="is not an absolute IRI"):
        w3c.export([], tmp_path / "out.jsonld", offsets="codepoint", options={"base_iri": bad})
    assert not (tmp_path / "out.jsonld").exists()


# -- import into a fresh project ----------------------------------------------------


def test_import_into_a_fresh_project_without_the_texts_says_which_and_how(corpus: Project, tmp_path: Path) -> None:
    path, data = exported(corpus)
    fresh = fresh_project(tmp_path, path)
    result = run_cli(["import", "--format", "w3c", "out.jsonld"], fresh)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    first = data["first"]["items"][0]["id"]
    iri = (Path(os.path.abspath(corpus.root)) / "docs" / "a.txt").as_uri()
    assert f"out.jsonld: annotation {first}: no text for document {iri}: " in result.stderr
    assert f"looked for docs/a.txt, a.txt in {fresh} and {fresh / 'docs'}" in result.stderr
    assert "pass --docs DIR with the texts" in result.stderr and result.stderr.count("no text for") == 1
    assert not (fresh / "annotations").exists() or not list((fresh / "annotations").rglob("*.json"))


@pytest.mark.parametrize("layout", ["texts/a.txt", "texts/docs/a.txt"])
def test_import_into_a_fresh_project_with_docs_keeps_every_file_name(
    corpus: Project, tmp_path: Path, layout: str
) -> None:
    path, _ = exported(corpus)
    fresh = fresh_project(tmp_path, path)
    (fresh / layout).parent.mkdir(parents=True)
    shutil.copy(corpus.root / "docs" / "a.txt", fresh / layout)
    result = run_cli(["import", "--format", "w3c", "out.jsonld", "--docs", "texts"], fresh)
    assert result.returncode == 0, result.stderr
    assert "imported 3 documents, 7 spans" in result.stderr
    assert_same_files(corpus, fresh)
    assert (fresh / "texts" / "a.txt").read_text(encoding="utf-8") == TEXT


def test_base_iri_round_trip(corpus: Project, tmp_path: Path) -> None:
    path, _ = exported(corpus, "--base-iri", BASE)
    fresh = fresh_project(tmp_path, path)
    (fresh / "docs").mkdir()
    shutil.copy(corpus.root / "docs" / "a.txt", fresh / "docs" / "a.txt")
    result = run_cli(["import", "--format", "w3c", "out.jsonld"], fresh)
    assert result.returncode == 0, result.stderr
    assert "(0 new document texts in" in result.stderr  # docs/a.txt was found, and is the text kept
    assert_same_files(corpus, fresh)


def test_import_in_the_same_project_reads_file_iris_inside_it(corpus: Project) -> None:
    exported(corpus)
    result = run_cli(["import", "--format", "w3c", "out.jsonld", "--out", "again"], corpus.root)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (corpus.root / "again" / "a").iterdir()) == ["alice.json", "bob.json", "gold.json"]


# -- what an import takes from the collection and the page -----------------------------


def collection(items: list, **top) -> dict:
    page = {"id": "http://example.org/c#p", "type": "AnnotationPage", "items": items, **top.pop("page", {})}
    return {"@context": w3c.CONTEXT, "id": "http://example.org/c", "type": "AnnotationCollection", "first": page, **top}


def item(ident: str, source: str, start: int, end: int, **extra) -> dict:
    return {
        "id": ident,
        "type": "Annotation",
        "body": {"type": "TextualBody", "purpose": "tagging", "value": "quote"},
        "target": {"source": source, "selector": {"type": "TextPositionSelector", "start": start, "end": end}},
        **extra,
    }


def write_json(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(data))
    return path


def test_annotator_from_the_page_the_collection_or_an_agent_iri(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(TEXT, encoding="utf-8")
    gold = {"id": "urn:annotator:annotator:gold", "type": "Person", "nickname": "gold"}
    page_creator = collection(
        [item("x1", "docs/a.txt", 0, 3), item("x2", "docs/a.txt", 4, 12, creator="urn:annotator:annotator:gold")],
        page={"creator": {"type": "Person", "name": "reader"}},
        creator=[gold],
    )
    docs = list(w3c.read(write_json(tmp_path / "p.json", page_creator), offsets="codepoint", options={}))
    assert [(d.annotator, [s.source for s in d.spans]) for d in docs] == [("reader", ["x1"]), ("gold", ["x2"])]
    several = collection([item("x1", "docs/a.txt", 0, 3)], creator=[gold, {"type": "Person", "nickname": "bob"}])
    (doc,) = w3c.read(write_json(tmp_path / "c.json", several), offsets="codepoint", options={})
    assert doc.annotator is None  # the import's --annotator decides


def test_an_https_iri_under_no_declared_base_is_looked_up_by_its_path(tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "speech.txt").write_text(TEXT, encoding="utf-8")
    data = collection([item("x1", "https://news.example/2024/05/speech.txt?utm=1", 0, 3)])
    source = write_json(tmp_path / "in" / "c.json", data)
    options = {"documents": tmp_path, "docs": tmp_path / "texts"}
    (doc,) = w3c.read(source, offsets="codepoint", options=options)
    assert doc.doc_id == "speech" and doc.spans[0].text == "The"


# -- hostile IRIs ----------------------------------------------------------------------


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every file the W3C reader opens through the storage layer."""
    paths: list[str] = []
    real = w3c.read_file

    def spy(path, **kwargs):
        paths.append(str(path))
        return real(path, **kwargs)

    monkeypatch.setattr(w3c, "read_file", spy)
    return paths


def test_a_file_iri_outside_the_project_is_refused_not_read(tmp_path: Path, opened: list[str]) -> None:
    source = write_json(tmp_path / "c.json", collection([item("x1", "file:///etc/passwd", 0, 4)]))
    with pytest.raises(InteropError) as caught:
        list(w3c.read(source, offsets="codepoint", options={"docs": tmp_path / "docs"}))
    message = str(caught.value)
    assert message.startswith(f"{source}: annotation x1: target source 'file:///etc/passwd' names /etc/passwd")
    assert f"outside the project and the documents folder ({tmp_path} and {tmp_path / 'docs'})" in message
    assert "it is not read" in message
    assert opened == []


def test_a_hostile_base_reads_only_inside_the_project(tmp_path: Path, opened: list[str]) -> None:
    data = collection([item("x1", "file:///etc/passwd", 0, 4)], **{"@context": [w3c.CONTEXT, {"@base": "file:///"}]})
    source = write_json(tmp_path / "c.json", data)
    (missing,) = w3c.read(source, offsets="codepoint", options={})
    assert missing.problem.startswith("no text for document file:///etc/passwd: looked for etc/passwd, passwd in")
    assert opened and all(Path(p).is_relative_to(tmp_path) for p in opened)


@pytest.mark.parametrize(
    "iri",
    [
        "https://example.org/news/../../etc/passwd",
        "https://example.org/%2e%2e/%2E%2E/etc/passwd",
        "docs/../../etc/passwd",
        "/etc/passwd",
        "file://elsewhere.example/etc/passwd",
        "C:\\Windows\\win.ini",
        "urn:isbn:0451450523",
    ],
)
def test_other_hostile_sources_are_refused_naming_the_annotation(tmp_path: Path, opened: list[str], iri: str) -> None:
    source = write_json(tmp_path / "c.json", collection([item("x1", iri, 0, 4)]))
    with pytest.raises(InteropError, match=rf"^{source}: annotation x1: target source .* (is not read|no document)"):
        list(w3c.read(source, offsets="codepoint", options={}))
    assert opened == []


def test_a_link_out_of_the_docs_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret", encoding="utf-8")
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "a.txt").symlink_to(outside)
    source = write_json(project / "c.json", collection([item("x1", "docs/a.txt", 0, 3)]))
    with pytest.raises(InteropError, match=r"annotation x1: cannot read document 'docs/a.txt': .*leads outside"):
        list(w3c.read(source, offsets="codepoint", options={"documents": project}))


def test_errors_name_the_file_and_the_annotation(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(TEXT, encoding="utf-8")
    bad = item("x2", "docs/a.txt", 0, 3)
    bad["body"] = 42
    source = write_json(tmp_path / "c.json", collection([item("x1", "docs/a.txt", 0, 3), bad]))
    with pytest.raises(InteropError, match=rf"^{source}: annotation x2: a body must be a JSON object, not 42$"):
        list(w3c.read(source, offsets="codepoint", options={}))
    unnamed = item("", "docs/a.txt", 0, 99)
    source = write_json(tmp_path / "d.json", collection([unnamed]))
    with pytest.raises(InteropError, match=rf"^{source}: annotation #1: position \[0, 99\) is outside"):
        list(w3c.read(source, offsets="codepoint", options={}))


def test_every_missing_text_is_listed_once_after_the_documents_read(tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "b.txt").write_text(TEXT, encoding="utf-8")
    items = [item(f"x{n}", f"docs/{name}.txt", 0, 3) for n, name in enumerate(["a", "b", "a", "c"])]
    source = write_json(tmp_path / "c.json", collection(items))
    read = list(w3c.read(source, offsets="codepoint", options={"docs": tmp_path / "texts"}))
    assert isinstance(read[0], ImportedDocument) and read[0].doc_id == "b"
    assert all(isinstance(each, UnreadableDocument) for each in read[1:])
    assert [(each.where, each.problem.split(":")[0]) for each in read[1:]] == [
        (f"{source}: annotation x0", "no text for document docs/a.txt"),
        (f"{source}: annotation x3", "no text for document docs/c.txt"),
    ]
    assert all("pass --docs DIR with the texts" in each.problem for each in read[1:])


# -- round trip: several annotators per document --------------------------------------

ALPHABET = st.sampled_from([*"ab c\n.,'\"", "é", "e\u0301", "👍", "👨🏻‍🚒", "💩", "東", "京", "\u200d", "🇫🇷"])
texts = st.lists(ALPHABET, min_size=1, max_size=40).map("".join)
names = st.sampled_from(["alice", "bob.smith", "r2@lab", "gold"])


@st.composite
def annotation_files(draw, text: str, doc_id: str, annotator: str):
    n = len(text)
    spans, seen = [], set()
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, n - 1))
        end = draw(st.integers(start + 1, n))
        label = draw(st.sampled_from(["quote", "claim", "number"]))
        if (start, end, label) not in seen:
            seen.add((start, end, label))
            extra = {"by": draw(st.sampled_from([annotator, "editor"])), "note": draw(st.none() | st.just("n 💬"))}
            spans.append((start, end, label, extra))
    return make_record(text, spans, doc_id=doc_id, annotator=annotator)


@st.composite
def corpora(draw):
    records = []
    for doc_id in draw(st.lists(st.sampled_from(["d0", "d1", "d2"]), min_size=1, max_size=2, unique=True)):
        text = draw(texts)
        for annotator in draw(st.lists(names, min_size=1, max_size=3, unique=True)):
            records.append(draw(annotation_files(text, doc_id, annotator)))
    return records


def spans_by_file(documents) -> dict:
    return {
        (doc_id, annotator): sorted(spans)
        for doc_id, annotator, spans in documents
        if spans  # a file without spans leaves no annotation behind
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=corpora(), base=st.sampled_from([None, BASE]))
def test_round_trip_several_annotators_per_document(tmp_path: Path, records, base) -> None:
    """Exported from one project, imported with the texts in a flat --docs folder of another."""
    dest = tmp_path / "out.jsonld"
    options = {"documents": tmp_path / "first"} if base is None else {"base_iri": base}
    w3c.export(records, dest, offsets="codepoint", options=options)
    check_w3c(orjson.loads(dest.read_bytes()))
    shutil.rmtree(tmp_path / "texts", ignore_errors=True)
    (tmp_path / "texts").mkdir()
    for record in records:
        (tmp_path / "texts" / f"{record.document.id}.txt").write_bytes(record.document.text.encode("utf-8"))
    fresh = {"documents": tmp_path / "second", "docs": tmp_path / "texts"}
    documents = list(w3c.read(dest, offsets="codepoint", options=fresh))
    got = spans_by_file(
        (d.doc_id, d.annotator, [(s.start, s.end, s.label, s.text, s.note) for s in d.spans]) for d in documents
    )
    expected = spans_by_file(
        (r.document.id, r.file.annotator, [(s.start, s.end, s.label, s.text, s.note) for s in r.file.spans])
        for r in records
    )
    assert got == expected
    assert all(d.text == next(r.document.text for r in records if r.document.id == d.doc_id) for d in documents)
