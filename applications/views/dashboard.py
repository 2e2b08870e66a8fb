"""The consultant's dashboard (their home) and its CSV and Excel exports."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from itertools import chain
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from applications import dashboard
from applications.dashboard import FORM_COUNT, PACES, Filters
from applications.models import Application
from applications.progress import Party
from certportal.lib.http import AuthenticatedHttpRequest
from certportal.lib.spreadsheets import csv_writer, xlsx_content

EXPORT_CHUNK = 2000


def _require_consultant(request: AuthenticatedHttpRequest) -> None:
    user = request.user
    if not (user.is_consultant or user.is_superuser):
        raise PermissionDenied(_("The dashboard is for consultants."))


@require_safe
def consultant_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_consultant(request)
    filters = Filters.from_params(request.GET.dict())
    page = Paginator(dashboard.rows(request.user, filters), dashboard.PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    summary = dashboard.summary(request.user, today)
    context = {
        "page": page,
        "rows": [_row(application, today) for application in page.object_list],
        "filters": filters,
        "query_string": urlencode(filters.as_params()),
        "summary": summary,
        "chart": {
            "labels": [label for _status, label, _count in summary.stage_counts],
            "counts": [count for _status, _label, count in summary.stage_counts],
            "title": _("Applications per stage"),
        },
        "stages": Application.Status.choices,
        "any_application": sum(count for _status, _label, count in summary.stage_counts) > 0,
        "parties": Party.LABELS.items(),
        "paces": PACES.items(),
        "form_count": FORM_COUNT,
        "columns": _columns(filters),
        # Each cell's column name, shown beside its value when the rows are cards (phones).
        "labels": dict(_column_labels()),
    }
    return render(request, "applications/dashboard.html", context)


def _columns(filters: Filters) -> list[dict[str, str]]:
    """Each column's header: a link that sorts by it (again: the other way round)."""
    base = {key: value for key, value in filters.as_params().items() if key != "sort"}
    columns = []
    for key, label in _column_labels():
        direction = "asc" if filters.sort == key else "desc" if filters.sort == f"-{key}" else ""
        target = f"-{key}" if direction == "asc" else key
        columns.append(
            {"key": key, "label": label, "direction": direction, "url": "?" + urlencode({**base, "sort": target})}
        )
    return columns


def _column_labels() -> list[tuple[str, str]]:
    return [
        ("enterprise", _("Enterprise")),
        ("reference", _("Reference")),
        ("stage", _("Stage")),
        ("evidence", _("Evidence")),
        ("forms", _("Forms signed")),
        ("next_audit", _("Next audit")),
        ("days", _("Days")),
        ("findings", _("Open findings")),
        ("activity", _("Last activity")),
        ("waiting", _("Waiting on")),
    ]


def _row(application: Application, today: datetime.date) -> dict[str, Any]:
    required, accepted = application.evidence_required, application.evidence_accepted
    return {
        "application": application,
        "evidence_percent": round(100 * accepted / required) if required else 0,
        "days": application.days_elapsed(today),
        "pace": application.pace(today),
        "pace_label": dashboard.pace_label(application.pace(today)),
        "waiting_label": Party.LABELS.get(application.waiting_on, ""),  # type: ignore[attr-defined]
    }


def _export_header() -> list[str]:
    return [
        _("Reference"),
        _("Enterprise"),
        _("Unified social credit code"),
        _("Stage"),
        _("Evidence items accepted"),
        _("Evidence items required"),
        _("Forms signed"),
        _("Next audit"),
        _("Started"),
        _("Days"),
        _("Pace"),
        _("Open findings"),
        _("Last activity"),
        _("Waiting on"),
    ]


def _export_values(application: Application, today: datetime.date) -> list[Any]:
    def local(moment: datetime.datetime | None) -> str:
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""

    return [
        application.reference,
        application.enterprise.name,
        application.enterprise.uscc,
        application.get_status_display(),
        application.evidence_accepted,
        application.evidence_required,
        application.forms_signed,  # type: ignore[attr-defined]
        local(application.next_audit_at),  # type: ignore[attr-defined]
        timezone.localdate(application.created_at).isoformat(),
        application.days_elapsed(today),
        str(dashboard.pace_label(application.pace(today))),
        application.open_findings,  # type: ignore[attr-defined]
        local(application.last_activity_at),  # type: ignore[attr-defined]
        str(Party.LABELS.get(application.waiting_on, "")),  # type: ignore[attr-defined]
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _export_name(extension: str) -> str:
    return f"applications-{timezone.localdate():%Y%m%d}.{extension}"


@require_safe
def dashboard_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered list, every page of it: CSV streamed row by row, or an Excel workbook."""
    _require_consultant(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    filters = Filters.from_params(request.GET.dict())
    applications = dashboard.rows(request.user, filters)
    today = timezone.localdate()
    if fmt == "xlsx":
        return _xlsx(applications, today)
    writer = csv_writer(_Echo())

    def lines() -> Iterator[str]:
        # A byte-order mark so that Excel opens the UTF-8 file with its Chinese intact.
        yield "\ufeff" + writer.writerow(_export_header())
        for application in applications.iterator(chunk_size=EXPORT_CHUNK):
            yield writer.writerow(_export_values(application, today))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name("csv")}"'
    return response


def _xlsx(applications: Any, today: datetime.date) -> HttpResponse:
    rows = (_export_values(application, today) for application in applications.iterator(chunk_size=EXPORT_CHUNK))
    response = HttpResponse(
        xlsx_content(_("Applications"), chain([_export_header()], rows)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name("xlsx")}"'
    return response
