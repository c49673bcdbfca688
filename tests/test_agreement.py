"""Agreement metrics, checked against hand-worked arithmetic and published values."""

from __future__ import annotations

import random

import pytest

from annotator.review.agreement import (
    DocumentSpans,
    MarkedSpan,
    agreement_report,
    character_alpha,
    cohen_kappa,
    compare_units,
    disagreements,
    exact_matches,
    merge_overlapping,
    overlap_matches,
    unitizing_alpha,
    unitizing_disagreements,
)

LABELS = ["quote", "claim", "hedge", "number"]

# A 20-character document, "abcdefghijklmnopqrst", and two annotators:
#   alice: quote [0, 5)  claim [8, 12)  number [15, 17)
#   bob:   quote [0, 5)  claim [9, 12)  hedge  [15, 17)
TEXT20 = "abcdefghijklmnopqrst"


def spans(*triples: tuple[int, int, str], text: str = TEXT20) -> list[MarkedSpan]:
    return [MarkedSpan(s, e, label, text[s:e]) for s, e, label in triples]


DOC20 = DocumentSpans(
    "d20",
    20,
    {
        "alice": spans((0, 5, "quote"), (8, 12, "claim"), (15, 17, "number")),
        "bob": spans((0, 5, "quote"), (9, 12, "claim"), (15, 17, "hedge")),
    },
)


@pytest.fixture(scope="module")
def report20() -> dict:
    return agreement_report([DOC20], ["bob", "alice"], LABELS)


def test_exact_precision_recall_f1_by_hand(report20: dict) -> None:
    pair = report20["pairs"][0]
    assert (pair["a"], pair["b"]) == ("alice", "bob")  # alphabetically first is the reference
    # Only the quote [0, 5) matches exactly: 1 of alice's 3, 1 of bob's 3.
    overall = pair["exact"]["overall"]
    assert (overall["matched"], overall["a"], overall["b"]) == (1, 3, 3)
    assert overall["precision"] == pytest.approx(1 / 3)
    assert overall["recall"] == pytest.approx(1 / 3)
    assert overall["f1"] == pytest.approx(1 / 3)
    labels = pair["exact"]["labels"]
    assert labels["quote"]["f1"] == 1.0
    assert (labels["claim"]["precision"], labels["claim"]["recall"], labels["claim"]["f1"]) == (0.0, 0.0, 0.0)
    # number: alice 1, bob 0 -> P = 0/0 undefined, R = 0/1, F1 = 2*0/(1+0) = 0
    assert (labels["number"]["precision"], labels["number"]["recall"], labels["number"]["f1"]) == (None, 0.0, 0.0)
    # hedge: alice 0, bob 1 -> P = 0/1, R = 0/0 undefined
    assert (labels["hedge"]["precision"], labels["hedge"]["recall"], labels["hedge"]["f1"]) == (0.0, None, 0.0)


def test_overlap_precision_recall_f1_by_hand(report20: dict) -> None:
    # quote matches, claim [8, 12) ~ [9, 12) overlaps; number vs hedge differ in label: 2 of 3 each side.
    overall = report20["pairs"][0]["overlap"]["overall"]
    assert (overall["matched"], overall["a"], overall["b"]) == (2, 3, 3)
    assert overall["precision"] == overall["recall"] == overall["f1"] == pytest.approx(2 / 3)
    assert report20["overall"]["overlap"]["overall"]["f1"] == pytest.approx(2 / 3)


