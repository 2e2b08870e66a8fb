"""The application forms in other pages: the card on the application page, form names in the timeline."""

from __future__ import annotations

from typing import Any

from django import template

from applications.models import Application, FormType
from applications.services.forms import forms_overview

register = template.Library()

# Before form preparation the application has no forms to show.
WITHOUT_FORMS = (Application.Status.DRAFT, Application.Status.INFO_SUBMITTED)


@register.inclusion_tag("applications/forms/includes/forms_card.html")
def forms_card(application: Application) -> dict[str, Any]:
    states = forms_overview(application)
    return {
        "application": application,
        "generated_count": sum(state.generated for state in states),
        "signed_count": sum(state.signed for state in states),
        "outdated": [state.label for state in states if state.signature_outdated],
    }


@register.filter
def has_forms(application: Application) -> bool:
    return application.status not in WITHOUT_FORMS and application.forms.exists()


@register.filter
def form_label(form_type: str) -> str:
    try:
        return str(FormType(form_type).label)
    except ValueError:
        return form_type


@register.filter
def form_versions(forms: list[dict[str, Any]]) -> str:
    """The forms of a "forms generated" event, as the timeline names them: "name v1、name v2"."""
    return "、".join(f"{form_label(item['form'])} v{item['version']}" for item in forms)
