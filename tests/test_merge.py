"""Mail merge: one letter for every person of an uploaded list. The lists are made here, in
memory, in the shapes Excel writes (CSV with ; or ,, UTF-8 with or without BOM, UTF-16,
Windows-1252, XLSX); the PDFs are read back with pdftotext and pypdf."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from html import unescape
from html.parser import HTMLParser

import openpyxl
import pytest
from babel.dates import format_date
from flask import Flask
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from portal.accounts import AuditEntry, db
from portal.letters import PEOPLE_PER_DOCUMENT, letter_fields
from portal.loading import PERSON_FIELDS
from portal.merge import MAX_BYTES, MAX_ROWS, check_list, read_table
from tests.catalogs import app_message
from tests.conftest import LANGUAGES, STAFF_EMAIL
from tests.job_tools import finished
from tests.pdf_tools import ARABIC_LETTERS, ETHIOPIC_LETTERS, normalise, page_count, pages_text
from tests.prints import KeptPrints
from tests.sheets import inflated_xlsx, xlsx_bytes

SLUG = "herinnering-afspraak"
URL = f"/staff/letters/{SLUG}/list"
MUNICIPALITY = "tilburg"
# The letter's own columns, after the person's.
LETTER_COLUMNS = ["afspraak", "datum", "tijd", "locatie", "contactpersoon", "telefoon"]
COLUMNS = [*PERSON_FIELDS, *LETTER_COLUMNS]
# Five people whose names Windows-1252 can write (é, ë, í), in an order that is not
# alphabetical; the first is Dutch only, so the second starts after a blank back page.
PEOPLE = [
    ["José", "", "Ramírez", "Stationsstraat", "4", "5038ab", "Tilburg", "nl"],
    ["Zoë", "van", "Dijk", "Heuvelring", "101", "5038 CL", "tilburg", "en"],
    ["Chloë", "", "Brontë", "Spoorlaan", "2b", "5038CB", "Tilburg", "Arabisch"],
    ["Amanuel", "", "Tesfaye", "Piusplein", "7", "5038 WP", "Tilburg", "ti"],
    ["Ahmed", "el", "Amrani", "Willem II-straat", "30", "5038 BC", "Tilburg", "Arabic"],
]
APPOINTMENT = ["brede intake", "3-12-2026", "9:30", "Stadskantoor, kamer 2", "Sanne de Wit"]
PHONE = "013 000 1234"
PAGES_PER_PERSON = [1, 2, 2, 2, 2]


def full_name(person: list[str]) -> str:
    return " ".join(part for part in person[:3] if part)


def rows_of(people: list[list[str]]) -> list[list[str]]:
    """Return the header and one row per person."""
    return [COLUMNS] + [[*person, *APPOINTMENT, PHONE] for person in people]


# --- Files as Excel writes them -------------------------------------------------------------


def csv_bytes(
    rows: list[list[str]],
    delimiter: str,
    encoding: str,
    line_end: str = "\r\n",
    quoting: int = csv.QUOTE_MINIMAL,
    first_line: str = "",
) -> bytes:
    out = io.StringIO(newline="")
    out.write(first_line)
    csv.writer(out, delimiter=delimiter, lineterminator=line_end, quoting=quoting).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_with_real_cells(rows: list[list[str]]) -> bytes:
    """Return the list as XLSX with some cells as Excel types them: a date cell, a time cell,
    numbers for house numbers; the other date stays text."""
    typed: list[list[object]] = [list(row) for row in rows]
    date, time = COLUMNS.index("datum"), COLUMNS.index("tijd")
    typed[1][date] = dt.datetime(2026, 12, 3)  # a real date cell
    typed[2][date] = "3-12-2026"  # and one typed as text
    typed[3][time] = dt.time(9, 30)
    for row in typed[1:]:
        number = row[COLUMNS.index("huisnummer")]
        if isinstance(number, str) and number.isdigit():
            row[COLUMNS.index("huisnummer")] = int(number)
    return xlsx_bytes(typed)


FORMATS: dict[str, tuple[str, Callable[[list[list[str]]], bytes]]] = {
    "csv-semicolon-utf8": ("lijst.csv", lambda rows: csv_bytes(rows, ";", "utf-8")),
    "csv-comma-utf8": ("lijst.csv", lambda rows: csv_bytes(rows, ",", "utf-8")),
    "csv-semicolon-utf8-bom": ("lijst.csv", lambda rows: csv_bytes(rows, ";", "utf-8-sig")),
    "csv-comma-utf8-bom": ("lijst.csv", lambda rows: csv_bytes(rows, ",", "utf-8-sig")),
    # Excel's "Unicode text": UTF-16 with a BOM, tab-separated.
    "utf16-tab": ("lijst.txt", lambda rows: csv_bytes(rows, "\t", "utf-16")),
    "csv-semicolon-cp1252": ("lijst.csv", lambda rows: csv_bytes(rows, ";", "cp1252")),
    # Excel's "CSV (MS-DOS)": the DOS code page 850.
    "csv-ms-dos-cp850": ("lijst.csv", lambda rows: csv_bytes(rows, ";", "cp850")),
    # Excel's "CSV (Macintosh)": Mac Roman, and a CR alone ends a line.
    "csv-macintosh": ("lijst.csv", lambda rows: csv_bytes(rows, ";", "mac_roman", "\r")),
    # A first line that names the separator, as Excel reads it (and hides it).
    "csv-sep-line": (
        "lijst.csv",
        lambda rows: csv_bytes(rows, ",", "utf-8", first_line="sep=,\r\n"),
    ),
    # LibreOffice's defaults with "quote all text cells": UTF-8 without BOM, LF.
    "libreoffice-quoted": (
        "lijst.csv",
        lambda rows: csv_bytes(rows, ",", "utf-8", "\n", csv.QUOTE_ALL),
    ),
    "xlsx": ("lijst.xlsx", xlsx_with_real_cells),
}


# --- Posting and reading back ---------------------------------------------------------------


def upload(app: Flask, filename: str, data: bytes, slug: str = SLUG) -> TestResponse:
    """Post a list as a browser does. The body is encoded here, in memory: the test client
    would spool a large body to a temporary file that it never closes."""
    boundary, body = encode_multipart(
        {
            "municipality": MUNICIPALITY,
            "list": FileStorage(io.BytesIO(data), filename=filename, name="list"),
        }
    )
    client = app.test_client()
    response = client.post(
        f"/staff/letters/{slug}/list",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    return finished(client, response)


class Merges(KeptPrints[str]):
    """Upload the list in each format once per module; keep the PDF and its page texts."""

    def request(self, key: str) -> TestResponse:
        filename, make = FORMATS[key]
        return upload(self.app, filename, make(rows_of(PEOPLE)))

    def explain(self, response: TestResponse) -> str:
        return problems_text(response)

    def format(self, name: str) -> tuple[bytes, list[str]]:
        pdf = self.pdf_of(name)
        assert self.response_of(name).headers["Cache-Control"] == "no-store"
        return pdf, self.pages_of(name)


@pytest.fixture(scope="module")
def merges(staff_app: Flask) -> Merges:
    return Merges(staff_app)


class Problems(HTMLParser):
    """Read the table of problems (row, column, problem) and the file's error message."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.file_error = ""
        self._in_table = False
        self._in_file_error = 0
        self._cell: list[str] | None = None
        self._svg = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "table" and "problem-table" in (values.get("class") or ""):
            self._in_table = True
        elif self._in_table and tag == "tr":
            self.rows.append([])
        elif self._in_table and tag == "td":
            self._cell = []
        elif tag == "svg":
            self._svg += 1
        if values.get("id") == "file-error":
            self._in_file_error = 1
        elif self._in_file_error and tag == "div":
            self._in_file_error += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table = False
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "svg":
            self._svg -= 1
        elif tag == "div" and self._in_file_error:
            self._in_file_error -= 1

    def handle_data(self, data: str) -> None:
        if self._svg:
            return
        if self._cell is not None:
            self._cell.append(data)
        if self._in_file_error:
            self.file_error += data

    @property
    def problems(self) -> list[tuple[int, str, str]]:
        return [(int(row), column, problem) for row, column, problem, _ in filter(None, self.rows)]

    @property
    def values(self) -> list[str]:
        """Return what each wrong cell says, as the table shows it beside the problem."""
        return [value for *_, value in filter(None, self.rows)]


