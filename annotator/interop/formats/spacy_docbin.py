"""spaCy DocBin (``.spacy``) for training span categorisers (export only).

Needs the optional extra: ``pip install 'annotator[spacy]'``; spaCy is
imported only when exporting. Each annotation file becomes one Doc made by
``spacy.blank(lang).make_doc(text)`` with lang = ``options["lang"]``, else the
document's metadata language (its primary subtag: "en-GB" -> "en"), else "en".
No model is downloaded: only the rule-based tokenizer runs.

Every span goes through ``doc.char_span(start, end, label=label,
alignment_mode=options.get("align", "strict"))`` into ``doc.spans["sc"]``
(a SpanGroup: overlapping spans are fine, unlike ``doc.ents``); the span id is
set as the spaCy span's ``id_``. A span whose edges are not token edges is
never dropped silently:

* ``align="strict"``: char_span returns None; the span is left out of the
  Doc and reported (doc id, offsets, text), and the rest is exported.
* ``align="contract"``/``"expand"``: spans are shrunk/grown to token edges;
  every adjusted span is reported (old and new offsets). A span that contracts
  to nothing (one character inside a word, say) is left out and reported as
  under "strict".

Every span left out is counted as ``skipped``, so that ``annotator export
--strict`` can fail the export: the DocBin is still written, and the report
says which mode would keep each span.

Reports go to ``options["report"]`` when callable, else stderr; counts go to
``options["stats"]`` (``misaligned``, ``adjusted``, ``skipped``) when a dict.

``doc.user_data`` (kept with ``DocBin(store_user_data=True)``) holds
``doc_id``, ``path``, ``annotator`` and ``annotator_spans``: the original
spans (id, start, end, label, attributes, note, group) in code points, so
attributes and notes survive even though spaCy spans cannot hold them.
The DocBin is built in memory (compact token arrays, not Doc objects) and
written to ``dest`` at the end. Lost: created/modified by/at, origin/source,
history, status, document metadata other than id and path.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotator.interop import registry
from annotator.interop.formats import report
from annotator.interop.model import ExportRecord, InteropError
from annotator.interop.output import Staging

NAME = "spacy"
OFFSET_UNITS: tuple[str, ...] = registry.offset_units(NAME)

MISSING = "spaCy is not installed: pip install 'annotator[spacy]'"
ALIGN_MODES = ("strict", "contract", "expand")
# What to try instead, said with the spans a mode left out.
_ALTERNATIVE = {
    "strict": "--align expand keeps them, grown to whole tokens",
    "contract": "--align expand keeps them, grown to whole tokens",
    "expand": "they cover no token at all",
}


def _describe(doc_id: str, span: Any) -> str:
    return f"{doc_id} [{span.start}, {span.end}) {span.label} {span.text!r}"


def export(records: Iterable[ExportRecord], dest: Path, *, offsets: str = "codepoint", options: dict) -> int:
    if offsets not in OFFSET_UNITS:
        raise InteropError(f"{NAME}: spaCy character offsets are code points; {offsets!r} is not supported")
    try:
        import spacy
        from spacy.tokens import DocBin
    except ImportError:
        raise ImportError(MISSING, name="spacy") from None
    align = options.get("align", "strict")
    if align not in ALIGN_MODES:
        raise InteropError(f"{NAME}: align must be one of {', '.join(ALIGN_MODES)}, not {align!r}")
    pipelines: dict[str, Any] = {}
    docbin = DocBin(store_user_data=True)
    misaligned: list[str] = []
    adjusted: list[str] = []
    written = 0
    for record in records:
        document = record.document
        lang = (options.get("lang") or document.meta.language or "en").replace("_", "-").split("-")[0].lower()
        nlp = pipelines.get(lang)
        if nlp is None:
            try:
                nlp = pipelines[lang] = spacy.blank(lang)
            except Exception as err:  # spaCy raises ImportError/ValueError for an unknown language
                raise InteropError(
                    f"{document.path}: spaCy has no language {lang!r} ({err}); set the 'lang' option"
                ) from None
        doc = nlp.make_doc(document.text)
        group = []
        kept = []
        for span in record.file.spans:
            made = doc.char_span(span.start, span.end, label=span.label, alignment_mode=align)
            if made is None or len(made) == 0:
                misaligned.append(_describe(document.id, span))
                continue
            if made.start_char != span.start or made.end_char != span.end:
                adjusted.append(f"{_describe(document.id, span)} -> [{made.start_char}, {made.end_char}) {made.text!r}")
            made.id_ = span.id
            group.append(made)
            kept.append(
                {
                    "id": span.id,
                    "start": span.start,
                    "end": span.end,
                    "label": span.label,
                    "attributes": dict(span.attributes),
                    "note": span.note,
                    "group": span.group,
                }
            )
        doc.spans["sc"] = group
        doc.user_data["doc_id"] = document.id
        doc.user_data["path"] = document.path
        doc.user_data["annotator"] = record.file.annotator
        doc.user_data["annotator_spans"] = kept
        docbin.add(doc)
        written += len(group)
    if misaligned:
        report(
            options,
            f"{NAME}: left out {len(misaligned)} span(s) that do not fall on token edges "
            f"(--align {align}; {_ALTERNATIVE[align]}):\n  " + "\n  ".join(misaligned),
            misaligned=len(misaligned),
            skipped=len(misaligned),
        )
    if adjusted:
        report(
            options,
            f"{NAME}: {len(adjusted)} span(s) adjusted to token boundaries (align={align!r}):\n  "
            + "\n  ".join(adjusted),
            adjusted=len(adjusted),
        )
    with Staging() as staging:
        staging.write(dest, docbin.to_bytes())  # put in place only whole
    return written
