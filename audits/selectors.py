"""Reads the audit pages need, with their queries in one place (no queries in templates or tags)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from applications.checklist import ItemState, checklist_for
from applications.models import Application, EvidenceFile, EvidenceItem
from applications.selectors import has_forms
from applications.services.forms import FormState, forms_overview
from audits import scoring
from audits.models import Certificate, Finding, Indicator, ScoreSheet, SpecialItem
from certportal.accounts.models import User

Status = Application.Status


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


def audit_panel(application: Application, user: User) -> dict[str, Any]:
    """The audits' box on the application page: review, rounds, findings, score, certificate (three queries)."""
    rounds = list(application.audit_rounds.order_by("number"))
    findings = list(application.findings.values_list("grade", "status"))
    return {
        "application": application,
        "rounds": rounds,
        "rounds_done": sum(1 for r in rounds if r.is_done),
        "open_findings": sum(1 for _grade, status in findings if status != Finding.Status.CLOSED),
        "finding_count": len(findings),
        "certificate": Certificate.objects.filter(application=application).first(),
        "can_review": user.has_perm("audits.run_audits", application)
        and application.status in (Status.SUBMITTED, Status.UNDER_REVIEW),
        "can_see_score": user.has_perm("audits.view_score_sheet", application) and bool(rounds),
        "is_staff": user.is_body_staff,
    }


@dataclass
class ReviewItem:
    """A checklist item as the review shows it: where it stands and the accepted files to open."""

    state: ItemState
    accepted: list[EvidenceFile]


def review_evidence(application: Application) -> list[ReviewItem]:
    """The items the enterprise has had to show so far, each with its accepted current files
    (the checklist's constant number of queries)."""
    checklist = checklist_for(application)
    phases = [EvidenceItem.Phase.APPLICATION]
    if checklist.pre_audit_open:
        phases.append(EvidenceItem.Phase.PRE_AUDIT)
    return [
        ReviewItem(state=state, accepted=[f for f in state.files if f.status == EvidenceFile.Status.ACCEPTED])
        for state in checklist.items
        if state.item.phase in phases
    ]


def review_forms(application: Application) -> list[FormState]:
    """The six forms with their latest signature (signed in the portal or a scan), once they exist."""
    return forms_overview(application) if has_forms(application) else []
