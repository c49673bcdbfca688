"""brat corpora as they come: T lines that list their fragments in any order, overlapping
fragments refused with their file and line, and a folder per annotator read back to each
annotator, through the CLI and as a property of export then import."""

from __future__ import annotations

from itertools import permutations
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, main
from annotator.config import load_config
from annotator.interop.formats import brat
from annotator.interop.model import InteropError
from annotator.interop.writer import write_imported
from annotator.model.annotation import Rejection, SourceSpan
from annotator.review.gold import is_gold_data
from tests.conftest import CONFIG_TOML, TEXT, Clock, Project, span_of
from tests.test_interop_brat import ALPHABET, OPTS, annotation_set, read_all, read_one, record_of, to_record

# A hand-written article: combining acute (two code points), CJK, a ZWJ emoji sequence.
ARTICLE = (
    "Mayor Ana Lópe\u0301z said on Monday that the bridge would reopen.\n"
    '東京 officials, she added, were "confident" 👨🏻\u200d🚒 crews\n'
    "could finish by May; about 42 people may return.\n"
)
# As a corpus has it: T2 lists its fragments out of text order (its text follows that
# order), T3 lists two fragments out of order that only a line break separates.
ARTICLE_ANN = (
    "T1\tquote 6 16\tAna Lópe\u0301z\n"
    'T2\tclaim 115 134;62 74;87 103\tcould finish by May 東京 officials were "confident"\n'
    "T3\tquote 115 120;109 114\tcould crews\n"
    "T4\tnumber 136 151\tabout 42 people\n"
    "A1\tcheck_worthiness T2 high\n"
    "#1\tAnnotatorNotes T2\tlisted out of order\n"
    "R1\tAbout Arg1:T2 Arg2:T1\n"
)
A, B, C = (6, 16), (62, 74), (104, 114)  # "Ana López", "東京 officials", "👨🏻‍🚒 crews"


