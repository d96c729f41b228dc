"""One person's letter: the staff form, the preview, and the PDF (the Dutch letter with the
address for a window envelope, then the same letter in the person's language), read back with
pdffonts, pdftotext (-bbox-layout for positions), pypdf and zbarimg."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from babel.dates import format_date
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from werkzeug.test import TestResponse

from portal.letters import letter_fields
from portal.loading import ContentError, load_content
from portal.plan_link import read_letter_appointment
from portal.printing import qr_code
from portal.texts import Field, Letter
from tests.catalogs import app_message
from tests.conftest import (
    CONTENT,
    LANGUAGES,
    STATIC,
    content_of,
    ensure_account,
    log_in_as,
    make_staff_app,
)
from tests.dates import APPOINTMENT, DATES
from tests.html_tools import StaffPage
from tests.layout import bbox_layout, box_mm
from tests.pdf_tools import (
    ARABIC_LETTERS,
    ETHIOPIC_LETTERS,
    embedded_font_names,
    has_phrase,
    normalise,
    page_count,
    qr_codes,
)
from tests.prints import KeptPrints

LETTERS = sorted(path.name for path in (CONTENT / "letters").iterdir() if path.is_dir())
MUNICIPALITY = "tilburg"
# The person: as typed by staff (the postcode in lower case, without its space).
PERSON = {
    "voornaam": "Ali",
    "tussenvoegsel": "van der",
    "achternaam": "Berg",
    "straat": "Hoofdstraat",
    "huisnummer": "12a",
    "postcode": "5038ab",
    "plaats": "Tilburg",
}
ADDRESS = ["Ali van der Berg", "Hoofdstraat 12a", "5038 AB TILBURG"]
# Values of the letters' own placeholders, by name; by type for any placeholder added later.
BY_NAME = {
    "afspraak": "brede intake",
    "datum": "3-12-2026",
    "tijd": "9:30",
    "eindtijd": "11:00",
    "locatie": "Stadskantoor, kamer 2",
    "klantregisseur": "Fatima Jansen",
    "contactpersoon": "Sanne de Wit",
    "telefoon": "013 000 1234",
    "email": "s.dewit@tilburg.example",
}
BY_TYPE = {
    "date": "3-12-2026",
    "time": "9:30",
    "phone": "013 000 1234",
    "text": "tekst",
    "name": "Sanne de Wit",
    "place": "Stadskantoor, kamer 2",
    "email": "s.dewit@tilburg.example",
    "choice": "brede intake",
}
# Address window (print.css, "Letters"): 22 mm from the left edge, 50 mm from the top,
# 85 x 35 mm. Word boxes come from the font's ascent and descent: a hair of slack.
WINDOW_MM = (22.0, 50.0, 22.0 + 85.0, 50.0 + 35.0)
SLACK_MM = 0.3


# --- Helpers --------------------------------------------------------------------------------


def letter_of(app: Flask, slug: str) -> Letter:
    return content_of(app).letters[slug]


def letter_values(app: Flask, slug: str, lang: str, **changes: str) -> dict[str, str]:
    """Return a complete, valid letter form for a person speaking `lang`."""
    values = {"municipality": MUNICIPALITY, "action": "pdf", "taal": lang} | PERSON
    for placeholder in letter_of(app, slug).placeholders:
        values[placeholder.name] = BY_NAME.get(placeholder.name, BY_TYPE[placeholder.type])
    return values | changes


@dataclass(frozen=True)
class Word:
    """A word of a PDF page and its box, in millimetres from the top-left corner."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def page_words(pdf: bytes, page: int = 1) -> list[Word]:
    """Return the words of one page in reading order, from `pdftotext -bbox-layout`."""
    return [Word(word.text or "", *box_mm(word)) for word in bbox_layout(pdf, page).iter("word")]


def find_run(words: list[Word], tokens: list[str]) -> list[Word]:
    """Return the words that spell `tokens` one after another on the page (a word broken
    after a hyphen at the end of a line counts as one)."""
    wanted = "".join(tokens)
    for start in range(len(words)):
        spelled = ""
        for end in range(start, len(words)):
            spelled += words[end].text
            if spelled == wanted:
                return words[start : end + 1]
            if not wanted.startswith(spelled):
                break
    texts = " ".join(w.text for w in words)
    raise AssertionError(f"{' '.join(tokens)!r} is not on the page: {texts[:600]}")


def text_layer(pdf: bytes, page: int = 0) -> str:
    """Return the text of a page as pypdf reads it (spaces as they are in the PDF)."""
    return PdfReader(io.BytesIO(pdf)).pages[page].extract_text()


# --- Fixtures -------------------------------------------------------------------------------


