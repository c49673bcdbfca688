"""A project on disk with one document and its saved annotations, and the app on it:
what the UI tests that look at a real screen start from."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from annotator.config import load_config
from annotator.model.editing import AnnotationSet
from annotator.storage import dumps
from annotator.storage.documents import load_document
from annotator.ui.app import AnnotatorApp

SpanSpec = tuple[str, str, Mapping[str, Any]]  # the text to find, the label, the attributes


def app_on_saved_annotations(
    root: Path,
    name: str,
    text: str,
    spans: Iterable[SpanSpec],
    *,
    annotator: str,
    out: str = "annotations",
    meta: str | None = None,
) -> AnnotatorApp:
    """docs/NAME.txt holding `text` (and NAME.meta.json holding `meta`), a saved file of
    `annotator` with `spans` (each at the first place its text is found) under `out`."""
    (root / "docs").mkdir(parents=True)
    (root / "annotator.toml").write_text('documents = ["docs"]\n', encoding="utf-8")
    (root / "docs" / f"{name}.txt").write_text(text, encoding="utf-8")
    if meta is not None:
        (root / "docs" / f"{name}.meta.json").write_text(meta, encoding="utf-8")
    config = load_config(start=root)
    document = load_document(root, f"docs/{name}.txt")
    ticks, ids = itertools.count(), itertools.count(1)
    aset = AnnotationSet.new(
        document,
        annotator,
        tagset=config.tagset,
        clock=lambda: f"2026-01-01T00:00:{next(ticks) % 60:02d}.000Z",
        make_id=lambda: f"s{next(ids)}",
    )
    for needle, label, attributes in spans:
        start = text.index(needle)
        aset.create(start, start + len(needle), label, attributes=dict(attributes))
    folder = root / out / document.meta.id
    folder.mkdir(parents=True)
    (folder / f"{annotator}.json").write_bytes(dumps(aset.to_file()))
    return AnnotatorApp([f"docs/{name}.txt"], config, annotator, root / out)
