"""Personal letters and forms: check what staff typed or uploaded, fill the texts, print.

Personal data lives only in these objects while a request runs: it is never written to disk,
logged or cached. Each person gets the Dutch text first, then the same in their language.
"""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing
import os
import signal
from collections.abc import Iterable
from dataclasses import dataclass

from babel.dates import format_date
from flask import current_app, g
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from pypdf import PdfWriter

from .content import PERSON_FIELDS, SOURCE_LANGUAGE, Form, Letter, Municipality
from .i18n import language_named, languages, local_date, local_time
from .markup import fill_placeholders
from .printing import Printer, printer, render_print_template
from .public import content
from .validation import check_phone, normalise_postcode, parse_date, parse_time

# The labels staff see for the fields every letter has.
PERSON_LABELS = {
    "voornaam": _l("First name"),
    "tussenvoegsel": _l("Name prefix (van, de, ...)"),
    "achternaam": _l("Last name"),
    "straat": _l("Street"),
    "huisnummer": _l("House number"),
    "postcode": _l("Postcode"),
    "plaats": _l("Town"),
    "taal": _l("Language"),
}
PERSON_TYPES = {"postcode": "postcode", "taal": "language"}
OPTIONAL_FIELDS = {"tussenvoegsel"}
MAX_VALUE_LENGTH = 200
# People per WeasyPrint document in a batch: bounds memory, and chunks are joined by pypdf.
PEOPLE_PER_DOCUMENT = 20
MAX_PRINT_WORKERS = 4


@dataclass(frozen=True)
class Field:
    """One value a letter needs: its placeholder name, label for staff and type."""

    name: str
    label: str
    type: str  # text | date | time | phone | postcode | language


@dataclass(frozen=True)
class Person:
    """One addressee with checked values; lives only while a letter is made."""

    values: dict[str, str]  # as typed, cleaned (postcode as 1234 AB)
    dates: dict[str, dt.date]
    times: dict[str, dt.time]
    lang: str

    def formatted(self, lang: str) -> dict[str, str]:
        """Return the values to print in `lang`: dates and times written that language's way."""
        with force_locale(lang):
            shown = dict(self.values)
            shown.update({name: local_date(date) for name, date in self.dates.items()})
            shown.update({name: local_time(time) for name, time in self.times.items()})
        return shown

    def address(self) -> list[str]:
        """Return the address block by Dutch postal rules: postcode, two spaces, PLACE."""
        v = self.values
        name = " ".join(
            part for part in (v["voornaam"], v.get("tussenvoegsel", ""), v["achternaam"]) if part
        )
        return [name, f"{v['straat']} {v['huisnummer']}", f"{v['postcode']}  {v['plaats'].upper()}"]


def letter_fields(letter: Letter) -> list[Field]:
    """Return every value a letter needs: the person's fields, then the letter's own."""
    fields = [Field(n, str(PERSON_LABELS[n]), PERSON_TYPES.get(n, "text")) for n in PERSON_FIELDS]
    fields += [Field(p.name, p.label, p.type) for p in letter.placeholders]
    return fields


def check_person(
    fields: Iterable[Field], raw: dict[str, str]
) -> tuple[Person | None, dict[str, str]]:
    """Check one person's values; return the person, or the problems by field name."""
    values: dict[str, str] = {}
    dates: dict[str, dt.date] = {}
    times: dict[str, dt.time] = {}
    errors: dict[str, str] = {}
    lang = SOURCE_LANGUAGE
    for field in fields:
        text = " ".join(str(raw.get(field.name) or "").split())
        if not text:
            if field.name not in OPTIONAL_FIELDS:
                errors[field.name] = str(_l("This is empty."))
            values[field.name] = ""
            continue
        if len(text) > MAX_VALUE_LENGTH:
            errors[field.name] = str(_l("This is too long: at most 200 characters."))
            continue
        try:
            if field.type == "date":
                dates[field.name] = parse_date(text)
            elif field.type == "time":
                times[field.name] = parse_time(text)
            elif field.type == "phone":
                text = check_phone(text)
            elif field.type == "postcode":
                text = normalise_postcode(text)
            elif field.type == "language":
                found = language_named(text)
                if found is None:
                    raise ValueError(_l("This language is unknown."))
                lang = found.tag
        except ValueError as error:
            errors[field.name] = str(error.args[0])
            continue
        values[field.name] = text
    if errors:
        return None, errors
    return Person(values, dates, times, lang), {}


def page_languages(letter: Letter, person_lang: str) -> list[str]:
    """Return the languages of a person's pages: Dutch first, then their own if translated."""
    if person_lang == SOURCE_LANGUAGE or person_lang not in letter.texts:
        return [SOURCE_LANGUAGE]
    return [SOURCE_LANGUAGE, person_lang]


