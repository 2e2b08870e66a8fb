"""Reads of the application page's cards, with their queries in one place (the template tags that
show them only call these). The dashboards, the progress page and the to-do list have their own
read modules: applications/dashboard.py, progress.py and todo.py."""

from __future__ import annotations

from typing import Any

from applications.checklist import checklist_for
from applications.models import Application, Enterprise, EvidenceItem
from applications.services.application import application_start_problem
from applications.services.forms import forms_overview
from certportal.accounts.models import User

# Before form preparation the application has no forms to show.
WITHOUT_FORMS = (Application.Status.DRAFT, Application.Status.INFO_SUBMITTED)


def evidence_summary(application: Application, user: User) -> dict[str, Any]:
    """The evidence card: progress, and what to do next (items sent back first, with the reasons)."""
    checklist = checklist_for(application)
    return {
        "application": application,
        "checklist": checklist,
        "progress": checklist.progress(),
        "pre_audit_progress": checklist.progress(EvidenceItem.Phase.PRE_AUDIT),
        "next_items": checklist.open_states[:5],
        "more": max(0, len(checklist.open_states) - 5),
        "is_reviewer": user.has_perm("applications.review_evidence", application),
    }


def forms_card(application: Application) -> dict[str, Any]:
    """The forms card: how many of the six are generated and signed, and which changed after signing."""
    states = forms_overview(application)
    return {
        "application": application,
        "generated_count": sum(state.generated for state in states),
        "signed_count": sum(state.signed for state in states),
        "outdated": [state.label for state in states if state.signature_outdated],
    }


def has_forms(application: Application) -> bool:
    return application.status not in WITHOUT_FORMS and application.forms.exists()


def start_offer(enterprise: Enterprise, user: User) -> dict[str, Any]:
    """What a page offers for starting an application: the button when the guard allows it, else
    (while one is open) a link to that application."""
    return {
        "start_problem": application_start_problem(enterprise, user),
        "open_application": Application.objects.filter(enterprise=enterprise).open().first(),
    }
