"""Personal letters and forms: check what staff typed or uploaded, fill the texts, print.

Personal data lives only in these objects while a request runs: it is never written to disk,
logged or cached. Each person gets the Dutch text first, then the same in their language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from .addresses import online_url
from .i18n import languages, local_date, local_day, local_time
from .loading import PERSON_FIELDS
from .markup import fill_placeholders
from .printing import print_in_parallel, render_in, render_print_template
from .textfiles import SOURCE_LANGUAGE
from .texts import Field, Form, Letter, Municipality
from .validation import check_value

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
# What every Dutch municipal letter names besides the addressee: its reference (kenmerk), the
# date it carries and who signs it. All may stay empty (a list may leave the columns out): no
# reference line, today's date, the municipality's usual signatory.
LETTER_FACTS = {
    "kenmerk": ("text", _l("Reference (kenmerk)")),
    "briefdatum": ("date", _l("Date on the letter (empty: today)")),
    "ondertekenaar": ("text", _l("Who signs (empty: the municipality's usual signatory)")),
}
# Only on invitations to a meeting (Letter.interpreter).
INTERPRETER_LABEL = _l("An interpreter in the person's language at the meeting (empty: yes)")
OPTIONAL_FIELDS = {"tussenvoegsel"}
# People per WeasyPrint document in a batch: bounds memory, and documents are joined by pypdf.
PEOPLE_PER_DOCUMENT = 20


@dataclass(frozen=True)
class Person:
    """One addressee with checked values; lives only while a letter is made."""

    values: dict[str, str]  # as typed, cleaned (postcode as 1234 AB)
    dates: dict[str, dt.date]
    times: dict[str, dt.time]
    lang: str
    row: int = 0  # the row of a list the person came from (0: typed in)

    def formatted(self, lang: str) -> dict[str, str]:
        """Return the values to print in `lang`: dates and times written that language's way."""
        with force_locale(lang):
            shown = dict(self.values)
            shown.update({name: local_date(date) for name, date in self.dates.items()})
            shown.update({name: local_time(time) for name, time in self.times.items()})
        return shown

    @property
    def wants_interpreter(self) -> bool:
        """Say whether an interpreter comes to the meeting: yes unless staff said no, and
        never for someone whose language is Dutch."""
        return self.lang != SOURCE_LANGUAGE and self.values.get("tolk") != "nee"

    def address(self) -> list[str]:
        """Return the address block by Dutch postal rules: postcode, two spaces, PLACE."""
        v = self.values
        name = " ".join(
            part for part in (v["voornaam"], v.get("tussenvoegsel", ""), v["achternaam"]) if part
        )
        return [name, f"{v['straat']} {v['huisnummer']}", f"{v['postcode']}  {v['plaats'].upper()}"]


def letter_fields(letter: Letter) -> list[Field]:
    """Return every value a letter needs: the person's fields, the letter's reference and
    date, then the letter's own."""
    person = [
        Field(
            name,
            PERSON_TYPES.get(name, "text"),
            str(PERSON_LABELS[name]),
            optional=name in OPTIONAL_FIELDS,
        )
        for name in PERSON_FIELDS
    ]
    facts = [
        Field(name, type_name, str(label), optional=True)
        for name, (type_name, label) in LETTER_FACTS.items()
    ]
    if letter.interpreter:
        facts.append(Field("tolk", "yesno", str(INTERPRETER_LABEL), optional=True))
    return person + facts + list(letter.placeholders)


