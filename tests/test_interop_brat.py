"""brat standoff: read the hand-written fixture, refuse misaligned lines, export
byte-exact, and round-trip generated documents."""

from __future__ import annotations

import shutil
from itertools import count
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from annotator.interop.formats import brat
from annotator.interop.model import ExportRecord, ImportedDocument, InteropError
from annotator.model.annotation import ForeignRecord
from annotator.model.document import Document, DocumentMeta, text_sha256
from annotator.model.editing import AnnotationSet
from annotator.model.tagset import default_tagset
from tests.conftest import read_strictly

FIXTURES = Path(__file__).parent / "fixtures" / "brat"
OPTS: dict = {"report": lambda message: None}


def read_all(source: Path, **options) -> list[ImportedDocument]:
    return read_strictly(brat.read(source, offsets="codepoint", options={**OPTS, **options}))


def read_one(source: Path) -> ImportedDocument:
    (document,) = read_all(source)
    return document


def clock():
    ticks = count()
    return lambda: f"2026-01-01T00:00:{next(ticks) % 60:02d}Z"


def annotation_set(doc_id: str, text: str, annotator: str = "alice") -> AnnotationSet:
    document = Document(f"docs/{doc_id}.txt", text, DocumentMeta(doc_id), text_sha256(text))
    ids = (f"s{n}" for n in count(1))
    return AnnotationSet.new(document, annotator, clock=clock(), make_id=lambda: next(ids))


def record_of(aset: AnnotationSet, foreign: list[ForeignRecord] | None = None) -> ExportRecord:
    file = aset.to_file()
    if foreign:
        file = file.model_copy(update={"foreign": foreign})
    document = Document(file.document.path, aset.text, DocumentMeta(file.document.id), file.document.sha256)
    return ExportRecord(Path(f"annotations/{aset.annotator}/{file.document.id}.json"), file, document)


def to_record(imported: ImportedDocument, annotator: str = "alice") -> ExportRecord:
    """What the writer does with an import: spans (labels lower-cased) and kept records."""
    aset = annotation_set(imported.doc_id, imported.text, annotator)
    by_source: dict[str, list[str]] = {}
    for span in imported.spans:
        created = aset.create(
            span.start,
            span.end,
            span.label.lower(),
            attributes=span.attributes,
            note=span.note,
            group=span.group,
            origin="imported",
            source=span.source,
        )
        by_source.setdefault(span.source, []).append(created.id)
    foreign = [
        ForeignRecord(
            format=r.format,
            kind=r.kind,
            id=r.id,
            record=r.record,
            spans=[span_id for source in r.span_sources for span_id in by_source[source]],
            source=r.source,
        )
        for r in imported.records
    ]
    return record_of(aset, foreign)


# -- read ---------------------------------------------------------------------------


def test_read_fixture_spans_groups_attributes_notes():
    doc = read_one(FIXTURES / "news.ann")
    text = (FIXTURES / "news.txt").read_text(encoding="utf-8")
    assert doc.doc_id == "news" and doc.annotator is None and doc.text == text
    for span in doc.spans:
        assert span.text == text[span.start : span.end]
    spans = {(s.source.rpartition("#")[2], s.start): s for s in doc.spans}
    person = spans[("T1", 6)]
    assert (person.start, person.end, person.label) == (6, 16, "Person")
    assert person.text == "Ana Lope\u0301z"  # combining acute: two code points
    assert person.note == "Mayor since 2021\nsecond term"
    assert person.source == "news.ann#T1"
    emoji = spans[("T8", 59)]
    assert emoji.text == "👨🏻\u200d🚒" and emoji.end - emoji.start == 4
    assert emoji.attributes == {"weight": 0.5}
    claim = spans[("T2", 22)]
    assert "東京" in claim.text
    assert claim.attributes == {"Confirmed": True, "check_worthiness": "high"}
    assert spans[("T3", 54)].attributes == {"value": 2025}
    quote = [s for s in doc.spans if s.label == "quote"]
    assert [(s.start, s.end, s.text) for s in quote] == [
        (91, 104, '"It is safe,"'),
        (115, 137, "according to officials"),
    ]
    assert {s.group for s in quote} == {"T4"}
    assert all(s.attributes == {"speaker": "the officials"} for s in quote)
    assert all(s.group is None for s in doc.spans if s.label != "quote")


