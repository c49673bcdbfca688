"""`annotator agree`: inter-annotator agreement as aligned tables or JSON.

The measures are defined in annotator.review.agreement. Gold files (named
--gold, or adjudicated under any name: annotator.review.gold) are left out
unless --include-gold, or unless --annotators names their annotator. With
--suggestions the stored suggestions are read too, each suggester as an
annotator (annotator.suggest.store). Exit status: 0 done, 1 below --min-f1 or
a file that could not be used, 2 usage or config error (including nothing to
compare).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from annotator.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, project_config, requested_files, say, searched_in

NONE = "—"  # an undefined value (0/0) in tables


def run(args: argparse.Namespace) -> int:
    from annotator.review.agreement import agreement_report
    from annotator.review.corpus import load_corpus

    config = project_config(args)
    if config is None:
        return EXIT_USAGE
    if args.disagreements < 0:
        say("--disagreements must be 0 or more")
        return EXIT_USAGE
    if args.min_f1 is not None and not 0.0 <= args.min_f1 <= 1.0:
        say(f"--min-f1 must be between 0 and 1, got {args.min_f1:g}")
        return EXIT_USAGE
    if args.suggestions:
        if not config.suggestions_path.is_dir():
            say(f"--suggestions: no suggestions stored in {config.suggestions_path}; run 'annotator suggest' first")
            return EXIT_USAGE
        args.paths = _with_suggestions(args.paths, config)
    files = requested_files(args, config)
    if files is None:
        return EXIT_USAGE

    corpus = load_corpus(files, config, gold_names=(args.gold,))
    for problem in corpus.problems:
        say(problem)
    bad_files = EXIT_FINDINGS if corpus.problems else EXIT_OK

    # Gold files, under any name, are the adjudicators' work, not an annotator's: left out unless asked for.
    compared = corpus if args.include_gold or args.annotators is not None else corpus.without_gold()
    names = _select(args, corpus.annotators(), compared.annotators())
    if names is None:
        return EXIT_USAGE
    documents = compared.document_spans(names)
    if len(names) < 2 or not any(len(doc.spans) >= 2 for doc in documents):
        where = searched_in(args, config)
        shown = ", ".join(names) or "none"
        say(
            f"nothing to compare in {where}: no document is annotated by two of the selected annotators "
            f"({shown}); agreement needs at least two annotators of the same document"
        )
        return bad_files or EXIT_USAGE

    report = agreement_report(documents, names, config.tagset.names())
    if args.format == "json":
        import orjson

        sys.stdout.buffer.write(orjson.dumps(report, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2))
        sys.stdout.buffer.write(b"\n")
    else:
        sys.stdout.write(render_table(report, args.disagreements))
    sys.stdout.flush()

    if args.min_f1 is not None:
        f1 = report["overall"][args.match]["overall"]["f1"]
        if f1 is None or f1 < args.min_f1:
            shown = "undefined (no spans)" if f1 is None else f"{f1:.3f}"
            say(f"overall {args.match} F1 {shown} is below --min-f1 {args.min_f1:g}")
            return EXIT_FINDINGS
    return bad_files


def _with_suggestions(paths: list[str], config) -> list[str]:
    """`paths` (default: the annotations folder, if there is one) and the suggestions folder: a
    suggester's files (suggestions/DOC-ID/NAME.json) are annotation files by the suggester's name."""
    given = list(paths) or [str(p) for p in (config.annotations_path,) if p.exists()]
    return [*given, str(config.suggestions_path)]


def _select(args: argparse.Namespace, found: Sequence[str], compared: Sequence[str]) -> list[str] | None:
    """The annotators to compare (`compared`, or those --annotators names among all `found`), or None after
    saying why the choice is wrong."""
    if args.annotators is None:
        return list(compared)
    wanted = list(dict.fromkeys(name.strip() for name in args.annotators.split(",") if name.strip()))
    unknown = [name for name in wanted if name not in found]
    if unknown or len(wanted) < 2:
        problem = f"unknown annotator(s) {', '.join(unknown)}" if unknown else "--annotators needs two names or more"
        say(f"{problem}; the files have: {', '.join(found) or 'none'}")
        return None
    return sorted(wanted)  # naming the annotator of gold files here includes them


# ---------------------------------------------------------------- the table


def _number(value: float | None) -> str:
    return NONE if value is None else f"{value:.3f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Plain aligned columns: the first left-aligned, the rest right-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


HEADER = (
    "label",
    "exact P",
    "exact R",
    "exact F1",
    "overlap P",
    "overlap R",
    "overlap F1",
    "kappa",
    "alpha_U",
    "spans",
)


def _metric_rows(section: dict[str, Any]) -> list[list[str]]:
    rows = []
    for label, exact in section["exact"]["labels"].items():
        overlap = section["overlap"]["labels"][label]
        rows.append(
            [
                label,
                *(_number(exact[key]) for key in ("precision", "recall", "f1")),
                *(_number(overlap[key]) for key in ("precision", "recall", "f1")),
                _number(section["kappa"][label]),
                _number(section["alpha_u"][label]),
                f"{exact['a']}/{exact['b']}",
            ]
        )
    exact, overlap = section["exact"]["overall"], section["overlap"]["overall"]
    rows.append(
        [
            "all labels",
            *(_number(exact[key]) for key in ("precision", "recall", "f1")),
            *(_number(overlap[key]) for key in ("precision", "recall", "f1")),
            "",
            "",
            f"{exact['a']}/{exact['b']}",
        ]
    )
    return rows


def render_table(report: dict[str, Any], limit: int) -> str:
    overall = report["overall"]
    lines = [
        f"agreement of {len(report['annotators'])} annotators ({', '.join(report['annotators'])}) "
        f"on {report['documents']} document(s)",
        "",
        f"all pairs: P/R/F1 and spans (A/B) summed over {overall['pairs']} pair(s); kappa = mean of the pairwise",
        f"kappas (Light); alpha_U of all annotators jointly, on the {overall['alpha_u_documents']} document(s) "
        "they all annotated",
        *_table(HEADER, _metric_rows(overall)),
    ]
    for pair in report["pairs"]:
        lines += [
            "",
            f"{pair['a']} vs {pair['b']} on {pair['documents']} document(s): spans = {pair['a']}/{pair['b']}, "
            f"P = matched/{pair['b']}, R = matched/{pair['a']}",
            *_table(HEADER, _metric_rows(pair)),
        ]
    found = report["disagreements"]
    lines += ["", f"disagreements: {len(found)}"]
    for item in found[:limit]:
        lines.append(f"{item['document']} [{item['start']}, {item['end']}) “{item['text']}”")
        width = max(len(name) for name in item["annotators"])
        for name, said in item["annotators"].items():
            lines.append(f"    {name.ljust(width)}  {', '.join(said) or 'nothing'}")
    if len(found) > limit:
        lines.append(f"… {len(found) - limit} more (--disagreements N shows more; --format json lists all)")
    return "\n".join(lines) + "\n"
