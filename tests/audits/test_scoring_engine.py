"""The scoring engine, table-driven: every star boundary, the rounding rule, exclusions, sampled
indicators, special items and the veto."""

from __future__ import annotations

from decimal import ROUND_DOWN
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audits.scoring import DEFAULT_THRESHOLDS, IndicatorEntry, ScoringError, Thresholds, evaluate, format_points


def one(awarded: str, max_points: str = "1000") -> list[IndicatorEntry]:
    """A sheet of a single indicator worth 1000 points: the total is what is awarded."""
    return [IndicatorEntry("5.1.1", D(max_points), awarded=D(awarded))]


# (awarded of 1000, deductions, bonuses, expected total, expected star level)
BOUNDARIES = [
    ("1000", 0, 0, "1000.00", 5),
    ("950", 0, 0, "950.00", 5),
    ("949.99", 0, 0, "949.99", 4),
    ("900", 0, 0, "900.00", 4),
    ("899.99", 0, 0, "899.99", 3),
    ("800", 0, 0, "800.00", 3),
    ("799.99", 0, 0, "799.99", 2),
    ("700", 0, 0, "700.00", 2),
    ("699.99", 0, 0, "699.99", 0),
    ("699.9", 0, 0, "699.90", 0),
    ("0", 0, 0, "0.00", 0),
    # The level is decided on the exact total; the total shown is cut to two decimals, never rounded
    # up, so it never suggests a level that was not reached.
    ("949.995", 0, 0, "949.99", 4),
    ("949.9999", 0, 0, "949.99", 4),
    ("949.9949", 0, 0, "949.99", 4),
    ("699.995", 0, 0, "699.99", 0),
    ("699.9949", 0, 0, "699.99", 0),
    ("900.125", 0, 0, "900.12", 4),
    ("900.139", 0, 0, "900.13", 4),
    # Special deductions and the bonus move the total across thresholds.
    ("960", 1, 0, "950.00", 5),
    ("959.99", 1, 0, "949.99", 4),
    ("940", 0, 1, "950.00", 5),
    ("939.99", 0, 1, "949.99", 4),
    ("710", 1, 0, "700.00", 2),
    ("709.99", 1, 0, "699.99", 0),
    ("1000", 4, 0, "960.00", 5),
    ("1000", 2, 1, "990.00", 5),
    # The veto: five special deductions fail whatever the total.
    ("1000", 5, 0, "950.00", 0),
    ("1000", 5, 1, "960.00", 0),
    ("1000", 7, 0, "930.00", 0),
    # The total stays within 0..1000.
    ("1000", 0, 1, "1000.00", 5),
    ("995", 0, 1, "1000.00", 5),
    ("30", 4, 0, "0.00", 0),
]


@pytest.mark.parametrize(("awarded", "deductions", "bonuses", "total", "stars"), BOUNDARIES)
def test_boundaries(awarded: str, deductions: int, bonuses: int, total: str, stars: int) -> None:
    result = evaluate(one(awarded), deductions=deductions, bonuses=bonuses)
    assert result.total == D(total)
    assert str(result.total) == total, "always two decimals"
    assert result.star_level == stars
    assert result.vetoed == (deductions >= 5)
    assert result.certifiable == (stars > 0)


def test_excluded_indicators_drop_out_of_the_applicable_points() -> None:
    entries = [
        IndicatorEntry("5.2.3", D(100), excluded=True),  # 配送: the company does not deliver
        IndicatorEntry("5.1.1", D(900), awarded=D(855)),
    ]
    result = evaluate(entries)
    assert result.applicable_points == D(900)
    assert result.total == D("950.00")
    assert result.star_level == 5
    assert result.complete


def test_exclusion_ignores_points_entered_before_excluding() -> None:
    entries = [
        IndicatorEntry("5.2.3", D(100), awarded=D(0), excluded=True),
        IndicatorEntry("5.1.1", D(900), awarded=D(900)),
    ]
    assert evaluate(entries).total == D("1000.00")


# (samples, failed, max points of the sampled indicator, expected earned)
SAMPLED = [
    (10, 0, "80", D(80)),
    (10, 10, "80", D(0)),
    (10, 1, "80", D(72)),
    (4, 1, "130", D("97.5")),
    (3, 1, "90", D(60)),
    (5, 0, "70", D(70)),
]


@pytest.mark.parametrize(("samples", "failed", "max_points", "earned"), SAMPLED)
def test_sampled_indicators_lose_points_in_proportion(samples: int, failed: int, max_points: str, earned: D) -> None:
    entry = IndicatorEntry("5.2.4", D(max_points), sampled=True, samples=samples, failed_samples=failed)
    result = evaluate([entry])
    assert result.indicators[0].earned == earned
    assert result.total == (earned / D(max_points) * 1000).quantize(D("0.01"), rounding=ROUND_DOWN)


def test_thirds_are_exact_until_the_total_is_shown() -> None:
    """1 of 3 samples failed on a 100-point indicator: 66.666…, kept exact; 966.666… is shown as 966.66."""
    entries = [
        IndicatorEntry("5.3.2", D(100), sampled=True, samples=3, failed_samples=1),
        IndicatorEntry("5.1.1", D(900), awarded=D(900)),
    ]
    result = evaluate(entries)
    assert result.earned == D(900) + D(200) / D(3)
    assert result.total == D("966.66")