def write_pair(folder: Path, doc_id: str, text: str, ann: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{doc_id}.txt").write_bytes(text.encode("utf-8"))
    (folder / f"{doc_id}.ann").write_bytes(ann.encode("utf-8"))
    return folder / f"{doc_id}.ann"


def t_line(t_id: str, label: str, fragments: list[tuple[int, int]], text: str = ARTICLE) -> str:
    """A T line as brat writes it: the fragments as listed, their text joined by one space in that order."""
    offsets = ";".join(f"{start} {end}" for start, end in fragments)
    return f"{t_id}\t{label} {offsets}\t{' '.join(text[start:end] for start, end in fragments)}\n"


def shape(doc) -> list[tuple]:
    return sorted((s.start, s.end, s.label.lower(), s.text, s.attributes, s.note, s.group is None) for s in doc.spans)


# -- fragments in any order ------------------------------------------------------------------


@pytest.mark.parametrize("order", list(permutations([A, B, C])))
def test_fragments_in_any_order_give_the_same_spans(tmp_path, order):
    ann = write_pair(tmp_path, "art", ARTICLE, t_line("T7", "quote", list(order)))
    doc = read_one(ann)
    assert [(s.start, s.end, s.text, s.group) for s in doc.spans] == [
        (*A, "Ana Lópe\u0301z", "T7"),
        (*B, "東京 officials", "T7"),
        (*C, "👨🏻\u200d🚒 crews", "T7"),
    ]


def test_hand_written_corpus_file_reads_in_text_order(tmp_path):
    doc = read_one(write_pair(tmp_path, "art", ARTICLE, ARTICLE_ANN))
    claim = [(s.start, s.end, s.text) for s in doc.spans if s.group == "T2"]
    assert claim == [(62, 74, "東京 officials"), (87, 103, 'were "confident"'), (115, 134, "could finish by May")]
    assert all(s.attributes == {"check_worthiness": "high"} for s in doc.spans if s.group == "T2")
    assert all(s.note == "listed out of order" for s in doc.spans if s.group == "T2")
    # only a line break between them: one span again, whatever the order listed
    (crews,) = [s for s in doc.spans if s.source.endswith("#T3")]
    assert (crews.start, crews.end, crews.text, crews.group) == (109, 120, "crews\ncould", None)
    (relation,) = doc.records
    assert relation.span_sources == ("art.ann#T2", "art.ann#T1")


def test_the_text_field_is_checked_in_the_order_listed(tmp_path):
    listed = [(115, 134), (62, 74)]
    in_text_order = f"T1\tclaim 115 134;62 74\t{ARTICLE[62:74]} {ARTICLE[115:134]}\n"
    ann = write_pair(tmp_path, "art", ARTICLE, t_line("T0", "quote", [A]) + in_text_order)
    with pytest.raises(InteropError) as err:
        read_all(ann)
    expected = " ".join(ARTICLE[start:end] for start, end in listed)
    assert f"{ann}:2: T1 text does not match the document: expected {expected!r}" in str(err.value)


def test_out_of_order_fragments_in_a_crlf_file(tmp_path):
    raw = ARTICLE.replace("\n", "\r\n")
    # raw offsets count the \r of each line before: C is on the second line
    ann = write_pair(tmp_path, "art", raw, t_line("T1", "quote", [(C[0] + 1, C[1] + 1), A], raw))
    assert [(s.start, s.end) for s in read_one(ann).spans] == [A, C]


def test_a_few_such_files_no_longer_stop_a_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    for number in range(10):
        fragments = [C, A] if number % 3 == 0 else [A, C]
        write_pair(corpus, f"art{number}", ARTICLE, t_line("T1", "quote", fragments))
    docs = read_all(corpus)
    assert len(docs) == 10
    assert all([(s.start, s.end) for s in doc.spans] == [A, C] for doc in docs)


def test_export_of_what_was_imported_is_valid_brat_in_text_order(tmp_path):
    imported = read_one(write_pair(tmp_path / "in", "art", ARTICLE, ARTICLE_ANN))
    out = tmp_path / "out"
    brat.export([to_record(imported)], out, offsets="codepoint", options=OPTS)
    lines = (out / "art.ann").read_text(encoding="utf-8").splitlines()
    assert 'T2\tclaim 62 74;87 103;115 134\t東京 officials were "confident" could finish by May' in lines
    assert "T3\tquote 109 114;115 120\tcrews could" in lines  # the line break is left out, as always
    again = read_one(out / "art.ann")
    assert shape(again) == shape(imported)
    assert len(again.records) == 1 and again.records[0].record.startswith("R1\tAbout Arg1:T2 Arg2:T1")


# -- overlapping fragments -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fragments", "overlap"),
    [
        ([(6, 16), (10, 21)], "6-16 and 10-21"),
        ([(17, 21), (6, 16), (15, 21)], "6-16 and 15-21"),  # out of order too
        ([(6, 16), (6, 16)], "6-16 and 6-16"),
        ([(54, 61), (37, 60)], "37-60 and 54-61"),  # one inside the other's reach, listed backwards
    ],
)
def test_overlapping_fragments_are_refused_with_file_and_line(tmp_path, fragments, overlap):
    ann = write_pair(tmp_path, "art", ARTICLE, t_line("T1", "quote", [A]) + t_line("T2", "claim", fragments))
    with pytest.raises(InteropError) as err:
        read_all(tmp_path)
    assert str(err.value) == (
        f"{ann}:2: T2 fragments {overlap} overlap (brat takes fragments in any order, but never overlapping)"
    )


# -- a folder per annotator through the CLI -------------------------------------------------


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().err


def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """An empty project to import into; cwd is its root."""
    root = tmp_path / "fresh"
    root.mkdir()
    (root / "annotator.toml").write_text(CONFIG_TOML, encoding="utf-8")
    monkeypatch.chdir(root)
    return Project(root)


