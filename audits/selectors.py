"""Reads the audit pages need, with their queries in one place (no queries in templates or tags)."""

from __future__ import annotations

from audits import scoring
from audits.models import Indicator, ScoreSheet, SpecialItem


def scored_indicators(sheet: ScoreSheet) -> list[Indicator]:
    """The second-level indicators of the sheet's version, in order, with their first level."""
    return list(
        sheet.version.indicators.filter(parent__isnull=False).select_related("parent").order_by("position", "code")
    )


def score_sheet_result(sheet: ScoreSheet) -> scoring.ScoreResult:
    """The scoring engine's verdict on what has been entered so far (two queries)."""
    indicators = scored_indicators(sheet)
    entries = {entry.indicator_id: entry for entry in sheet.entries.all()}
    specials = list(sheet.special_items.values_list("kind", flat=True))
    return scoring.evaluate(
        [entries[i.pk].entry(i) if i.pk in entries else scoring.IndicatorEntry(i.code, i.max_points, i.sampled)
         for i in indicators],
        deductions=specials.count(SpecialItem.Kind.DEDUCTION),
        bonuses=specials.count(SpecialItem.Kind.BONUS),
        thresholds=sheet.version.thresholds(),
    )  # fmt: skip
