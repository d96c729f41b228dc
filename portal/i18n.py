"""The language registry (content/languages.yml), locale choice and LocaleInfo for templates."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import time
from dataclasses import dataclass
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError, negotiate_locale
from babel.dates import (
    format_date,
    format_skeleton,
    format_time,
    get_date_format,
    get_day_names,
    get_month_names,
    tokenize_pattern,
)
from flask import Flask, current_app, request
from flask_babel import Babel, get_domain, get_locale

from .uistrings import CheckedCatalogs

LANGUAGE_COOKIE = "lang"
DIRECTIONS = ("ltr", "rtl")
SCRIPTS = ("latin", "arabic", "ethiopic")


class LanguageError(ValueError):
    """content/languages.yml or a catalog is missing or wrong."""


@dataclass(frozen=True)
class LocaleInfo:
    """One language of the portal, as templates need it: `lang`, `dir` and font."""

    tag: str
    name: str
    dutch_name: str
    native_name: str
    dir: str
    script: str
    aliases: tuple[str, ...] = ()  # other names staff may write in a list: Tigrinisch, ...
    # The CLDR locale that writes dates and times for this language's readers: a region's
    # month names (ar_SY: كانون الثاني, not يناير) and its clock. The language code alone
    # when languages.yml names none.
    dates_locale: str = ""

    @property
    def cldr(self) -> str:
        """Return the CLDR locale of dates, times and day names for this language."""
        return self.dates_locale or self.tag

    @property
    def names(self) -> set[str]:
        """Return every way a list may name this language, in lower case."""
        words = {self.tag, self.name, self.dutch_name, self.native_name, *self.aliases}
        return {word.strip().lower() for word in words}

    @property
    def font(self) -> str:
        """Return the CSS class that selects the bundled font for this script."""
        return f"script-{self.script}"


def language_code_problem(code: str) -> str | None:
    """Say what is wrong with a language code, or None: "shape" (not 2 or 3 lower-case
    letters; regional variants such as pt-br are not supported) or "unknown" (Babel has no
    dates and numbers for it)."""
    if not re.fullmatch(r"[a-z]{2,3}", code):
        return "shape"
    try:
        Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return "unknown"
    return None


def load_languages(path: Path, problems: list[str] | None = None) -> dict[str, LocaleInfo]:
    """Read languages.yml into an ordered mapping of code to LocaleInfo.

    A bad row raises LanguageError; with a `problems` list it is noted there and left out
    instead, so that one bad row never takes the other languages down. A file that cannot
    be read at all always raises.
    """
    try:
        rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise LanguageError(f"{path}: cannot read the language list: {error}") from error
    if not isinstance(rows, list) or not rows:
        raise LanguageError(f"{path}: expected a list of languages")
    languages: dict[str, LocaleInfo] = {}
    for number, row in enumerate(rows, start=1):
        try:
            info = language_row(row, languages)
        except LanguageError as error:
            if problems is None:
                raise LanguageError(f"{path}: language {number}: {error}") from None
            problems.append(f"language {number}: {error}")
        else:
            languages[info.tag] = info
    return languages


def language_row(row: object, before: dict[str, LocaleInfo]) -> LocaleInfo:
    """Read one row of languages.yml; `before` are the languages of the rows above it."""
    if not isinstance(row, dict):
        raise LanguageError("expected code, name, native_name, direction, script")
    missing = [k for k in ("code", "name", "native_name", "direction", "script") if not row.get(k)]
    if missing:
        raise LanguageError(f"missing {', '.join(missing)}")
    code = str(row["code"])
    if language_code_problem(code):
        raise LanguageError(
            f"code {code!r} must be a language code of 2 or 3 lower-case letters "
            "that Babel knows (no regional variants such as pt-br)"
        )
    if row["direction"] not in DIRECTIONS:
        raise LanguageError(f"direction must be one of {', '.join(DIRECTIONS)}")
    if row["script"] not in SCRIPTS:
        raise LanguageError(f"script must be one of {', '.join(SCRIPTS)}")
    if code in before:
        raise LanguageError(f"code {code!r} appears twice")
    dates_locale = str(row.get("dates_locale") or "")
    if dates_locale and not dates_locale_fits(dates_locale, code):
        raise LanguageError(
            f"dates_locale {dates_locale!r} must be a CLDR locale of {code!r} that Babel "
            f"knows, e.g. {code}_NL"
        )
    return LocaleInfo(
        tag=code,
        name=str(row["name"]),
        dutch_name=str(row.get("dutch_name") or row["name"]),
        native_name=str(row["native_name"]),
        dir=str(row["direction"]),
        script=str(row["script"]),
        aliases=tuple(str(alias) for alias in row.get("aliases") or ()),
        dates_locale=dates_locale,
    )


def dates_locale_fits(dates_locale: str, code: str) -> bool:
    """Say whether a CLDR locale is one of a language's own (ar_SY for ar) and Babel has it."""
    try:
        return Locale.parse(dates_locale).language == code
    except (ValueError, UnknownLocaleError):
        return False


