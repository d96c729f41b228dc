"""Mail merge: read a list of people (CSV as Excel writes it, or XLSX) and check every row.

Every problem is named by row and column before anything is printed. The file is read in
memory only; nothing of it is written to disk or logged.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import openpyxl
from flask_babel import lazy_gettext as _l

from .letters import Person, check_person, untranslated_values
from .list_templates import EXAMPLE_MARK
from .texts import Field, Letter, Municipality

MAX_ROWS = 1000
MAX_BYTES = 5 * 1024 * 1024
# Columns read from a row: a list has about a dozen; the rest of a very wide row is not read.
MAX_COLUMNS = 200
# What an XLSX file may unpack to: a list of 1,000 people is a few MB at most; a file that
# unpacks to more is a zip bomb, not a list.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
CSV_DELIMITERS = ";,\t"
NO_CELLS: list[str] = []  # an empty row of a table; never changed


class ListError(ValueError):
    """The file as a whole cannot be used (too big, not a table, no header)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the list: where (spreadsheet row and column) and what."""

    row: int
    column: str
    message: str
    value: str = ""  # what the cell says, shown beside the message


def column_key(name: str) -> str:
    """Match column names ignoring case, spaces, '_' and '-': 'Post code' == 'postcode'."""
    return "".join(char for char in name.lower() if char not in " _-\t")


# The one-byte encodings Excel and LibreOffice save CSV in: Windows-1252 ("CSV (comma
# delimited)" on Windows), the DOS code page 850 ("CSV (MS-DOS)") and Mac Roman ("CSV
# (Macintosh)"). They differ in the bytes of accented letters, so the one that reads the
# most of the letters names have (é, ë, ü, ...) is the one the file was saved in.
ONE_BYTE_ENCODINGS = ("cp1252", "cp850", "mac_roman")
NAME_LETTERS = set("áàâäåçéèêëíìîïñóòôöúùûüæøœ")
# Excel's own way of naming the separator: a first line "sep=;" (hidden when Excel opens it).
SEPARATOR_LINE = re.compile(r'^"?sep=(.)"?$', re.IGNORECASE)


def decode_csv(data: bytes) -> str:
    """Decode CSV as Excel and LibreOffice save it: UTF-8 with or without BOM, UTF-16, or
    a one-byte encoding (ONE_BYTE_ENCODINGS)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    decoded = [data.decode(encoding, errors="replace") for encoding in ONE_BYTE_ENCODINGS]
    return max(decoded, key=lambda text: sum(char in NAME_LETTERS for char in text))


def read_csv(data: bytes) -> list[list[str]]:
    """Read CSV rows; the delimiter (; , or tab) is the one a "sep=" line names, else found
    from the header line. Lines may end as on Windows, Unix or old Macs (CR alone)."""
    text = decode_csv(data)
    lines = re.split(r"\r\n|\r|\n", text, maxsplit=1)
    named = SEPARATOR_LINE.match(lines[0].strip())
    if named:
        text = lines[1] if len(lines) > 1 else ""  # not a row: Excel does not show it either
        delimiter = named[1]
    else:
        delimiter = max(CSV_DELIMITERS, key=lines[0].count)
    return first_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def first_rows(rows: Iterable[Sequence[object]]) -> list[list[str]]:
    """Return the rows of a table as text, up to one row past what a list may have.

    Reading stops there, so a file with a million rows is answered at once (check_list says
    the list is too long); empty rows are kept, for the row numbers staff see.
    """
    table: list[list[str]] = []
    filled = 0
    for row in rows:
        if not row or not any(value not in (None, "") for value in row):
            table.append(NO_CELLS)  # one shared empty row: a sheet may skip a million rows
            continue
        table.append([cell_text(value) for value in row[:MAX_COLUMNS]])
        filled += 1
        if filled > MAX_ROWS + 1:  # the header, every person that fits, and one more
            break
    return table