def test_just_below_a_threshold_is_the_level_below_and_never_shows_the_threshold() -> None:
    """Proportional points plus awarded points whose exact base is 949.996: shown 949.99, four stars."""
    entries = [
        IndicatorEntry("a", D(3), sampled=True, samples=3, failed_samples=1),  # 2 of 3 points
        IndicatorEntry("b", D(997), awarded=D("947.996")),
    ]
    result = evaluate(entries)
    assert result.base == D("949.996")
    assert result.total == D("949.99")
    assert result.star_level == 4


def test_a_nonconforming_indicator_loses_its_whole_value() -> None:
    entries = [IndicatorEntry("5.1.1", D(50), awarded=D(0)), IndicatorEntry("5.1.2", D(950), awarded=D(950))]
    result = evaluate(entries)
    assert result.total == D("950.00")
    assert result.indicators[0].earned == D(0)


def test_unscored_indicators_are_listed_and_the_sheet_is_incomplete() -> None:
    entries = [
        IndicatorEntry("5.1.1", D(500), awarded=D(475)),
        IndicatorEntry("5.1.2", D(300)),
        IndicatorEntry("5.2.4", D(200), sampled=True),
    ]
    result = evaluate(entries)
    assert result.undecided == ("5.1.2", "5.2.4")
    assert not result.complete
    assert result.total == D("950.00"), "the rate achieved so far"


def test_a_sheet_with_everything_excluded_is_incomplete_and_scores_zero() -> None:
    result = evaluate([IndicatorEntry("5.1.1", D(1000), excluded=True)])
    assert result.total == D("0.00")
    assert not result.complete
    assert result.star_level == 0


def test_an_awarded_value_is_ignored_on_a_sampled_indicator_until_samples_are_given() -> None:
    result = evaluate([IndicatorEntry("5.2.4", D(80), sampled=True, awarded=D(80))])
    assert result.undecided == ("5.2.4",)


INVALID = [
    (IndicatorEntry("x", D(50), awarded=D("50.01")), "between 0 and 50"),
    (IndicatorEntry("x", D(50), awarded=D(-1)), "between 0 and 50"),
    (IndicatorEntry("x", D(50), sampled=True, samples=0, failed_samples=0), "at least one sample"),
    (IndicatorEntry("x", D(50), sampled=True, samples=4, failed_samples=5), "failed samples"),
    (IndicatorEntry("x", D(50), sampled=True, samples=4, failed_samples=-1), "failed samples"),
    (IndicatorEntry("x", D(0), awarded=D(0)), "more than 0 points"),
]


@pytest.mark.parametrize(("entry", "message"), INVALID)
def test_entries_the_rules_do_not_allow_are_refused(entry: IndicatorEntry, message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        evaluate([entry])


def test_at_most_one_special_bonus() -> None:
    with pytest.raises(ScoringError, match="at most 1"):
        evaluate(one("900"), bonuses=2)


def test_negative_special_items_are_refused() -> None:
    with pytest.raises(ScoringError):
        evaluate(one("900"), deductions=-1)


def test_configurable_thresholds() -> None:
    strict = Thresholds(
        levels=((5, D(970)), (4, D(920)), (3, D(850)), (2, D(750))), veto_deductions=3, deduction_points=D(20)
    )
    assert evaluate(one("960"), thresholds=strict).star_level == 4
    assert evaluate(one("749.99"), thresholds=strict).star_level == 0
    result = evaluate(one("1000"), deductions=3, thresholds=strict)
    assert (result.total, result.vetoed, result.star_level) == (D("940.00"), True, 0)


def test_default_thresholds_are_the_seeds() -> None:
    assert DEFAULT_THRESHOLDS.levels == ((5, 950), (4, 900), (3, 800), (2, 700))
    assert DEFAULT_THRESHOLDS.veto_deductions == 5


@given(
    awarded=st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=15),
    deductions=st.integers(min_value=0, max_value=8),
    bonus=st.booleans(),
)
def test_total_stays_in_range_and_stars_follow_it(awarded: list[int], deductions: int, bonus: bool) -> None:
    entries = [IndicatorEntry(str(i), D(100), awarded=D(points)) for i, points in enumerate(awarded)]
    result = evaluate(entries, deductions=deductions, bonuses=int(bonus))
    assert D(0) <= result.total <= D(1000)
    assert result.total == result.total.quantize(D("0.01"))
    if deductions >= 5:
        assert result.star_level == 0
    else:
        assert result.star_level == DEFAULT_THRESHOLDS.star_level(result.total)


@pytest.mark.parametrize(
    ("value", "text"),
    [(D("1000.00"), "1000"), (D("97.50"), "97.5"), (D("64.40"), "64.4"), (D("0.00"), "0"), (50, "50")],
)
def test_points_are_shown_without_trailing_zeros(value: D, text: str) -> None:
    assert format_points(value) == text
