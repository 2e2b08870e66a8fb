"""How application statuses look: one colour per stage."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from applications.models import Application
from applications.profile import id_number_shown

register = template.Library()

Status = Application.Status

STATUS_COLOURS: dict[str, str] = {
    Status.DRAFT: "secondary",
    Status.INFO_SUBMITTED: "info",
    Status.FORMS_PREPARATION: "info",
    Status.AWAITING_SIGNATURE: "warning",
    Status.SUBMITTED: "primary",
    Status.UNDER_REVIEW: "primary",
    Status.RETURNED: "warning",
    Status.AUDIT_PREPARATION: "primary",
    Status.REMOTE_AUDIT: "primary",
    Status.EVALUATION: "primary",
    Status.DECISION: "primary",
    Status.CERTIFIED: "success",
    Status.NOT_CERTIFIED: "danger",
    Status.WITHDRAWN: "dark",
}

PACE_COLOURS = {"on_track": "success", "at_risk": "warning", "late": "danger"}


@register.simple_tag
def status_badge(application: Application) -> SafeString:
    colour = STATUS_COLOURS.get(application.status, "secondary")
    text_class = " text-dark" if colour in {"warning", "info"} else ""
    return format_html(
        '<span class="badge text-bg-{}{} status-badge" data-status="{}">{}</span>',
        colour,
        text_class,
        application.status,
        application.get_status_display(),
    )


@register.filter
def pace_colour(pace: str) -> str:
    return PACE_COLOURS.get(pace, "secondary")


@register.filter
def id_number(number: str, in_full: bool = False) -> str:
    """`{{ manager.id_number|id_number:show_id_numbers }}`, the flag from profile.id_numbers_in_full;
    without it (documents) the number is masked."""
    return id_number_shown(number, in_full=bool(in_full))
