"""Spreadsheets made for tests: an ordinary workbook, and one that claims to be enormous."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """Return an XLSX workbook with these rows on its first sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def inflated_xlsx(rows: list[list[object]]) -> bytes:
    """Return a small XLSX whose sheet claims A1:XFD1048576 and has a cell in that last corner.

    A reader that trusts the claimed size builds ~17 billion empty cells.
    """
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                text, claims = re.subn(
                    r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>', text
                )
                assert claims == 1, "the sheet has no dimension to inflate"
                corner = (
                    '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
                )
                text = text.replace("</sheetData>", corner + "</sheetData>")
                data = text.encode("utf-8")
            target.writestr(entry, data)
    return out.getvalue()
