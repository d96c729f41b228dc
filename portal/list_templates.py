"""Templates of the list for a mail merge: exactly the columns a letter needs, as a CSV in
the dialect Dutch Excel writes (UTF-8 with a BOM, `;`, CRLF) and as an XLSX whose second
sheet says what each column takes.

The template's second row is an example. Its first name starts with EXAMPLE_MARK, and a
list that still has it is refused at that row (merge.check_list), so nobody gets a letter
addressed to the example.
"""

from __future__ import annotations

import csv
import io

import openpyxl
from flask_babel import lazy_gettext as _l
from openpyxl.styles import Font

from .i18n import languages
from .texts import Field

EXAMPLE_MARK = "VOORBEELD"
EXAMPLE_VALUES = {
    "voornaam": f"{EXAMPLE_MARK} (wis deze rij)",
    "tussenvoegsel": "van",
    "achternaam": "Dijk",
    "straat": "Stationsstraat",
    "huisnummer": "12a",
    "postcode": "5038 AB",
    "plaats": "Tilburg",
    "taal": "ti",
    "kenmerk": "INB/2026/0001",
    "briefdatum": "",
    "tolk": "ja",
    "ondertekenaar": "",
}
EXAMPLE_BY_TYPE = {"date": "3-12-2026", "time": "9:30", "phone": "013 123 4567", "yesno": "ja"}
# What a value of each type looks like, for the explanation sheet (the staff's language).
ACCEPTED = {
    "date": _l("Day-month-year, for example 3-12-2026"),
    "time": _l("For example 9:30"),
    "postcode": _l("For example 5038 AA"),
    "phone": _l("Digits, spaces and + - ( )"),
    "yesno": _l("ja or nee"),
    "text": _l("Any text"),
}


def example_row(fields: list[Field]) -> list[str]:
    """Return the template's example person."""
    return [EXAMPLE_VALUES.get(f.name, EXAMPLE_BY_TYPE.get(f.type, f"({f.label})")) for f in fields]


def csv_template(fields: list[Field]) -> bytes:
    """Return the template as Dutch Excel saves "CSV UTF-8": a BOM, `;` and CRLF."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows([[f.name for f in fields], example_row(fields)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def accepted_values(field: Field) -> str:
    """Say what a column accepts: the languages by code and name, or a value's shape."""
    if field.type == "language":
        return ", ".join(f"{info.tag} ({info.dutch_name})" for info in languages().values())
    return str(ACCEPTED.get(field.type, ACCEPTED["text"]))


def xlsx_template(fields: list[Field]) -> bytes:
    """Return the template as an Excel workbook: the list, and a sheet explaining it."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Lijst"
    sheet.append([f.name for f in fields])
    sheet.append(example_row(fields))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="808080")
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18
    explanation = book.create_sheet("Uitleg")
    headings = (_l("Column"), _l("What"), _l("May be empty"), _l("Accepted"))
    explanation.append([str(heading) for heading in headings])
    for cell in explanation[1]:
        cell.font = Font(bold=True)
    for f in fields:
        empty = str(_l("yes")) if f.optional else str(_l("no"))
        explanation.append([f.name, f.label, empty, accepted_values(f)])
    explanation.append([])
    note = _l("Row 2 of the list is an example. Delete it before you upload the list.")
    explanation.append([str(note)])
    for letter, width in zip("ABCD", (18, 50, 14, 60), strict=True):
        explanation.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