def test_kappa_by_hand(report20: dict) -> None:
    kappa = report20["pairs"][0]["kappa"]
    # claim over 20 characters: alice marks 4 ([8, 12)), bob 3 ([9, 12)), both 3.
    #   2x2: both 3, alice only 1, bob only 0, neither 16
    #   po = (3 + 16) / 20 = 0.95
    #   pe = (4/20)(3/20) + (16/20)(17/20) = 0.03 + 0.68 = 0.71
    #   kappa = (0.95 - 0.71) / (1 - 0.71) = 0.24 / 0.29 = 0.827586...
    assert kappa["claim"] == pytest.approx(0.24 / 0.29)
    assert cohen_kappa(20, 4, 3, 3) == pytest.approx(0.24 / 0.29)
    assert kappa["quote"] == 1.0
    # number: alice 2 characters, bob none: po = 18/20 = pe = (18/20)(20/20) -> kappa 0
    assert kappa["number"] == pytest.approx(0.0)
    assert report20["overall"]["kappa"]["claim"] == pytest.approx(0.24 / 0.29)  # one pair: the mean is itself


def test_kappa_undefined_when_chance_agreement_is_total() -> None:
    assert cohen_kappa(20, 0, 0, 0) is None  # nobody used the label
    assert cohen_kappa(20, 20, 20, 20) is None  # everything marked by both
    assert cohen_kappa(0, 0, 0, 0) is None


def test_unitizing_alpha_by_hand(report20: dict) -> None:
    # claim, R = 2 annotators, L = 20. Units: alice [8, 12) (l=4), bob [9, 12) (l=3).
    #   D_o: the two units overlap: delta = (8-9)^2 + (12-12)^2 = 1; D_o = 2*1 / (2*1*20^2) = 0.0025
    #   gaps: alice [0, 8) [12, 20) -> 8, 8; bob [0, 9) [12, 20) -> 9, 8; N_c = 2
    #   unit 4: (2-1) * 4*3*7/3 = 28; 4^2 * sum(g - 4 + 1 for gaps) = 16 * (5+5+6+5) = 336 -> 364
    #   unit 3: (2-1) * 3*2*5/3 = 10; 3^2 * (6+6+7+6) = 225 -> 235
    #   D_e = 2/20 * (364 + 235) / (2*20*(2*20 - 1) - (4*3 + 3*2)) = 59.9 / 1542 = 0.0388457
    #   alpha = 1 - 0.0025 / 0.0388457 = 0.935643
    observed, expected = unitizing_disagreements([(20, [[(8, 12)], [(9, 12)]])])
    assert observed == pytest.approx(0.0025)
    assert expected == pytest.approx(59.9 / 1542)
    assert report20["pairs"][0]["alpha_u"]["claim"] == pytest.approx(1 - 0.0025 / (59.9 / 1542))
    assert report20["overall"]["alpha_u"]["claim"] == pytest.approx(1 - 0.0025 / (59.9 / 1542))
    # Perfect agreement on quote; a label nobody used has no alpha.
    assert report20["pairs"][0]["alpha_u"]["quote"] == 1.0
    # number: alice's unit [15, 17) lies in bob's gap: delta = 2^2 = 4, so alpha < 0 (worse than chance).
    assert report20["pairs"][0]["alpha_u"]["number"] < 0


def test_alpha_perfect_agreement_is_one_and_empty_is_undefined() -> None:
    units = [(0, 3), (5, 9), (9, 10)]
    assert unitizing_alpha([(12, [units, units, units])]) == 1.0
    assert unitizing_alpha([(12, [[], []])]) is None


def test_alpha_dkpro_unitizing_example() -> None:
    # DKPro Agreement, UnitizingAgreementTest.testAgreement (dkpro/dkpro-statistics):
    #   L = 10; r0: -11111111-  ([1, 9)); r1: --1-1-1--- ([2, 3) [4, 5) [6, 7))
    #   D_o = 0.9100, D_e = 0.5351, alpha = -0.7003.
    # By hand: delta = (1-2)^2+(9-3)^2 + (1-4)^2+(9-5)^2 + (1-6)^2+(9-7)^2 = 37 + 25 + 29 = 91
    #   D_o = 2*91 / (2*1*100) = 0.91; gaps 1, 1 (r0) and 2, 1, 1, 3 (r1), N_c = 4
    #   unit 8: 3 * 8*7*15/3 = 840 (no gap >= 8); units 1: 0 + 1 * (1+1+2+1+1+3) = 9 each -> 27
    #   D_e = 2/10 * 867 / (20*19 - 56) = 173.4 / 324 = 0.535185
    observed, expected = unitizing_disagreements([(10, [[(1, 9)], [(2, 3), (4, 5), (6, 7)]])])
    assert observed == pytest.approx(0.9100, abs=1e-4)
    assert expected == pytest.approx(0.5351, abs=1e-4)
    assert unitizing_alpha([(10, [[(1, 9)], [(2, 3), (4, 5), (6, 7)]])]) == pytest.approx(-0.7003, abs=1e-4)