def problems_text(response: TestResponse) -> str:
    page = Problems(response.get_data(as_text=True))
    return f"{response.status_code}: {page.problems} {' '.join(page.file_error.split())}"


def refused(response: TestResponse) -> Problems:
    """Check that a list was refused without printing; return what the page says."""
    assert response.status_code == 422, response.status_code
    assert response.mimetype == "text/html"
    assert not response.data.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "no-store"
    return Problems(response.get_data(as_text=True))


# --- Text to compare ------------------------------------------------------------------------


def without_letter_date(text: str) -> str:
    """Drop the words of the letter's own date (today, or yesterday past midnight)."""
    words: set[str] = set()
    for day in (dt.date.today(), dt.date.today() - dt.timedelta(days=1)):
        for lang in LANGUAGES:
            words |= set(re.split(r"[\s,،]+", format_date(day, "long", locale=lang)))
    words.discard("")
    kept = [w for w in normalise(text).split() if w.strip(",،") not in words]
    return " ".join(kept)


def person_starts(pages: list[str], people: list[list[str]]) -> list[int]:
    """Return the page (0-based) on which each person's letter starts: their address."""
    starts = []
    for person in people:
        address = f"{full_name(person)} {person[3]} {person[4]}"
        found = [number for number, page in enumerate(pages) if address in normalise(page)]
        assert len(found) == 1, (full_name(person), found)
        starts.append(found[0])
    return starts