# A letter to print: (letter, language, the form's values that differ from letter_values).
LetterKey = tuple[str, str, tuple[tuple[str, str], ...]]


class Letters(KeptPrints[LetterKey]):
    """Post each letter once per (letter, language, changes) and keep the answer and its text."""

    def request(self, key: LetterKey) -> TestResponse:
        slug, lang, changes = key
        return self.client.post(
            f"/staff/letters/{slug}/", data=letter_values(self.app, slug, lang, **dict(changes))
        )

    def response(self, slug: str, lang: str, **changes: str) -> TestResponse:
        return self.response_of((slug, lang, tuple(sorted(changes.items()))))

    def pdf(self, slug: str, lang: str, **changes: str) -> bytes:
        return self.pdf_of((slug, lang, tuple(sorted(changes.items()))))

    def pages(self, slug: str, lang: str, **changes: str) -> list[str]:
        return self.pages_of((slug, lang, tuple(sorted(changes.items()))))

    def letter(self, slug: str) -> tuple[Field, ...]:
        """Return the letter's own placeholders."""
        return letter_of(self.app, slug).placeholders


@pytest.fixture(scope="module")
def letters(staff_app: Flask) -> Letters:
    return Letters(staff_app)


def test_there_are_letters_to_test(staff_app: Flask) -> None:
    assert LETTERS == sorted(content_of(staff_app).letters)
    assert len(LETTERS) == 3


# --- Whose letterhead -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def tilburg_client(staff_app: Flask) -> FlaskClient:
    """Return a client logged in as a staff member of Tilburg only."""
    user = ensure_account(staff_app, "alleen@tilburg.example", municipalities=("tilburg",))
    client = FlaskClient(staff_app, staff_app.response_class, use_cookies=True)
    log_in_as(client, user)
    return client


def test_tilburg_staff_cannot_print_on_oisterwijks_letterhead(
    staff_app: Flask, tilburg_client: FlaskClient
) -> None:
    slug = LETTERS[0]
    for action in ("pdf", "preview"):
        data = letter_values(staff_app, slug, "ar", municipality="oisterwijk", action=action)
        response = tilburg_client.post(f"/staff/letters/{slug}/", data=data)
        assert response.status_code in (403, 422), (action, response.status_code)
        assert not response.data.startswith(b"%PDF")
        assert "Voorbeeldstraat 10" not in response.get_data(as_text=True)  # Oisterwijk's


def test_tilburg_staff_cannot_print_a_list_on_oisterwijks_letterhead(
    staff_app: Flask, tilburg_client: FlaskClient
) -> None:
    person = letter_values(staff_app, LETTERS[0], "en")
    columns = [name for name in person if name not in ("municipality", "action")]
    table = ";".join(columns) + "\n" + ";".join(person[c] for c in columns) + "\n"
    response = tilburg_client.post(
        f"/staff/letters/{LETTERS[0]}/list",
        data={"municipality": "oisterwijk", "list": (io.BytesIO(table.encode()), "lijst.csv")},
        content_type="multipart/form-data",
    )
    assert not response.data.startswith(b"%PDF")
    assert response.status_code in (403, 422)


def test_tilburg_staff_cannot_print_a_form_on_oisterwijks_letterhead(
    staff_app: Flask, tilburg_client: FlaskClient
) -> None:
    response = tilburg_client.post(
        f"/staff/forms/{sorted(content_of(staff_app).forms)[0]}/",
        data={"municipality": "oisterwijk", "language": "ar", "mode": "blank"},
    )
    assert not response.data.startswith(b"%PDF")
    assert response.status_code in (403, 422)


def test_tilburg_staff_are_offered_only_tilburg(
    staff_app: Flask, tilburg_client: FlaskClient
) -> None:
    for url in (
        f"/staff/letters/{LETTERS[0]}/",
        f"/staff/letters/{LETTERS[0]}/list",
        f"/staff/forms/{sorted(content_of(staff_app).forms)[0]}/",
    ):
        page = StaffPage(tilburg_client.get(url).get_data(as_text=True))
        assert page.options["municipality"] == ["tilburg"], url
    plan = StaffPage(tilburg_client.get("/staff/personal-plan/").get_data(as_text=True))
    assert [slug for slug in plan.options["municipality"] if slug] == ["tilburg"]


def test_tilburg_staff_can_print_on_tilburgs_letterhead(
    staff_app: Flask, tilburg_client: FlaskClient
) -> None:
    data = letter_values(staff_app, LETTERS[0], "nl")
    response = tilburg_client.post(f"/staff/letters/{LETTERS[0]}/", data=data)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"


