"""The application forms in other pages: the card on the application page, form names in the timeline."""

from __future__ import annotations

from typing import Any

from django import template

from applications import selectors
from applications.models import Application, FormType
from certportal.lib.text import join_list

register = template.Library()


@register.inclusion_tag("applications/forms/includes/forms_card.html")
def forms_card(application: Application) -> dict[str, Any]:
    """The forms card on the application page (its reads: applications.selectors)."""
    return selectors.forms_card(application)


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
