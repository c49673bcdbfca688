"""The document text policy: bytes to text, offsets, hashes, metadata sidecars."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

import orjson
import pytest
from conftest import SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.model.document import (
    UTF8_BOM,
    DocumentError,
    DocumentMeta,
    decode_text,
    meta_path_for,
    text_sha256,
)
from annotator.storage.documents import find_documents, load_document, load_meta

# -- decoding ----------------------------------------------------------------


def test_one_leading_bom_is_dropped() -> None:
    assert decode_text(UTF8_BOM + b"abc") == "abc"


def test_only_the_first_bom_is_dropped_and_a_later_one_is_text() -> None:
    assert decode_text(UTF8_BOM + UTF8_BOM + b"a") == "\ufeffa"
    assert decode_text(b"a" + UTF8_BOM) == "a\ufeff"


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"a\r\nb", "a\nb"),
        (b"a\rb", "a\nb"),
        (b"a\r\rb", "a\n\nb"),
        (b"a\r\r\nb", "a\n\nb"),
        (b"a\n\rb", "a\n\nb"),
        (b"a\r\n\r\nb\r", "a\n\nb\n"),
        (b"plain\nlf\n", "plain\nlf\n"),
    ],
)
def test_crlf_and_lone_cr_become_lf(raw: bytes, text: str) -> None:
    assert decode_text(raw) == text


def test_no_unicode_normalisation() -> None:
    decomposed = "Cafe\u0301"
    composed = unicodedata.normalize("NFC", decomposed)
    assert decode_text(decomposed.encode()) == decomposed
    assert len(decode_text(decomposed.encode())) == 5
    assert len(decode_text(composed.encode())) == 4
    assert text_sha256(decomposed) != text_sha256(composed)


def test_sha256_is_over_utf8_of_the_normalised_text() -> None:
    text = decode_text(UTF8_BOM + "Zoë 👍\r\nline\r".encode())
    assert text == "Zoë 👍\nline\n"
    assert text_sha256(text) == hashlib.sha256("Zoë 👍\nline\n".encode()).hexdigest()


def test_crlf_lf_and_bom_variants_hash_the_same(tmp_path: Path) -> None:
    variants = {
        "lf.txt": b"one\ntwo\n",
        "crlf.txt": b"one\r\ntwo\r\n",
        "cr.txt": b"one\rtwo\r",
        "bom.txt": UTF8_BOM + b"one\ntwo\n",
    }
    for name, data in variants.items():
        (tmp_path / name).write_bytes(data)
    documents = [load_document(tmp_path, name) for name in variants]
    assert {d.sha256 for d in documents} == {hashlib.sha256(b"one\ntwo\n").hexdigest()}
    assert {d.length for d in documents} == {8}


@settings(max_examples=60, deadline=None)
@given(st.text(), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_policy_property(text: str, newline: str, bom: bool) -> None:
    # Any text written with any newline convention, with or without a BOM, reads back as LF text.
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = expected.split("\n")
    raw = (UTF8_BOM if bom else b"") + newline.join(lines).encode("utf-8")
    if not bom and expected.startswith("\ufeff"):
        expected = expected[1:]  # the text's own leading U+FEFF is a BOM on disk
    assert decode_text(raw) == expected
    assert "\r" not in decode_text(raw)


# -- offsets are code points --------------------------------------------------


def test_offsets_are_code_points(tmp_path: Path) -> None:
    text = "👍🏽 e\u0301 日本 a"
    (tmp_path / "u.txt").write_text(text, encoding="utf-8")
    document = load_document(tmp_path, "u.txt")
    assert document.length == len(text) == 10
    # the emoji with a skin tone is two code points; e + combining acute is two
    assert document.text[0:2] == "👍🏽"
    assert document.text[3:5] == "e\u0301"
    assert document.text[6:8] == "日本"
    assert document.text[9] == "a"
    assert len(document.text.encode("utf-8")) != document.length


# -- invalid UTF-8 -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "line", "col", "byte", "offset"),
    [
        (b"\xff", 1, 1, 0xFF, 0),
        (b"ab\ncd\xffef", 2, 3, 0xFF, 5),
        (b"\xc3\xa9\xc3\xa9\xfe", 1, 3, 0xFE, 4),  # columns count characters, not bytes
        (b"a\r\nbc\x80", 2, 3, 0x80, 5),  # CRLF is one line break
        (b"a\rbc\x80", 2, 3, 0x80, 4),  # so is a lone CR
        (UTF8_BOM + b"ab\xff", 1, 3, 0xFF, 5),  # the byte offset is into the file, BOM included
        (b"ok\n\xf0\x9f\x91", 2, 1, 0xF0, 3),  # truncated four-byte sequence
        (b"\xed\xa0\x80", 1, 1, 0xED, 0),  # an encoded surrogate
    ],
)
def test_invalid_utf8_names_file_line_col_and_byte(
    tmp_path: Path, raw: bytes, line: int, col: int, byte: int, offset: int
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "bad.txt").write_bytes(raw)
    with pytest.raises(DocumentError) as caught:
        load_document(tmp_path, "docs/bad.txt")
    err = caught.value
    assert (err.path, err.line, err.col) == ("docs/bad.txt", line, col)
    assert f"byte 0x{byte:02x}" in err.message
    assert f"byte offset {offset}" in err.message
    assert str(err).startswith(f"docs/bad.txt:{line}:{col}: not valid UTF-8")


def test_decode_text_default_path_label() -> None:
    with pytest.raises(DocumentError, match=r"^<bytes>:1:2: not valid UTF-8"):
        decode_text(b"a\xff")


# -- loading -------------------------------------------------------------------


def test_load_document_fields(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "story.txt").write_bytes(b"Hello\r\nworld")
    document = load_document(tmp_path, "d/story.txt")
    assert document.path == "d/story.txt"
    assert document.text == "Hello\nworld"
    assert document.id == "story"  # no sidecar: the id is the stem
    assert document.length == 11
    assert document.sha256 == hashlib.sha256(b"Hello\nworld").hexdigest()


def test_load_document_not_found(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as caught:
        load_document(tmp_path, "missing.txt")
    assert caught.value.message == "document not found"
    assert caught.value.path == "missing.txt"


def test_load_document_directory(tmp_path: Path) -> None:
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(DocumentError, match="is a directory"):
        load_document(tmp_path, "folder.txt")


def test_load_document_with_nul_in_path_is_a_document_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="not a valid file name"):
        load_document(tmp_path, "bad\x00name.txt")


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_seed_documents_follow_the_policy(seed: str) -> None:
    document = load_document(SEEDS.parent, f"seeds/{seed}")
    raw = (SEEDS / seed).read_bytes()
    meta = orjson.loads((SEEDS / seed.replace(".txt", ".meta.json")).read_bytes())
    assert document.id == meta["id"]
    assert document.meta.title == meta["title"]
    assert "\r" not in document.text
    expected = raw.removeprefix(UTF8_BOM).decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    assert document.text == expected
    assert document.length == len(expected)
    assert document.sha256 == hashlib.sha256(expected.encode("utf-8")).hexdigest()


# -- metadata sidecar ------------------------------------------------------------


def _doc_with_meta(tmp_path: Path, meta: bytes | None, name: str = "story.txt") -> Path:
    document = tmp_path / name
    document.write_text("text", encoding="utf-8")
    if meta is not None:
        meta_path_for(document).write_bytes(meta)
    return document


def test_meta_path_is_stem_dot_meta_json(tmp_path: Path) -> None:
    assert meta_path_for(tmp_path / "a.b.txt") == tmp_path / "a.b.meta.json"
    assert meta_path_for(tmp_path / "x.txt").name == "x.meta.json"


def test_meta_full(tmp_path: Path) -> None:
    fields = {
        "id": "doc-1",
        "title": "T",
        "publisher": "P",
        "source": "S",
        "language": "en",
        "published": "2021-09-01",
    }
    meta = load_meta(_doc_with_meta(tmp_path, orjson.dumps(fields)))
    assert meta == DocumentMeta(**fields)
    assert meta.as_dict() == fields


def test_meta_without_id_uses_stem_and_as_dict_drops_missing(tmp_path: Path) -> None:
    meta = load_meta(_doc_with_meta(tmp_path, b'{"title": "Only a title"}'))
    assert meta.id == "story"
    assert meta.as_dict() == {"id": "story", "title": "Only a title"}


def test_meta_missing_sidecar(tmp_path: Path) -> None:
    assert load_meta(_doc_with_meta(tmp_path, None)) == DocumentMeta(id="story")


def test_meta_with_bom_is_read(tmp_path: Path) -> None:
    assert load_meta(_doc_with_meta(tmp_path, UTF8_BOM + b'{"id": "x1"}')).id == "x1"


def test_document_uses_sidecar_id(tmp_path: Path) -> None:
    _doc_with_meta(tmp_path, b'{"id": "the-id"}')
    assert load_document(tmp_path, "story.txt").id == "the-id"


@pytest.mark.parametrize(
    ("meta", "message", "line", "col"),
    [
        (b'{\n  "id": "x",\n  oops\n}', "invalid JSON", 3, 3),
        (b"", "invalid JSON", 1, 1),
        (b'["id"]', "metadata must be a JSON object", 1, 1),
        (b'{"id": "x", "author": "A", "byline": "B"}', "unknown metadata field(s): author, byline", 1, 1),
        (b'{"title": 5}', "metadata field 'title' must be a string", 1, 1),
        (b'{"id": null}', "metadata field 'id' must be a string", 1, 1),
        (b'{"id": "has space"}', "metadata field 'id' 'has space' must be", 1, 1),
        (b'{"id": ""}', "metadata field 'id' '' must be", 1, 1),
    ],
)
def test_meta_errors_name_the_sidecar(tmp_path: Path, meta: bytes, message: str, line: int, col: int) -> None:
    document = _doc_with_meta(tmp_path, meta)
    with pytest.raises(DocumentError) as caught:
        load_meta(document)
    err = caught.value
    assert err.path == str(tmp_path / "story.meta.json")
    assert message in err.message
    assert (err.line, err.col) == (line, col)


def test_meta_error_propagates_from_load_document(tmp_path: Path) -> None:
    _doc_with_meta(tmp_path, b"{not json")
    with pytest.raises(DocumentError, match=r"story\.meta\.json:1:2: invalid JSON"):
        load_document(tmp_path, "story.txt")


def test_meta_sidecar_that_is_a_folder(tmp_path: Path) -> None:
    document = _doc_with_meta(tmp_path, None)
    meta_path_for(document).mkdir()
    with pytest.raises(DocumentError, match="cannot read metadata"):
        load_meta(document)


# -- finding documents ---------------------------------------------------------------


def test_find_documents_sorted_recursive_and_skips_hidden(tmp_path: Path) -> None:
    for relative in (
        "b.txt",
        "a.txt",
        "sub/c.txt",
        "sub/deeper/d.txt",
        ".hidden.txt",
        ".git/x.txt",
        "sub/.cache/y.txt",
    ):
        path = tmp_path / "docs" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    (tmp_path / "docs" / "notes.md").write_text("x")
    (tmp_path / "docs" / "folder.txt").mkdir()
    single = tmp_path / "single.txt"
    single.write_text("x")
    found = find_documents([tmp_path / "docs", single])
    docs = tmp_path / "docs"
    assert found == [docs / "a.txt", docs / "b.txt", docs / "sub/c.txt", docs / "sub/deeper/d.txt", single]
