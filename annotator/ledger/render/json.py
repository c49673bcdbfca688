"""The ledger as JSON, for other tools: stable keys and order, offsets in code points.

    {"threshold", "sources": [...], "flags": [...], "speakers": [{"person", "utterances":
      [{"versions": [QUOTE...], "comparisons": [{"left", "right", "score", "partial",
        "segments": [{"left", "right", "change"}]}], "flags": [...]}]}],
     "unattributed": [QUOTE...], "skipped": [...]}

A version (QUOTE) names its document, annotation file, spans, kind, text and
speaker as written; comparisons and flags refer to versions by their `ref`
("DOC-ID/ANNOTATOR/SPAN-ID"), which is unique in the ledger.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import orjson

from annotator.ledger.model import Comparison, Flag, Ledger, Quote, Utterance


def render_json(ledger: Ledger) -> bytes:
    data = {
        "threshold": ledger.threshold,
        "sources": [asdict(source) for source in ledger.sources],
        "flags": [_flag(flag) for flag in ledger.flags],
        "speakers": [
            {"person": asdict(entry.person), "utterances": [_utterance(u) for u in entry.utterances]}
            for entry in ledger.speakers
        ],
        "unattributed": [_quote(quote) for quote in ledger.unattributed],
        "skipped": list(ledger.skipped),
    }
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def ref(quote: Quote) -> str:
    return "/".join(quote.key)


def _quote(quote: Quote) -> dict[str, Any]:
    return {
        "ref": ref(quote),
        "doc_id": quote.source.doc_id,
        "annotation_path": quote.source.annotation_path,
        "publisher": quote.source.publisher,
        "spans": [asdict(span) for span in quote.spans],
        "start": quote.start,
        "end": quote.end,
        "kind": quote.kind.value,
        "speaker": quote.speaker,
        "text": quote.text,
    }


def _utterance(utterance: Utterance) -> dict[str, Any]:
    return {
        "versions": [_quote(quote) for quote in utterance.quotes],
        "comparisons": [_comparison(each) for each in utterance.comparisons],
        "flags": [_flag(flag) for flag in utterance.flags],
    }


def _comparison(comparison: Comparison) -> dict[str, Any]:
    return {
        "left": ref(comparison.left),
        "right": ref(comparison.right),
        "score": comparison.score,
        "partial": comparison.partial,
        "segments": [
            {"left": s.left, "right": s.right, "change": s.change.value if s.change else None}
            for s in comparison.segments
        ],
    }


def _flag(flag: Flag) -> dict[str, Any]:
    return {"kind": flag.kind.value, "message": flag.message, "versions": [ref(quote) for quote in flag.quotes]}