def expected_pages(pages_per_person: list[int]) -> tuple[int, list[int]]:
    """Return the page count and start pages that `break-before: recto` gives: every person
    starts on a front (odd, 1-based) page, so a one-page letter is followed by a blank back."""
    position, starts = 0, []
    for pages in pages_per_person:
        if position % 2:
            position += 1
        starts.append(position)
        position += pages
    return position, starts


# --- Every format gives the same letters ----------------------------------------------------


def test_the_lists_are_really_in_their_formats() -> None:
    rows = rows_of(PEOPLE)
    assert FORMATS["csv-semicolon-utf8-bom"][1](rows).startswith(b"\xef\xbb\xbf")
    assert not FORMATS["csv-semicolon-utf8"][1](rows).startswith(b"\xef\xbb\xbf")
    assert FORMATS["utf16-tab"][1](rows)[:2] in (b"\xff\xfe", b"\xfe\xff")
    cp1252 = FORMATS["csv-semicolon-cp1252"][1](rows)
    assert "é".encode("cp1252") in cp1252
    with pytest.raises(UnicodeDecodeError):
        cp1252.decode("utf-8")
    assert b"Jos\x82" in FORMATS["csv-ms-dos-cp850"][1](rows)  # é in code page 850
    macintosh = FORMATS["csv-macintosh"][1](rows)
    assert b"Jos\x8e" in macintosh  # é in Mac Roman
    assert b"\n" not in macintosh
    assert FORMATS["csv-sep-line"][1](rows).startswith(b"sep=,\r\n")
    assert FORMATS["libreoffice-quoted"][1](rows).startswith(b'"voornaam","tussenvoegsel"')
    book = openpyxl.load_workbook(io.BytesIO(FORMATS["xlsx"][1](rows)))
    sheet = book.active
    assert sheet is not None
    dates = [sheet.cell(row=r, column=COLUMNS.index("datum") + 1).value for r in (2, 3)]
    assert isinstance(dates[0], dt.datetime)
    assert dates[1] == "3-12-2026"


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_person_starts_on_a_front_page(merges: Merges, name: str) -> None:
    pdf, pages = merges.format(name)
    total, starts = expected_pages(PAGES_PER_PERSON)
    assert page_count(pdf) == total
    assert person_starts(pages, PEOPLE) == starts
    assert all(start % 2 == 0 for start in starts)  # 0-based even: a front page
    # The padding page after the Dutch-only letter carries no letter text.
    assert "Herinnering" not in pages[1]


@pytest.mark.parametrize("name", [n for n in FORMATS if n != "csv-semicolon-utf8"])
def test_every_format_gives_the_same_letters(merges: Merges, name: str) -> None:
    reference_pdf, reference = merges.format("csv-semicolon-utf8")
    pdf, pages = merges.format(name)
    assert page_count(pdf) == page_count(reference_pdf)
    for number, (page, expected) in enumerate(zip(pages, reference, strict=True)):
        assert without_letter_date(page) == without_letter_date(expected), (name, number)