# Krippendorff (1995: p. 57), "On the reliability of unitizing continuous data", as encoded in DKPro
# Agreement's Krippendorff1995Test: (offset, length) per coder, on a continuum of 24, stretched.
KRIPPENDORFF_1995 = {
    "A": [[(2, 8), (14, 6)], [(4, 4), (15, 2)]],
    "B": [[(0, 18)], [(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)]],
    "C": [[(2, 6), (10, 2), (14, 4), (20, 2)], [(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)]],
    "D": [[(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)], [(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)]],
}


def krippendorff_1995(category: str, stretch: float) -> list:
    def scale(x: int) -> int:
        return int(x * stretch)

    coders = [[(scale(o), scale(o) + scale(n)) for o, n in coder] for coder in KRIPPENDORFF_1995[category]]
    return [(scale(24), coders)]


@pytest.mark.parametrize(
    ("category", "observed", "expected", "alpha"),
    [
        ("A", 0.03125, 0.06990, 0.553),
        ("B", 2.26736, 1.17731, -0.926),
        ("C", 0.02777, 0.08642, 0.679),
        ("D", 0.38715, 0.41445, 0.066),
    ],
)
def test_alpha_krippendorff_1995_published_example(category: str, observed: float, expected: float, alpha: float):
    # The published values and DKPro's tolerances (D_e 0.005, alpha 0.02) at stretch 1,200,000 / 24.
    example = krippendorff_1995(category, 1_200_000 / 24)
    d_o, d_e = unitizing_disagreements(example)
    assert d_o == pytest.approx(observed, abs=1e-5)
    assert d_e == pytest.approx(expected, abs=0.005)
    assert unitizing_alpha(example) == pytest.approx(alpha, abs=0.02)


def test_alpha_krippendorff_1995_small_stretch_exact() -> None:
    # DKPro Krippendorff1995Test.testVaryingLengths, stretch 12/24: D_e = 0.05494 to 1e-5, alpha 0.494.
    d_o, d_e = unitizing_disagreements(krippendorff_1995("C", 12 / 24))
    assert d_o == pytest.approx(0.02777, abs=1e-5)
    assert d_e == pytest.approx(0.05494, abs=1e-5)
    assert unitizing_alpha(krippendorff_1995("C", 12 / 24)) == pytest.approx(0.494, abs=0.02)


def test_alpha_documents_are_separate_continua() -> None:
    # Two documents compared jointly: D_o sums the deltas and divides by the total length squared.
    docs = [(10, [[(1, 9)], [(2, 3), (4, 5), (6, 7)]]), (10, [[(1, 9)], [(1, 9)]])]
    d_o, _ = unitizing_disagreements(docs)
    assert d_o == pytest.approx(2 * 91 / (2 * 1 * 20**2))


def test_interval_helpers() -> None:
    assert merge_overlapping([(5, 8), (0, 3), (2, 4), (4, 5)]) == [(0, 4), (4, 5), (5, 8)]  # touching stay apart
    # [0, 4) vs [2, 6): 2 shared characters; delta (0-2)^2 + (4-6)^2 = 8; [10, 12) alone: 2^2.
    assert compare_units([(0, 4), (10, 12)], [(2, 6)]) == (2, 8 + 4)
    assert exact_matches([(0, 4), (0, 4), (5, 6)], [(0, 4), (5, 7)]) == 1