def reload_languages(app: Flask, problems: list[str]) -> list[str]:
    """Read languages.yml again and make its good rows the app's registry; return the codes.

    Bad rows are noted in `problems`; a file that cannot be read raises LanguageError and
    the registry stays as it was.
    """
    registry = load_languages(Path(app.config["CONTENT_DIR"]) / "languages.yml", problems)
    if app.config["DEFAULT_LANGUAGE"] in registry:
        app.extensions["wegwijs_languages"] = registry
    else:
        problems.append(f"the default language {app.config['DEFAULT_LANGUAGE']!r} is not listed")
    return list(app.extensions["wegwijs_languages"])


def languages() -> dict[str, LocaleInfo]:
    """Return the languages of the running app."""
    registry: dict[str, LocaleInfo] = current_app.extensions["wegwijs_languages"]
    return registry


def language_from_headers() -> str | None:
    """Return the supported language the visitor asked for by cookie, then Accept-Language."""
    supported = languages()
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in supported:
        return cookie
    wanted = [tag for tag, _quality in request.accept_languages]
    return negotiate_locale(wanted, list(supported), sep="-") if wanted else None


def language_named(text: str) -> LocaleInfo | None:
    """Find a language by its code or any of its names ('ar', 'Arabisch', 'Arabic', 'العربية')."""
    wanted = " ".join(text.split()).lower()
    return next((info for info in languages().values() if wanted in info.names), None)


def language_like(text: str) -> LocaleInfo | None:
    """Find the language a misspelt name most likely means ('Tigrinja': Tigrinya), or None."""
    wanted = " ".join(text.split()).lower()
    by_name = {name: info for info in languages().values() for name in info.names if len(name) > 3}
    close = difflib.get_close_matches(wanted, list(by_name), n=1, cutoff=0.75)
    return by_name[close[0]] if close else None


def choose_locale() -> str:
    """Choose the locale: URL prefix, then cookie, then Accept-Language, then Dutch."""
    # Only the public pages (and what a reader saves of them) name their language in the URL;
    # an editor page's <lang> is the language being edited, not the language of the editor.
    if request.blueprint in ("public", "offline") and request.view_args:
        if request.view_args.get("lang") in languages():
            return str(request.view_args["lang"])
    return language_from_headers() or current_app.config["DEFAULT_LANGUAGE"]


def current_tag() -> str:
    """Return the language being rendered: the request's, or one forced for a Dutch half."""
    return str(get_locale() or current_app.config["DEFAULT_LANGUAGE"])


def current_locale_info() -> LocaleInfo:
    """Return the LocaleInfo of the language being rendered."""
    return languages()[current_tag()]


WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def dates_locale() -> str:
    """Return the CLDR locale of the language being rendered (see LocaleInfo.cldr)."""
    info = languages().get(current_tag())
    return info.cldr if info else current_tag()


def weekday_range(days: tuple[str, ...]) -> str:
    """Name opening days in the reader's language: a run of days as 'Monday – Friday'."""
    names = get_day_names("wide", locale=dates_locale())
    indexes = [WEEKDAY_KEYS.index(day) for day in days]
    if len(indexes) > 2 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        return f"{names[indexes[0]]} – {names[indexes[-1]]}"
    return ", ".join(names[i] for i in indexes)


def local_date(date: dt.date, locale: str | None = None) -> str:
    """Write a date in full the way the reader's language does: 'donderdag 3 december 2026'
    (in the CLDR `locale`, when given).

    The weekday, then the same day as local_day writes it: one way of writing a date
    throughout a letter (CLDR's "long" format puts the month first in some languages:
    'ታሕሳስ 1, 2026' beside the full '21 ጥሪ 2027')."""
    locale = locale or dates_locale()
    full = format_date(date, "full", locale=locale)
    day = local_day(date, locale)
    if day in full:
        return full
    return f"{format_date(date, 'EEEE', locale=locale)} {day}"


def local_day(date: dt.date, locale: str | None = None) -> str:
    """Write a date without its weekday, e.g. the date of a letter: '3 december 2026'."""
    return format_skeleton("yMMMMd", date, locale=locale or dates_locale())


# The fields of CLDR's full date pattern that a phone fills in itself (see date_words).
DATE_FIELDS = {("E", 4): "weekday", ("d", 1): "day", ("M", 4): "month", ("y", 1): "year"}