def test_the_names_are_printed_with_their_accents(merges: Merges) -> None:
    _pdf, pages = merges.format("csv-semicolon-cp1252")
    text = normalise("\n".join(pages))
    for person in PEOPLE:
        assert full_name(person) in text, full_name(person)
    assert "5038 AB" in text
    assert "5038 CL" in text


def test_the_people_are_in_the_order_of_the_file(merges: Merges) -> None:
    _pdf, pages = merges.format("xlsx")
    text = normalise("\n".join(pages))
    positions = [text.index(full_name(person)) for person in PEOPLE]
    assert positions == sorted(positions)
    # And the same the other way round.
    reversed_people = PEOPLE[::-1]
    data = csv_bytes(rows_of(reversed_people), ";", "utf-8")
    response = upload(merges.app, "omgekeerd.csv", data)
    assert response.status_code == 200, problems_text(response)
    text = normalise("\n".join(pages_text(response.data)))
    positions = [text.index(full_name(person)) for person in reversed_people]
    assert positions == sorted(positions)


@pytest.mark.parametrize("name", ["csv-semicolon-utf8", "xlsx"])
def test_each_person_gets_their_own_language(merges: Merges, name: str) -> None:
    _pdf, pages = merges.format(name)
    _total, starts = expected_pages(PAGES_PER_PERSON)
    scripts = {"nl": None, "en": None, "Arabisch": ARABIC_LETTERS, "ti": ETHIOPIC_LETTERS}
    scripts["Arabic"] = ARABIC_LETTERS
    for person, start, count in zip(PEOPLE, starts, PAGES_PER_PERSON, strict=True):
        own = pages[start : start + count]
        assert not ARABIC_LETTERS.search(own[0])
        assert not ETHIOPIC_LETTERS.search(own[0])
        script = scripts[person[7]]
        if script is not None:
            assert script.search(own[1]), full_name(person)
        elif person[7] == "en":
            assert "Reminder of your appointment" in normalise(own[1])


# --- Column names and language names --------------------------------------------------------

LANGUAGE_NAMES = ["ar", "Arabisch", "Arabic", "العربية", "Tigrinya", "ትግርኛ", "Tigrinisch"]
HEADER_SPELLINGS = {
    "voornaam": "Voor-naam",
    "tussenvoegsel": "Tussen_voegsel",
    "achternaam": "ACHTERNAAM",
    "straat": " Straat ",
    "huisnummer": "Huis nummer",
    "postcode": "POST CODE",
    "plaats": "plaats",
    "taal": "Taal",
    "afspraak": "Afspraak",
    "datum": "DATUM",
    "tijd": "Tijd",
    "locatie": "Locatie",
    "contactpersoon": "Contact-Persoon",
    "telefoon": "Tele_foon",
}


def test_column_names_and_language_names_may_be_written_many_ways(staff_app: Flask) -> None:
    people = [
        [f"Naam{n}", "", f"Achter{n}", "Spoorlaan", str(n + 1), "5038 CB", "Tilburg", language]
        for n, language in enumerate(LANGUAGE_NAMES)
    ]
    rows = rows_of(people)
    rows[0] = [HEADER_SPELLINGS[column] for column in COLUMNS]
    response = upload(staff_app, "lijst.csv", csv_bytes(rows, ";", "utf-8"))
    assert response.status_code == 200, problems_text(response)
    pages = pages_text(response.data)
    assert page_count(response.data) == 2 * len(people)
    assert person_starts(pages, people) == list(range(0, 2 * len(people), 2))
    for number, language in enumerate(LANGUAGE_NAMES):
        translated = pages[2 * number + 1]
        script = ARABIC_LETTERS if number < 4 else ETHIOPIC_LETTERS
        assert script.search(translated), language


# --- Lists with problems --------------------------------------------------------------------


def good_row(n: int) -> list[str]:
    return [f"Naam{n}", "", f"Achter{n}", "Spoorlaan", str(n), "5038 CB", "Tilburg", "ar"]


def with_values(row: list[str], **values: str) -> list[str]:
    full = [*row, *APPOINTMENT, PHONE]
    for column, value in values.items():
        full[COLUMNS.index(column)] = value
    return full


# (row as the spreadsheet numbers it, column, message id)
ROW_PROBLEMS = [
    (3, "achternaam", "This is empty."),
    (4, "taal", "This language is unknown."),
    (5, "datum", "This date does not exist."),
    (6, "postcode", "A Dutch postcode is 4 digits and 2 letters, for example 5038 AA."),
    (9, "tijd", "This time does not exist."),
    (9, "telefoon", "A phone number has only digits, spaces and + - ( )."),
]


