"""The one way the portal writes spreadsheets (CSV and Excel), so that no cell is ever a formula.

A company, product, file or person name such as `=HYPERLINK("http://…","点此")` or `@SUM(A1)` would
otherwise run as a formula in the spreadsheet of whoever opens the export (CSV injection). Following
OWASP's guidance, a CSV cell that starts with = + - @, a tab or a carriage return, also after leading
spaces, gets a leading apostrophe; an Excel cell is written as text (type string, number format '@',
quote prefix), with the name as typed. Numbers stay numbers: a number is never a formula.
tests/security/test_exports.py keeps every CSV and workbook writer in this module.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable
from decimal import Decimal
from io import BytesIO
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBERS = (int, float, Decimal)


def formula_like(text: str) -> bool:
    """True when a spreadsheet could read the text as a formula."""
    return text.startswith(FORMULA_START) or text.lstrip().startswith(FORMULA_START)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)  # lazy translations and model instances too


def csv_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs: numbers as they are, text with a leading apostrophe when
    it could be read as a formula."""
    if isinstance(value, NUMBERS) and not isinstance(value, bool):
        return value
    text = _text(value)
    return f"'{text}" if formula_like(text) else text


class CsvWriter:
    """csv.writer whose every cell goes through csv_cell(); writerow() returns what the stream's
    write() returns, so it can also produce the lines of a streamed response."""

    def __init__(self, stream: SupportsWrite[str]) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: SupportsWrite[str]) -> CsvWriter:
    return CsvWriter(stream)


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Any) -> Cell:
    if isinstance(value, NUMBERS) and not isinstance(value, bool):
        return WriteOnlyCell(sheet, value=float(value) if isinstance(value, Decimal) else value)
    # openpyxl refuses the control characters XML cannot hold; tabs and line breaks stay.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", _text(value)))
    # openpyxl types text starting with "=" as a formula: text it is, and stays when edited.
    cell.data_type = "s"
    cell.number_format = "@"
    cell.quotePrefix = True
    return cell


def xlsx_content(title: str, rows: Iterable[Iterable[Any]]) -> bytes:
    """A workbook of one sheet, written row by row (write-only mode), every text cell as text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])  # Excel's limit for sheet names
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