def date_words() -> dict[str, object]:
    """Return what a phone needs to write a date as local_date does, in the reader's language.

    Appointments in a QR code are read in the browser and never sent here, so the server
    cannot write their dates; and a phone's browser may know no dates in the language
    (Chromium has none for Tigrinya). So the page carries CLDR's full date pattern as parts
    (text, or the field to fill in) and the names of the months and weekdays (weekdays from
    Sunday, as JavaScript counts). Empty (the phone writes the date its own way) when the
    pattern holds other fields, or when local_date does not use it for this language."""
    return date_words_of(dates_locale())


@functools.cache  # CLDR's data does not change while the app runs; step pages need it
def date_words_of(locale: str) -> dict[str, object]:
    """Return date_words for a CLDR locale."""
    sample = dt.date(2026, 12, 3)
    if local_date(sample, locale) != format_date(sample, "full", locale=locale):
        return {}
    parts: list[object] = []
    for kind, value in tokenize_pattern(get_date_format("full", locale=locale).pattern):
        if kind == "chars":
            parts.append(value)
        elif value in DATE_FIELDS:
            parts.append({"field": DATE_FIELDS[value]})
        else:
            return {}
    months = get_month_names("wide", locale=locale)
    days = get_day_names("wide", locale=locale)  # Monday is 0
    return {
        "parts": parts,
        "months": [months[month] for month in range(1, 13)],
        "weekdays": [days[(day - 1) % 7] for day in range(7)],
    }


def local_time(time: dt.time) -> str:
    """Write a time on the 24-hour clock in every language: '14:30'.

    Never the 12-hour clock: in Eritrea and Ethiopia hours are also counted from 6 in the
    morning, so a Tigrinya '2:30' can be read as 8:30; '14:30' is the same on both sides of
    a bilingual letter."""
    return format_time(time, "HH:mm", locale=dates_locale())


def own_name(code: str) -> str:
    """Return a language's name in that language (CLDR): 'العربية', 'ትግርኛ'. A reader spots
    her own language by it, whatever language the page is in."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def catalog_path(catalogs: Path, lang: str, suffix: str = ".po") -> Path:
    """Return the UI catalog of a language (.po, or the compiled .mo) in the catalogs folder."""
    return catalogs / lang / "LC_MESSAGES" / f"messages{suffix}"


def app_catalog_path(lang: str) -> Path:
    """Return the UI catalog (.po) of a language of the running app."""
    return catalog_path(Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"]), lang)


def check_catalogs(app: Flask, registry: dict[str, LocaleInfo]) -> None:
    """Fail at start-up when a configured language has no compiled UI catalog."""
    catalogs = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    missing = [code for code in registry if not catalog_path(catalogs, code, ".mo").is_file()]
    if missing:
        raise LanguageError(
            f"no compiled catalog for {', '.join(missing)} in {catalogs}: run `make translations`"
        )


class CatalogWatcher:
    """Drop Flask-Babel's cached catalogs when a compiled catalog changed on disk.

    An editor's save compiles the catalog in one worker; every worker notices it within
    `interval` seconds, without a restart.
    """

    def __init__(self, app: Flask, interval: float) -> None:
        self.folder = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])
        self.interval = interval
        self.checked = 0.0
        self.seen = self.snapshot()

    def snapshot(self) -> dict[Path, float]:
        """Return every compiled catalog with its modification time."""
        return {path: path.stat().st_mtime for path in self.folder.glob("*/LC_MESSAGES/*.mo")}

    def check(self, force: bool = False) -> None:
        """Forget the cached translations when a catalog changed (at most every interval)."""
        now = time.monotonic()
        if now - self.checked < self.interval and not force:
            return
        self.checked = now
        current = self.snapshot()
        if current != self.seen:
            self.seen = current
            get_domain().cache.clear()


def init_app(app: Flask) -> None:
    """Load the language registry, check the catalogs and set up Flask-Babel.

    Bad rows of languages.yml are left out (the content store names them); the default
    language must be there, or the portal cannot start.
    """
    registry = load_languages(Path(app.config["CONTENT_DIR"]) / "languages.yml", [])
    if app.config["DEFAULT_LANGUAGE"] not in registry:
        raise LanguageError(
            f"the default language {app.config['DEFAULT_LANGUAGE']!r} is not listed"
        )
    check_catalogs(app, registry)
    app.extensions["wegwijs_languages"] = registry
    babel = Babel(app, locale_selector=choose_locale)
    with app.app_context():
        babel.domain_instance.cache = CheckedCatalogs()
    watcher = CatalogWatcher(app, app.config["CONTENT_RELOAD_INTERVAL"])
    app.extensions["wegwijs_catalogs"] = watcher
    app.before_request(watcher.check)
    app.context_processor(lambda: {"locale": current_locale_info(), "languages": languages()})
    app.jinja_env.globals.update(
        weekday_range=weekday_range,
        local_date=local_date,
        local_day=local_day,
        date_words=date_words,
        local_time=local_time,
        own_name=own_name,
    )