def list_with_problems() -> list[list[str]]:
    return [
        COLUMNS,  # row 1
        with_values(good_row(2)),
        with_values(good_row(3), achternaam=""),
        with_values(good_row(4), taal="Klingon"),
        with_values(good_row(5), datum="31-02-2027"),
        with_values(good_row(6), postcode="B-1000"),
        with_values(good_row(7)),
        [""] * len(COLUMNS),  # row 8: an empty row between the people
        with_values(good_row(9), tijd="25:00", telefoon="013 abc 4567"),
        with_values(good_row(10)),
    ]


def audit_count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) or 0)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_every_problem_is_listed_by_row_and_column(staff_app: Flask, kind: str) -> None:
    rows = list_with_problems()
    data = csv_bytes(rows, ";", "utf-8") if kind == "csv" else xlsx_bytes(list(rows))
    before = audit_count(staff_app)
    page = refused(upload(staff_app, f"lijst.{kind}", data))
    expected = [(row, column, app_message(staff_app, msgid)) for row, column, msgid in ROW_PROBLEMS]
    assert page.problems == expected
    assert audit_count(staff_app) == before  # nothing was printed


def test_the_problems_are_told_in_plain_words(staff_app: Flask) -> None:
    response = upload(staff_app, "lijst.csv", csv_bytes(list_with_problems(), ";", "utf-8"))
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    for heading in ("Row", "Column", "Problem"):
        assert f">{app_message(staff_app, heading)}<" in html, heading
    assert "Traceback" not in html
    assert "ValueError" not in html


def test_one_wrong_row_among_many_prints_nothing(staff_app: Flask) -> None:
    rows = [COLUMNS] + [with_values(good_row(n)) for n in range(2, 22)]
    rows[15] = with_values(good_row(16), datum="30-02-2026")
    page = refused(upload(staff_app, "lijst.csv", csv_bytes(rows, ";", "utf-8")))
    assert page.problems == [(16, "datum", app_message(staff_app, "This date does not exist."))]


def test_a_missing_column_is_named(staff_app: Flask) -> None:
    rows = rows_of(PEOPLE)
    gone = COLUMNS.index("locatie")
    rows = [row[:gone] + row[gone + 1 :] for row in rows]
    page = refused(upload(staff_app, "lijst.csv", csv_bytes(rows, ";", "utf-8")))
    assert page.problems == [(1, "locatie", app_message(staff_app, "This column is missing."))]


def test_the_name_prefix_column_may_be_left_out(staff_app: Flask) -> None:
    rows = rows_of(PEOPLE[3:4])
    gone = COLUMNS.index("tussenvoegsel")
    rows = [row[:gone] + row[gone + 1 :] for row in rows]
    response = upload(staff_app, "lijst.csv", csv_bytes(rows, ";", "utf-8"))
    assert response.status_code == 200, problems_text(response)
    assert response.mimetype == "application/pdf"


def test_a_missing_column_and_wrong_rows_are_all_listed_at_once(staff_app: Flask) -> None:
    # "Every problem is named by row and column before anything is printed" (merge.py): a
    # staff member should not have to upload the list again to hear about the next problem.
    rows = list_with_problems()
    gone = COLUMNS.index("locatie")
    rows = [row[:gone] + row[gone + 1 :] for row in rows]
    page = refused(upload(staff_app, "lijst.csv", csv_bytes(rows, ";", "utf-8")))
    problems = page.problems
    assert (1, "locatie", app_message(staff_app, "This column is missing.")) in problems
    for row, column, msgid in ROW_PROBLEMS:
        assert (row, column, app_message(staff_app, msgid)) in problems, (row, column)


def test_a_header_without_people_is_refused(staff_app: Flask) -> None:
    page = refused(upload(staff_app, "lijst.csv", csv_bytes([COLUMNS], ";", "utf-8")))
    assert page.problems == [(1, "", app_message(staff_app, "The list has no people in it."))]


# --- Limits and files that are no list ------------------------------------------------------


