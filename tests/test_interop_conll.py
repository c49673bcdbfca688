"""CoNLL export: the tokeniser, spans laid on tokens, overlaps under --priority and --label,
BIO and IOB1, the column layout read by an independent reader, and --strict on the command line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.interop.formats import conll
from annotator.interop.model import ExportRecord, InteropError
from annotator.model.document import Document, DocumentMeta, text_sha256
from annotator.model.editing import AnnotationSet
from annotator.model.tagset import default_tagset
from annotator.tokens import sentence_starts, tokenise
from tests.conftest import TEXT, Project, build_sample, run_cli, span_of

TAG = re.compile(r"O|[BI]-[a-z][a-z0-9_-]*")
SEPARATORS = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b\u2060\ufeff]*")


# -- helpers ---------------------------------------------------------------------------


def make_record(text: str, spans: list[tuple[int, int, str]], doc_id: str = "doc-1", annotator: str = "alice"):
    document = Document(f"docs/{doc_id}.txt", text, DocumentMeta(doc_id), text_sha256(text))
    aset = AnnotationSet.new(document, annotator)
    for start, end, label in spans:
        aset.create(start, end, label)
    return ExportRecord(Path(f"annotations/{doc_id}/{annotator}.json"), aset.to_file(), document)


def on(text: str, needle: str, label: str, nth: int = 0) -> tuple[int, int, str]:
    return (*span_of(text, needle, nth), label)


@dataclass
class Sentence:
    tokens: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


@dataclass
class Output:
    """An export read back by `read_conll`, with its report."""

    raw: str
    blocks: list[list[Sentence]]
    offsets: list[dict]
    messages: list[str]
    stats: dict[str, int]
    written: int

    def tags(self, block: int = 0) -> list[tuple[str, str]]:
        return [pair for sentence in self.blocks[block] for pair in zip(sentence.tokens, sentence.tags, strict=True)]

    @property
    def report(self) -> str:
        return "\n".join(self.messages)


def read_conll(raw: str) -> list[list[Sentence]]:
    """An independent reader, as CoNLL-2003 readers are written: a line starting with
    -DOCSTART- opens a document, a blank line ends a sentence, else `token tag` split on whitespace."""
    blocks: list[list[Sentence]] = []
    current: Sentence | None = None
    for line in raw.split("\n"):
        if line.startswith("-DOCSTART-"):
            assert line.split() == ["-DOCSTART-", "O"]
            blocks.append([])
            current = None
        elif not line.strip():
            current = None
        else:
            token, tag = line.split()  # exactly two columns
            assert line == f"{token} {tag}" and TAG.fullmatch(tag), line
            if current is None:
                current = Sentence()
                blocks[-1].append(current)
            current.tokens.append(token)
            current.tags.append(tag)
    return blocks


def export(tmp_path: Path, records: list[ExportRecord], **options) -> Output:
    dest = tmp_path / "out.conll"
    messages: list[str] = []
    stats: dict[str, int] = {}
    full = {"tagset": default_tagset(), "report": messages.append, "stats": stats, **options}
    written = conll.export(records, dest, offsets="codepoint", options=full)
    raw = dest.read_text(encoding="utf-8")
    side = (tmp_path / "out.offsets.jsonl").read_bytes().splitlines()
    return Output(raw, read_conll(raw), [orjson.loads(line) for line in side], messages, stats, written)


def spans_read_back(out: Output, text: str, scheme: str, block: int = 0) -> list[tuple[int, int, str]]:
    """Spans from the tags, placed by the offsets file: the way a model's predictions go back on the text.

    B- always opens a span and I- continues one of its label, in both schemes; BIO
    never opens a span with I-."""
    offsets = out.offsets[block]["offsets"]
    spans: list[tuple[int, int, str]] = []
    index = 0
    for sentence in out.blocks[block]:
        current: list = []
        for token, tag in zip(sentence.tokens, sentence.tags, strict=True):
            start, end = offsets[index]
            index += 1
            assert text[start:end] == token
            label = tag[2:]
            continues = bool(current) and tag.startswith("I-") and current[2] == label
            assert continues or scheme != "bio" or not tag.startswith("I-"), f"I- opens a span: {token} {tag}"
            if current and not continues:
                spans.append(tuple(current))
                current = []
            if tag != "O":
                current = [current[0] if current else start, end, label]
        if current:
            spans.append(tuple(current))
    assert index == len(offsets)
    return spans


# -- the tokeniser ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ('He said "we will act".', ["He", "said", '"', "we", "will", "act", '"', "."]),
        ("“We will,” she said. ‘Soon’", ["“", "We", "will", ",", "”", "she", "said", ".", "‘", "Soon", "’"]),
        ("About 1,200.5 people (13%)", ["About", "1,200.5", "people", "(", "13", "%", ")"]),
        ("$1.2 billion, 3.5bn at 10:30", ["$", "1.2", "billion", ",", "3.5bn", "at", "10", ":", "30"]),
        ("Taliban’s don't players’", ["Taliban’s", "don't", "players", "’"]),
        ("IS-Khorasan 500-pound", ["IS", "-", "Khorasan", "500", "-", "pound"]),
        ("U.S. officials... -- no", ["U.S.", "officials", "...", "--", "no"]),
        ("Café 👍 ok", ["Café", "👍", "ok"]),
        ("Cafe\u0301 n\u0303o \u0301x", ["Cafe\u0301", "n\u0303o", "\u0301", "x"]),
        (
            "👍🏽❤️ 👨\u200d👩\u200d👧 🇫🇷🇩🇪 1\ufe0f\u20e3",
            ["👍🏽", "❤️", "👨\u200d👩\u200d👧", "🇫🇷", "🇩🇪", "1\ufe0f\u20e3"],
        ),
        ("北京市は晴れ。한국어 문장", ["北", "京", "市", "は", "晴", "れ", "。", "한국어", "문장"]),
        (
            "see https://example.com/a?b=1. or www.x.org,",
            ["see", "https://example.com/a?b=1", ".", "or", "www.x.org", ","],
        ),
        ("mail a.b@x.co.uk!", ["mail", "a.b@x.co.uk", "!"]),
        ("a\u200bb\tc\x01d\u00a0e\u2028f", ["a", "b", "c", "d", "e", "f"]),
        ("#MeToo @bob -DOCSTART-", ["#", "MeToo", "@", "bob", "-", "DOCSTART", "-"]),
    ],
)
def test_tokens(text: str, tokens: list[str]) -> None:
    found = tokenise(text)
    assert [token.text for token in found] == tokens
    assert all(text[token.start : token.end] == token.text for token in found)


@given(st.text(max_size=60))
def test_tokens_are_ordered_slices_without_whitespace(text: str) -> None:
    found = tokenise(text)
    previous = 0
    for token in found:
        assert previous <= token.start < token.end
        assert text[token.start : token.end] == token.text and token.text.split() == [token.text]
        previous = token.end
    gaps = "".join(text[a:b] for a, b in zip([0, *found.ends], [*found.starts, len(text)], strict=True))
    assert SEPARATORS.fullmatch(gaps)  # nothing but separators falls between tokens


def test_sentences_start_at_tokens_and_paragraphs() -> None:
    text = "He left the U.S. The next day, Gen. Smith said so.\n“Yes,” he said. Then"
    tokens = tokenise(text)
    assert [tokens[index].text for index in sentence_starts(tokens)] == ["He", "The", "“", "Then"]
    assert sentence_starts(tokenise("  \n ")) == []


# -- overlaps ------------------------------------------------------------------------------

QUOTED = "Officials said “about 40 people were hurt” on Monday."


def quoted_record() -> ExportRecord:
    return make_record(
        QUOTED, [on(QUOTED, "“about 40 people were hurt”", "quote"), on(QUOTED, "40", "number")], doc_id="q"
    )


def test_quote_holding_a_number_under_priority_quote_number(tmp_path: Path) -> None:
    out = export(tmp_path, [quoted_record()], priority="quote,number")
    assert out.written == 1
    tags = dict(out.tags())
    assert tags["“"] == "B-quote" and tags["40"] == "I-quote" and tags["”"] == "I-quote"
    assert out.stats == {"skipped": 1, "overlap_covered": 1, "overlap_cut": 0}
    assert "1 overlapping span(s) left out whole (priority quote,number" in out.report
    assert (
        "document q (alice): number [22, 24) '40' lost to quote [15, 42) '“about 40 people were hurt”' (inside it)"
        in out.report
    )


def test_quote_holding_a_number_under_priority_number_quote(tmp_path: Path) -> None:
    out = export(tmp_path, [quoted_record()], priority=["number", "quote"])
    assert out.written == 1
    assert [tag for _, tag in out.tags()].count("O") == len(out.tags()) - 1  # the quote is dropped whole
    assert dict(out.tags())["40"] == "B-number"
    assert out.stats == {"skipped": 1, "overlap_covered": 0, "overlap_cut": 1}
    assert "priority number,quote,claim,hedge" in out.report  # unlisted labels follow in the tag set's order
    assert "quote [15, 42) '“about 40 people were hurt”' lost to number [22, 24) '40' (partly overlapping)" in (
        out.report
    )


def test_default_priority_is_the_tag_sets_order(tmp_path: Path) -> None:
    out = export(tmp_path, [quoted_record()])
    assert dict(out.tags())["40"] == "I-quote" and out.stats["skipped"] == 1


def test_label_exports_one_label_and_loses_nothing(tmp_path: Path) -> None:
    out = export(tmp_path, [quoted_record()], label="number")
    assert [pair for pair in out.tags() if pair[1] != "O"] == [("40", "B-number")]
    assert out.messages == [] and out.stats == {} and out.written == 1


def test_same_label_overlap_the_earlier_then_the_longer_wins(tmp_path: Path) -> None:
    text = "one two three four"
    spans = [on(text, "two three four", "claim"), on(text, "one two", "claim"), on(text, "one two three", "claim")]
    out = export(tmp_path, [make_record(text, spans)], label="claim")
    assert [tag for _, tag in out.tags()] == ["B-claim", "I-claim", "I-claim", "O"]
    assert out.stats == {"skipped": 2, "overlap_covered": 1, "overlap_cut": 1}
    assert "claim [0, 7) 'one two' lost to claim [0, 13) 'one two three' (inside it)" in out.report
    assert "claim [4, 18) 'two three four' lost to claim [0, 13) 'one two three' (partly overlapping)" in out.report


def test_a_span_beaten_by_two_names_both(tmp_path: Path) -> None:
    text = "alpha beta gamma delta"
    spans = [on(text, "alpha beta gamma", "claim"), on(text, "alpha", "quote"), on(text, "gamma", "quote")]
    out = export(tmp_path, [make_record(text, spans)])
    assert "claim [0, 16) 'alpha beta gamma' lost to quote [0, 5) 'alpha' and quote [11, 16) 'gamma'" in out.report


def test_long_span_text_is_clipped_in_the_report(tmp_path: Path) -> None:
    text = "x " * 60 + "end"
    out = export(tmp_path, [make_record(text, [(0, len(text), "claim"), (0, 1, "quote")])])
    assert f"claim [0, {len(text)}) '{'x ' * 19}x…' lost to quote" in out.report


def test_bad_labels_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    cases = {
        "label": ("person", "unknown label 'person' in --label; the tag set's labels are: quote, claim, hedge, number"),
        "priority": ("quote,person", "unknown label 'person' in --priority; the tag set's labels are: quote, claim"),
    }
    for key, (value, message) in cases.items():
        with pytest.raises(InteropError, match=re.escape(message)):
            export(tmp_path, [quoted_record()], **{key: value})
    with pytest.raises(InteropError, match="lists 'quote' twice"):
        export(tmp_path, [quoted_record()], priority="quote,number,quote")
    with pytest.raises(InteropError, match="has an empty label"):
        export(tmp_path, [quoted_record()], priority="quote,,number")
    with pytest.raises(InteropError, match="give --label or --priority, not both"):
        export(tmp_path, [quoted_record()], label="quote", priority="quote")
    with pytest.raises(InteropError, match="--scheme must be one of bio, iob1"):
        export(tmp_path, [quoted_record()], scheme="bioes")
    assert list(tmp_path.iterdir()) == []


# -- tags -------------------------------------------------------------------------------

ADJACENT = "Prices rose 5% 7% and 9% on Monday"


def adjacent_record() -> ExportRecord:
    spans = [
        on(ADJACENT, "5%", "number"),
        on(ADJACENT, "7%", "number"),
        on(ADJACENT, "and", "hedge"),
        on(ADJACENT, "9%", "number"),
    ]
    return make_record(ADJACENT, spans)


def test_adjacent_same_label_spans_bio(tmp_path: Path) -> None:
    out = export(tmp_path, [adjacent_record()])
    assert [tag for _, tag in out.tags()] == [
        *["O", "O"],
        *["B-number", "I-number", "B-number", "I-number"],
        "B-hedge",
        *["B-number", "I-number"],
        *["O", "O"],
    ]


def test_adjacent_same_label_spans_iob1(tmp_path: Path) -> None:
    out = export(tmp_path, [adjacent_record()], scheme="iob1")
    assert [tag for _, tag in out.tags()] == [
        *["O", "O"],
        *["I-number", "I-number", "B-number", "I-number"],
        "I-hedge",
        *["I-number", "I-number"],  # after a hedge, not a number: I-
        *["O", "O"],
    ]


def test_spans_cutting_tokens_are_widened_and_reported(tmp_path: Path) -> None:
    text = "The 1,200-strong force and Taliban’s men"
    spans = [(4, 6, "number"), (27, 34, "claim"), (26, 31, "hedge")]  # "1," ; "Taliban" ; " Tali"
    out = export(tmp_path, [make_record(text, spans)])
    assert dict(out.tags())["1,200"] == "B-number"
    assert dict(out.tags())["Taliban’s"] == "B-claim"
    assert out.stats == {"adjusted": 3, "skipped": 1, "overlap_covered": 1, "overlap_cut": 0}
    assert "3 span(s) did not fall on token edges" in out.report
    assert "document doc-1 (alice): number [4, 6) '1,' -> [4, 9) '1,200'" in out.report
    assert "claim [27, 34) 'Taliban' -> [27, 36) 'Taliban’s'" in out.report
    assert "hedge [26, 31) ' Tali' -> [27, 36) 'Taliban’s'" in out.report
    assert spans_read_back(out, text, "bio") == [(4, 9, "number"), (27, 36, "claim")]


def test_a_span_of_whitespace_is_left_out_and_reported(tmp_path: Path) -> None:
    text = "one  two"
    out = export(tmp_path, [make_record(text, [(3, 5, "claim"), (5, 8, "claim")])])
    assert out.stats == {"skipped": 1, "empty": 1}
    assert "1 span(s) cover no token (only spaces) and were left out:\n  document doc-1 (alice): claim [3, 5) '  '" in (
        out.report
    )


def test_a_span_across_sentences_keeps_them_together(tmp_path: Path) -> None:
    text = "He spoke. “It is over. We won.” Then he left.\nNew line."
    out = export(tmp_path, [make_record(text, [on(text, "“It is over. We won.”", "quote")])])
    assert [sentence.tokens[0] for sentence in out.blocks[0]] == ["He", "“", "Then", "New"]
    assert spans_read_back(out, text, "bio") == [(*span_of(text, "“It is over. We won.”"), "quote")]


def test_emoji_combining_cjk_and_curly_quotes(tmp_path: Path) -> None:
    text = "“Cafe\u0301 👍🏽,” 北京说 42%."
    spans = [on(text, "Cafe\u0301 👍🏽", "quote"), on(text, "北京", "claim"), on(text, "42%", "number")]
    out = export(tmp_path, [make_record(text, spans)])
    assert out.tags() == [
        ("“", "O"),
        ("Cafe\u0301", "B-quote"),
        ("👍🏽", "I-quote"),
        (",", "O"),
        ("”", "O"),
        ("北", "B-claim"),
        ("京", "I-claim"),
        ("说", "O"),
        ("42", "B-number"),
        ("%", "I-number"),
        (".", "O"),
    ]
    assert out.offsets[0]["offsets"][:3] == [[0, 1], [1, 6], [7, 9]]  # code points: 👍🏽 is two
    assert out.messages == []


# -- layout ---------------------------------------------------------------------------------


def test_layout_blocks_and_offsets_file(tmp_path: Path) -> None:
    text = "First one. Second one.\n\nThird."
    records = [
        make_record(text, [on(text, "Second", "claim")], annotator="alice"),
        make_record(text, [], annotator="bob"),
        make_record("", [], doc_id="empty"),
    ]
    out = export(tmp_path, records)
    assert out.raw == (
        "-DOCSTART- O\n\nFirst O\none O\n. O\n\nSecond B-claim\none O\n. O\n\nThird O\n. O\n\n"
        "-DOCSTART- O\n\nFirst O\none O\n. O\n\nSecond O\none O\n. O\n\nThird O\n. O\n\n"
        "-DOCSTART- O\n\n"
    )
    lines = out.raw.split("\n")
    assert [entry["line"] for entry in out.offsets] == [i + 1 for i, line in enumerate(lines) if "DOCSTART" in line]
    assert [(e["doc_id"], e["path"], e["annotator"]) for e in out.offsets] == [
        ("doc-1", "docs/doc-1.txt", "alice"),
        ("doc-1", "docs/doc-1.txt", "bob"),
        ("empty", "docs/empty.txt", "alice"),
    ]
    assert out.offsets[0]["offsets"] == [[0, 5], [6, 9], [9, 10], [11, 17], [18, 21], [21, 22], [24, 29], [29, 30]]
    assert out.offsets[2]["offsets"] == []


def test_nothing_to_export_writes_empty_files(tmp_path: Path) -> None:
    out = export(tmp_path, [])
    assert out.raw == "" and out.offsets == [] and out.written == 0


def test_deterministic(tmp_path: Path) -> None:
    first = export(tmp_path, [quoted_record(), adjacent_record()])
    second = export(tmp_path, [quoted_record(), adjacent_record()])
    assert first.raw == second.raw and first.offsets == second.offsets and first.messages == second.messages


def test_a_failing_export_leaves_nothing(tmp_path: Path) -> None:
    def records():
        yield quoted_record()
        raise InteropError("a file cannot be exported")

    with pytest.raises(InteropError):
        conll.export(records(), tmp_path / "out.conll", offsets="codepoint", options={})
    assert list(tmp_path.iterdir()) == []


def test_utf16_offsets_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InteropError, match="offsets must be one of codepoint"):
        conll.export([], tmp_path / "out.conll", offsets="utf16", options={})


# -- round trip ----------------------------------------------------------------------------

PIECES = st.sampled_from(
    [
        "The",
        "Café",
        "Cafe\u0301",
        "1,200.5",
        "13",
        "%",
        "Taliban’s",
        "“",
        "”",
        '"',
        ",",
        ".",
        "—",
        "👍🏽",
        "北京",
        "U.S.",
        "-",
    ]
)
GLUE = st.sampled_from([" ", " ", " ", "", "\n", ". ", "  "])


@st.composite
def documents(draw) -> tuple[str, list[tuple[int, int, str]]]:
    """A text and spans on token edges that do not overlap (some adjacent, some across sentences)."""
    words = draw(st.lists(st.tuples(PIECES, GLUE), min_size=1, max_size=30))
    text = "".join(word + glue for word, glue in words)
    tokens = tokenise(text)
    spans: list[tuple[int, int, str]] = []
    index = draw(st.integers(0, 2))
    while index < len(tokens):
        stop = min(len(tokens), index + draw(st.integers(1, 4)))
        spans.append((tokens.starts[index], tokens.ends[stop - 1], draw(st.sampled_from(["quote", "number"]))))
        index = stop + draw(st.integers(0, 3))
    return text, spans


@settings(max_examples=60, deadline=None)
@given(documents(), st.sampled_from(conll.SCHEMES))
def test_round_trip_spans_on_token_edges(tmp_path_factory: pytest.TempPathFactory, document, scheme: str) -> None:
    text, spans = document
    out = export(tmp_path_factory.mktemp("conll"), [make_record(text, spans)], scheme=scheme)
    assert spans_read_back(out, text, scheme) == spans
    assert out.messages == [] and out.written == len(spans)


@st.composite
def overlapping(draw) -> tuple[str, list[tuple[int, int, str]]]:
    """A text and any spans on it: overlapping, cutting tokens, on whitespace."""
    words = draw(st.lists(st.tuples(PIECES, GLUE), min_size=1, max_size=20))
    text = "".join(word + glue for word, glue in words)
    bounds = st.tuples(st.integers(0, len(text) - 1), st.integers(1, 12), st.sampled_from(["quote", "claim", "number"]))
    found = draw(st.lists(bounds, max_size=8))
    spans = {(start, min(len(text), start + length), label) for start, length, label in found}
    return text, sorted(spans)


@settings(max_examples=60, deadline=None)
@given(overlapping(), st.sampled_from(conll.SCHEMES))
def test_every_span_is_written_on_its_token_edges_or_reported(
    tmp_path_factory: pytest.TempPathFactory, document, scheme: str
) -> None:
    text, spans = document
    out = export(tmp_path_factory.mktemp("conll"), [make_record(text, spans)], scheme=scheme)
    tokens = tokenise(text)
    widened = {}
    for start, end, label in spans:
        covered = tokens.covering(start, end)
        if covered:
            widened[start, end, label] = (tokens.starts[covered.start], tokens.ends[covered.stop - 1], label)
    read = spans_read_back(out, text, scheme)
    assert out.written == len(read) and out.written + out.stats.get("skipped", 0) == len(spans)
    assert set(read) <= set(widened.values())
    assert out.stats.get("empty", 0) == len(spans) - len(widened)
    assert out.stats.get("adjusted", 0) == sum(key[:2] != value[:2] for key, value in widened.items())


# -- the command line -------------------------------------------------------------------------


def test_cli_strict_fails_when_spans_are_lost_and_writes_the_file(project: Project) -> None:
    project.write("a/alice.json", build_sample(project))
    result = run_cli(["export", "--format", "conll", "--out", "out.conll", "--strict"], project.root)
    assert result.returncode == 1, result.stderr
    assert "number [44, 46) '42' lost to claim [38, 62) 'About 42 people may come' (inside it)" in result.stderr
    assert "--strict: 1 span(s) were left out of the export" in result.stderr
    blocks = read_conll((project.root / "out.conll").read_text(encoding="utf-8"))
    assert [tag for sentence in blocks[0] for tag in sentence.tags if tag != "O"][:2] == ["B-quote", "I-quote"]
    assert (project.root / "out.offsets.jsonl").is_file()
    assert "Traceback" not in result.stderr


def test_cli_strict_passes_when_nothing_is_lost(project: Project) -> None:
    project.write("a/alice.json", build_sample(project))
    bob = project.new_set(annotator="bob")
    bob.create(*span_of(TEXT, "42"), "number")
    project.write("a/bob.json", bob)
    args = ["export", "--format", "conll", "--out", "out.conll", "--strict", "--label", "number", "--scheme", "iob1"]
    result = run_cli(args, project.root)
    assert result.returncode == 0, result.stderr
    assert "exported 2 annotation file(s), 2 spans to out.conll" in result.stderr
    blocks = read_conll((project.root / "out.conll").read_text(encoding="utf-8"))
    assert len(blocks) == 2
    assert all([tag for s in block for tag in s.tags if tag != "O"] == ["I-number"] for block in blocks)
    entries = [orjson.loads(line) for line in (project.root / "out.offsets.jsonl").read_bytes().splitlines()]
    assert [entry["annotator"] for entry in entries] == ["alice", "bob"]


def test_cli_unknown_label_names_it_and_writes_nothing(project: Project) -> None:
    project.write("a/alice.json", build_sample(project))
    result = run_cli(["export", "--format", "conll", "--out", "out.conll", "--priority", "quote,person"], project.root)
    assert result.returncode == 2  # a usage error, found before anything is read
    assert "unknown label 'person' in --priority; the tag set's labels are: quote, claim, hedge, number" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not (project.root / "out.conll").exists() and not (project.root / "out.offsets.jsonl").exists()


def test_cli_refuses_an_offsets_file_that_is_an_input(project: Project) -> None:
    """The offsets file is an output like --out: one that leads to an annotation file is refused."""
    source = project.write("a/alice.json", build_sample(project))
    before = source.read_bytes()
    (project.root / "out.offsets.jsonl").symlink_to(source)
    result = run_cli(["export", "--format", "conll", "--out", "out.conll"], project.root)
    assert result.returncode == 2, result.stderr
    assert "out.offsets.jsonl: the export would write over its own input" in result.stderr
    assert source.read_bytes() == before and not (project.root / "out.conll").exists()
