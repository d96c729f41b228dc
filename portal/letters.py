"""Personal letters and forms: check what staff typed or uploaded, fill the texts, print.

Personal data lives only in these objects while a request runs: it is never written to disk,
logged or cached. Each person gets the Dutch text first, then the same in their language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from . import content
from .addresses import online_url
from .i18n import languages, local_date, local_day, local_time
from .loading import PERSON_FIELDS
from .markup import fill_placeholders
from .plan_link import choice_part, letter_appointment_fragment
from .printing import (
    personal_qr_code,
    print_in_parallel,
    qr_code,
    render_in,
    render_print_template,
)
from .textfiles import SOURCE_LANGUAGE
from .texts import Choice, Field, Form, Letter, Municipality
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
PERSON_TYPES = {
    "voornaam": "name",
    "tussenvoegsel": "name",
    "achternaam": "name",
    "straat": "place",
    "huisnummer": "place",
    "postcode": "postcode",
    "plaats": "place",
    "taal": "language",
}
# What every Dutch municipal letter names besides the addressee: its reference (kenmerk), the
# date it carries and who signs it. All may stay empty (a list may leave the columns out): no
# reference line, today's date, the municipality's usual signatory.
LETTER_FACTS = {
    "kenmerk": ("text", _l("Reference (kenmerk)")),
    "briefdatum": ("date", _l("Date on the letter (empty: today)")),
    "ondertekenaar": ("signatory", _l("Who signs (empty: the municipality's usual signatory)")),
}
# Only on invitations to a meeting (Letter.interpreter).
INTERPRETER_LABEL = _l("An interpreter in the person's language at the meeting (empty: yes)")
OPTIONAL_FIELDS = {"tussenvoegsel"}
# Values printed as staff typed them, in Dutch letters on every page; `text` is the staff's
# own words, which a translated page cannot translate (see Person.own_words).
TYPED_AS_IS = {"text", "name", "place", "email", "phone", "postcode", "signatory"}
# A letter that names a date `datum` invites to an appointment (at `tijd` until `eindtijd`, in
# `locatie`, of the kind `afspraak` on a reminder): its QR code carries the appointment after #
# in its address, so one scan shows it on the step's page and puts it in the phone's calendar.
APPOINTMENT_DATE = "datum"
APPOINTMENT_TIME = "tijd"
APPOINTMENT_PLACE = "locatie"
APPOINTMENT_END = "eindtijd"  # an invitation's "until about"
APPOINTMENT_KIND = "afspraak"  # also the name of the list of kinds (content/choices/)
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
    # Values picked from a choice list, as field -> (list, choice): printed in each language.
    picked: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Values printed as typed (names, addresses, the staff's own words): Dutch on every page.
    as_typed: frozenset[str] = frozenset()
    # Of those, the staff's own words (a text field, a choice not in its list): a translated
    # page shows them in Dutch, marked as not translated in the preview.
    own_words: frozenset[str] = frozenset()

    def formatted(self, lang: str) -> dict[str, str]:
        """Return the values to print in `lang`: dates and times written that language's way,
        picked choices in that language (in Dutch when the list is not translated yet)."""
        with force_locale(lang):
            shown = dict(self.values)
            shown.update({name: local_date(date) for name, date in self.dates.items()})
            shown.update({name: local_time(time) for name, time in self.times.items()})
        for name in self.picked:
            shown[name] = self.choice_label(name, lang) or self.values[name]
        return shown

    def choice_label(self, name: str, lang: str) -> str | None:
        """Return a picked value as `lang` calls it, or None when its list lacks `lang`."""
        list_name, choice_name = self.picked[name]
        choices = content.current().choice_lists.get(list_name)
        return choices.label(choice_name, lang) if choices is not None else None

    def untranslated(self, lang: str) -> frozenset[str]:
        """Return the values that a page in `lang` shows in Dutch although it is not Dutch."""
        if lang == SOURCE_LANGUAGE:
            return frozenset()
        missing = {name for name in self.picked if self.choice_label(name, lang) is None}
        return self.own_words | missing

    def picked_choice(self) -> Choice | None:
        """Return the first picked choice that belongs to a step (a reminder's appointment)."""
        for list_name, choice_name in self.picked.values():
            choices = content.current().choice_lists.get(list_name)
            choice = choices.choice(choice_name) if choices is not None else None
            if choice is not None and choice.step:
                return choice
        return None

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
    picked: dict[str, tuple[str, str]] = {}
    as_typed: set[str] = set()
    errors: dict[str, str] = {}
    lang = SOURCE_LANGUAGE
    for one in fields:
        text = " ".join(str(raw.get(one.name) or "").split())
        if not text:
            if not one.optional:
                errors[one.name] = str(_l("This is empty."))
            values[one.name] = ""
            continue
        try:
            value = check_value(validation_type(one), text)
        except ValueError as error:
            errors[one.name] = str(error.args[0])
            continue
        if one.type == "date":
            dates[one.name] = value
        elif one.type == "time":
            times[one.name] = value
        elif one.type == "language":
            lang = value
        elif one.type == "yesno":
            text = "ja" if value else "nee"
        elif one.type == "choice":
            choice = content.current().picked(one.choices, text)
            if choice.choice is not None:
                picked[one.name] = (one.choices, choice.choice.name)
            text = choice.dutch
        else:
            text = value  # cleaned: a postcode as 1234 AB, a phone number's spaces
        if one.type in TYPED_AS_IS or (one.type == "choice" and one.name not in picked):
            as_typed.add(one.name)
        values[one.name] = text
    if municipality is not None and municipality.signatory(values.get("ondertekenaar", "")) is None:
        names = ", ".join(name for name, _role in municipality.signatories)
        errors["ondertekenaar"] = str(_l("Choose who signs: %(names)s.", names=names))
    if errors:
        return None, errors
    own_words = {name for name in as_typed if name not in picked and is_own_words(fields, name)}
    return Person(
        values, dates, times, lang, 0, picked, frozenset(as_typed), frozenset(own_words)
    ), {}


def validation_type(one: Field) -> str:
    """Return the type a field's value is checked as (a signatory's name is text)."""
    return "text" if one.type == "signatory" else one.type


def is_own_words(fields: Iterable[Field], name: str) -> bool:
    """Say whether a field holds the staff's own words: free text, or a choice not in its list."""
    return any(f.name == name and f.type in ("text", "choice") for f in fields)


def untranslated_values(letter: Letter, person: Person, fields: list[Field]) -> list[Field]:
    """Return the fields whose values the person's own page shows in Dutch: the staff's own
    words, or a choice whose list is not translated into the person's language yet."""
    lang = person.lang
    if lang == SOURCE_LANGUAGE or lang not in letter.texts:
        return []
    shown_in_dutch = person.untranslated(lang) & letter.text(lang).placeholders
    return [f for f in fields if f.name in shown_in_dutch and person.values.get(f.name)]


def page_languages(letter: Letter, person_lang: str) -> list[str]:
    """Return the languages of a person's pages: Dutch first, then their own if translated."""
    if person_lang == SOURCE_LANGUAGE or person_lang not in letter.texts:
        return [SOURCE_LANGUAGE]
    return [SOURCE_LANGUAGE, person_lang]


def letter_pages(letter: Letter, municipality: Municipality, person: Person) -> list[Markup]:
    """Render one person's letter pages: Dutch (with the address), then their language.

    A reminder's QR code and what-to-bring list are those of the appointment picked in it
    (its step), else the letter's own.
    """
    appointment = person.picked_choice()
    step = appointment.step if appointment is not None else letter.step
    bring = appointment.bring if appointment is not None else letter.bring
    code_url = online_url(person.lang, step, municipality)
    fragment = appointment_fragment(letter, person)
    # The appointment makes the code personal: made for this letter only, never cached.
    code = qr_code(code_url) if fragment is None else personal_qr_code(f"{code_url}#{fragment}")[0]
    return [
        render_in(
            lang,
            "print/_letter_page.html",
            letter=letter,
            text=letter.text(lang),
            body=fill_placeholders(
                letter.text(lang).html,
                person.formatted(lang),
                lang,
                languages()[lang].dir,
                as_typed=person.as_typed | person.untranslated(lang),
                untranslated=person.untranslated(lang),
            ),
            municipality=municipality,
            address=person.address() if number == 0 else None,
            today=day_in(lang, person.dates.get("briefdatum") or dt.date.today()),
            reference=person.values.get("kenmerk", ""),
            signatory=municipality.signatory(person.values.get("ondertekenaar", "")),
            interpreter=interpreter_language(letter, person, lang),
            bring=bring,
            code=code,
            code_has_appointment=fragment is not None,
            can_listen=can_listen(step, person.lang),
        )
        for number, lang in enumerate(page_languages(letter, person.lang))
    ]


def appointment_fragment(letter: Letter, person: Person) -> str | None:
    """Return what a letter's QR code adds after # to carry its appointment (date, time and
    place; never a name), or None for a letter without a date of an appointment."""
    date = person.dates.get(APPOINTMENT_DATE)
    if date is None:
        return None
    return letter_appointment_fragment(
        appointment_kind(letter, person),
        date,
        person.times.get(APPOINTMENT_TIME),
        person.values.get(APPOINTMENT_PLACE, ""),
        person.times.get(APPOINTMENT_END),
    )


def appointment_kind(letter: Letter, person: Person) -> str:
    """Return the kind of a letter's appointment as a link names it: the one a reminder picked
    or typed, else the kind that belongs to the letter's step, else the letter's Dutch name."""
    if APPOINTMENT_KIND in person.picked:
        return person.picked[APPOINTMENT_KIND][1]
    if person.values.get(APPOINTMENT_KIND):
        return choice_part(None, person.values[APPOINTMENT_KIND])
    kinds = content.current().choice_lists.get(APPOINTMENT_KIND)
    of_step = None
    if kinds is not None and letter.step is not None:
        of_step = next((c.name for c in kinds.choices if c.step == letter.step), None)
    return choice_part(of_step, letter.title)


def can_listen(step_slug: str | None, lang: str) -> bool:
    """Say whether the step a letter's QR code leads to can be heard in the reader's language
    (a recording of its text as it is now)."""
    found = content.current().step(step_slug) if step_slug else None
    return found is not None and found.recording(found.text(lang).lang) is not None


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
    for one in form.fields:
        text = values.get(one.name, "").strip()
        if not text:
            continue
        try:
            check_value(one.type, text)
        except ValueError as error:
            errors[one.name] = str(error.args[0])
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