# --- Preview and PDF ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_preview_shows_both_letters_filled_in(staff_app: Flask, lang: str) -> None:
    slug = "herinnering-afspraak"
    letter = letter_of(staff_app, slug)
    response = staff_app.test_client().post(
        f"/staff/letters/{slug}/", data=letter_values(staff_app, slug, lang, action="preview")
    )
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    preview = unescape(html.split('class="letter-preview"', 1)[1])
    assert preview.count('class="preview-page"') == 2
    dutch, translated = preview.split('class="preview-page"')[1:3]
    assert letter.source.subject in dutch
    assert letter.texts[lang].subject in translated
    assert 'lang="nl"' in dutch
    assert f'lang="{lang}"' in translated
    for line in ADDRESS[:2]:
        assert line in dutch
    assert "5038 AB" in dutch
    assert DATES["nl"] in dutch
    assert DATES[lang] in translated
    for name in ("Ali", "Berg", "Sanne de Wit", "013 000 1234", "Stadskantoor, kamer 2"):
        assert name in dutch, name
        assert name in translated, name
    assert "((" not in preview  # every placeholder is filled
    # From the preview the PDF can be made.
    assert 'name="action" value="pdf"' in html


def test_the_pdf_is_never_stored(letters: Letters) -> None:
    response = letters.response(LETTERS[0], "ar")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("inline")


def test_every_response_of_the_staff_area_says_no_store(staff_app: Flask) -> None:
    client = staff_app.test_client()
    slug = LETTERS[0]
    form = sorted(content_of(staff_app).forms)[0]
    responses = {
        "home": client.get("/staff/"),
        "letter": client.get(f"/staff/letters/{slug}/"),
        "list": client.get(f"/staff/letters/{slug}/list"),
        "form": client.get(f"/staff/forms/{form}/"),
        "plan": client.get("/staff/personal-plan/"),
        "preview": client.post(
            f"/staff/letters/{slug}/", data=letter_values(staff_app, slug, "en", action="preview")
        ),
        "refused": client.post(
            f"/staff/letters/{slug}/", data=letter_values(staff_app, slug, "en", datum="x")
        ),
        "list refused": client.post(
            f"/staff/letters/{slug}/list",
            data={"municipality": MUNICIPALITY, "list": (io.BytesIO(b"a;b\n1;2\n"), "l.csv")},
            content_type="multipart/form-data",
        ),
        "form pdf": client.post(
            f"/staff/forms/{form}/",
            data={"municipality": MUNICIPALITY, "language": "ti", "mode": "filled", "naam": "A"},
        ),
        "unknown letter": client.get("/staff/letters/bestaat-niet/"),
        "anonymous": FlaskClient(staff_app, staff_app.response_class).get("/staff/"),
    }
    assert responses["preview"].status_code == 200
    assert responses["refused"].status_code == 422
    assert responses["list refused"].status_code == 422
    assert responses["form pdf"].mimetype == "application/pdf"
    assert responses["unknown letter"].status_code == 404
    assert responses["anonymous"].status_code == 302
    for what, response in responses.items():
        assert response.headers.get("Cache-Control") == "no-store", what


def test_the_login_page_of_the_staff_area_says_no_store(staff_app: Flask) -> None:
    # /staff/login is part of the staff area too; after a failed try it shows the address
    # that was typed.
    client = FlaskClient(staff_app, staff_app.response_class, use_cookies=True)
    shown = client.get("/staff/login")
    failed = client.post("/staff/login", data={"email": "a@b.example", "password": "fout"})
    assert shown.status_code == 200
    assert failed.status_code == 200
    assert shown.headers.get("Cache-Control") == "no-store"
    assert failed.headers.get("Cache-Control") == "no-store"


# --- Pages, fonts and subjects --------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("slug", LETTERS)
def test_the_letter_is_dutch_then_the_persons_language(
    letters: Letters, staff_app: Flask, slug: str, lang: str
) -> None:
    pdf = letters.pdf(slug, lang)
    pages = letters.pages(slug, lang)
    assert page_count(pdf) == (1 if lang == "nl" else 2)
    letter = letter_of(staff_app, slug)
    assert has_phrase(pages[0], letter.source.subject, "nl"), pages[0][:500]
    assert "Hoofdstraat 12a" in normalise(pages[0])
    if lang != "nl":
        assert has_phrase(pages[1], letter.texts[lang].subject, lang), pages[1][:500]
        # The address is only on the Dutch page, the one that goes in the envelope window.
        assert "Hoofdstraat" not in pages[1]
    assert not ARABIC_LETTERS.search(pages[0])
    assert not ETHIOPIC_LETTERS.search(pages[0])
    if lang == "ar":
        assert ARABIC_LETTERS.search(pages[1])
    if lang == "ti":
        assert ETHIOPIC_LETTERS.search(pages[1])


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("slug", LETTERS)
def test_the_letter_embeds_the_font_of_the_persons_script(
    letters: Letters, slug: str, lang: str
) -> None:
    names = embedded_font_names(letters.pdf(slug, lang), lang)
    assert "Noto-Sans" in names


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("slug", LETTERS)
def test_the_appointment_date_is_written_in_each_pages_language(
    letters: Letters, slug: str, lang: str
) -> None:
    assert format_date(APPOINTMENT, "full", locale="nl") == DATES["nl"]
    assert format_date(APPOINTMENT, "full", locale="en_GB") == DATES["en"]
    pages = letters.pages(slug, lang)
    assert has_phrase(pages[0], DATES["nl"], "nl"), pages[0][:800]
    if lang != "nl":
        assert has_phrase(pages[1], DATES[lang], lang), pages[1][:800]


