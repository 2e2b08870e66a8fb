"""How audits and certificates look: stars, status badges, round names, and the audit panel on the
application page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from applications.models import Application
from audits import selectors
from audits.models import AuditRound, Certificate, Finding
from audits.models.certificates import STAR_NAMES
from audits.models.rounds import ROUND_NAMES
from audits.scoring import format_points
from audits.services.complaints import is_member
from audits.services.decisions import certification_decide_problem

register = template.Library()

CERTIFICATE_COLOURS: dict[str, str] = {
    Certificate.Status.VALID: "success",
    Certificate.Status.SUSPENDED: "warning",
    Certificate.Status.WITHDRAWN: "danger",
    Certificate.Status.CANCELLED: "secondary",
    Certificate.Status.EXPIRED: "dark",
}
GRADE_COLOURS: dict[str, str] = {
    Finding.Grade.SERIOUS: "danger",
    Finding.Grade.GENERAL: "warning",
    Finding.Grade.OBSERVATION: "info",
}
SCHEDULE_COLOURS: dict[str, str] = {
    AuditRound.Schedule.UNSCHEDULED: "secondary",
    AuditRound.Schedule.PROPOSED: "warning",
    AuditRound.Schedule.CONFIRMED: "success",
    AuditRound.Schedule.CHANGE_REQUESTED: "danger",
}
Status = Application.Status


@register.simple_tag
def stars(count: int) -> SafeString:
    """The star level as stars, with its name for screen readers."""
    name = STAR_NAMES.get(count, "")
    if not count:
        return format_html('<span class="text-secondary">{}</span>', name)
    return format_html(
        '<span class="stars" title="{}"><span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></span>',
        name,
        "★" * count,
        name,
    )


@register.filter
def star_name(count: int) -> str | Promise:
    return STAR_NAMES.get(count, "")


@register.filter
def round_name(number: int) -> str | Promise:
    return ROUND_NAMES.get(int(number), str(number))


@register.simple_tag
def certificate_badge(certificate: Certificate, today: Any = None) -> SafeString:
    status = certificate.effective_status(today)
    colour = CERTIFICATE_COLOURS[status]
    text_class = " text-dark" if colour == "warning" else ""
    return format_html(
        '<span class="badge text-bg-{}{} certificate-status" data-status="{}">{}</span>',
        colour,
        text_class,
        status,
        Certificate.Status(status).label,
    )


@register.simple_tag
def grade_badge(finding: Finding) -> SafeString:
    colour = GRADE_COLOURS[finding.grade]
    text_class = " text-dark" if colour in {"warning", "info"} else ""
    return format_html('<span class="badge text-bg-{}{}">{}</span>', colour, text_class, finding.get_grade_display())


@register.simple_tag
def schedule_badge(audit_round: AuditRound) -> SafeString:
    if audit_round.is_done:
        return format_html('<span class="badge text-bg-success round-status" data-status="done">{}</span>', _("Done"))
    colour = SCHEDULE_COLOURS[audit_round.schedule_status]
    text_class = " text-dark" if colour == "warning" else ""
    return format_html(
        '<span class="badge text-bg-{}{} round-status" data-status="{}">{}</span>',
        colour,
        text_class,
        audit_round.schedule_status,
        audit_round.get_schedule_status_display(),
    )


@register.filter
def points(value: Any) -> str:
    """1000 instead of 1000.00, 97.5 instead of 97.50, two decimals at most."""
    if value is None or value == "":
        return "—"
    return format_points(value)


@register.simple_tag
def agenda_list(items: list[str]) -> SafeString:
    return format_html('<ol class="mb-0">{}</ol>', format_html_join("", "<li>{}</li>", ((item,) for item in items)))


@register.inclusion_tag("audits/includes/application_panel.html", takes_context=True)
def audit_panel(context: dict[str, Any], application: Application) -> dict[str, Any]:
    """The audits' box on the application page (its reads: audits.selectors), with the decision's guard."""
    user = context["request"].user
    return {
        **selectors.audit_panel(application, user),
        "decide_problem": certification_decide_problem(application, user),
        # A refusal has no certificate page: its appeal is offered here (the page says whether it is still open).
        "appeal_offered": application.status == Application.Status.NOT_CERTIFIED and is_member(user, application),
    }


@register.filter
def certificate_status_name(status: str) -> str | Promise:
    return Certificate.Status(status).label if status in Certificate.Status.values else status


@register.filter
def effective_status(certificate: Certificate, today: Any = None) -> str:
    return certificate.effective_status(today)
