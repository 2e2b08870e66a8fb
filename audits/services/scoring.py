"""The score sheet: created on the current indicator version, scored indicator by indicator, plus
special deductions and the special bonus. The engine (audits.scoring) computes the result."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from applications.models import Application
from audits import scoring
from audits.models import Indicator, IndicatorScore, ScoreSheet, SpecialItem
from audits.services.rounds import AUDITORS_ONLY, is_auditor
from certportal.accounts.models import User
from certportal.lib.guards import enforce

Status = Application.Status
# The auditors score during the remote audits and the evaluation; after that the sheet is read-only
# (a certifier can send the application back to evaluation).
SCORING_STATUSES = (Status.REMOTE_AUDIT, Status.EVALUATION)


def score_sheet_change_problem(sheet: ScoreSheet, actor: User) -> str | None:
    """Why this actor cannot score, add special items or write the recommendation now."""
    if not is_auditor(actor, sheet.application):
        return str(AUDITORS_ONLY)
    if sheet.application.status not in SCORING_STATUSES:
        return _("The score sheet can be changed during the remote audits and the evaluation only.")
    return None


def require_scoring(sheet: ScoreSheet, actor: User) -> None:
    enforce(score_sheet_change_problem(sheet, actor), permitted=is_auditor(actor, sheet.application))


@dataclass
class IndicatorInput:
    awarded: Decimal | None = None
    excluded: bool = False
    exclusion_reason: str = ""
    samples: int | None = None
    failed_samples: int | None = None
    note: str = ""


def indicator_score_save(
    *, sheet: ScoreSheet, indicator: Indicator, actor: User, values: IndicatorInput
) -> IndicatorScore:
    """Record what the auditor found for one indicator. Leaving everything empty un-scores it."""
    require_scoring(sheet, actor)
    if indicator.version_id != sheet.version_id or indicator.parent_id is None:
        raise ValidationError(_("This indicator is not on this score sheet."))
    _check_values(indicator, values)
    entry, _created = IndicatorScore.objects.update_or_create(
        sheet=sheet,
        indicator=indicator,
        defaults={
            "awarded": None if indicator.sampled else values.awarded,
            "excluded": values.excluded,
            "exclusion_reason": values.exclusion_reason.strip() if values.excluded else "",
            "samples": values.samples if indicator.sampled else None,
            "failed_samples": (values.failed_samples or 0)
            if indicator.sampled and values.samples is not None
            else None,
            "note": values.note.strip(),
            "scored_by": actor,
        },
    )
    return entry


def _check_values(indicator: Indicator, values: IndicatorInput) -> None:
    errors: dict[str, list[str]] = {}
    if values.excluded:
        if not values.exclusion_reason.strip():
            errors["exclusion_reason"] = [_("Say why this indicator does not apply to the enterprise.")]
    elif indicator.sampled:
        if values.samples is not None and values.samples < 1:
            errors["samples"] = [_("At least one sample.")]
        elif values.samples is not None and not 0 <= (values.failed_samples or 0) <= values.samples:
            errors["failed_samples"] = [_("Between 0 and the number of samples.")]
        elif values.samples is None and values.failed_samples:
            errors["samples"] = [_("How many samples were checked?")]
    elif values.awarded is not None and not Decimal(0) <= values.awarded <= indicator.max_points:
        errors["awarded"] = [_("Between 0 and %(max)s points.") % {"max": scoring.format_points(indicator.max_points)}]
    if errors:
        raise ValidationError(errors)


def special_item_add(
    *, sheet: ScoreSheet, actor: User, kind: str, reason: str, required_correction: str = ""
) -> SpecialItem:
    """A special deduction (with the correction it requires) or the one special bonus."""
    require_scoring(sheet, actor)
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = [_("Please give the reason.")]
    if kind == SpecialItem.Kind.DEDUCTION and not required_correction.strip():
        errors["required_correction"] = [_("A special deduction must say what the enterprise has to correct.")]
    if kind not in SpecialItem.Kind.values:
        errors["kind"] = [_("Choose a deduction or the bonus.")]
    if errors:
        raise ValidationError(errors)
    bonus_taken = _("The score sheet already has its special bonus: at most one is allowed.")
    if kind == SpecialItem.Kind.BONUS and sheet.special_items.filter(kind=kind).exists():
        raise ValidationError({"kind": [bonus_taken]})
    try:
        with transaction.atomic():
            return SpecialItem.objects.create(
                sheet=sheet,
                kind=kind,
                reason=reason.strip(),
                required_correction=required_correction.strip() if kind == SpecialItem.Kind.DEDUCTION else "",
                created_by=actor,
            )
    except IntegrityError as error:  # two auditors adding a bonus at the same moment
        raise ValidationError({"kind": [bonus_taken]}) from error


def special_item_delete(*, item: SpecialItem, actor: User) -> None:
    require_scoring(item.sheet, actor)
    item.delete()


def recommendation_save(*, sheet: ScoreSheet, actor: User, text: str) -> ScoreSheet:
    """The auditors' recommendation to the certifier."""
    require_scoring(sheet, actor)
    sheet.recommendation = text.strip()
    sheet.save(update_fields=["recommendation", "updated_at"])
    return sheet