def cell_text(value: object) -> str:
    """Write a spreadsheet cell as the text staff see: dates as 3-12-2026, 9:30 for times."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return f"{value.day}-{value.month}-{value.year}"
        return f"{value.day}-{value.month}-{value.year} {value.hour}:{value.minute:02d}"
    if isinstance(value, dt.date):
        return f"{value.day}-{value.month}-{value.year}"
    if isinstance(value, dt.time):
        return f"{value.hour}:{value.minute:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes) -> list[list[str]]:
    """Read the first sheet of an XLSX file; formulas give their saved value, never run.

    Only the cells the file really has are read: the size a sheet claims (its dimension,
    which may say A1:XFD1048576) is ignored, so a tiny file cannot make billions of cells.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise ListError(_l("This is not an Excel file that can be read."))
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ListError(_l("This is not an Excel file that can be read.")) from error
    try:
        if not book.worksheets:
            raise ListError(_l("The file is empty."))
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        return first_rows(sheet.iter_rows(values_only=True))
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as error:
        raise ListError(_l("This is not an Excel file that can be read.")) from error
    finally:
        book.close()


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """Read an uploaded list by its file type; refuse what is too big or not a table."""
    if len(data) > MAX_BYTES:
        raise ListError(_l("The file is larger than 5 MB. Split the list into smaller files."))
    if not data.strip():
        raise ListError(_l("The file is empty."))
    if filename.lower().endswith(".xlsx") or data.startswith(b"PK\x03\x04"):
        return read_xlsx(data)
    if filename.lower().endswith((".csv", ".txt")):
        return read_csv(data)
    raise ListError(_l("Upload a CSV file or an Excel file (.xlsx)."))


def check_list(
    fields: list[Field], table: list[list[str]], municipality: Municipality | None = None
) -> tuple[list[Person], list[Problem]]:
    """Check every row of a list; return the people in row order, or every problem found.
    With the municipality whose letterhead is used, its signatories are checked too."""
    rows = [(n, row) for n, row in enumerate(table, start=1) if any(c.strip() for c in row)]
    if not rows:
        raise ListError(_l("The file is empty."))
    header_number, header = rows[0]
    columns = {column_key(name): index for index, name in enumerate(header) if name.strip()}
    data_rows = rows[1:]
    if len(data_rows) > MAX_ROWS:
        # Reading stopped one person past the limit (first_rows): the count is "more than".
        raise ListError(
            _l("The list has more than 1,000 people. Split it into lists of at most 1,000.")
        )
    problems: list[Problem] = []
    missing = {f.name for f in fields if column_key(f.name) not in columns}
    for name in sorted(f.name for f in fields if f.name in missing and not f.optional):
        problems.append(Problem(header_number, name, str(_l("This column is missing."))))
    if not data_rows:
        problems.append(Problem(header_number, "", str(_l("The list has no people in it."))))
    people: list[Person] = []
    for number, row in data_rows:
        raw = {f.name: cell(row, columns.get(column_key(f.name))) for f in fields}
        if raw.get("voornaam", "").strip().upper().startswith(EXAMPLE_MARK):
            message = str(_l("This is the example row of the template. Delete it."))
            problems.append(Problem(number, "voornaam", message, raw["voornaam"].strip()))
            continue
        person, errors = check_person(fields, raw, municipality)
        for name, message in errors.items():
            if name not in missing:  # a missing column is named once, above, not per row
                column = header[columns[column_key(name)]].strip()
                problems.append(Problem(number, column, message, raw[name].strip()))
        if person is not None:
            people.append(dataclasses.replace(person, row=number))
    return (people if not problems else []), problems


def cell(row: list[str], index: int | None) -> str:
    """Return a row's value in a column, or nothing when the row is shorter."""
    return row[index] if index is not None and index < len(row) else ""


def untranslated_rows(
    letter: Letter, people: list[Person], fields: list[Field]
) -> dict[str, list[int]]:
    """Return, by column, the rows whose letter in the person's language shows Dutch words."""
    found: dict[str, list[int]] = {}
    for person in people:
        for one in untranslated_values(letter, person, fields):
            found.setdefault(one.name, []).append(person.row)
    return found