def test_read_fixture_records_are_kept():
    doc = read_one(FIXTURES / "news.ann")
    records = {r.id: r for r in doc.records}
    assert {r.kind for r in doc.records} == {"relation", "event", "normalization", "equiv", "attribute", "note"}
    assert records["R1"].record == "R1\tSaid_by Arg1:T4 Arg2:T1"
    assert records["R1"].span_sources == ("news.ann#T4", "news.ann#T1")
    assert records["E1"].kind == "event"
    assert records["E1"].span_sources == ("news.ann#T5", "news.ann#T6", "news.ann#T7")
    assert records["N1"].record == "N1\tReference T1 Wikidata:Q42\tAna López"
    assert records["N1"].span_sources == ("news.ann#T1",)
    assert records["*1"].record == "*\tEquiv T1 T7" and records["*1"].kind == "equiv"
    assert records["A6"].record == "A6\tNegation E1" and records["A6"].span_sources == ()
    assert records["#2"].kind == "note" and records["#2"].span_sources == ()
    assert all(r.format == "brat" for r in doc.records)


def test_read_crlf_and_bom_offsets_are_converted():
    doc = read_one(FIXTURES / "crlf" / "news_crlf.ann")
    lf = (FIXTURES / "news.txt").read_text(encoding="utf-8")
    assert doc.text == lf  # BOM dropped, CRLF -> LF
    spans = {(s.source.rpartition("#")[2], s.start): s for s in doc.spans}
    assert (spans[("T1", 6)].start, spans[("T1", 6)].end) == (6, 16)  # raw 7-17
    assert [(s.start, s.end) for s in doc.spans if s.group == "T4"] == [(91, 104), (115, 137)]
    assert spans[("T4", 91)].note == "across\tlines"
    # fragments separated only by a line break are one span again
    joined = spans[("T9", 86)]
    assert (joined.text, joined.group) == ('Ana.\n"It', None)
    for span in doc.spans:
        assert span.text == doc.text[span.start : span.end]
    assert doc.source == "news_crlf.ann"


def test_read_folder_recursively_gives_relative_sources():
    docs = {d.doc_id: d for d in read_all(FIXTURES)}
    assert set(docs) == {"news", "news_crlf"}
    assert docs["news_crlf"].spans[0].source == "crlf/news_crlf.ann#T1"


def test_crlf_file_with_offsets_into_lf_text_is_accepted(tmp_path):
    # brat itself reads the .txt with universal newlines: offsets into the LF text.
    (tmp_path / "d.txt").write_bytes("one\r\ntwo 😀 three\r\n".encode())
    (tmp_path / "d.ann").write_text("T1\tx 4 11\ttwo 😀 t\n", encoding="utf-8")
    doc = read_one(tmp_path / "d.ann")
    assert [(s.start, s.end, s.text) for s in doc.spans] == [(4, 11, "two 😀 t")]
    (tmp_path / "d.ann").write_text("T1\tx 5 12\ttwo 😀 t\n", encoding="utf-8")  # raw offsets
    assert [(s.start, s.end) for s in read_one(tmp_path / "d.ann").spans] == [(4, 11)]


def copy_fixture(tmp_path: Path) -> Path:
    shutil.copy(FIXTURES / "news.txt", tmp_path / "news.txt")
    shutil.copy(FIXTURES / "news.ann", tmp_path / "news.ann")
    return tmp_path / "news.ann"


def test_misaligned_text_is_refused_with_file_and_line(tmp_path):
    ann = copy_fixture(tmp_path)
    lines = ann.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = "T3\tnumber 53 57\t2025\n"  # off by one
    ann.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InteropError) as err:
        read_all(ann)
    message = str(err.value)
    assert f"{ann}:3:" in message
    assert "expected ' 202'" in message and "found '2025'" in message


def test_misaligned_discontinuous_text_is_refused(tmp_path):
    ann = copy_fixture(tmp_path)
    text = ann.read_text(encoding="utf-8").replace('safe," according', 'safe,"according')
    ann.write_text(text, encoding="utf-8")
    with pytest.raises(InteropError, match=r"news\.ann:4: T4 text does not match"):
        read_all(ann)


