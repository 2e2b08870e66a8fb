"""The application forms in other pages: the card on the application page, form names in the timeline,
the job state of a version."""

from __future__ import annotations

from typing import Any

from django import template

from applications import selectors, services
from applications.models import Application, FormRendition, FormType
from certportal.accounts.models import User
from certportal.lib.jobs import JobState
from certportal.lib.text import join_list

register = template.Library()


@register.inclusion_tag("applications/forms/includes/forms_card.html")
def forms_card(application: Application) -> dict[str, Any]:
    """The forms card on the application page (its reads: applications.selectors)."""
    return selectors.forms_card(application)


@register.filter
def rendition_job(rendition: FormRendition) -> JobState:
    """The job state of a generated version, for the badge of a row."""
    return services.rendition_job(rendition)


@register.simple_tag
def rendition_may_retry(rendition: FormRendition, user: User) -> bool:
    return services.rendition_retry_problem(rendition, user) is None


@register.filter
def has_forms(application: Application) -> bool:
    return selectors.has_forms(application)


@register.filter
def form_label(form_type: str) -> str:
    try:
        return str(FormType(form_type).label)
    except ValueError:
        return form_type


@register.filter
def form_versions(forms: list[dict[str, Any]]) -> str:
    """The forms of a "forms generated" event, as the timeline names them: "name v1、name v2"."""
    return join_list(f"{form_label(item['form'])} v{item['version']}" for item in forms)
