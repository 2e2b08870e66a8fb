"""The score sheet engine (GB/T 27922 clause 6): the auditor's entries in, the total out of 1000, the
star level and the veto out. A pure function on plain dataclasses: no database, no clock.

The rules, as the standard states them:
1. a nonconforming indicator loses its whole value (the auditor awards 0);
2. a sampled indicator loses value in proportion to its failed samples;
3. each special deduction (特别扣分项) costs 10 points of 1000 on top;
4. at most one special bonus (特别加分项) adds 10 points;
5. excluded indicators (删减) drop out: base = earned / applicable points × 1000;
6. veto: 5 or more special deductions fail the evaluation whatever the total.

Rounding: every intermediate value is exact (Decimal, 28 significant digits, nothing rounded on the
way). The star level is decided on the exact total (kept within 0..1000). What people see is that
total cut to two decimals, never rounded up, so a figure shown never suggests a level that was not
reached: an exact 949.995 is shown as 949.99 and earns four stars, 950 exactly earns five.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

FULL_MARKS = Decimal(1000)
CENT = Decimal("0.01")
NOT_CERTIFIED = 0


class ScoringError(ValueError):
    """An entry the rules do not allow (more points than the indicator has, more failures than samples...)."""


@dataclass(frozen=True)
class Thresholds:
    """The minimum total for each star level (highest first), and the special-item rules."""

    levels: tuple[tuple[int, Decimal], ...] = (
        (5, Decimal(950)),
        (4, Decimal(900)),
        (3, Decimal(800)),
        (2, Decimal(700)),
    )
    veto_deductions: int = 5
    deduction_points: Decimal = Decimal(10)
    bonus_points: Decimal = Decimal(10)
    max_bonuses: int = 1

    def star_level(self, total: Decimal) -> int:
        for stars, minimum in sorted(self.levels, key=lambda level: level[1], reverse=True):
            if total >= minimum:
                return stars
        return NOT_CERTIFIED


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class IndicatorEntry:
    """One second-level indicator as the auditor has scored it so far.

    Excluded: not applicable, whatever else is filled in. Sampled indicators are scored by `samples`
    and `failed_samples`; the others by `awarded` (0..max_points). Nothing filled in: not yet scored.
    """

    code: str
    max_points: Decimal
    sampled: bool = False
    awarded: Decimal | None = None
    excluded: bool = False
    samples: int | None = None
    failed_samples: int | None = None


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    max_points: Decimal
    applicable: bool
    decided: bool
    earned: Decimal | None


@dataclass(frozen=True)
class ScoreResult:
    indicators: tuple[IndicatorResult, ...]
    earned: Decimal
    applicable_points: Decimal
    base: Decimal
    deductions: int
    bonuses: int
    adjustment: Decimal
    total: Decimal
    star_level: int
    vetoed: bool
    undecided: tuple[str, ...] = field(default=())

    @property
    def complete(self) -> bool:
        """Every indicator scored or excluded, and at least one applicable."""
        return not self.undecided and self.applicable_points > 0

    @property
    def certifiable(self) -> bool:
        return self.star_level != NOT_CERTIFIED


def format_points(value: Decimal | int) -> str:
    """1000 rather than 1000.00, 97.5 rather than 97.50: at most two decimals, no trailing zeros."""
    text = str(truncate_points(Decimal(value)))
    return text.rstrip("0").rstrip(".") if "." in text else text


def truncate_points(value: Decimal) -> Decimal:
    """Two decimals, cut rather than rounded: 949.995 becomes 949.99, never 950.00."""
    return value.quantize(CENT, rounding=ROUND_DOWN)


def evaluate(
    entries: Sequence[IndicatorEntry],
    *,
    deductions: int = 0,
    bonuses: int = 0,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> ScoreResult:
    """Score a sheet. Indicators not yet scored count neither as earned nor as applicable: while the
    auditor is still working the total is the rate achieved so far, and `undecided` lists the rest."""
    if deductions < 0 or bonuses < 0:
        raise ScoringError("special items cannot be negative")
    if bonuses > thresholds.max_bonuses:
        raise ScoringError(f"at most {thresholds.max_bonuses} special bonus")
    results = tuple(_indicator_result(entry) for entry in entries)
    earned = sum((r.earned for r in results if r.applicable and r.earned is not None), Decimal(0))
    applicable = sum((r.max_points for r in results if r.applicable and r.decided), Decimal(0))
    base = earned / applicable * FULL_MARKS if applicable else Decimal(0)
    adjustment = bonuses * thresholds.bonus_points - deductions * thresholds.deduction_points
    exact_total = min(max(base + adjustment, Decimal(0)), FULL_MARKS)
    vetoed = deductions >= thresholds.veto_deductions
    return ScoreResult(
        indicators=results,
        earned=earned,
        applicable_points=applicable,
        base=base,
        deductions=deductions,
        bonuses=bonuses,
        adjustment=adjustment,
        total=truncate_points(exact_total),
        star_level=NOT_CERTIFIED if vetoed else thresholds.star_level(exact_total),
        vetoed=vetoed,
        undecided=tuple(r.code for r in results if not r.decided),
    )


def _indicator_result(entry: IndicatorEntry) -> IndicatorResult:
    if entry.max_points <= 0:
        raise ScoringError(f"{entry.code}: an indicator must be worth more than 0 points")
    if entry.excluded:
        return IndicatorResult(entry.code, entry.max_points, applicable=False, decided=True, earned=None)
    earned = _sampled_points(entry) if entry.sampled else _awarded_points(entry)
    return IndicatorResult(entry.code, entry.max_points, applicable=True, decided=earned is not None, earned=earned)


def _awarded_points(entry: IndicatorEntry) -> Decimal | None:
    if entry.awarded is None:
        return None
    if not Decimal(0) <= entry.awarded <= entry.max_points:
        raise ScoringError(f"{entry.code}: points must be between 0 and {entry.max_points}")
    return Decimal(entry.awarded)


def _sampled_points(entry: IndicatorEntry) -> Decimal | None:
    if entry.samples is None:
        return None
    failed = entry.failed_samples or 0
    if entry.samples < 1:
        raise ScoringError(f"{entry.code}: at least one sample is needed")
    if not 0 <= failed <= entry.samples:
        raise ScoringError(f"{entry.code}: failed samples must be between 0 and the number of samples")
    return entry.max_points * Decimal(entry.samples - failed) / Decimal(entry.samples)