def test_overlap_matching_is_one_to_one_and_maximum() -> None:
    # One long span overlapping two short ones matches only one of them.
    assert overlap_matches([(0, 10)], [(0, 2), (5, 7)]) == 1
    # Greedy by first overlap would pair a0-b0 and leave a1 unmatched; the maximum is 2 (a0-b1, a1-b0).
    assert overlap_matches([(0, 10), (0, 3)], [(2, 4), (8, 12)]) == 2
    assert overlap_matches([(0, 3), (3, 6)], [(0, 3)]) == 1  # touching is not overlapping
    assert overlap_matches([], [(0, 3)]) == 0


def random_codings(rng: random.Random, raters: int, length: int, count: int, max_len: int) -> list:
    codings = []
    for _ in range(raters):
        coding = []
        for _ in range(rng.randrange(count + 1)):
            start = rng.randrange(length)
            coding.append((start, min(length, start + rng.randrange(1, max_len + 1))))
        codings.append(coding)
    return codings


def character_rows(documents: list, raters: int) -> list[list[int]]:
    """Reliability data for the krippendorff package: one row per rater, one column per character."""
    rows: list[list[int]] = [[] for _ in range(raters)]
    for length, codings in documents:
        for row, coding in zip(rows, codings, strict=True):
            marks = [0] * length
            for start, end in coding:
                marks[start:end] = [1] * (end - start)
            row.extend(marks)
    return rows


def test_character_alpha_equals_the_krippendorff_package() -> None:
    krippendorff = pytest.importorskip("krippendorff")
    rng = random.Random(3)
    for raters in (2, 3, 4):
        for _ in range(20):
            documents = [(n, random_codings(rng, raters, n, 5, 8)) for n in (rng.randrange(15, 60) for _ in range(3))]
            rows = character_rows(documents, raters)
            actual = character_alpha(documents)
            if actual is None:  # one value only: alpha is undefined (the package refuses such data)
                assert len({value for row in rows for value in row}) == 1
                continue
            expected = krippendorff.alpha(reliability_data=rows, level_of_measurement="nominal")
            assert actual == pytest.approx(expected, abs=1e-9)