@pytest.mark.parametrize("people", [MAX_ROWS + 1, 5 * MAX_ROWS])
def test_more_than_the_maximum_of_people_is_refused(staff_app: Flask, people: int) -> None:
    rows = [COLUMNS] + [with_values(good_row(n)) for n in range(people)]
    data = csv_bytes(rows, ";", "utf-8")
    assert len(data) < MAX_BYTES
    page = refused(upload(staff_app, "lijst.csv", data))
    assert normalise(page.file_error) == app_message(
        staff_app, "The list has more than 1,000 people. Split it into lists of at most 1,000."
    )
    assert not page.problems


def test_a_workbook_that_claims_a_billion_cells_is_read_by_the_cells_it_has(
    staff_app: Flask,
) -> None:
    rows: list[list[object]] = [COLUMNS, with_values(good_row(1), datum="31-04-2026")]
    data = inflated_xlsx(rows)
    assert len(data) < 20_000
    page = refused(upload(staff_app, "lijst.xlsx", data))
    # The far corner's cell is in a column without a heading, far past the list: not read.
    assert page.problems == [(2, "datum", app_message(staff_app, "This date does not exist."))]


def test_a_workbook_that_unpacks_to_far_more_than_a_list_is_refused(staff_app: Flask) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b" " * (60 * 1024 * 1024))
    page = refused(upload(staff_app, "lijst.xlsx", out.getvalue()))
    assert normalise(page.file_error) == app_message(
        staff_app, "This is not an Excel file that can be read."
    )


def test_the_maximum_of_people_itself_is_checked_row_by_row(staff_app: Flask) -> None:
    # Exactly 1,000 people is allowed: the list is checked (here one date is wrong, so
    # nothing is printed and the test stays fast).
    rows = [COLUMNS] + [with_values(good_row(n)) for n in range(MAX_ROWS)]
    rows[MAX_ROWS] = with_values(good_row(MAX_ROWS), datum="31-04-2026")
    page = refused(upload(staff_app, "lijst.csv", csv_bytes(rows, ";", "utf-8")))
    assert not normalise(page.file_error)
    assert page.problems == [
        (MAX_ROWS + 1, "datum", app_message(staff_app, "This date does not exist."))
    ]


def test_a_file_over_5_mb_is_refused(staff_app: Flask) -> None:
    rows = rows_of(PEOPLE)
    rows[1][COLUMNS.index("locatie")] = "x" * (MAX_BYTES + 10)
    data = csv_bytes(rows, ";", "utf-8")
    assert len(data) > MAX_BYTES
    page = refused(upload(staff_app, "lijst.csv", data))
    assert normalise(page.file_error) == app_message(
        staff_app, "The file is larger than 5 MB. Split the list into smaller files."
    )


def test_an_upload_over_the_request_limit_stays_in_the_staff_layout_with_a_way_back(
    staff_app: Flask,
) -> None:
    # Over MAX_CONTENT_LENGTH the request itself is refused (413) before the list is read.
    data = b"voornaam;achternaam\r\n" + b"x" * (7 * 1024 * 1024)
    boundary, body = encode_multipart(
        {
            "municipality": MUNICIPALITY,
            "list": FileStorage(io.BytesIO(data), filename="lijst.csv", name="list"),
        }
    )
    form = f"/staff/letters/{SLUG}/list"
    response = staff_app.test_client().post(
        form,
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Referer": f"http://localhost{form}"},
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert 'class="logout"' in page  # still the staff area, logged in
    assert f'href="{form}"' in page  # the way back to the upload form
    assert app_message(staff_app, "The file is too large") in page


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def zip_without_a_sheet() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "geen tabel")
    return out.getvalue()


@pytest.mark.parametrize(
    ("filename", "data", "msgid"),
    [
        ("lijst.csv", b"", "The file is empty."),
        ("lijst.csv", b"\r\n\r\n  \r\n", "The file is empty."),
        ("lijst.xlsx", b"", "The file is empty."),
        ("foto.xlsx", PNG, "This is not an Excel file that can be read."),
        ("archief.xlsx", zip_without_a_sheet(), "This is not an Excel file that can be read."),
        (
            "brief.pdf",
            b"%PDF-1.7\n" + bytes(range(256)),
            "Upload a CSV file or an Excel file (.xlsx).",
        ),
        ("foto.png", PNG, "Upload a CSV file or an Excel file (.xlsx)."),
    ],
    ids=["empty", "only-blank-lines", "empty-xlsx", "png-as-xlsx", "zip-as-xlsx", "pdf", "png"],
)
def test_a_file_that_is_no_list_is_refused_with_a_clear_message(
    staff_app: Flask, filename: str, data: bytes, msgid: str
) -> None:
    page = refused(upload(staff_app, filename, data))
    assert normalise(page.file_error) == app_message(staff_app, msgid)


