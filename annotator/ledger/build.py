"""One call from annotation files to a Ledger, for the command and the app alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from annotator.config import Config
from annotator.ledger.gathering import gather
from annotator.ledger.grouping import build_ledger
from annotator.ledger.model import Ledger


@dataclass(frozen=True, slots=True)
class Built:
    ledger: Ledger
    problems: tuple[str, ...]  # files and documents left out, one line each


def ledger_of(
    paths: Iterable[Path], config: Config, *, annotator: str | None = None, threshold: float | None = None
) -> Built:
    """The ledger of the annotation files at `paths`, with the project's [quotes] settings."""
    gathered = gather(paths, config, annotator)
    ledger = build_ledger(
        gathered.quotes,
        gathered.sources,
        threshold=config.quotes.threshold if threshold is None else threshold,
        aliases=config.quotes.aliases,
        skipped=gathered.skipped,
    )
    return Built(ledger, tuple(gathered.problems))