def test_misaligned_crlf_text_is_refused(tmp_path):
    (tmp_path / "d.txt").write_bytes(b"ab\r\ncd\r\n")
    (tmp_path / "d.ann").write_text("T0\tx 0 2\tab\nT1\tx 2 4\tcd\n", encoding="utf-8")
    # neither raw offsets ("\r\n") nor offsets into the LF text ("\nc") give "cd"
    with pytest.raises(InteropError, match=r"d\.ann:2: T1 text does not match the document: expected '\\r\\n'"):
        read_all(tmp_path / "d.ann")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("X1\tWhat T1", "unknown kind of line 'X1'"),
        ("T9 quote 0 5\tMayor", "is not a brat id"),
        ("T9 quote 0 5", "no tab after the id"),
        ("T9\tquote 0 x\tMayor", "malformed text-bound line"),
        ("R9\tSaid_by Arg1:T4 T1", "malformed relation line"),
        ("R9\tSaid_by Arg1:T4 Arg2:T99", "R9 refers to T99, which is not defined"),
        ("E9\tPraise:R1 Agent:T6", "needs a text-bound trigger"),
        ("A9\tConfirmed T42", "A9 refers to T42"),
        ("N9\tReference T1 nodb", "malformed normalization line"),
        ("T1\tquote 0 5\tMayor", "duplicate id T1"),
        ("T9\tquote 0 0\t", "empty fragment"),
        ("T9\tquote 5 9999\tx", "outside the text"),
        ("T9\tquote 0 5", "has no text"),
    ],
)
def test_malformed_lines_are_refused_with_file_and_line(tmp_path, line, message):
    ann = copy_fixture(tmp_path)
    ann.write_text(ann.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    with pytest.raises(InteropError) as err:
        read_all(ann)
    assert f"{ann}:21:" in str(err.value)
    assert message in str(err.value)


def test_ann_without_txt_is_refused(tmp_path):
    (tmp_path / "lonely.ann").write_text("", encoding="utf-8")
    with pytest.raises(InteropError, match=r"no lonely\.txt beside it"):
        read_all(tmp_path)


def test_offset_units_other_than_codepoint_are_refused(tmp_path):
    with pytest.raises(InteropError, match="offsets"):
        read_strictly(brat.read(FIXTURES, offsets="utf16", options={}))
    with pytest.raises(InteropError, match="offsets"):
        brat.export([], tmp_path, offsets="utf8", options={})


# -- export -------------------------------------------------------------------------


SMALL = "Ana 😀 said: “it is safe”\nand left.\tEnd"


def small_set() -> AnnotationSet:
    aset = annotation_set("small", SMALL)
    aset.create(0, 3, "number", attributes={"value": 3, "unit": "people and more"})
    note = "line one\nline\ttwo \\ end"
    aset.create(13, 15, "quote", group="g1", note=note)
    aset.create(19, 23, "quote", group="g1", note=note)  # one brat T: its fragments share notes
    aset.create(4, 5, "hedge", attributes={"flag": True, "off": False, "ratio": 0.25, "code": "42", "empty": ""})
    aset.create(20, 30, "claim")  # crosses the line break
    aset.create(29, 37, "hedge")  # holds a tab
    return aset


def test_export_writes_byte_exact_files(tmp_path):
    count = brat.export([record_of(small_set())], tmp_path, offsets="codepoint", options=OPTS)
    assert count == 6
    assert (tmp_path / "small.txt").read_bytes() == SMALL.encode("utf-8")
    expected = (
        "T1\tnumber 0 3\tAna\n"
        "T2\thedge 4 5\t😀\n"
        "T3\tquote 13 15;19 23\tit safe\n"
        "T4\tclaim 20 24;25 30\tafe” and l\n"
        "T5\thedge 29 37\tleft.\tEn\n"
        "A1\tunit T1 people%20and%20more\n"
        "A2\tvalue T1 3\n"
        "A3\tcode T2 %342\n"
        'A4\tempty T2 ""\n'
        "A5\tflag T2\n"
        "A6\tratio T2 0.25\n"
        "#1\tAnnotatorNotes T3\tline one\\nline\\ttwo \\\\ end\n"
    )
    assert (tmp_path / "small.ann").read_text(encoding="utf-8") == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annotation.conf", "small.ann", "small.txt"]


def test_exported_small_case_reads_back(tmp_path):
    aset = small_set()
    brat.export([record_of(aset)], tmp_path, offsets="codepoint", options=OPTS)
    doc = read_one(tmp_path / "small.ann")
    got = sorted((s.start, s.end, s.label, s.text, s.attributes, s.note, s.group is not None) for s in doc.spans)
    want = sorted(
        (
            s.start,
            s.end,
            s.label,
            s.text,
            {k: v for k, v in s.attributes.items() if v is not False},
            s.note,
            s.group is not None,
        )
        for s in aset.spans.values()
    )
    assert got == want


def test_annotation_conf_lists_every_label_and_attribute(tmp_path):
    tagset = default_tagset()
    brat.export([record_of(small_set())], tmp_path, offsets="codepoint", options={**OPTS, "tagset": tagset})
    conf = (tmp_path / "annotation.conf").read_text(encoding="utf-8")
    sections = parse_conf(conf)
    assert set(sections["entities"]) >= {"number", "hedge", "quote", "claim", *tagset.names()}
    attributes = sections["attributes"]
    for name in ("unit", "value", "code", "empty", "flag", "ratio", "check_worthiness"):
        assert name in attributes, name
    assert attributes["flag"] == "Arg:hedge"
    assert attributes["code"] == "Arg:hedge, Value:%342"
    assert attributes["check_worthiness"] == "Arg:claim, Value:high|medium|low"
    assert "off" not in attributes  # False is never written
    visual = (tmp_path / "visual.conf").read_text(encoding="utf-8")
    assert "quote\tbgColor:#4ea1ff" in visual


def parse_conf(conf: str) -> dict[str, dict[str, str]]:
    sections: dict[str, dict[str, str]] = {}
    current = None
    for line in conf.splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        name, _, rest = line.partition("\t")
        assert current is not None
        current[name] = rest
    return sections


def test_fixture_round_trip_keeps_records_with_renumbered_ids(tmp_path):
    imported = read_one(FIXTURES / "news.ann")
    record = to_record(imported)
    out = tmp_path / "out"
    assert brat.export([record], out, offsets="codepoint", options=OPTS) == len(imported.spans)
    again = read_one(out / "news.ann")

    def shape(doc):
        return sorted((s.start, s.end, s.label.lower(), s.text, s.attributes, s.note) for s in doc.spans)

    assert shape(again) == shape(imported)
    assert [s.group is not None for s in sorted(again.spans, key=lambda s: s.start)] == [
        s.group is not None for s in sorted(imported.spans, key=lambda s: s.start)
    ]

    # Records survive and still point at the same text.
    def pointed(doc):
        text_of = {}
        for s in doc.spans:
            text_of.setdefault(s.source, []).append(s.text)
        return sorted(
            (
                r.kind,
                r.record.split("\t")[1].split(" ")[0].split(":")[0].lower(),
                tuple(tuple(text_of[x]) for x in r.span_sources),
            )
            for r in doc.records
        )

    assert pointed(again) == pointed(imported)
    ann = (out / "news.ann").read_text(encoding="utf-8")
    assert "R1\tSaid_by Arg1:T" in ann and "*\tEquiv T" in ann and "A6\tNegation E1" in ann
    sections = parse_conf((out / "annotation.conf").read_text(encoding="utf-8"))
    assert "Said_by" in sections["relations"] and "Equiv" in sections["relations"]
    assert sections["events"]["praise"] == "Agent*:person, Theme*:person"  # the trigger label
    assert "praise" not in sections["entities"]
    assert "E1\tpraise:T6 Agent:T5 Theme:T7" in ann
    assert sections["attributes"]["Negation"] == "Arg:praise"


def test_record_whose_span_is_gone_is_left_out_with_a_report(tmp_path):
    imported = read_one(FIXTURES / "news.ann")
    record = to_record(imported)
    t7 = [s.id for s in record.file.spans if s.source == "news.ann#T7"]
    file = record.file.model_copy(update={"spans": [s for s in record.file.spans if s.id not in t7]})
    messages: list[str] = []
    brat.export(
        [ExportRecord(record.path, file, record.document)],
        tmp_path,
        offsets="codepoint",
        options={"report": messages.append},
    )
    ann = (tmp_path / "news.ann").read_text(encoding="utf-8")
    assert "E1\t" not in ann and "*\t" not in ann
    assert "A6\t" not in ann and "#2\t" not in ann  # they named E1, which is gone
    assert "R1\t" in ann
    assert any("E1" in m for m in messages)
    read_one(tmp_path / "news.ann")  # still a valid collection


def test_layouts(tmp_path):
    alice, bob = small_set(), annotation_set("small", SMALL, "bob")
    bob.create(0, 3, "quote")
    with pytest.raises(InteropError, match="layout 'annotator'"):
        brat.export([record_of(alice), record_of(bob)], tmp_path / "flat", offsets="codepoint", options=OPTS)
    out = tmp_path / "by"
    n = brat.export(
        [record_of(alice), record_of(bob)], out, offsets="codepoint", options={**OPTS, "layout": "annotator"}
    )
    assert n == 7
    assert (out / "alice" / "small.ann").is_file() and (out / "bob" / "small.ann").read_text() == "T1\tquote 0 3\tAna\n"
    assert (out / "annotation.conf").is_file()
    assert {d.source for d in read_all(out)} == {"alice/small.ann", "bob/small.ann"}


# -- escaping ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["", "42", "-1", "1.5", ".5", "1e5", "a b", "100%", '""', "x|y,z:w", "tab\there", "東京 😀", "inf", "%41"]
)
def test_string_values_survive(value):
    token = brat.encode_value(value)
    assert token and not any(ch.isspace() for ch in token)
    assert brat.decode_value(token) == value