def check_person(
    fields: Iterable[Field], raw: dict[str, str], municipality: Municipality | None = None
) -> tuple[Person | None, dict[str, str]]:
    """Check one person's values; return the person, or the problems by field name.
    With the municipality whose letterhead is used, the signatory is checked against it."""
    values: dict[str, str] = {}
    dates: dict[str, dt.date] = {}
    times: dict[str, dt.time] = {}
    errors: dict[str, str] = {}
    lang = SOURCE_LANGUAGE
    for field in fields:
        text = " ".join(str(raw.get(field.name) or "").split())
        if not text:
            if not field.optional:
                errors[field.name] = str(_l("This is empty."))
            values[field.name] = ""
            continue
        try:
            value = check_value(field.type, text)
        except ValueError as error:
            errors[field.name] = str(error.args[0])
            continue
        if field.type == "date":
            dates[field.name] = value
        elif field.type == "time":
            times[field.name] = value
        elif field.type == "language":
            lang = value
        elif field.type == "yesno":
            text = "ja" if value else "nee"
        else:
            text = value  # cleaned: a postcode as 1234 AB, a phone number's spaces
        values[field.name] = text
    if municipality is not None and municipality.signatory(values.get("ondertekenaar", "")) is None:
        names = ", ".join(name for name, _role in municipality.signatories)
        errors["ondertekenaar"] = str(_l("Choose who signs: %(names)s.", names=names))
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
    return [
        render_in(
            lang,
            "print/_letter_page.html",
            letter=letter,
            text=letter.text(lang),
            body=fill_placeholders(
                letter.text(lang).html, person.formatted(lang), lang, languages()[lang].dir
            ),
            municipality=municipality,
            address=person.address() if number == 0 else None,
            today=day_in(lang, person.dates.get("briefdatum") or dt.date.today()),
            reference=person.values.get("kenmerk", ""),
            signatory=municipality.signatory(person.values.get("ondertekenaar", "")),
            interpreter=interpreter_language(letter, person, lang),
            online_url=online_url(person.lang, letter.step, municipality),
        )
        for number, lang in enumerate(page_languages(letter, person.lang))
    ]


def interpreter_language(letter: Letter, person: Person, page_lang: str) -> str | None:
    """Return the name of the interpreter's language as a page in `page_lang` writes it
    (its Dutch name on the Dutch page, its own name on the person's), or None: no interpreter."""
    if not (letter.interpreter and person.wants_interpreter):
        return None
    language = languages()[person.lang]
    if page_lang == SOURCE_LANGUAGE:
        return language.dutch_name
    return language.native_name if page_lang == person.lang else language.name


def day_in(lang: str, date: dt.date) -> str:
    """Write the date of a letter the way `lang` writes dates throughout the letter."""
    with force_locale(lang):
        return local_day(date)


def letters_html(letter: Letter, municipality: Municipality, people: list[Person]) -> str:
    """Return one print document with every person's letter, each starting on a new sheet."""
    people_pages = [letter_pages(letter, municipality, person) for person in people]
    return render_print_template(
        "print/letters.html", letter=letter, municipality=municipality, people_pages=people_pages
    )


def print_letters(letter: Letter, municipality: Municipality, people: list[Person]) -> bytes:
    """Print the letters of every person in order, as one PDF.

    A long list is cut into documents of PEOPLE_PER_DOCUMENT people, printed side by side by
    the print workers while this process makes the HTML of the documents.
    """
    documents = [
        letters_html(letter, municipality, people[start : start + PEOPLE_PER_DOCUMENT])
        for start in range(0, len(people), PEOPLE_PER_DOCUMENT)
    ]
    return print_in_parallel(documents, stylesheet="letter")


def check_form_values(form: Form, values: dict[str, str]) -> dict[str, str]:
    """Check the values staff pre-fill on a form; return the problems by field name."""
    errors: dict[str, str] = {}
    for field in form.fields:
        text = values.get(field.name, "").strip()
        if not text:
            continue
        try:
            check_value(field.type, text)
        except ValueError as error:
            errors[field.name] = str(error.args[0])
    return errors


def form_html(
    form: Form, municipality: Municipality, lang: str, mode: str, values: dict[str, str]
) -> str:
    """Return the print HTML of a form: explanation and labels in Dutch and in `lang`."""
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
            online_url=online_url(lang, form.step, municipality),
        )
