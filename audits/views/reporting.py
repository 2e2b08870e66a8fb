"""The body manager's export of certificate data for the national platform, and the exports made."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.access import require_body_manager
from audits.forms.reporting import PlatformExportForm
from audits.models import PlatformExport
from audits.services import reporting
from certportal.lib.http import AuthenticatedHttpRequest
from certportal.lib.spreadsheets import csv_writer, xlsx_content

RECENT_EXPORTS = 50


def platform_export_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the form and the exports made; POST: the file for the period, recorded as an export."""
    require_body_manager(request.user)
    today = timezone.localdate()
    form = PlatformExportForm(request.POST or None, initial={"date_from": today.replace(day=1), "date_to": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        export, table = reporting.platform_export(
            actor=request.user, date_from=data["date_from"], date_to=data["date_to"], file_format=data["file_format"]
        )
        return _file(export, table)
    exports = PlatformExport.objects.select_related("exported_by")[:RECENT_EXPORTS]
    return render(request, "audits/reporting/platform_export.html", {"form": form, "exports": exports})


def _file(export: PlatformExport, table: list[list[Any]]) -> HttpResponse:
    name = f"national-platform-{export.date_from:%Y%m%d}-{export.date_to:%Y%m%d}.{export.file_format}"
    if export.file_format == "xlsx":
        response = HttpResponse(
            xlsx_content(_("Certificates"), table),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese text correctly only with a BOM
        writer = csv_writer(response)
        for line in table:
            writer.writerow(line)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
