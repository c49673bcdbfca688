"""Inter-annotator agreement over labelled character spans. Pure Python, no UI.

Offsets are code-point indices, half-open `[start, end)`. Every measure is
computed from interval arithmetic (sorted lists of `(start, end)`), never by
visiting characters one by one.

Which documents count
    A pair (A, B) is compared on the documents both annotated; A is the name
    that sorts first and is the reference. The joint (multi-annotator) alpha
    uses the documents every selected annotator annotated.

Span precision, recall and F1, per label and overall (micro over labels)
    exact match: same start, end and label. overlap match: same label and at
    least one shared character, counted as a one-to-one *maximum* matching
    (maximum bipartite matching per document and label), so one long span
    cannot match two short ones. P = matched / |B|, R = matched / |A|,
    F1 = 2 * matched / (|A| + |B|), which is 2PR / (P + R) whenever both are
    defined and is 0 when one side has spans and nothing matched. Any 0/0 is
    None (null in JSON, "—" in tables). Overall across pairs: the counts of
    every pair summed (micro).

Cohen's kappa per label, over characters
    For each shared document, each character is inside a span of label L or
    not, for each annotator; the 2x2 counts are pooled over documents.
    kappa = (po - pe) / (1 - pe), with po the observed agreement and pe the
    chance agreement from each annotator's own rate; None when pe == 1 (both
    annotators all-in or all-out). Overall: the mean of the pairwise kappas
    (Light's kappa, Light 1971).

Krippendorff's unitizing alpha per label (alpha_U)
    Krippendorff, K. (1995) "On the reliability of unitizing continuous data",
    Sociological Methodology 25:47-76, and Content Analysis (2004), as
    implemented by DKPro Agreement's KrippendorffAlphaUnitizingAgreement (used
    by INCEpTION). For label c, each annotator's segmentation of a document is
    their units of c (overlapping spans of c merged; touching spans stay two
    units) and the gaps between them. With R annotators and L the total length
    of the documents:

        D_o = 2 / (R (R - 1) L^2) * sum over annotator pairs, over intersecting
              segments g (of one) and h (of the other) of delta(g, h), where
              delta = (b_g - b_h)^2 + (e_g - e_h)^2   if g and h are both units,
                      l_g^2   if g is a unit lying wholly inside the gap h (and
                              symmetrically), 0 otherwise;
        D_e = 2 / L * sum over units u of all annotators of
              [ (N_c - 1) * l_u (l_u - 1)(2 l_u - 1) / 3
                + l_u^2 * sum over gaps G of all annotators with l_G >= l_u of (l_G - l_u + 1) ]
              / ( R L (R L - 1) - sum over units u of l_u (l_u - 1) ),
        alpha_U = 1 - D_o / D_e,  None when D_e == 0 (nobody used the label).

    N_c is the number of units of c. Each document is its own continuum: units
    never cross a document boundary, and gaps stop at it too (DKPro over one
    concatenated text would join the last gap of a document with the first gap
    of the next; on a single document the two are identical). Computed per pair
    (R = 2) and for all selected annotators jointly. When every unit is one
    character long alpha_U equals the nominal alpha over characters, which
    `character_alpha` computes.

Disagreements
    Per document, the spans of all its annotators (any label) are clustered
    into groups of overlapping spans. A group is a disagreement unless every
    selected annotator of that document has exactly the same (start, end, label)
    set in it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, combinations
from typing import Any, NamedTuple

from annotator.review.groups import overlapping_runs

Interval = tuple[int, int]

TEXT_CLIP = 60  # characters of a disagreement's text shown


class MarkedSpan(NamedTuple):
    """What one annotator marked, as agreement compares it (not the model's Span)."""

    start: int
    end: int
    label: str
    text: str = ""


@dataclass(frozen=True)
class DocumentSpans:
    """One document's spans by annotator; `length` is the text's length in code points."""

    id: str
    length: int
    spans: Mapping[str, Sequence[MarkedSpan]]


# ---------------------------------------------------------------- intervals


def merge_overlapping(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted union of intervals that share a character; touching ones stay two units."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):  # near-free on the already sorted lists the report passes
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def gap_lengths(units: Sequence[Interval], length: int) -> list[int]:
    """Lengths of the stretches of [0, length) outside the sorted, disjoint `units`."""
    gaps: list[int] = []
    position = 0
    for start, end in units:
        if start > position:
            gaps.append(start - position)
        position = end
    if length > position:
        gaps.append(length - position)
    return gaps


def compare_units(a: Sequence[Interval], b: Sequence[Interval]) -> tuple[int, int]:
    """(characters in both, sum of alpha_U's delta) for two sorted, disjoint unit lists of one label."""
    both = delta = 0
    hit_a = [False] * len(a)
    hit_b = [False] * len(b)
    i = j = 0
    while i < len(a) and j < len(b):
        start_a, end_a = a[i]
        start_b, end_b = b[j]
        if end_a <= start_b:
            i += 1
        elif end_b <= start_a:
            j += 1
        else:
            both += min(end_a, end_b) - max(start_a, start_b)
            delta += (start_a - start_b) ** 2 + (end_a - end_b) ** 2
            hit_a[i] = hit_b[j] = True
            if end_a <= end_b:
                i += 1
            if end_b <= end_a:
                j += 1
    # A unit that meets none of the other's units lies wholly inside one of their gaps.
    delta += sum((end - start) ** 2 for (start, end), hit in zip(a, hit_a, strict=True) if not hit)
    delta += sum((end - start) ** 2 for (start, end), hit in zip(b, hit_b, strict=True) if not hit)
    return both, delta


# ---------------------------------------------------------------- span matching


def exact_matches(a: Iterable[Interval], b: Iterable[Interval]) -> int:
    """Spans of one label with the same start and end in both lists (as multisets)."""
    return sum((Counter(a) & Counter(b)).values())


def overlapping_pairs(a: Sequence[Interval], b: Sequence[Interval]) -> list[tuple[int, int]]:
    """(i, j) for every a[i] and b[j] that share a character; `b` must be sorted by start."""
    if not a or not b:
        return []
    starts = [start for start, _ in b]
    reach = list(accumulate((end for _, end in b), max))  # furthest end so far: non-decreasing, so bisectable
    pairs: list[tuple[int, int]] = []
    for i, (start, end) in enumerate(a):
        first = bisect_right(reach, start)  # b[:first] all end at or before `start`
        stop = bisect_left(starts, end)  # b[stop:] all begin at or after `end`
        pairs.extend((i, j) for j in range(first, stop) if b[j][1] > start)
    return pairs


def overlap_matches(a: Sequence[Interval], b: Sequence[Interval]) -> int:
    """Size of a maximum one-to-one matching of overlapping spans.

    Greedy first, then augmenting paths (Kuhn) from each a left unmatched, which
    makes the greedy matching maximum; spans per document and label are few.
    """
    neighbours: dict[int, list[int]] = {}
    for i, j in overlapping_pairs(a, sorted(b)):
        neighbours.setdefault(i, []).append(j)
    owner: dict[int, int] = {}  # b index -> the a index it is matched to
    unmatched = []
    for i, candidates in neighbours.items():
        free = next((j for j in candidates if j not in owner), None)
        if free is None:
            unmatched.append(i)
        else:
            owner[free] = i

    def augment(i: int, seen: set[int]) -> bool:
        for j in neighbours[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in unmatched:
        augment(i, set())
    return len(owner)


@dataclass
class MatchCounts:
    matched: int = 0
    a: int = 0
    b: int = 0

    def add(self, other: MatchCounts) -> None:
        self.matched += other.matched
        self.a += other.a
        self.b += other.b

    @property
    def precision(self) -> float | None:
        return self.matched / self.b if self.b else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.a if self.a else None

    @property
    def f1(self) -> float | None:
        total = self.a + self.b
        return 2 * self.matched / total if total else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "matched": self.matched,
            "a": self.a,
            "b": self.b,
        }


# ---------------------------------------------------------------- chance-corrected measures


def cohen_kappa(n: int, a: int, b: int, both: int) -> float | None:
    """Kappa of two binary codings of n items: a and b items marked by each, `both` by both."""
    if n <= 0:
        return None
    # Scaled by n^2 so that the test for pe == 1 is exact.
    observed = (n - a - b + 2 * both) * n
    chance = a * b + (n - a) * (n - b)
    if chance == n * n:
        return None
    return (observed - chance) / (n * n - chance)


def expected_unitizing_disagreement(units: Sequence[int], gaps: Sequence[int], raters: int, length: int) -> float:
    """D_e of alpha_U from every annotator's unit lengths and gap lengths (see the module docstring)."""
    if length <= 0 or not units:
        return 0.0
    ordered = sorted(gaps)
    suffix = [0] * (len(ordered) + 1)
    for k in range(len(ordered) - 1, -1, -1):
        suffix[k] = suffix[k + 1] + ordered[k]
    count = len(units)
    total = 0
    for size, repeats in Counter(units).items():
        k = bisect_left(ordered, size)
        placements = suffix[k] - (size - 1) * (len(ordered) - k)  # sum of (gap - size + 1) over gaps >= size
        total += repeats * ((count - 1) * (size * (size - 1) * (2 * size - 1) // 3) + size * size * placements)
    denominator = raters * length * (raters * length - 1) - sum(size * (size - 1) for size in units)
    return 2 * total / (length * denominator)


def observed_unitizing_disagreement(delta_sum: int, raters: int, length: int) -> float:
    return 2 * delta_sum / (raters * (raters - 1) * length * length) if length > 0 and raters > 1 else 0.0


def alpha_from(observed: float, expected: float) -> float | None:
    return None if expected == 0 else 1 - observed / expected


def unitizing_alpha(documents: Sequence[tuple[int, Sequence[Sequence[Interval]]]]) -> float | None:
    """alpha_U of one label: per document, (length, each annotator's spans of that label)."""
    return alpha_from(*unitizing_disagreements(documents))


def unitizing_disagreements(documents: Sequence[tuple[int, Sequence[Sequence[Interval]]]]) -> tuple[float, float]:
    """(D_o, D_e) of alpha_U for one label; see `unitizing_alpha`."""
    raters = len(documents[0][1]) if documents else 0
    length = delta = 0
    units: list[int] = []
    gaps: list[int] = []
    for doc_length, codings in documents:
        merged = [merge_overlapping(coding) for coding in codings]
        length += doc_length
        for rater_units in merged:
            units.extend(end - start for start, end in rater_units)
            gaps.extend(gap_lengths(rater_units, doc_length))
        for x, y in combinations(merged, 2):
            delta += compare_units(x, y)[1]
    return (
        observed_unitizing_disagreement(delta, raters, length),
        expected_unitizing_disagreement(units, gaps, raters, length),
    )


def character_alpha(documents: Sequence[tuple[int, Sequence[Sequence[Interval]]]]) -> float | None:
    """Krippendorff's nominal alpha of one label over characters (1 = in a span, 0 = not).

    The reliability data has one row per annotator and one column per character;
    every annotator codes every character. With m annotators, n = m * characters
    values, n1 of them 1: alpha = 1 - (n - 1) * mismatches / ((m - 1) * n1 * n0),
    mismatches = sum over characters of n_u1 * n_u0 = sum over pairs of |A xor B|.
    """
    raters = len(documents[0][1]) if documents else 0
    values = ones = mismatches = 0
    for doc_length, codings in documents:
        merged = [merge_overlapping(coding) for coding in codings]
        covered = [sum(end - start for start, end in units) for units in merged]
        values += raters * doc_length
        ones += sum(covered)
        for (x, cx), (y, cy) in combinations(zip(merged, covered, strict=True), 2):
            mismatches += cx + cy - 2 * compare_units(x, y)[0]
    zeros = values - ones
    if raters < 2 or ones == 0 or zeros == 0:
        return None
    return 1 - (values - 1) * mismatches / ((raters - 1) * ones * zeros)


# ---------------------------------------------------------------- the report


@dataclass
class _LabelTotals:
    """Everything summed over documents for one label, for a pair or for all annotators."""

    exact: MatchCounts = field(default_factory=MatchCounts)
    overlap: MatchCounts = field(default_factory=MatchCounts)
    covered_a: int = 0
    covered_b: int = 0
    both: int = 0
    delta: int = 0
    units: list[int] = field(default_factory=list)
    gaps: list[int] = field(default_factory=list)


class _Coding(NamedTuple):
    """One annotator's spans of one label in one document, in every form the measures use."""

    spans: list[Interval]  # as annotated, sorted
    units: list[Interval]  # overlapping spans merged
    unit_lengths: list[int]
    gaps: list[int]
    covered: int


def _codings(doc: DocumentSpans, name: str, labels: Sequence[str]) -> dict[str, _Coding]:
    by_label: dict[str, list[Interval]] = {label: [] for label in labels}
    for span in doc.spans[name]:
        by_label[span.label].append((span.start, span.end))
    codings = {}
    for label, intervals in by_label.items():
        intervals.sort()
        units = merge_overlapping(intervals)
        lengths = [end - start for start, end in units]
        codings[label] = _Coding(intervals, units, lengths, gap_lengths(units, doc.length), sum(lengths))
    return codings


def _ordered_labels(labels: Sequence[str], documents: Sequence[DocumentSpans], annotators: Sequence[str]) -> list[str]:
    found = {span.label for doc in documents for name in annotators for span in doc.spans.get(name, ())}
    return [*labels, *sorted(found - set(labels))]


def _match_section(totals: Mapping[str, _LabelTotals], attribute: str) -> dict[str, Any]:
    overall = MatchCounts()
    labels = {}
    for label, total in totals.items():
        counts: MatchCounts = getattr(total, attribute)
        overall.add(counts)
        labels[label] = counts.as_dict()
    return {"overall": overall.as_dict(), "labels": labels}


def _alpha(totals: _LabelTotals, raters: int, length: int) -> float | None:
    return alpha_from(
        observed_unitizing_disagreement(totals.delta, raters, length),
        expected_unitizing_disagreement(totals.units, totals.gaps, raters, length),
    )


def _compare_pair(a: _Coding, b: _Coding, totals: _LabelTotals) -> int:
    """Add one document's comparison of a pair on one label to `totals`; return alpha_U's delta."""
    matched = len(set(a.spans) & set(b.spans))  # duplicate spans are invalid, so sets suffice
    totals.exact.matched += matched
    totals.exact.a += len(a.spans)
    totals.exact.b += len(b.spans)
    totals.overlap.matched += overlap_matches(a.spans, b.spans) if a.spans and b.spans else 0
    totals.overlap.a += len(a.spans)
    totals.overlap.b += len(b.spans)
    both, delta = compare_units(a.units, b.units)
    totals.covered_a += a.covered
    totals.covered_b += b.covered
    totals.both += both
    totals.delta += delta
    totals.units += a.unit_lengths
    totals.units += b.unit_lengths
    totals.gaps += a.gaps
    totals.gaps += b.gaps
    return delta


def agreement_report(
    documents: Sequence[DocumentSpans], annotators: Sequence[str], labels: Sequence[str] = ()
) -> dict[str, Any]:
    """The whole comparison as a JSON-ready dict (see the module docstring and README)."""
    names = sorted(set(annotators))
    label_order = _ordered_labels(labels, documents, names)
    compared = [doc for doc in sorted(documents, key=lambda d: d.id) if sum(name in doc.spans for name in names) >= 2]
    codings = [{name: _codings(doc, name, label_order) for name in names if name in doc.spans} for doc in compared]
    everyone = [k for k, by_name in enumerate(codings) if len(by_name) == len(names)]

    joint = {label: _LabelTotals() for label in label_order}
    for k in everyone:
        for coding in codings[k].values():
            for label in label_order:
                joint[label].units += coding[label].unit_lengths
                joint[label].gaps += coding[label].gaps

    pairs = []
    overall_totals = {label: _LabelTotals() for label in label_order}
    everyone_set = set(everyone)
    for a, b in combinations(names, 2):
        shared = [k for k, by_name in enumerate(codings) if a in by_name and b in by_name]
        if not shared:
            continue
        totals = {label: _LabelTotals() for label in label_order}
        length = sum(compared[k].length for k in shared)
        for k in shared:
            coding_a, coding_b = codings[k][a], codings[k][b]
            for label in label_order:
                delta = _compare_pair(coding_a[label], coding_b[label], totals[label])
                if k in everyone_set:
                    joint[label].delta += delta
        for label, t in totals.items():
            overall_totals[label].exact.add(t.exact)
            overall_totals[label].overlap.add(t.overlap)
        pairs.append(
            {
                "a": a,
                "b": b,
                "documents": len(shared),
                "exact": _match_section(totals, "exact"),
                "overlap": _match_section(totals, "overlap"),
                "kappa": {label: cohen_kappa(length, t.covered_a, t.covered_b, t.both) for label, t in totals.items()},
                "alpha_u": {label: _alpha(t, 2, length) for label, t in totals.items()},
            }
        )

    joint_length = sum(compared[k].length for k in everyone)
    overall = {
        "documents": len(compared),
        "pairs": len(pairs),
        "exact": _match_section(overall_totals, "exact"),
        "overlap": _match_section(overall_totals, "overlap"),
        "kappa": {label: _mean(pair["kappa"][label] for pair in pairs) for label in label_order},
        "alpha_u": {label: _alpha(t, len(names), joint_length) for label, t in joint.items()},
        "alpha_u_documents": len(everyone),
    }
    return {
        "annotators": names,
        "documents": len(compared),
        "pairs": pairs,
        "overall": overall,
        "disagreements": [d for doc in compared for d in disagreements(doc, names)],
    }


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


# ---------------------------------------------------------------- disagreements


def disagreements(doc: DocumentSpans, annotators: Sequence[str]) -> list[dict[str, Any]]:
    """The groups of overlapping spans of `doc` on which its annotators differ, in text order."""
    present = [name for name in annotators if name in doc.spans]
    tagged = sorted((span, name) for name in present for span in doc.spans[name])
    groups = overlapping_runs(tagged, lambda item: item[0].start, lambda item: item[0].end)
    return [record for group in groups if (record := _disagreement(doc.id, group, present)) is not None]


def _disagreement(doc_id: str, group: list[tuple[MarkedSpan, str]], present: Sequence[str]) -> dict[str, Any] | None:
    said: dict[str, set[tuple[int, int, str]]] = {name: set() for name in present}
    for span, name in group:
        said[name].add((span.start, span.end, span.label))
    if all(keys == said[present[0]] for keys in said.values()):
        return None
    start = group[0][0].start
    end = max(span.end for span, _ in group)
    return {
        "document": doc_id,
        "start": start,
        "end": end,
        "text": safe_line(_group_text(group, start, end)),
        "annotators": {name: [f"{label} [{s}, {e})" for s, e, label in sorted(keys)] for name, keys in said.items()},
    }


def _group_text(group: list[tuple[MarkedSpan, str]], start: int, end: int) -> str:
    """The text of [start, end), rebuilt from the spans that cover it (a group has no holes)."""
    pieces = []
    position = start
    for span, _ in group:
        if span.end > position and span.start <= position:
            pieces.append(span.text[position - span.start :])
            position = span.end
    return "".join(pieces)[: end - start]


def safe_line(text: str, limit: int = TEXT_CLIP) -> str:
    """`text` clipped, on one line, with terminal control characters made visible."""
    from annotator.text import display_text

    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return display_text(text).replace("\n", "⏎")