@pytest.mark.parametrize("value", [0, -7, 2**53, 0.1, 1.0, -2.5e-10, 1e16])
def test_number_values_survive(value):
    decoded = brat.decode_value(brat.encode_value(value))
    assert decoded == value and type(decoded) is type(value)


@given(st.text())
def test_notes_survive(note):
    escaped = brat.escape_note(note)
    assert not any(ch in brat.LINE_BREAKS or ch == "\t" for ch in escaped)
    assert brat.unescape_note(escaped) == note


# -- round trip -----------------------------------------------------------------------

ALPHABET = st.sampled_from([*"ab ,.\n", "é", "e\u0301", "😀", "👨🏻\u200d🚒", "東京", "\t", "%"])
LABELS = st.sampled_from(["quote", "claim", "hedge", "number"])
NAMES = st.sampled_from(["speaker", "value", "flag", "check worthiness", "a%b"])
VALUES = st.one_of(
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)


@st.composite
def documents(draw):
    text = "".join(draw(st.lists(ALPHABET, min_size=1, max_size=40)))
    breaks = set(brat.LINE_BREAKS)
    n = len(text)
    # spans must not start or end with a line break (brat cannot keep those)
    edges = [i for i in range(n) if text[i] not in breaks]
    assume(edges)
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.sampled_from(edges))
        ends = [i + 1 for i in edges if i >= start]
        end = draw(st.sampled_from(ends))
        spans.append((start, end))
    specs = []
    seen = set()
    for index, (start, end) in enumerate(spans):
        label = draw(LABELS)
        if (start, end, label) in seen:
            continue
        seen.add((start, end, label))
        attributes = draw(st.dictionaries(NAMES, VALUES, max_size=3))
        note = draw(st.one_of(st.none(), st.text(min_size=1, max_size=10)))
        specs.append([start, end, label, attributes, note, None, index])
    # one discontinuous group: fragments apart, not separated only by line breaks
    if len(edges) >= 4 and draw(st.booleans()):
        cuts = sorted(draw(st.lists(st.sampled_from(edges), min_size=4, max_size=6, unique=True)))
        fragments: list[tuple[int, int]] = []
        for i in range(0, len(cuts) - 1, 2):
            start, end = cuts[i], cuts[i + 1] + 1
            if fragments and (start <= fragments[-1][1] or all(ch in breaks for ch in text[fragments[-1][1] : start])):
                continue
            fragments.append((start, end))
        if len(fragments) >= 2:
            label, attributes = draw(LABELS), draw(st.dictionaries(NAMES, VALUES, max_size=2))
            note = draw(st.one_of(st.none(), st.text(min_size=1, max_size=10)))
            for start, end in fragments:
                if (start, end, label) not in seen:
                    seen.add((start, end, label))
                    specs.append([start, end, label, attributes, note, "g1", -1])
    return text, specs