def annotated(project: Project) -> dict[str, Path]:
    """alice and bob on docs/a.txt and docs/b.txt (the article), carol on b only, and a gold file of a."""
    project.write_doc("docs/b.txt", ARTICLE)
    files = {}
    alice = project.new_set(annotator="alice")
    alice.create(*span_of(TEXT, "we will act soon"), "quote", attributes={"speaker": "the minister"}, note="a\tb\nc")
    alice.create(*span_of(TEXT, "42"), "number", attributes={"value": 42, "unit": "people"})
    alice.create(*span_of(TEXT, "About 42 people may come"), "claim", attributes={"check_worthiness": "high"})
    files["a/alice"] = project.write("a/alice.json", alice)
    bob = project.new_set(annotator="bob")
    bob.create(*span_of(TEXT, "we will act soon"), "quote")
    bob.create(*span_of(TEXT, "Café 👍"), "hedge", note="emoji")
    files["a/bob"] = project.write("a/bob.json", bob)
    gold = project.new_set(annotator="gold")
    gold.create(
        *span_of(TEXT, "we will act soon"),
        "quote",
        origin="adjudicated",
        by="carol",
        adjudicated_from=[SourceSpan(annotator="alice", span="s1"), SourceSpan(annotator="bob", span="s4")],
    )
    start, end = span_of(TEXT, "Café 👍")
    at = "2026-02-01T00:00:00.000Z"
    gold.set_rejected(
        [Rejection(annotator="bob", span="s5", start=start, end=end, label="hedge", text="Café 👍", by="carol", at=at)]
    )
    files["a/gold"] = project.write("a/gold.json", gold)
    for name in ("alice", "bob", "carol"):
        article = project.new_set("docs/b.txt", annotator=name)
        article.create(*span_of(ARTICLE, "Ana Lópe\u0301z"), "quote", group="g1", attributes={"speaker": name})
        article.create(*span_of(ARTICLE, "東京 officials"), "quote", group="g1", attributes={"speaker": name})
        article.create(*span_of(ARTICLE, "could finish by May"), "claim", note=f"{name}: 👨🏻\u200d🚒")
        if name != "carol":
            article.create(*span_of(ARTICLE, "42"), "number", attributes={"value": 4.2e1})
        files[f"b/{name}"] = project.write(f"b/{name}.json", article)
    return files


def kept(data: dict) -> tuple[list[tuple], list]:
    """What brat must give back of an annotation file, byte for byte: offsets, labels, attributes,
    notes; and its groups, as a partition of (start, end, label)."""
    spans = data["spans"]
    view = sorted(
        (s["start"], s["end"], s["label"], orjson.dumps(s["attributes"], option=orjson.OPT_SORT_KEYS), s.get("note"))
        for s in spans
    )
    groups: dict[str, set] = {}
    for s in spans:
        if s.get("group"):
            groups.setdefault(s["group"], set()).add((s["start"], s["end"], s["label"]))
    return view, sorted(sorted(group) for group in groups.values() if len(group) > 1)


def loaded(path: Path) -> dict:
    return orjson.loads(path.read_bytes())


def test_folder_per_annotator_round_trip_through_the_cli(project, tmp_path, monkeypatch, capsys):
    files = annotated(project)
    out = tmp_path / "exported"
    code, err = run(["export", "--format", "brat", "--out", str(out)], capsys)
    assert code == EXIT_OK, err
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.ann")) == [
        "alice/a.ann",
        "alice/b.ann",
        "bob/a.ann",
        "bob/b.ann",
        "carol/b.ann",
        "gold/a.ann",
    ]
    target = fresh(tmp_path, monkeypatch)
    code, err = run(["import", "--format", "brat", str(out)], capsys)
    assert code == EXIT_OK, err
    assert "read as a folder per annotator: alice, bob, carol, gold" in err
    annotations = target.root / "annotations"
    written = sorted(p.relative_to(annotations).as_posix() for p in annotations.rglob("*.json"))
    assert written == sorted(f"{key}.json" for key in files)
    for key, original in files.items():
        assert kept(loaded(annotations / f"{key}.json")) == kept(loaded(original)), key
    for doc in ("a", "b"):
        assert (target.root / "docs" / f"{doc}.txt").read_bytes() == (project.root / "docs" / f"{doc}.txt").read_bytes()
    gold = loaded(annotations / "a" / "gold.json")
    assert gold["annotator"] == "gold" and is_gold_data(gold)  # by its folder's name
    assert not is_gold_data(loaded(annotations / "a" / "alice.json"))
    code, err = run(["validate", "annotations"], capsys)
    assert code == EXIT_OK, err


