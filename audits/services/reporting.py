"""The export of certificate data for the national certification information platform: every
certificate issued, changed, suspended, reinstated, withdrawn, cancelled or expired within a period,
one row per change, in the columns (order and headings) of the platform's template; each export is
recorded with who made it, when, and which certificates it held."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audits.models import Certificate, CertificateEvent, PlatformExport, ReportColumn
from certportal.accounts.models import User
from certportal.lib.guards import enforce

PROJECT = _("After-sales service certification")
Status = Certificate.Status
# A context: these are the kinds of change the platform is told of, not statuses of anything else.
CHANGES: dict[str, Promise] = {
    "issued": pgettext_lazy("national platform change", "Issued"),
    "changed": pgettext_lazy("national platform change", "Changed"),
    Status.SUSPENDED: pgettext_lazy("national platform change", "Suspended"),
    "reinstated": pgettext_lazy("national platform change", "Reinstated"),
    Status.WITHDRAWN: pgettext_lazy("national platform change", "Withdrawn"),
    Status.CANCELLED: pgettext_lazy("national platform change", "Cancelled"),
    Status.EXPIRED: pgettext_lazy("national platform change", "Expired"),
}
REPORTED_KINDS = (CertificateEvent.Kind.ISSUED, CertificateEvent.Kind.CHANGED, CertificateEvent.Kind.STATUS_CHANGED)


@dataclass(frozen=True)
class ReportRow:
    """One change of one certificate within the period."""

    certificate: Certificate
    event: CertificateEvent

    @property
    def change(self) -> str:
        event = self.event
        if event.kind == CertificateEvent.Kind.ISSUED:
            return str(CHANGES["issued"])
        if event.kind == CertificateEvent.Kind.CHANGED:
            return str(CHANGES["changed"])
        if event.to_status == Status.VALID:
            return str(CHANGES["reinstated"])
        return str(CHANGES.get(event.to_status, event.get_kind_display()))


VALUES: dict[str, Callable[[ReportRow], object]] = {
    ReportColumn.Field.NUMBER: lambda row: row.certificate.number,
    ReportColumn.Field.HOLDER: lambda row: row.certificate.holder_name,
    ReportColumn.Field.USCC: lambda row: row.certificate.holder_uscc,
    ReportColumn.Field.ADDRESS: lambda row: row.certificate.holder_address,
    ReportColumn.Field.PROJECT: lambda row: str(PROJECT),
    ReportColumn.Field.STANDARD: lambda row: row.certificate.standard,
    ReportColumn.Field.SCOPE: lambda row: row.certificate.service_scope,
    ReportColumn.Field.STAR_LEVEL: lambda row: row.certificate.star_name,
    ReportColumn.Field.ISSUED_ON: lambda row: row.certificate.issued_on,
    ReportColumn.Field.EXPIRES_ON: lambda row: row.certificate.expires_on,
    ReportColumn.Field.CHANGE: lambda row: row.change,
    ReportColumn.Field.STATUS: lambda row: row.certificate.get_status_display(),
    ReportColumn.Field.STATUS_DATE: lambda row: timezone.localdate(row.event.created_at),
    ReportColumn.Field.REASON: lambda row: row.event.reason,
}


def platform_rows(date_from: datetime.date, date_to: datetime.date) -> list[ReportRow]:
    """Every reported change within the period (both days included), oldest first."""
    events = (
        CertificateEvent.objects.filter(
            kind__in=REPORTED_KINDS, created_at__date__gte=date_from, created_at__date__lte=date_to
        )
        .select_related("certificate")
        .order_by("created_at", "pk")
    )
    return [ReportRow(certificate=event.certificate, event=event) for event in events]


def platform_table(rows: list[ReportRow]) -> list[list[object]]:
    """The headings and the rows, in the columns of the platform's template."""
    columns = list(ReportColumn.objects.order_by("position"))
    return [
        [column.heading for column in columns],
        *([VALUES[column.field](row) for column in columns] for row in rows),
    ]


def platform_export_problem(actor: User) -> str | None:
    if not actor.has_perm("audits.manage_complaints"):
        return str(_("Only the body manager reports to the national platform."))
    return None


def platform_export(
    *, actor: User, date_from: datetime.date, date_to: datetime.date, file_format: str
) -> tuple[PlatformExport, list[list[object]]]:
    """The table for the period, and the record of the export (who, when, which certificates)."""
    enforce(platform_export_problem(actor), permitted=actor.has_perm("audits.manage_complaints"))
    rows = platform_rows(date_from, date_to)
    export = PlatformExport.objects.create(
        exported_by=actor, date_from=date_from, date_to=date_to, file_format=file_format, row_count=len(rows)
    )
    export.certificates.set({row.certificate.pk for row in rows})
    return export, platform_table(rows)