def test_unitizing_alpha_of_one_character_units_is_nominal_alpha() -> None:
    # When every unit is one character long, alpha_U reduces to the nominal alpha over characters
    # (D_o and D_e are both the character-level ones divided by L), the case the package covers.
    krippendorff = pytest.importorskip("krippendorff")
    rng = random.Random(5)
    for raters in (2, 3):
        for _ in range(20):
            documents = []
            for length in (rng.randrange(10, 40) for _ in range(2)):
                coded = [sorted(rng.sample(range(length), rng.randrange(1, length // 2))) for _ in range(raters)]
                documents.append((length, [[(p, p + 1) for p in positions] for positions in coded]))
            expected = krippendorff.alpha(
                reliability_data=character_rows(documents, raters), level_of_measurement="nominal"
            )
            assert unitizing_alpha(documents) == pytest.approx(expected, abs=1e-9)
            assert character_alpha(documents) == pytest.approx(expected, abs=1e-9)


def test_emoji_and_combining_characters_keep_code_point_offsets() -> None:
    text = "Café 👍 said e\u0301te\u0301 \U0001f469\u200d\U0001f52c: “42 rockets”."
    start = text.index("“")
    end = text.index("”") + 1
    inner = text.index("42")
    doc = DocumentSpans(
        "emoji",
        len(text),
        {
            "alice": spans((start, end, "quote"), (inner, inner + 2, "number"), text=text),
            "bob": spans((start + 1, end - 1, "quote"), (inner, inner + 2, "number"), text=text),
        },
    )
    found = disagreements(doc, ["alice", "bob"])
    assert len(found) == 1
    assert (found[0]["start"], found[0]["end"]) == (start, end)
    assert found[0]["text"] == text[start:end] == "“42 rockets”"
    assert found[0]["annotators"]["alice"] == [f"quote [{start}, {end})", f"number [{inner}, {inner + 2})"]
    report = agreement_report([doc], ["alice", "bob"], LABELS)
    # Code points: the quote differs by one character at each end; 12 vs 10 characters, 10 shared.
    assert report["pairs"][0]["exact"]["labels"]["number"]["f1"] == 1.0
    n = len(text)
    assert report["pairs"][0]["kappa"]["quote"] == pytest.approx(cohen_kappa(n, 12, 10, 10))


def test_disagreement_groups_and_safe_text() -> None:
    text = "ab\x1b[31mcd\nef ghij klmn"
    doc = DocumentSpans(
        "d",
        len(text),
        {
            "alice": spans((0, 6, "claim"), (13, 17, "hedge"), text=text),
            "bob": spans((0, 6, "claim"), (13, 17, "hedge"), (18, 22, "number"), text=text),
            "carol": spans((2, 9, "claim"), (13, 17, "hedge"), text=text),
        },
    )
    found = disagreements(doc, ["alice", "bob", "carol"])
    # [0, 6) and [2, 9) overlap: one group where carol differs; [13, 17) all agree; [18, 22) only bob.
    assert [(d["start"], d["end"]) for d in found] == [(0, 9), (18, 22)]
    assert "\x1b" not in found[0]["text"] and "\n" not in found[0]["text"]
    assert len(found[0]["text"]) == 9  # replaced one for one, never dropped
    assert found[1]["annotators"] == {"alice": [], "bob": ["number [18, 22)"], "carol": []}


def test_pairs_use_only_shared_documents_and_joint_alpha_needs_everyone() -> None:
    full = spans((0, 5, "quote"))
    docs = [
        DocumentSpans("d1", 20, {"alice": full, "bob": full, "carol": full}),
        DocumentSpans("d2", 20, {"alice": full, "bob": spans((0, 4, "quote"))}),
        DocumentSpans("d3", 20, {"carol": full}),  # one annotator: nothing to compare
    ]
    report = agreement_report(docs, ["alice", "bob", "carol"], LABELS)
    by_pair = {(p["a"], p["b"]): p for p in report["pairs"]}
    assert report["documents"] == 2
    assert by_pair[("alice", "bob")]["documents"] == 2
    assert by_pair[("alice", "carol")]["documents"] == 1
    assert by_pair[("alice", "carol")]["exact"]["overall"]["f1"] == 1.0
    assert by_pair[("alice", "bob")]["exact"]["overall"]["f1"] == 0.5  # 1 of 2 each side
    assert report["overall"]["alpha_u_documents"] == 1
    assert report["overall"]["alpha_u"]["quote"] == 1.0  # d1 only, where all three agree
    # Micro over pairs: matched 1+1+1 = 3, spans 2+1+1 on each side.
    assert report["overall"]["exact"]["overall"]["matched"] == 3
    assert report["overall"]["exact"]["overall"]["a"] == 4


def brute_force_matching(a: list, b: list) -> int:
    """The largest one-to-one matching of overlapping intervals, by trying every assignment."""
    if not a:
        return 0
    (start, end), rest = a[0], a[1:]
    best = brute_force_matching(rest, b)  # a[0] unmatched
    for j, (s, e) in enumerate(b):
        if s < end and start < e:
            best = max(best, 1 + brute_force_matching(rest, b[:j] + b[j + 1 :]))
    return best


def test_overlap_matching_equals_brute_force_on_random_spans() -> None:
    rng = random.Random(9)
    for _ in range(300):
        a, b = random_codings(rng, 2, 30, 6, 10)
        assert overlap_matches(a, b) == brute_force_matching(a, b), (a, b)


def test_touching_spans_are_separate_groups() -> None:
    # [0, 3) and [3, 6) share no character: the agreed quote is not part of the claim's disagreement.
    doc = DocumentSpans("t", 20, {"alice": spans((0, 3, "quote"), (3, 6, "claim")), "bob": spans((0, 3, "quote"))})
    assert [(d["start"], d["end"], d["text"]) for d in disagreements(doc, ["alice", "bob"])] == [(3, 6, "def")]