def test_a_flat_folder_keeps_the_annotator_given(project, tmp_path, monkeypatch, capsys):
    alice = project.new_set(annotator="alice")
    alice.create(*span_of(TEXT, "42"), "number")
    project.write("a/alice.json", alice)
    out = tmp_path / "exported"
    assert run(["export", "--format", "brat", "--out", str(out)], capsys)[0] == EXIT_OK
    assert (out / "a.ann").is_file()
    target = fresh(tmp_path, monkeypatch)
    code, err = run(["import", "--format", "brat", str(out), "--annotator", "dora"], capsys)
    assert code == EXIT_OK, err
    assert "folder per annotator" not in err
    assert [p.name for p in (target.root / "annotations" / "a").iterdir()] == ["dora.json"]


def test_a_folder_that_is_no_annotator_name_is_refused_by_name(project, tmp_path, monkeypatch, capsys):
    annotated(project)
    out = tmp_path / "exported"
    assert run(["export", "--format", "brat", "--out", str(out)], capsys)[0] == EXIT_OK
    (out / "bob").rename(out / "bob smith")
    target = fresh(tmp_path, monkeypatch)
    code, err = run(["import", "--format", "brat", str(out)], capsys)
    assert code == EXIT_FINDINGS
    assert f"{out / 'bob smith'}: a folder per annotator is named after its annotator" in err
    assert "'bob smith' is not a valid annotator name" in err
    assert "Traceback" not in err
    assert not (target.root / "annotations").exists() and not (target.root / "docs").exists()


def test_overlapping_fragments_stop_a_cli_import_naming_file_and_line(tmp_path, monkeypatch, capsys):
    source = tmp_path / "corpus"
    write_pair(source, "fine", ARTICLE, t_line("T1", "quote", [C, A]))
    ann = write_pair(source, "bad", ARTICLE, t_line("T1", "quote", [A]) + t_line("T2", "claim", [(37, 60), (54, 61)]))
    target = fresh(tmp_path, monkeypatch)
    code, err = run(["import", "--format", "brat", str(source)], capsys)
    assert code == EXIT_FINDINGS
    assert f"{ann}:2: T2 fragments 37-60 and 54-61 overlap" in err
    assert "Traceback" not in err
    assert not (target.root / "annotations").exists()


def test_subfolders_that_share_no_document_are_no_annotators(tmp_path):
    write_pair(tmp_path / "train", "one", ARTICLE, t_line("T1", "quote", [A]))
    write_pair(tmp_path / "test", "two", ARTICLE, t_line("T1", "quote", [B]))
    docs = read_all(tmp_path)
    assert sorted((d.source, d.annotator) for d in docs) == [("test/two.ann", None), ("train/one.ann", None)]


# -- property: export then import, several annotators per document ---------------------------

ANNOTATORS = ("alice", "bob", "gold", "c.d@e+f")
BREAKS = set(brat.LINE_BREAKS)
SPEAKERS = st.lists(st.sampled_from(["a", "é", "e\u0301", "😀", "東", " ", "%", ","]), min_size=1, max_size=6).map(
    "".join
)
ATTRIBUTES = {
    "quote": st.fixed_dictionaries({}, optional={"speaker": SPEAKERS}),
    "claim": st.fixed_dictionaries({}, optional={"check_worthiness": st.sampled_from(["high", "medium", "low"])}),
    "hedge": st.just({}),
    "number": st.fixed_dictionaries(
        {},
        optional={
            "value": st.one_of(st.integers(-(2**53), 2**53), st.floats(allow_nan=False, allow_infinity=False)),
            "unit": SPEAKERS,
        },
    ),
}
NOTES = st.one_of(st.none(), st.text(st.sampled_from(["n", " ", "\n", "\t", "\\", "😀", "東"]), min_size=1, max_size=8))


