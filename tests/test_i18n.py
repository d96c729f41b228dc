"""Locale choice, the language registry and <html lang dir>."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from portal import create_app
from portal.i18n import (
    LanguageError,
    date_words,
    load_languages,
    local_date,
    local_day,
    local_time,
)
from tests.conftest import LANGUAGES, PROJECT_ROOT
from tests.html_tools import html_tag

DIRECTIONS = {"nl": "ltr", "en": "ltr", "ar": "rtl", "ti": "ltr"}


def test_the_registry_lists_the_four_languages_in_order() -> None:
    registry = load_languages(PROJECT_ROOT / "content" / "languages.yml")
    assert list(registry) == LANGUAGES
    assert registry["ar"].dir == "rtl"
    assert registry["ti"].native_name == "ትግርኛ"
    assert registry["ar"].native_name == "العربية"


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("ar-SY,ar;q=0.9,en;q=0.5", "/ar/"),
        ("ti-ER", "/ti/"),
        ("ti-ET,am;q=0.8", "/ti/"),
        ("en-GB,en;q=0.9", "/en/"),
        ("nl-BE", "/nl/"),
        ("fr-FR,de;q=0.8,ar;q=0.3", "/ar/"),
    ],
)
def test_the_front_page_sends_visitors_to_their_browser_language(
    client: FlaskClient, accept_language: str, expected: str
) -> None:
    response = client.get("/", headers={"Accept-Language": accept_language})
    assert response.status_code == 302
    assert response.headers["Location"] == expected
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize("accept_language", ["fr-FR,de;q=0.8", "", "x-klingon"])
def test_the_front_page_shows_the_chooser_for_languages_we_do_not_have(
    client: FlaskClient, accept_language: str
) -> None:
    response = client.get("/", headers={"Accept-Language": accept_language})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for native in ("Nederlands", "English", "العربية", "ትግርኛ"):
        assert native in page


def test_a_language_cookie_beats_the_browser_language(client: FlaskClient) -> None:
    client.set_cookie("lang", "ti")
    response = client.get("/", headers={"Accept-Language": "ar-SY"})
    assert response.headers["Location"] == "/ti/"


def test_an_unknown_language_cookie_is_ignored(client: FlaskClient) -> None:
    client.set_cookie("lang", "xx")
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.headers["Location"] == "/en/"


def test_choosing_a_language_remembers_it(client: FlaskClient) -> None:
    response = client.get("/language/ar")
    assert response.headers["Location"] == "/ar/"
    assert "lang=ar" in response.headers["Set-Cookie"]
    assert client.get("/", headers={"Accept-Language": "nl"}).headers["Location"] == "/ar/"


def test_choosing_an_unknown_language_is_not_found(client: FlaskClient) -> None:
    assert client.get("/language/xx").status_code == 404


def test_the_chooser_names_each_language_in_its_own_script_and_direction(
    client: FlaskClient,
) -> None:
    page = client.get("/language/").get_data(as_text=True)
    assert '<span class="native script-arabic" lang="ar" dir="rtl">العربية</span>' in page
    assert '<span class="native script-ethiopic" lang="ti" dir="ltr">ትግርኛ</span>' in page
    assert "flag" not in page.lower()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", ["/{lang}/", "/{lang}/plan/", "/{lang}/plan/brede-intake/"])
def test_every_page_declares_its_language_and_direction(
    client: FlaskClient, lang: str, path: str
) -> None:
    tag = html_tag(client.get(path.format(lang=lang)).get_data(as_text=True))
    assert f'lang="{lang}"' in tag
    assert f'dir="{DIRECTIONS[lang]}"' in tag


def test_arabic_pages_are_right_to_left(client: FlaskClient) -> None:
    assert 'dir="rtl"' in html_tag(client.get("/ar/plan/").get_data(as_text=True))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("nl", "Stap 4 van 10"), ("ar", "4"), ("ti", "4")],
)
def test_interface_strings_are_translated(client: FlaskClient, lang: str, expected: str) -> None:
    page = client.get(f"/{lang}/plan/brede-intake/").get_data(as_text=True)
    assert expected in page
    assert "Step 4 of 10" not in page


def test_opening_days_are_named_in_the_readers_language(client: FlaskClient) -> None:
    assert "maandag – vrijdag" in client.get("/nl/gemeente/tilburg/plan/").get_data(as_text=True)
    assert "Monday – Friday" in client.get("/en/gemeente/tilburg/plan/").get_data(as_text=True)
    assert "الاثنين" in client.get("/ar/gemeente/tilburg/plan/").get_data(as_text=True)


def test_a_language_without_a_compiled_catalog_stops_the_start(content_copy: Path) -> None:
    with (content_copy / "languages.yml").open("a", encoding="utf-8") as file:
        file.write(
            "- code: so\n  name: Somali\n  native_name: Soomaali\n"
            "  direction: ltr\n  script: latin\n"
        )
    with pytest.raises(LanguageError, match="no compiled catalog for so"):
        create_app({"TESTING": True, "CONTENT_DIR": str(content_copy)})


def test_adding_a_language_is_a_row_and_a_catalog(content_copy: Path, tmp_path: Path) -> None:
    with (content_copy / "languages.yml").open("a", encoding="utf-8") as file:
        file.write(
            "- code: fa\n  name: Persian\n  dutch_name: Perzisch\n  native_name: فارسی\n"
            "  direction: rtl\n  script: arabic\n"
        )
    catalogs = tmp_path / "translations"
    shutil.copytree(PROJECT_ROOT / "translations", catalogs)
    (catalogs / "fa" / "LC_MESSAGES").mkdir(parents=True)
    catalog = Catalog(locale="fa")
    catalog.add("Language", "زبان")
    with (catalogs / "fa" / "LC_MESSAGES" / "messages.mo").open("wb") as file:
        write_mo(file, catalog)
    app = create_app(
        {
            "TESTING": True,
            "CONTENT_DIR": str(content_copy),
            "BABEL_TRANSLATION_DIRECTORIES": str(catalogs),
        }
    )
    client = app.test_client()
    assert "فارسی" in client.get("/language/").get_data(as_text=True)
    page = client.get("/fa/plan/brede-intake/").get_data(as_text=True)
    assert 'lang="fa" dir="rtl"' in page
    assert "زبان" in page
    # The step is not translated into Persian: the Dutch text with a notice.
    assert "Brede intake" in page
    assert 'lang="nl" dir="ltr"' in page


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "- code: fa\n  name: X\n  native_name: X\n  direction: up\n  script: latin\n",
            "direction",
        ),
        ("- code: fa\n  name: X\n  native_name: X\n  direction: ltr\n  script: runic\n", "script"),
        (
            "- code: pt-br\n  name: X\n  native_name: X\n  direction: ltr\n  script: latin\n",
            "no regional variants",
        ),
        (
            "- code: qqq\n  name: X\n  native_name: X\n  direction: ltr\n  script: latin\n",
            "Babel knows",
        ),
        (
            "- code: XX\n  name: X\n  native_name: X\n  direction: ltr\n  script: latin\n",
            "lower-case",
        ),
        ("- code: nl\n  name: X\n  native_name: X\n  direction: ltr\n  script: latin\n", "twice"),
        ("- code: fa\n  name: X\n", "missing native_name, direction, script"),
        (
            "- code: fa\n  name: X\n  native_name: X\n  direction: rtl\n  script: arabic\n"
            "  dates_locale: ar_SY\n",
            "CLDR locale of 'fa'",
        ),
    ],
)
def test_a_broken_language_row_is_named(content_copy: Path, row: str, message: str) -> None:
    path = content_copy / "languages.yml"
    path.write_text(path.read_text(encoding="utf-8") + row, encoding="utf-8")
    with pytest.raises(LanguageError, match=message) as raised:
        load_languages(path)
    assert "language 5" in str(raised.value)


APPOINTMENT = dt.date(2027, 1, 21)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_times_are_on_the_24_hour_clock_in_every_language(app: Flask, lang: str) -> None:
    # A Tigrinya "2:30 ድ.ቀ." can be read as 8:30 (hours also counted from 6 in the morning).
    with app.test_request_context(), force_locale(lang):
        assert local_time(dt.time(14, 30)) == "14:30"
        assert local_time(dt.time(9, 5)) == "09:05"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_date_is_written_one_way_throughout_a_letter(app: Flask, lang: str) -> None:
    with app.test_request_context(), force_locale(lang):
        day, full = local_day(APPOINTMENT), local_date(APPOINTMENT)
    assert full.endswith(day), (full, day)  # the weekday, then the day as the letter's date
    assert "2027" in day
    assert "21" in day


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_phone_gets_the_words_to_write_a_date_as_the_letter_does(app: Flask, lang: str) -> None:
    # What js/appointment.js does with date_words, for every day of a week and every month.
    with app.test_request_context(), force_locale(lang):
        words = date_words()
        assert words, "every language of the portal has a pattern a phone can fill in"
        for date in [APPOINTMENT + dt.timedelta(days=n) for n in range(0, 365, 29)]:
            values = {
                "weekday": words["weekdays"][(date.weekday() + 1) % 7],  # type: ignore[index]
                "day": str(date.day),
                "month": words["months"][date.month - 1],  # type: ignore[index]
                "year": str(date.year),
            }
            parts = words["parts"]
            written = "".join(p if isinstance(p, str) else values[p["field"]] for p in parts)  # type: ignore[attr-defined]
            assert written == local_date(date)


def test_arabic_dates_use_the_levantine_month_names(app: Flask) -> None:
    with app.test_request_context(), force_locale("ar"):
        written = local_date(APPOINTMENT)
    assert "كانون الثاني" in written
    assert "يناير" not in written


def test_english_and_tigrinya_dates_put_the_day_first(app: Flask) -> None:
    with app.test_request_context():
        with force_locale("en"):
            assert local_day(APPOINTMENT) == "21 January 2027"
        with force_locale("ti"):
            assert local_day(APPOINTMENT).startswith("21 ")