def assert_inside_window(words: list[Word], window: tuple[float, float, float, float]) -> None:
    """Check that every word lies inside a window (left, top, right, bottom in mm)."""
    left, top, right, bottom = window
    for word in words:
        assert word.x0 >= left - SLACK_MM, (word, "left of the window")
        assert word.x1 <= right + SLACK_MM, (word, "right of the window")
        assert word.y0 >= top - SLACK_MM, (word, "above the window")
        assert word.y1 <= bottom + SLACK_MM, (word, "below the window")


# --- The address for the window envelope ----------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("slug", LETTERS)
def test_the_address_lies_inside_the_envelope_window(
    letters: Letters, slug: str, lang: str
) -> None:
    tokens = " ".join(ADDRESS).split()
    address = find_run(page_words(letters.pdf(slug, lang), 1), tokens)
    assert_inside_window(address, WINDOW_MM)
    # The name starts at the window's left edge (the letter's padding is 22 mm).
    assert abs(address[0].x0 - WINDOW_MM[0]) < 1.0, address[0]


def test_a_long_name_still_lies_inside_the_envelope_window(letters: Letters) -> None:
    long_name = {
        "voornaam": "Abdulrahman Mohammed Ali",
        "tussenvoegsel": "",
        "achternaam": "Tesfamariam-Woldegiorgis",
        "straat": "Burgemeester van de Mortelplein",
    }
    pdf = letters.pdf(LETTERS[0], "ti", **long_name)
    tokens = "Abdulrahman Mohammed Ali Tesfamariam-Woldegiorgis".split()
    tokens += "Burgemeester van de Mortelplein 12a 5038 AB TILBURG".split()
    assert_inside_window(find_run(page_words(pdf, 1), tokens), WINDOW_MM)


def test_the_return_address_is_a_small_line_at_the_top_of_the_window(letters: Letters) -> None:
    words = page_words(letters.pdf(LETTERS[0], "ar"), 1)
    line = find_run(words, "Gemeente Tilburg, Voorbeeldplein 1, 5038 AA Tilburg".split())
    name = find_run(words, ADDRESS[0].split())
    assert_inside_window(line, WINDOW_MM)
    for word in line:
        assert word.y1 <= name[0].y0, (word, "below the addressee")
    assert line[0].y1 - line[0].y0 < (name[0].y1 - name[0].y0) * 0.8  # smaller type


def test_the_reference_and_the_chosen_date_are_on_both_pages(letters: Letters) -> None:
    pages = letters.pages(LETTERS[0], "ti", kenmerk="INB/2026/0042", briefdatum="15-12-2026")
    dutch, tigrinya = pages[0], pages[1]
    assert "Ons kenmerk: INB/2026/0042" in dutch
    assert "15 december 2026" in dutch
    assert "INB/2026/0042" in tigrinya
    assert format_date(dt.date(2026, 12, 15), "d MMMM y", locale="ti_ER") in tigrinya


def test_without_a_reference_there_is_no_reference_line_and_the_date_is_today(
    letters: Letters,
) -> None:
    dutch = letters.pages(LETTERS[0], "nl")[0]
    assert "kenmerk" not in dutch.lower()
    assert format_date(dt.date.today(), "d MMMM y", locale="nl") in dutch


@pytest.mark.parametrize("lang", LANGUAGES)
def test_times_are_printed_on_the_24_hour_clock(letters: Letters, lang: str) -> None:
    slug = next(s for s in LETTERS if any(p.type == "time" for p in letters.letter(s)))
    text = " ".join(letters.pages(slug, lang, tijd="14:30"))
    assert "14:30" in text
    assert "ድ.ቀ" not in text  # never "2:30 ድ.ቀ.", which can be read as 8:30
    assert " PM" not in text


# --- Who signs ----------------------------------------------------------------------------------