def brat_view(spans):
    """What brat keeps: False attributes are dropped; groups compared as partitions."""
    return sorted(
        (s.start, s.end, s.label, s.text, {k: v for k, v in s.attributes.items() if v is not False}, s.note)
        for s in spans
    )


def partition(spans):
    groups: dict[str, set] = {}
    for s in spans:
        if s.group is not None:
            groups.setdefault(s.group, set()).add((s.start, s.end, s.label))
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents())
def test_round_trip(tmp_path_factory, case):
    text, specs = case
    aset = annotation_set("doc1", text)
    for start, end, label, attributes, note, group, _ in specs:
        aset.create(start, end, label, attributes=attributes, note=note, group=group)
    folder = tmp_path_factory.mktemp("rt")
    n = brat.export([record_of(aset)], folder, offsets="codepoint", options=OPTS)
    assert n == len(specs)
    assert (folder / "doc1.txt").read_bytes() == text.encode("utf-8")
    doc = read_one(folder / "doc1.ann")
    assert doc.text == text
    for span in doc.spans:
        assert span.text == text[span.start : span.end]
    original = list(aset.spans.values())
    assert brat_view(doc.spans) == brat_view(original)
    # a lone span that crosses line breaks comes back whole, with no group
    assert partition(doc.spans) == partition(original)
    conf = parse_conf((folder / "annotation.conf").read_text(encoding="utf-8"))
    assert {s.label for s in original} <= set(conf["entities"])
    used = {brat.encode_token(k) for s in original for k, v in s.attributes.items() if v is not False}
    assert used <= set(conf["attributes"])


