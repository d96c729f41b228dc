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
from flask_login import current_user
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from . import content
from .i18n import languages
from .texts import Field

EXAMPLE_MARK = "VOORBEELD"
EXCEL_LAST_ROW = 1_048_576
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
EXAMPLE_BY_TYPE = {
    "date": "3-12-2026",
    "time": "9:30",
    "phone": "013 123 4567",
    "yesno": "ja",
    "email": "naam@gemeente.nl",
}
# What a value of each type looks like, for the explanation sheet (the staff's language).
ACCEPTED = {
    "date": _l("Day-month-year, for example 3-12-2026"),
    "time": _l("For example 9:30"),
    "postcode": _l("For example 5038 AA"),
    "phone": _l("Digits, spaces and + - ( )"),
    "yesno": _l("ja or nee"),
    "email": _l("An e-mail address, for example naam@gemeente.nl"),
    "text": _l("Any text"),
}


def dutch_choices(field: Field) -> list[str]:
    """Return the Dutch names of the values a choice column offers."""
    choices = content.current().choice_lists.get(field.choices)
    if choices is None:
        return []
    return [choices.label(c.name, "nl") or c.name for c in choices.choices]


def example_value(field: Field) -> str:
    """Return the example person's value in one column."""
    if field.name in EXAMPLE_VALUES:
        return EXAMPLE_VALUES[field.name]
    if field.type == "choice" and dutch_choices(field):
        return dutch_choices(field)[0]
    return EXAMPLE_BY_TYPE.get(field.type, f"({field.label})")


def example_row(fields: list[Field]) -> list[str]:
    """Return the template's example person."""
    return [example_value(f) for f in fields]


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
    if field.type == "choice":
        listed = "; ".join(dutch_choices(field))
        return str(_l("One of: %(values)s. Other words are printed in Dutch.", values=listed))
    if field.type == "signatory":
        names = [
            name
            for slug, municipality in content.current().municipalities.items()
            if current_user.may_use(slug)
            for name, _role in municipality.signatories
        ]
        return str(_l("A name from the municipality's profile: %(names)s", names="; ".join(names)))
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
    offer_choices(book, sheet, fields)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def offer_choices(book: openpyxl.Workbook, sheet: Worksheet, fields: list[Field]) -> None:
    """Give each choice column a drop-down of its Dutch values (sheet "Keuzes"); other words
    stay allowed, as in the letter form."""
    choice_fields = [(index, f) for index, f in enumerate(fields, start=1) if f.type == "choice"]
    if not choice_fields:
        return
    values_sheet = book.create_sheet("Keuzes")
    for number, (index, one) in enumerate(choice_fields, start=1):
        values = dutch_choices(one)
        values_sheet.cell(row=1, column=number, value=one.name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            values_sheet.cell(row=row, column=number, value=value)
        source = get_column_letter(number)
        drop_down = DataValidation(
            type="list",
            formula1=f"Keuzes!${source}$2:${source}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=False,  # own words are allowed; they are printed in Dutch
        )
        column = get_column_letter(index)
        drop_down.add(f"{column}2:{column}{EXCEL_LAST_ROW}")
        sheet.add_data_validation(drop_down)