def test_staff_choose_who_signs_the_letter(letters: Letters) -> None:
    dutch = normalise(letters.pages(LETTERS[0], "nl", ondertekenaar="b. jansen (voorbeeld)")[0])
    assert "B. Jansen (voorbeeld)" in dutch
    assert "Teamleider inburgering" in dutch
    assert "A. de Vries" not in dutch
    usual = normalise(letters.pages(LETTERS[0], "nl")[0])
    assert "A. de Vries (voorbeeld)" in usual


def test_a_signatory_not_in_the_profile_is_named_before_printing(staff_app: Flask) -> None:
    slug = LETTERS[0]
    response = staff_app.test_client().post(
        f"/staff/letters/{slug}/",
        data=letter_values(staff_app, slug, "nl", ondertekenaar="C. Onbekend"),
    )
    assert response.status_code == 422
    assert "B. Jansen (voorbeeld)" in unescape(response.get_data(as_text=True))


# --- The interpreter ---------------------------------------------------------------------------

INVITATIONS = ["uitnodiging-brede-intake", "uitnodiging-pip"]


@pytest.mark.parametrize("slug", INVITATIONS)
def test_an_invitation_says_an_interpreter_in_her_language_will_be_there(
    letters: Letters, slug: str
) -> None:
    dutch, tigrinya = letters.pages(slug, "ti")
    # The Dutch page tells the colleagues, the Tigrinya page tells her: nobody has to phone.
    assert "Bij het gesprek is een tolk Tigrinya." in normalise(dutch)
    assert "ትግርኛ" in tigrinya
    assert has_phrase(tigrinya, "ተርጓሚ", "ti")
    assert "tolk nodig" not in normalise(dutch)  # no more "tell X if you need one"


@pytest.mark.parametrize("slug", INVITATIONS)
def test_staff_can_say_no_interpreter_and_a_dutch_speaker_gets_none(
    letters: Letters, slug: str
) -> None:
    dutch, arabic = letters.pages(slug, "ar", tolk="nee")
    assert "tolk" not in normalise(dutch).lower()
    assert "مترجم" not in arabic
    assert "tolk" not in normalise(letters.pages(slug, "nl")[0]).lower()


def test_the_invitation_to_the_brede_intake_says_it_is_compulsory(letters: Letters) -> None:
    dutch = normalise(letters.pages("uitnodiging-brede-intake", "en")[0])
    assert "Dit gesprek is verplicht." in dutch
    assert "Kunt u niet komen?" in dutch  # and what to do when the date does not suit


def test_a_letter_that_is_no_invitation_asks_nothing_about_an_interpreter(
    staff_app: Flask,
) -> None:
    with staff_app.test_request_context():
        reminder = letter_of(staff_app, "herinnering-afspraak")
        invitation = letter_of(staff_app, "uitnodiging-pip")
        assert "tolk" not in [f.name for f in letter_fields(reminder)]
        assert "tolk" in [f.name for f in letter_fields(invitation)]


def test_a_municipalitys_own_envelope_window_moves_the_address(content_copy: Path) -> None:
    profile = content_copy / "municipalities" / "tilburg.yml"
    profile.write_text(
        profile.read_text(encoding="utf-8") + "envelope_window:\n  left_mm: 30\n  top_mm: 56\n",
        encoding="utf-8",
    )
    app = make_staff_app(CONTENT_DIR=str(content_copy))
    slug = LETTERS[0]
    pdf = (
        app.test_client()
        .post(f"/staff/letters/{slug}/", data=letter_values(app, slug, "nl"))
        .get_data()
    )
    address = find_run(page_words(pdf, 1), " ".join(ADDRESS).split())
    assert abs(address[0].x0 - 30.0) < 1.0, address[0]
    assert_inside_window(address, (30.0, 56.0, 30.0 + 85.0, 56.0 + 35.0))


@pytest.mark.parametrize(
    "setting", ["left_mm: 5\n  top_mm: 50", "left_mm: 22\n  top_mm: tall", "left_mm: 22"]
)
def test_an_envelope_window_that_no_letter_can_serve_is_named(
    content_copy: Path, setting: str
) -> None:
    profile = content_copy / "municipalities" / "tilburg.yml"
    profile.write_text(
        profile.read_text(encoding="utf-8") + f"envelope_window:\n  {setting}\n",
        encoding="utf-8",
    )
    problems: list[ContentError] = []
    load_content(content_copy, STATIC, list(LANGUAGES), problems)
    assert any("envelope_window" in str(problem) for problem in problems), problems


