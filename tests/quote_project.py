"""A project of two outlets quoting one person, for the quote panel's tests.

Voice of America quotes Lloyd Austin saying "I would not make any leaps of
logic"; Defense One has "I would not make any leaps" and a second quote of
his. Each document has a saved annotation file of ANNOTATOR under
annotations/, with fixed span ids: the quotes (and, in the first document,
a claim and a quote with no speaker) are there as a previous session left them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import orjson

from annotator.config import Config, load_config
from annotator.model.editing import AnnotationSet
from annotator.storage import dumps
from annotator.storage.documents import load_document
from annotator.ui.app import AnnotatorApp

ANNOTATOR = "tester"

VOA = (
    "Defense Secretary Lloyd Austin was asked about working with the Taliban.\n"
    "\n"
    "“I would not make any leaps of logic,” Austin said, calling the group “ruthless.”\n"
    "\n"
    "The minister said 42 people came.\n"
)
DEFENSE_ONE = (
    "Austin spoke at the Pentagon on Wednesday.\n"
    "\n"
    "“I would not make any leaps,” Austin told reporters.\n"
    "\n"
    "“We will not forget the 13 service members,” Austin said of the attack.\n"
)
LEAPS_OF_LOGIC = "“I would not make any leaps of logic,”"
LEAPS = "“I would not make any leaps,”"
FORGET = "“We will not forget the 13 service members,”"
RUTHLESS = "“ruthless.”"
CLAIM = "The minister said 42 people came."

# (document name, text, publisher, published, spans: (id, needle, label, speaker))
DOCUMENTS = (
    (
        "voa",
        VOA,
        "Voice of America",
        "2021-09-01",
        (
            ("a1", LEAPS_OF_LOGIC, "quote", "Defense Secretary Lloyd Austin"),
            ("a2", RUTHLESS, "quote", None),
            ("a3", CLAIM, "claim", None),
        ),
    ),
    (
        "d1",
        DEFENSE_ONE,
        "Defense One",
        "2021-09-02",
        (
            ("b1", LEAPS, "quote", "Austin"),
            ("b2", FORGET, "quote", "Austin"),
        ),
    ),
)


@dataclass
class QuoteProject:
    root: Path

    @property
    def config(self) -> Config:
        return load_config(start=self.root)

    @property
    def annotations(self) -> Path:
        return self.root / "annotations"

    def app(self, *names: str) -> AnnotatorApp:
        documents = [f"docs/{name}.txt" for name in names or ("voa",)]
        return AnnotatorApp(documents, self.config, ANNOTATOR, self.annotations)


def at(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def make_quote_project(root: Path) -> QuoteProject:
    (root / "docs").mkdir(parents=True)
    (root / "annotator.toml").write_text(f'documents = ["docs"]\nannotator = "{ANNOTATOR}"\n', encoding="utf-8")
    project = QuoteProject(root)
    for name, text, publisher, published, spans in DOCUMENTS:
        (root / "docs" / f"{name}.txt").write_text(text, encoding="utf-8")
        meta = {"id": name, "publisher": publisher, "published": published}
        (root / "docs" / f"{name}.meta.json").write_bytes(orjson.dumps(meta))
        _save(project, name, spans)
    return project


def _save(project: QuoteProject, name: str, spans) -> None:
    config = project.config
    document = load_document(project.root, f"docs/{name}.txt")
    ticks = itertools.count()
    aset = AnnotationSet.new(
        document, ANNOTATOR, tagset=config.tagset, clock=lambda: f"2026-01-01T00:00:{next(ticks) % 60:02d}.000Z"
    )
    for span_id, needle, label, speaker in spans:
        start, end = at(document.text, needle)
        aset.create(start, end, label, attributes={"speaker": speaker} if speaker else {}, span_id=span_id)
    folder = project.annotations / document.id
    folder.mkdir(parents=True)
    (folder / f"{ANNOTATOR}.json").write_bytes(dumps(aset.to_file()))
