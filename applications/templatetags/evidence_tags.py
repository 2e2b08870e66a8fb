"""How evidence looks: item labels and titles in the reader's language, status badges, file icons,
and the compact summary card on the application page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from applications import selectors, services
from applications.checklist import ItemState
from applications.models import Application, EvidenceFile, evidence
from certportal.accounts.models import User
from certportal.lib.jobs import JobState

register = template.Library()

ITEM_STATUS = {
    "complete": ("success", "check-circle"),
    "review": ("info", "hourglass-split"),
    "rejected": ("danger", "arrow-counterclockwise"),
    "todo": ("secondary", "circle"),
}
FILE_STATUS: dict[str, str] = {
    EvidenceFile.Status.PENDING: "info",
    EvidenceFile.Status.ACCEPTED: "success",
    EvidenceFile.Status.REJECTED: "danger",
    EvidenceFile.Status.WITHDRAWN: "secondary",
}
FAMILY_ICONS = {
    "pdf": "file-earmark-pdf",
    "image": "file-earmark-image",
    "word": "file-earmark-word",
    "excel": "file-earmark-excel",
    "powerpoint": "file-earmark-ppt",
    "ofd": "file-earmark-text",
}


def _english() -> bool:
    return (get_language() or "").startswith("en")


def item_status_label(status: str) -> str:
    return {
        "complete": _("Complete"),
        "review": _("Awaiting review"),
        "rejected": _("Sent back"),
        "todo": _("To do"),
    }[status]


@register.filter
def item_label(code: str) -> str:
    """The item's number as people say it: 第 2 项 / No. 2; pre-audit codes (P1…) as they are."""
    return evidence.item_label(code)


@register.filter
def event_item_title(data: dict[str, Any]) -> str:
    """The item of an evidence event, in the reader's language."""
    title = data.get("title_en") if _english() else data.get("title_zh")
    return f"{item_label(data.get('item', ''))} {title or data.get('title_zh', '')}"


@register.simple_tag
def item_status_badge(state: ItemState) -> SafeString:
    colour, icon = ITEM_STATUS[state.status]
    return format_html(
        '<span class="badge text-bg-{} item-status" data-status="{}">'
        '<i class="bi bi-{}" aria-hidden="true"></i> {}</span>',
        colour,
        state.status,
        icon,
        item_status_label(state.status),
    )


@register.simple_tag
def file_status_badge(evidence: EvidenceFile) -> SafeString:
    return format_html(
        '<span class="badge text-bg-{} file-status" data-status="{}">{}</span>',
        FILE_STATUS.get(evidence.status, "secondary"),
        evidence.status,
        evidence.get_status_display(),
    )


@register.filter
def family_icon(family: str) -> str:
    return FAMILY_ICONS.get(family, "file-earmark")


@register.inclusion_tag("applications/evidence/includes/summary_card.html", takes_context=True)
def evidence_summary(context: dict[str, Any], application: Application) -> dict[str, Any]:
    """The evidence card on the application page (its reads: applications.selectors)."""
    return selectors.evidence_summary(application, context["request"].user)


@register.filter
def thumbnail_job(evidence: EvidenceFile) -> JobState:
    """The job state of a file's thumbnail and preview (the card polls while it is waited on)."""
    return services.evidence_thumbnail_job(evidence)


@register.simple_tag
def thumbnail_may_retry(evidence: EvidenceFile, user: User) -> bool:
    return services.evidence_thumbnail_retry_problem(evidence, user) is None