def test_no_file_at_all_is_refused_with_a_clear_message(staff_app: Flask) -> None:
    response = staff_app.test_client().post(
        URL, data={"municipality": MUNICIPALITY}, content_type="multipart/form-data"
    )
    page = refused(response)
    assert normalise(page.file_error) == app_message(
        staff_app, "Choose the file with the list of people."
    )


# --- A long list: printed in chunks by worker processes -------------------------------------


def test_a_long_list_is_one_pdf_with_everyone_in_order_on_front_pages(staff_app: Flask) -> None:
    count = 30
    assert count > PEOPLE_PER_DOCUMENT
    languages = ["nl", "en", "ar", "ti"]
    people = [
        [
            f"Persoon{n:02d}",
            "",
            f"Achternaam{n:02d}",
            "Spoorlaan",
            str(n),
            "5038 CB",
            "Tilburg",
            languages[n % 4],
        ]
        for n in range(count)
    ]
    response = upload(staff_app, "lang.csv", csv_bytes(rows_of(people), ";", "utf-8"))
    assert response.status_code == 200, problems_text(response)
    # Saved, not opened in a tab: the file is deleted from the server once it is sent.
    assert response.headers["Content-Disposition"] == f'attachment; filename="{SLUG}-{count}.pdf"'
    pages = pages_text(response.data)
    text = normalise("\n".join(pages))
    positions = [text.index(full_name(person)) for person in people]
    assert positions == sorted(positions), "the people are not in the order of the list"
    per_person = [1 if person[7] == "nl" else 2 for person in people]
    total, starts = expected_pages(per_person)
    found = person_starts(pages, people)
    behind = [full_name(people[n]) for n, start in enumerate(found) if start % 2]
    assert not behind, f"these letters start on the back of another person's sheet: {behind}"
    assert found == starts
    assert page_count(response.data) == total


# --- Audit log ------------------------------------------------------------------------------


def test_the_audit_log_says_who_made_what_for_how_many_never_for_whom(staff_app: Flask) -> None:
    with staff_app.app_context():
        last = db.session.scalar(db.select(db.func.max(AuditEntry.id))) or 0
    response = upload(staff_app, "lijst.csv", csv_bytes(rows_of(PEOPLE), ";", "utf-8"))
    assert response.status_code == 200, problems_text(response)
    with staff_app.app_context():
        entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.id > last)).all()
        assert len(entries) == 1
        entry = entries[0]
        assert entry.user_email == STAFF_EMAIL
        assert entry.action == "letter-list"
        assert entry.document == SLUG
        assert entry.municipality == MUNICIPALITY
        assert entry.people == len(PEOPLE)
        assert entry.at is not None
        recorded = " ".join(
            str(getattr(entry, column.name)) for column in AuditEntry.__table__.columns
        )
    for person in PEOPLE:
        for value in (person[0], person[2], person[3], full_name(person)):
            assert value not in recorded, value
        assert person[5].upper().replace(" ", "") not in recorded.upper().replace(" ", "")