def letter_pages(letter: Letter, municipality: Municipality, person: Person) -> list[Markup]:
    """Render one person's letter pages: Dutch (with the address), then their language."""
    pages = []
    for number, lang in enumerate(page_languages(letter, person.lang)):
        with force_locale(lang):
            html = render_print_template(
                "print/_letter_page.html",
                letter=letter,
                text=letter.text(lang),
                body=fill_placeholders(
                    letter.text(lang).html, person.formatted(lang), lang, languages()[lang].dir
                ),
                municipality=municipality,
                address=person.address() if number == 0 else None,
                today=format_date(dt.date.today(), "long", locale=lang),
                online_url=step_url_for(letter.step, municipality, person.lang),
            )
        pages.append(Markup(html))  # noqa: S704 - our template, values escaped
    return pages


def letters_html(letter: Letter, municipality: Municipality, people: list[Person]) -> str:
    """Return one print document with every person's letter, each starting on a new sheet."""
    g.municipality = municipality
    people_pages = [letter_pages(letter, municipality, person) for person in people]
    return render_print_template(
        "print/letters.html", letter=letter, municipality=municipality, people_pages=people_pages
    )


def print_letters(letter: Letter, municipality: Municipality, people: list[Person]) -> bytes:
    """Print the letters of every person in order, as one PDF.

    A long list is printed in chunks by a worker process per core while this process makes
    the HTML of the chunks; the chunks are joined in order. The HTML goes to the workers
    through a pipe: personal data never touches the disk.
    """
    chunks = [
        letters_html(letter, municipality, people[start : start + PEOPLE_PER_DOCUMENT])
        for start in range(0, len(people), PEOPLE_PER_DOCUMENT)
    ]
    if len(chunks) == 1:
        return printer().render(chunks[0])
    global _worker_printer
    _worker_printer = printer()  # the forked workers inherit it, fonts and stylesheet loaded
    workers = min(os.cpu_count() or 1, MAX_PRINT_WORKERS, len(chunks))
    # A fresh worker every few chunks gives back the memory WeasyPrint holds on to.
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=default_signals, maxtasksperchild=5) as pool:
        pdfs = pool.map(render_in_worker, chunks, chunksize=1)
    return join_pdfs(pdfs)


_worker_printer: Printer | None = None


def default_signals() -> None:
    """Let a print worker end on SIGTERM: a gunicorn worker's own handler only sets a flag,
    and a worker that inherited it would never stop when the pool is closed."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def render_in_worker(html: str) -> bytes:
    """Render one chunk of letters in a worker process."""
    if _worker_printer is None:
        raise RuntimeError("print workers are forked after _worker_printer is set")
    return _worker_printer.render(html)


def join_pdfs(pdfs: list[bytes]) -> bytes:
    """Join PDFs into one, in order, in memory; each part ends on the back of a sheet.

    Every part starts its first person on a front page, so a part with an odd number of
    pages gets a blank back page: the next part's first person starts on a new sheet too.
    """
    if len(pdfs) == 1:
        return pdfs[0]
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(io.BytesIO(pdf))
        if len(writer.pages) % 2:
            writer.add_blank_page()
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def loaded_letter(slug: str) -> Letter | None:
    """Return a letter template by its slug."""
    return content().letters.get(slug)


def loaded_form(slug: str) -> Form | None:
    """Return a form by its slug."""
    return content().forms.get(slug)


def check_form_values(form: Form, values: dict[str, str]) -> dict[str, str]:
    """Check the values staff pre-fill on a form: dates must exist, text must be short."""
    errors: dict[str, str] = {}
    for field in form.fields:
        text = values.get(field.name, "").strip()
        if not text:
            continue
        limit = 2000 if field.type == "textarea" else MAX_VALUE_LENGTH
        if len(text) > limit:
            errors[field.name] = str(_l("This is too long."))
        elif field.type == "date":
            try:
                parse_date(text)
            except ValueError as error:
                errors[field.name] = str(error.args[0])
    return errors


def form_html(
    form: Form, municipality: Municipality, lang: str, mode: str, values: dict[str, str]
) -> str:
    """Return the print HTML of a form: explanation and labels in Dutch and in `lang`."""
    g.municipality = municipality
    shown = {name: value for name, value in values.items() if mode == "filled"}
    with force_locale(lang):
        return render_print_template(
            "print/form.html",
            form=form,
            dutch=form.source,
            # Without a translation the form is printed in Dutch only, not in Dutch twice.
            translated=form.texts.get(lang) if lang != SOURCE_LANGUAGE else None,
            municipality=municipality,
            mode=mode,
            values=shown,
            online_url=step_url_for(form.step, municipality, lang),
        )


def step_url_for(step: str, municipality: Municipality, lang: str) -> str:
    """Return the web address of a step, in the person's language and municipality."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/{lang}/gemeente/{municipality.slug}/plan/{step}/"