def test_overlapping_group_fragments_and_line_break_only_spans(tmp_path):
    text = "alpha beta\n\ngamma"
    aset = annotation_set("edge", text)
    aset.create(0, 5, "quote", group="g1")
    aset.create(3, 10, "quote", group="g1")  # overlaps the first fragment: brat refuses that in one T
    aset.create(12, 17, "quote", group="g1")
    aset.create(10, 12, "hedge")  # only line breaks: a .ann line cannot hold it
    messages: list[str] = []
    n = brat.export([record_of(aset)], tmp_path, offsets="codepoint", options={"report": messages.append})
    assert n == 3
    assert (tmp_path / "edge.ann").read_text(encoding="utf-8") == (
        "T1\tquote 0 5;12 17\talpha gamma\nT2\tquote 3 10\tha beta\n"
    )
    assert any("only line breaks" in m for m in messages)
    assert [(s.start, s.end, s.group) for s in read_one(tmp_path / "edge.ann").spans] == [
        (0, 5, "T1"),
        (12, 17, "T1"),
        (3, 10, None),
    ]


def test_text_that_is_not_utf8_is_refused(tmp_path):
    (tmp_path / "d.txt").write_bytes(b"caf\xe9")
    (tmp_path / "d.ann").write_text("", encoding="utf-8")
    with pytest.raises(InteropError, match="not valid UTF-8"):
        read_all(tmp_path)


def test_event_type_follows_its_trigger_and_conf_declares_both_uses(tmp_path):
    text = "Mayor praised the plan. The plan works."
    aset = annotation_set("ev", text)
    trigger = aset.create(6, 13, "claim", source="old.ann#T9")
    agent = aset.create(0, 5, "quote", source="old.ann#T2")
    aset.create(24, 38, "claim")  # the same label on a span that is no trigger
    event = ForeignRecord(
        format="brat", kind="event", id="E4", record="E4\tPraise:T9 Agent:T2", spans=[trigger.id, agent.id]
    )
    brat.export([record_of(aset, [event])], tmp_path, offsets="codepoint", options=OPTS)
    ann = (tmp_path / "ev.ann").read_text(encoding="utf-8")
    assert ann.splitlines() == [
        "T1\tquote 0 5\tMayor",
        "T2\tclaim 6 13\tpraised",
        "T3\tclaim 24 38\tThe plan works",
        "E4\tclaim:T2 Agent:T1",
    ]
    sections = parse_conf((tmp_path / "annotation.conf").read_text(encoding="utf-8"))
    assert set(sections["entities"]) == {"quote", "claim"}
    assert sections["events"] == {"claim": "Agent*:quote"}
    (doc,) = read_all(tmp_path)
    assert [r.span_sources for r in doc.records] == [("ev.ann#T2", "ev.ann#T1")]


def test_a_kept_attribute_is_declared_for_its_target_after_renumbering(tmp_path):
    # Export renumbers old T1 (claim) to T2 and old T2 (quote) to T1. The kept attribute
    # names old T1; its record lists both spans, so both renumberings are in its mapping.
    text = "Mayor praised the plan."
    aset = annotation_set("at", text)
    agent = aset.create(0, 5, "quote", source="old.ann#T2")
    praise = aset.create(6, 13, "claim", source="old.ann#T1")
    negated = ForeignRecord(
        format="brat", kind="attribute", id="A3", record="A3\tNegated T1", spans=[praise.id, agent.id]
    )
    brat.export([record_of(aset, [negated])], tmp_path, offsets="codepoint", options=OPTS)
    ann = (tmp_path / "at.ann").read_text(encoding="utf-8")
    assert ann.splitlines() == ["T1\tquote 0 5\tMayor", "T2\tclaim 6 13\tpraised", "A3\tNegated T2"]
    sections = parse_conf((tmp_path / "annotation.conf").read_text(encoding="utf-8"))
    assert sections["attributes"]["Negated"] == "Arg:claim"