def test_the_window_check_sheet_outlines_the_address_block(staff_app: Flask) -> None:
    reply = staff_app.test_client().get("/staff/window-check/tilburg.pdf")
    assert reply.status_code == 200
    assert reply.mimetype == "application/pdf"
    words = page_words(reply.get_data(), 1)
    where = app_message(
        staff_app, "%(left)s mm from the left, %(top)s mm from the top, 85 x 35 mm."
    )
    where = where.replace("%(left)s", "22").replace("%(top)s", "50")
    assert_inside_window(find_run(words, where.split()), WINDOW_MM)


def test_the_window_check_sheet_is_only_for_ones_own_municipality(
    tilburg_client: FlaskClient,
) -> None:
    assert tilburg_client.get("/staff/window-check/tilburg.pdf").status_code == 200
    assert tilburg_client.get("/staff/window-check/oisterwijk.pdf").status_code == 403
    assert tilburg_client.get("/staff/window-check/nowhere.pdf").status_code == 404


@pytest.mark.parametrize("typed", ["5038ab", "5038 ab", " 5038AB ", "5038 AB"])
def test_the_postcode_is_written_the_dutch_way(staff_app: Flask, typed: str) -> None:
    slug = LETTERS[0]
    response = staff_app.test_client().post(
        f"/staff/letters/{slug}/",
        data=letter_values(staff_app, slug, "nl", postcode=typed, action="preview"),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # Two spaces before the place, in capitals (what the PDF keeps is checked below).
    assert re.search(r">\s*5038 AB  TILBURG\s*<", html), "no address line '5038 AB  TILBURG'"


def test_the_postcode_is_followed_by_the_place_in_capitals(letters: Letters) -> None:
    words = page_words(letters.pdf(LETTERS[0], "en"), 1)
    digits, letters_, place = find_run(words, ["5038", "AB", "TILBURG"])
    assert place.text == place.text.upper() == "TILBURG"
    # One line: the place follows the postcode on the same baseline.
    assert abs(place.y1 - digits.y1) < 0.1
    assert digits.x1 < letters_.x0 < place.x0


def test_two_spaces_separate_the_postcode_and_the_place(letters: Letters) -> None:
    # Dutch postal rules (and Person.address): "5038 AB  TILBURG", two spaces before the place.
    pdf = letters.pdf(LETTERS[0], "en")
    digits, letters_, place = find_run(page_words(pdf, 1), ["5038", "AB", "TILBURG"])
    one_space = letters_.x0 - digits.x1
    assert place.x0 - letters_.x1 > 1.6 * one_space, (
        f"the gap before the place is {place.x0 - letters_.x1:.2f} mm, one space is "
        f"{one_space:.2f} mm: the two spaces were collapsed into one"
    )
    assert "5038 AB  TILBURG" in text_layer(pdf, 0)


def test_a_latin_name_in_an_arabic_letter_reads_as_typed(letters: Letters) -> None:
    # "تحية طيبة ((voornaam)) ((achternaam))،": the first and last name are Latin words; in the
    # right-to-left line they must still stand as "Ali Berg" (left to right), not "Berg Ali".
    words = page_words(letters.pdf(LETTERS[0], "ar"), 2)
    first = [w for w in words if w.text == "Ali"]
    last = [w for w in words if w.text.strip("،,") == "Berg"]
    assert first, " ".join(w.text for w in words)[:500]
    assert last, " ".join(w.text for w in words)[:500]
    same_line = [(f, b) for f in first for b in last if abs(f.y1 - b.y1) < 0.5]
    assert same_line, "the first and last name are not on one line"
    for first_name, last_name in same_line:
        assert first_name.x0 < last_name.x0, (
            f"the greeting shows '{last_name.text} {first_name.text}': the two names are "
            "isolated one by one and then put in right-to-left order"
        )


# --- Values come out as typed ---------------------------------------------------------------

ODD_VALUES = {
    "voornaam": "<script>alert(1)</script>",
    "achternaam": '<b>Ali</b> "O\'Neil" & van der Berg',
    "tussenvoegsel": "",
    "locatie": "=1+1",
    "contactpersoon": "((achternaam))",
}


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_odd_values_are_shown_literally_in_the_preview(staff_app: Flask, lang: str) -> None:
    slug = "herinnering-afspraak"
    response = staff_app.test_client().post(
        f"/staff/letters/{slug}/",
        data=letter_values(staff_app, slug, lang, action="preview", **ODD_VALUES),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Ali</b>" not in html
    assert "&lt;b&gt;Ali&lt;/b&gt;" in html
    preview = html.split('class="letter-preview"', 1)[1]
    text = unescape(re.sub(r"<[^>]+>", "", preview))
    text = normalise(text)
    assert "=1+1" in text
    # ((achternaam)) typed as a contact person stays as typed: it is not filled in again.
    assert "Bel ((achternaam))" in text
    assert "Bel <b>Ali</b>" not in text
    assert text.count("((achternaam))") == 2  # once on each page, for the contact person


def test_odd_values_are_printed_literally(letters: Letters) -> None:
    slug = "herinnering-afspraak"
    pages = [normalise(page) for page in letters.pages(slug, "en", **ODD_VALUES)]
    assert len(pages) == 2
    for page in pages:
        assert "<script>alert(1)</script>" in page
        assert '<b>Ali</b> "O\'Neil" & van der Berg' in page
        assert "=1+1" in page
    assert "Bel ((achternaam))" in pages[0]
    assert "Call ((achternaam))" in pages[1]
    assert "Bel <b>Ali</b>" not in pages[0]
    # The address window shows the name as typed too.
    assert '<script>alert(1)</script> <b>Ali</b> "O\'Neil" & van der Berg' in pages[0]


# --- Impossible input -----------------------------------------------------------------------

IMPOSSIBLE = {
    "achternaam": ("", "This is empty."),
    "datum": ("31-02-2027", "This date does not exist."),
    "tijd": ("25:00", "This time does not exist."),
    "telefoon": ("013 abc 4567", "A phone number has only digits, spaces and + - ( )."),
    "postcode": ("50388", "A Dutch postcode is 4 digits and 2 letters, for example 5038 AA."),
    "taal": ("Klingon", "This language is unknown."),
}


@pytest.fixture(scope="module")
def refused(staff_app: Flask) -> TestResponse:
    slug = "herinnering-afspraak"
    typed = {name: value for name, (value, _msgid) in IMPOSSIBLE.items()}
    return staff_app.test_client().post(
        f"/staff/letters/{slug}/", data=letter_values(staff_app, slug, "ar", **typed)
    )


def test_impossible_input_is_refused(refused: TestResponse) -> None:
    assert refused.status_code == 422
    assert refused.mimetype == "text/html"
    assert not refused.data.startswith(b"%PDF")
    assert refused.headers["Cache-Control"] == "no-store"
    assert 'class="letter-preview"' not in refused.get_data(as_text=True)


def test_each_impossible_value_has_its_message_next_to_it(
    staff_app: Flask, refused: TestResponse
) -> None:
    page = StaffPage(refused.get_data(as_text=True))
    for name, (_value, msgid) in IMPOSSIBLE.items():
        field = page.inputs[f"field-{name}"]
        assert field["aria-invalid"] == "true", name
        assert f"field-{name}-error" in field["aria-describedby"].split(), name
        assert page.text(f"field-{name}-error") == normalise(app_message(staff_app, msgid)), name
    for element, attributes in page.inputs.items():
        name = element.removeprefix("field-")
        if element.startswith("field-") and name not in IMPOSSIBLE:
            assert attributes["aria-invalid"] == "false", name
            assert f"field-{name}-error" not in page.texts, name


def test_every_typed_value_stays_in_the_form(staff_app: Flask, refused: TestResponse) -> None:
    page = StaffPage(refused.get_data(as_text=True))
    typed = letter_values(
        staff_app,
        "herinnering-afspraak",
        "ar",
        **{name: value for name, (value, _msgid) in IMPOSSIBLE.items()},
    )
    for name, value in typed.items():
        if name in ("action", "taal"):
            continue  # "Klingon" is no option of the language list
        if name == "municipality":
            assert page.selected["municipality"] == value
            continue
        assert page.inputs[f"field-{name}"].get("value", "") == value, name


def test_a_known_language_stays_chosen(staff_app: Flask) -> None:
    slug = "herinnering-afspraak"
    response = staff_app.test_client().post(
        f"/staff/letters/{slug}/", data=letter_values(staff_app, slug, "ti", datum="31-02-2027")
    )
    assert response.status_code == 422
    assert StaffPage(response.get_data(as_text=True)).selected["field-taal"] == "ti"


# --- Example municipalities -----------------------------------------------------------------


def test_a_letter_of_an_example_municipality_says_voorbeeld(
    letters: Letters, staff_app: Flask
) -> None:
    assert content_of(staff_app).municipalities[MUNICIPALITY].example
    pdf = letters.pdf(LETTERS[0], "ar")
    for number in range(page_count(pdf)):
        assert "VOORBEELD" in text_layer(pdf, number), number


def test_a_letter_of_a_real_municipality_does_not(content_copy: Path) -> None:
    profile = content_copy / "municipalities" / f"{MUNICIPALITY}.yml"
    text = profile.read_text(encoding="utf-8")
    assert "example: true" in text
    profile.write_text(text.replace("example: true", "example: false"), encoding="utf-8")
    app = make_staff_app(CONTENT_DIR=str(content_copy))
    response = app.test_client().post(
        f"/staff/letters/{LETTERS[0]}/", data=letter_values(app, LETTERS[0], "en")
    )
    assert response.status_code == 200
    for number in range(page_count(response.data)):
        assert "VOORBEELD" not in text_layer(response.data, number)


# --- QR code --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("slug", LETTERS)
def test_the_qr_code_leads_to_the_step_in_the_persons_language(
    letters: Letters, staff_app: Flask, slug: str, lang: str
) -> None:
    letter = letter_of(staff_app, slug)
    # The reminder has no step of its own: its QR code leads to the appointment's (BY_NAME
    # picks the brede intake).
    step = letter.step or "brede-intake"
    # No PORTAL_PUBLIC_BASE_URL in the tests: the address the request came in on. After #,
    # the appointment: its kind (the step's), date, time and place, as staff typed them.
    # An invitation that says until when (eindtijd 11:00) carries that too.
    ends = any(field.name == "eindtijd" for field in letter.placeholders)
    hours = "0930-1100" if ends else "0930"
    expected = (
        f"http://localhost/{lang}/gemeente/{MUNICIPALITY}/plan/{step}/"
        f"#afspraak={step},20261203,{hours},Stadskantoor%2C+kamer+2"
    )
    pdf = letters.pdf(slug, lang)
    # The Dutch page too leads to the person's language: the person scans it.
    pages_to_check = [1] if lang == "nl" else ([1, 2] if slug == LETTERS[0] else [1])
    for number in pages_to_check:
        assert qr_codes(pdf, number) == [expected], (slug, lang, number)
    appointment = read_letter_appointment(expected.partition("#")[2])
    assert (appointment.kind, appointment.date, appointment.time, appointment.place) == (
        step,
        dt.date(2026, 12, 3),
        dt.time(9, 30),
        BY_NAME["locatie"],
    )
    assert appointment.end == (dt.time(11, 0) if ends else None)


def test_the_qr_code_carries_no_name_address_or_contact(letters: Letters) -> None:
    [code] = qr_codes(letters.pdf("uitnodiging-brede-intake", "ar"), 1)
    read = unquote_plus(code)
    personal = [*PERSON.values(), *ADDRESS, "5038 AB"]
    contacts = ("klantregisseur", "contactpersoon", "telefoon", "email")
    personal += [BY_NAME[name] for name in contacts]
    assert [value for value in personal if value in read] == []
    assert BY_NAME["locatie"] in read


def test_a_reminder_in_staffs_own_words_carries_those_words_to_the_plan(letters: Letters) -> None:
    kind = "Gesprek met de huisarts"
    [code] = qr_codes(letters.pdf("herinnering-afspraak", "ti", afspraak=kind), 1)
    # No step of its own: the code leads to the whole plan, the kind as typed (in Dutch).
    assert code.startswith(f"http://localhost/ti/gemeente/{MUNICIPALITY}/plan/#afspraak='")
    appointment = read_letter_appointment(code.partition("#")[2])
    assert (appointment.kind, appointment.typed) == (kind, True)


# The longest place the form takes (200 characters), with letters outside ASCII that the code
# carries as three signs each.
LONGEST_PLACE = (
    "Wijkcentrum Café De Schakel (ingang aan de achterkant, naast de bibliotheek), "
    "Burgemeester Van Meursstraat 181, kamer 3.14 op de derde verdieping; meld u bij de "
    "balie van het Werkplein, Tilburg-Noord."
)


@pytest.mark.parametrize("lang", ["nl", "ti"])
def test_the_longest_place_fits_the_page_and_a_150_dpi_scan_reads_its_code(
    letters: Letters, lang: str
) -> None:
    assert len(LONGEST_PLACE) == 200
    pdf = letters.pdf("uitnodiging-brede-intake", lang, locatie=LONGEST_PLACE)
    assert page_count(pdf) == (1 if lang == "nl" else 2)
    [code] = qr_codes(pdf, 1)  # qr_codes scans at 150 dpi, as a cheap phone sees paper
    assert read_letter_appointment(code.partition("#")[2]).place == LONGEST_PLACE


def test_a_code_with_an_appointment_is_never_kept_in_the_code_cache(staff_app: Flask) -> None:
    # Public codes (a step, the plan) are cached for a mail merge; one with an appointment is
    # made for its letter only and forgotten with it.
    values = letter_values(staff_app, "uitnodiging-pip", "ar", locatie="Wijkcentrum Noord")
    before = qr_code.cache_info()
    response = staff_app.test_client().post("/staff/letters/uitnodiging-pip/", data=values)
    assert response.status_code == 200
    assert "#afspraak=pip," in qr_codes(response.data, 1)[0]
    after = qr_code.cache_info()
    assert (after.hits, after.misses) == (before.hits, before.misses)