def test_a_list_may_come_back_as_a_zip_with_one_pdf_per_person_named_by_row(
    staff_app: Flask,
) -> None:
    rows = rows_of(PEOPLE[:3])
    rows.insert(2, [""] * len(rows[0]))  # an empty row: the numbers are still the sheet's
    boundary, body = encode_multipart(
        {
            "municipality": MUNICIPALITY,
            "output": "zip",
            "list": FileStorage(io.BytesIO(csv_bytes(rows, ";", "utf-8")), "lijst.csv", "list"),
        }
    )
    client = staff_app.test_client()
    started = client.post(
        f"/staff/letters/{SLUG}/list",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    download = finished(client, started)
    assert download.mimetype == "application/zip"
    assert download.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    assert archive.namelist() == ["rij-0002.pdf", "rij-0004.pdf", "rij-0005.pdf"]
    for name, person in zip(archive.namelist(), PEOPLE[:3], strict=True):
        text = " ".join(pages_text(archive.read(name)))
        assert full_name(person) in normalise(text), name
        others = [full_name(other) for other in PEOPLE[:3] if other is not person]
        assert not any(other in normalise(text) for other in others), name


def test_the_interpreter_column_takes_ja_or_nee_and_names_anything_else(
    staff_app: Flask,
) -> None:
    with staff_app.test_request_context():
        letter = staff_app.extensions["wegwijs_content"].get().letters["uitnodiging-pip"]
        fields = letter_fields(letter)
        header = [f.name for f in fields]
        row = {f.name: "x" for f in fields} | dict(zip(PERSON_FIELDS, PEOPLE[3], strict=True))
        row |= {"datum": "3-12-2026", "tijd": "9:30", "telefoon": PHONE, "briefdatum": ""}
        row |= {"email": "s.dewit@tilburg.example"}
        values = ["nee", "WAAR", "", "misschien"]
        table = [header] + [[(row | {"tolk": value})[name] for name in header] for value in values]
        people, problems = check_list(fields, table)
        assert [(p.row, p.column) for p in problems] == [(5, "tolk")]
        assert problems[0].message == app_message(staff_app, "Write ja or nee.")
        table.pop()
        people, problems = check_list(fields, table)
        assert not problems
        assert [p.wants_interpreter for p in people] == [False, True, True]


# --- Templates of the list -------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_the_template_has_the_letters_columns_and_an_example_that_is_never_printed(
    staff_app: Flask, extension: str
) -> None:
    client = staff_app.test_client()
    reply = client.get(f"/staff/letters/{SLUG}/list-template.{extension}")
    assert reply.status_code == 200
    assert f'filename="lijst-{SLUG}.{extension}"' in reply.headers["Content-Disposition"]
    data = reply.get_data()
    if extension == "csv":
        assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, as Dutch Excel saves it
        assert b";" in data.split(b"\r\n")[0]
    table = read_table(f"lijst.{extension}", data)
    with staff_app.test_request_context():
        letter = staff_app.extensions["wegwijs_content"].get().letters[SLUG]
        assert table[0] == [f.name for f in letter_fields(letter)]
    # Uploaded as it is, the example row is named and nothing is printed.
    page = refused(upload(staff_app, f"lijst.{extension}", data))
    example = app_message(staff_app, "This is the example row of the template. Delete it.")
    assert page.problems == [(2, "voornaam", example)]
    # With a real person in its place, the list is printed.
    filled = [
        table[0],
        [
            PEOPLE[3][table[0].index(n)] if n in PERSON_FIELDS else v
            for n, v in zip(table[0], table[1], strict=True)
        ],
    ]
    assert upload(staff_app, "lijst.csv", csv_bytes(filled, ";", "utf-8")).status_code == 200


def test_the_xlsx_template_explains_every_column(staff_app: Flask) -> None:
    data = staff_app.test_client().get(f"/staff/letters/{SLUG}/list-template.xlsx").get_data()
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[:2] == ["Lijst", "Uitleg"]
    explained = {row[0]: row for row in book["Uitleg"].iter_rows(min_row=2, values_only=True)}
    header = [cell.value for cell in book["Lijst"][1]]
    assert set(header) <= set(explained)
    assert "ti (Tigrinya)" in explained["taal"][3]
    assert "3-12-2026" in explained["datum"][3]


def test_a_signatory_not_in_the_profile_is_named_by_row_and_column(staff_app: Flask) -> None:
    rows = rows_of(PEOPLE[:3])
    rows[0].append("ondertekenaar")
    for row, name in zip(rows[1:], ["", "B. Jansen (voorbeeld)", "C. Onbekend"], strict=True):
        row.append(name)
    page = refused(upload(staff_app, "lijst.csv", csv_bytes(rows, ";", "utf-8")))
    assert [(row, column) for row, column, _ in page.problems] == [(4, "ondertekenaar")]
    assert page.values == ["C. Onbekend"]


def test_a_wrong_value_is_shown_beside_its_problem_with_a_suggestion(staff_app: Flask) -> None:
    rows = rows_of(PEOPLE[:2])
    rows[2][COLUMNS.index("taal")] = "Tigrinja"
    page = refused(upload(staff_app, "lijst.csv", csv_bytes(rows, ";", "utf-8")))
    message = app_message(staff_app, "This language is unknown. Did you mean %(name)s?")
    assert page.problems == [(3, "taal", message.replace("%(name)s", "Tigrinya"))]
    assert page.values == ["Tigrinja"]