@st.composite
def annotations(draw, text: str) -> list[tuple]:
    """One annotator's spans on `text`: (start, end, label, attributes, note, group); none starts or
    ends with a line break (brat cannot keep those), and at most one discontinuous group."""
    edges = [i for i, ch in enumerate(text) if ch not in BREAKS]
    specs, seen = [], set()
    for _ in range(draw(st.integers(0, 5))):
        start = draw(st.sampled_from(edges))
        end = draw(st.sampled_from([i + 1 for i in edges if i >= start]))
        label = draw(st.sampled_from(sorted(ATTRIBUTES)))
        if (start, end, label) not in seen:
            seen.add((start, end, label))
            specs.append((start, end, label, draw(ATTRIBUTES[label]), draw(NOTES), None))
    cuts = sorted(draw(st.lists(st.sampled_from(edges), min_size=4, max_size=4, unique=True))) if len(edges) > 4 else []
    gap = text[cuts[1] + 1 : cuts[2]] if cuts else ""
    if cuts and gap and not set(gap) <= BREAKS:  # fragments apart, not only line breaks between them
        label, note = draw(st.sampled_from(sorted(ATTRIBUTES))), draw(NOTES)
        attributes = draw(ATTRIBUTES[label])
        for start, end in ((cuts[0], cuts[1] + 1), (cuts[2], cuts[3] + 1)):
            if (start, end, label) not in seen:
                seen.add((start, end, label))
                specs.append((start, end, label, attributes, note, "g1"))
    return specs


@st.composite
def corpora(draw) -> dict[str, tuple[str, dict[str, list[tuple]]]]:
    """doc id -> (text, annotator -> spans); the first document has at least two annotators."""
    corpus = {}
    for number in range(draw(st.integers(1, 3))):
        text = "".join(draw(st.lists(ALPHABET, min_size=1, max_size=30)))
        assume(any(ch not in BREAKS for ch in text))
        names = draw(st.lists(st.sampled_from(ANNOTATORS), min_size=2 if number == 0 else 1, max_size=4, unique=True))
        corpus[f"doc{number}"] = (text, {name: draw(annotations(text)) for name in names})
    return corpus


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(corpora())
def test_export_then_import_gives_every_annotator_back(tmp_path_factory, corpus):
    root = tmp_path_factory.mktemp("project")
    (root / "annotator.toml").write_text(CONFIG_TOML, encoding="utf-8")
    records, files = [], []
    for doc_id, (text, by) in corpus.items():
        for name, specs in by.items():
            aset = annotation_set(doc_id, text, name)
            for start, end, label, attributes, note, group in specs:
                aset.create(start, end, label, attributes=attributes, note=note, group=group)
            records.append(record_of(aset))
            files.append(Path("annotations", doc_id, f"{name}.json"))
    options = {**OPTS, **brat.export_options_for(files)}
    assert options["layout"] == "annotator"
    brat.export(records, root / "brat", offsets="codepoint", options=options)
    config = load_config(start=root)
    report = write_imported(
        lambda: brat.read(root / "brat", offsets="codepoint", options=OPTS),
        config,
        docs_dir=root / "docs",
        out_dir=root / "annotations",
        annotator_default="brat",
        clock=Clock(),
    )
    assert report.documents == len(records)
    for record in records:
        path = root / "annotations" / record.file.document.id / f"{record.file.annotator}.json"
        back = loaded(path)
        assert back["annotator"] == record.file.annotator
        assert (root / "docs" / f"{record.file.document.id}.txt").read_bytes() == record.document.text.encode()
        assert kept(back) == kept(orjson.loads(record.file.model_dump_json()))
