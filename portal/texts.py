"""The typed objects content/ is loaded into: steps, letters, forms, choices, municipalities.

Everything here is read-only data made by content.py; templates and views read it, nothing
writes it. Personal data never lives in these objects.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Generic, Protocol, TypeVar

from markupsafe import Markup

from .audio import Recording
from .textfiles import KINDS, SOURCE_LANGUAGE, ContentError, Kind

# Parts every step has, in this order; the headings themselves are written in each language.
SECTION_COUNT = 4
PLACEHOLDER = re.compile(r"\(\(([a-z0-9_]+)\)\)")


class TranslationText(Protocol):
    """What every text in one language has: where it is and its translation state."""

    @property
    def lang(self) -> str: ...

    @property
    def path(self) -> Path: ...

    @property
    def review(self) -> str | None: ...

    @property
    def translated_from(self) -> str | None: ...


TextT = TypeVar("TextT", bound=TranslationText)


class Translated(Generic[TextT]):
    """Something written in Dutch and translated: a step, a letter or a form."""

    kind: ClassVar[str]  # step | letter | form | choices: where an editor finds it
    slug: str
    texts: dict[str, TextT]
    source_hash: str

    @property
    def kind_info(self) -> Kind:
        """Return what fields a text of this kind has."""
        return KINDS[self.kind]

    @property
    def name(self) -> str:
        """Return the Dutch name an editor knows it by."""
        return str(getattr(self, "title", None) or getattr(self.source, "title", self.slug))

    @property
    def source(self) -> TextT:
        """Return the Dutch text, which is authoritative."""
        return self.texts[SOURCE_LANGUAGE]

    @property
    def label_names(self) -> tuple[str, ...]:
        """Return the names that each language labels (a form's fields, a list's choices)."""
        return ()

    def path_for(self, lang: str) -> Path:
        """Return the file of the text in `lang`, whether it exists yet or not."""
        return self.source.path.with_name(f"{lang}.md")

    def text(self, lang: str) -> TextT:
        """Return the text in `lang`, or the Dutch text when it is not translated yet."""
        return self.texts.get(lang) or self.source

    def recording(self, lang: str) -> Recording | None:
        """Return the recording of the text in `lang` that readers may hear: one that reads
        the text as it is now (an outdated one is not offered)."""
        found = getattr(self, "recordings", {}).get(lang)
        return found if found is not None and found.current else None

    def recording_status(self, lang: str) -> str:
        """Return none, outdated, draft or reviewed for the recording of the text in `lang`."""
        found = getattr(self, "recordings", {}).get(lang)
        if found is None:
            return "none"
        return found.review if found.current else "outdated"

    def status(self, lang: str) -> str:
        """Return source, missing, outdated, draft or reviewed for the text in `lang`."""
        if lang == SOURCE_LANGUAGE:
            return "source"
        text = self.texts.get(lang)
        if text is None:
            return "missing"
        if text.translated_from != self.source_hash:
            return "outdated"
        return text.review or "draft"


@dataclass(frozen=True)
class Section:
    """One titled part of a step: what happens, what you do, who helps, how long."""

    heading: str
    html: Markup


@dataclass(frozen=True)
class StepText:
    """A step in one language."""

    lang: str
    title: str
    summary: str
    sections: tuple[Section, ...]
    path: Path
    review: str | None = None  # None for the Dutch source
    translated_from: str | None = None


@dataclass(frozen=True)
class Field:
    """One value staff fill in: a letter's placeholder (a list column), or a line on a form."""

    name: str
    type: str  # a type of validation.FIELD_TYPES: text, date, time, phone, textarea, ...
    label: str = ""  # for staff; a form's labels are in its texts, one per language
    optional: bool = False
    choices: str = ""  # type choice: the choice list (content/choices/) staff pick from


@dataclass(frozen=True)
class LetterText:
    """A letter in one language; its HTML still holds the ((placeholders))."""

    lang: str
    subject: str
    html: Markup
    placeholders: frozenset[str]
    path: Path
    review: str | None = None
    translated_from: str | None = None


@dataclass(frozen=True)
class Letter(Translated[LetterText]):
    """A letter template: Dutch and translations, its placeholders and what to bring."""

    kind: ClassVar[str] = "letter"
    slug: str
    title: str  # the Dutch name staff see
    # The step its QR code leads to (None: the plan); a picked appointment's own step first.
    step: str | None
    bring: tuple[str, ...]  # pictograms of what to bring
    placeholders: tuple[Field, ...]
    source_hash: str
    texts: dict[str, LetterText]
    # An invitation to a meeting: the letter says that an interpreter in the person's language
    # will be there (staff may switch it off per letter or per row: the "tolk" field).
    interpreter: bool = False


@dataclass(frozen=True)
class FormText:
    """A form in one language: title, a label per field, the explanation above the fields."""

    lang: str
    title: str
    labels: dict[str, str]
    html: Markup
    path: Path
    review: str | None = None
    translated_from: str | None = None


@dataclass(frozen=True)
class Form(Translated[FormText]):
    """A form to print blank, filled in, or as a PDF to fill in on a computer."""

    kind: ClassVar[str] = "form"
    slug: str
    title: str
    step: str
    fields: tuple[Field, ...]
    source_hash: str
    texts: dict[str, FormText]

    @property
    def label_names(self) -> tuple[str, ...]:
        """Return the names of the fields, which every language labels."""
        return tuple(f.name for f in self.fields)


@dataclass(frozen=True)
class Choice:
    """One value of a choice list: its name, and the step of the plan it belongs to."""

    name: str
    step: str | None = None  # e.g. the appointment's step: a letter's QR code leads there
    bring: tuple[str, ...] = ()  # pictograms of what to bring to it


@dataclass(frozen=True)
class ChoiceList(Translated[FormText]):
    """Values staff pick (kinds of appointment, roles), translated like the other texts.

    A text of a list has the shape of a form's: a title, a label per choice, an explanation.
    """

    kind: ClassVar[str] = "choices"
    slug: str
    title: str
    choices: tuple[Choice, ...]
    source_hash: str
    texts: dict[str, FormText]

    @property
    def label_names(self) -> tuple[str, ...]:
        """Return the names of the choices, which every language labels."""
        return tuple(c.name for c in self.choices)

    def choice(self, name: str) -> Choice | None:
        """Return the choice with this name, or None."""
        return next((c for c in self.choices if c.name == name), None)

    def label(self, name: str, lang: str) -> str | None:
        """Return what a choice is called in `lang`, or None when it is not translated."""
        text = self.texts.get(lang)
        return text.labels.get(name) if text is not None else None

    def find(self, typed: str) -> Choice | None:
        """Return the choice that `typed` names (its name or a label in any language, in any
        case), or None: then it is the staff's own text."""
        wanted = " ".join(typed.split()).casefold()
        for choice in self.choices:
            names = {
                choice.name,
                *(text.labels.get(choice.name, "") for text in self.texts.values()),
            }
            if wanted in {" ".join(name.split()).casefold() for name in names}:
                return choice
        return None


@dataclass(frozen=True)
class Picked:
    """A value staff chose from a list, or typed themselves: then it is Dutch text."""

    typed: str
    choice: Choice | None = None
    choices: ChoiceList | None = None

    @property
    def dutch(self) -> str:
        """Return the value in Dutch: the choice's Dutch label, or the text as typed."""
        if self.choice is None or self.choices is None:
            return self.typed
        return self.choices.label(self.choice.name, SOURCE_LANGUAGE) or self.typed

    def in_language(self, lang: str) -> str | None:
        """Return the value in `lang`, or None when it exists only in Dutch."""
        if lang == SOURCE_LANGUAGE:
            return self.dutch
        if self.choice is None or self.choices is None:
            return None
        return self.choices.label(self.choice.name, lang)


@dataclass(frozen=True)
class Source:
    """Where a fact of a text was checked: an official page or an article of the law."""

    url: str
    title: str
    read: str  # the date an editor read it (YYYY-MM-DD)

    @property
    def read_on(self) -> dt.date:
        """Return the date an editor read the source."""
        return dt.date.fromisoformat(self.read)


@dataclass(frozen=True)
class Step(Translated[StepText]):
    """One step of the stappenplan with its texts in every language it has."""

    kind: ClassVar[str] = "step"
    slug: str
    order: int  # position in the plan, 1-based
    number: int  # the number shown: steps joined by "and"/"or" share one
    joins: str | None  # "or": an alternative to the step before (they share a number)
    pictogram: str
    verify: tuple[str, ...]
    source_hash: str
    texts: dict[str, StepText]
    # Where its facts about the law, money and deadlines were checked (nl.md: sources).
    sources: tuple[Source, ...] = ()
    bring: tuple[str, ...] = ()  # pictograms of what to bring (nl.md: bring)
    recordings: dict[str, Recording] = field(default_factory=dict)  # by language
    action: str = ""  # the pictogram of what the reader does in this step (nl.md: action)

    @property
    def dutch_title(self) -> str:
        """Return the Dutch name, the word the reader will hear at the municipality."""
        return self.source.title

    @property
    def dutch_words(self) -> str:
        """Return everything the Dutch text says (its sections as HTML): to find its terms."""
        source = self.source
        return "\n".join([source.title, source.summary, *(s.html for s in source.sections)])


@dataclass(frozen=True)
class Topic(Translated[StepText]):
    """A questions page: what people ask about one subject (costs, time, an interpreter...),
    each `## ` heading a question with its answer; linked from the steps it belongs to."""

    kind: ClassVar[str] = "question"
    slug: str
    pictogram: str
    steps: tuple[str, ...]  # the slugs of the steps that link to it
    verify: tuple[str, ...]
    source_hash: str
    texts: dict[str, StepText]
    sources: tuple[Source, ...] = ()
    recordings: dict[str, Recording] = field(default_factory=dict)  # by language

    @property
    def dutch_words(self) -> str:
        """Return everything the Dutch text says (its sections as HTML): to find its terms."""
        source = self.source
        return "\n".join([source.title, source.summary, *(s.html for s in source.sections)])


# Anything an editor translates.
TranslatedItem = Step | Letter | Form | ChoiceList | Topic


@dataclass(frozen=True)
class TermIn:
    """A glossary term in one language: how it is written, what it means, what not to write."""

    term: str
    explain: str
    forms: tuple[str, ...] = ()  # the same word with a prefix or an ending, also right
    avoid: tuple[str, ...] = ()  # variants no text in this language may use


@dataclass(frozen=True)
class GlossaryTerm:
    """One Dutch term of the inburgering and how each language writes and explains it."""

    dutch: str
    languages: dict[str, TermIn]  # by language code; Dutch too (its term is `dutch`)

    def pattern(self) -> re.Pattern[str]:
        """Return how the Dutch term is found in a Dutch text: as a whole word, in any case
        (an abbreviation such as PIP or MAP only in capitals: "map" is another word)."""
        flags = 0 if self.dutch.isupper() else re.IGNORECASE
        return re.compile(rf"(?<![\w-]){re.escape(self.dutch)}(?![\w-])", flags)

    def used_in(self, dutch_text: str) -> bool:
        """Say whether a Dutch text uses this term."""
        return bool(self.pattern().search(dutch_text))

    def written_in(self, lang: str, text: str) -> bool:
        """Say whether a text in `lang` writes the term as the glossary says (or in Dutch, when
        the language has no entry)."""
        entry = self.languages.get(lang)
        spellings = (entry.term, *entry.forms) if entry else (self.dutch,)
        return any(spelling.lower() in text.lower() for spelling in spellings)

    def in_language(self, lang: str) -> TermIn:
        """Return the term in `lang`, or the Dutch entry when the language has none yet."""
        return self.languages.get(lang) or self.languages[SOURCE_LANGUAGE]


@dataclass(frozen=True)
class OpeningHours:
    """Days and times a municipality's desk is open."""

    days: tuple[str, ...]
    opens: str
    closes: str


@dataclass(frozen=True)
class Offer:
    """A traject the municipality offers: its kind (content/choices/aanbod) and who runs it."""

    kind: str
    by: str
    phone: str | None = None


@dataclass(frozen=True)
class Partner:
    """A local organisation that helps with one step (e.g. VluchtelingenWerk)."""

    name: str
    step: str
    phone: str | None = None
    email: str | None = None
    website: str | None = None


@dataclass(frozen=True)
class Municipality:
    """A municipality's profile: contact details shown with its view of the plan."""

    slug: str
    name: str
    example: bool
    street: str
    postcode: str
    city: str
    phone: str
    email: str
    website: str
    hours: tuple[OpeningHours, ...]
    partners: tuple[Partner, ...]
    signatory_name: str  # who signs letters
    signatory_role: str
    path: Path
    # The line above the address in a window envelope: where undeliverable mail goes back to
    # (often a Postbus); the municipality's address when its profile names none.
    return_line: str = ""
    # Where the window of the municipality's envelopes lies: the address block's top-left
    # corner in mm from the paper's left and top edge (letter.css is laid out for 22 x 50).
    window_left_mm: float = 22.0
    window_top_mm: float = 50.0
    # Who else may sign its letters, as (name, role): staff choose one per letter or per row.
    other_signatories: tuple[tuple[str, str], ...] = ()
    # What it offers (its trajects, with who runs them), shown with the steps they belong to.
    offers: tuple[Offer, ...] = ()
    # Which languages its contacts speak (language codes), and whether they call a telephone
    # interpreter for anyone who asks: shown with its contact details.
    contact_languages: tuple[str, ...] = ()
    interpreter_by_phone: bool = False

    @property
    def signatories(self) -> list[tuple[str, str]]:
        """Return (name, role) of everyone who may sign its letters, the usual one first."""
        return [(self.signatory_name, self.signatory_role), *self.other_signatories]

    def signatory(self, name: str = "") -> tuple[str, str] | None:
        """Return (name, role) of who signs: the one named (any case), the usual one when no
        name is given, or None for a name that is not in the profile."""
        if not name.strip():
            return self.signatories[0]
        wanted = " ".join(name.split()).lower()
        return next((person for person in self.signatories if person[0].lower() == wanted), None)

    @property
    def return_address(self) -> str:
        """Return the return-address line of its letters."""
        own_address = f"{self.street}, {self.postcode} {self.city}"
        return self.return_line or f"Gemeente {self.name}, {own_address}"

    def offers_for(self, step: str, offers: ChoiceList | None) -> tuple[Offer, ...]:
        """Return what the municipality offers for one step (the kinds of `offers`)."""
        if offers is None:
            return ()
        return tuple(
            offer for offer in self.offers if (c := offers.choice(offer.kind)) and c.step == step
        )

    def partners_for(self, step_slug: str) -> tuple[Partner, ...]:
        """Return the local partners that help with one step."""
        return tuple(p for p in self.partners if p.step == step_slug)


@dataclass(frozen=True)
class Content:
    """Everything in content/ that the public pages show."""

    steps: tuple[Step, ...]
    municipalities: dict[str, Municipality]
    pictograms: dict[str, dict[str, str]]  # name -> language -> text alternative
    letters: dict[str, Letter]
    forms: dict[str, Form]
    choice_lists: dict[str, ChoiceList]
    files: dict[Path, float] = field(repr=False)  # every file read, with its mtime
    glossary: tuple[GlossaryTerm, ...] = ()
    version: str = ""  # a hash of every file's bytes: changes whenever any text changes
    # What is broken: those texts are served as they were before, or left out.
    problems: tuple[ContentError, ...] = ()
    # The questions pages in their order, by folder (NN-slug); `topic` finds one by its slug.
    topics: dict[str, Topic] = field(default_factory=dict)

    @property
    def step_count(self) -> int:
        """Return how many numbered steps the plan has (joined steps share a number)."""
        return self.steps[-1].number if self.steps else 0

    def step(self, slug: str) -> Step | None:
        """Return the step with this slug, or None."""
        return next((s for s in self.steps if s.slug == slug), None)

    def neighbours(self, step: Step) -> tuple[Step | None, Step | None]:
        """Return the steps before and after `step` in the plan."""
        index = step.order - 1
        previous = self.steps[index - 1] if index > 0 else None
        following = self.steps[index + 1] if index + 1 < len(self.steps) else None
        return previous, following

    def translated(self) -> list[TranslatedItem]:
        """Return everything that is written in Dutch and translated."""
        return [
            *self.steps,
            *self.letters.values(),
            *self.forms.values(),
            *self.choice_lists.values(),
            *self.topics.values(),
        ]

    def translated_item(self, kind: str, slug: str) -> TranslatedItem | None:
        """Return the text of this kind (step, letter, ...) and slug, or None."""
        return next((i for i in self.translated() if i.kind == kind and i.slug == slug), None)

    def topic(self, slug: str) -> Topic | None:
        """Return the questions page with this slug, or None."""
        return next((t for t in self.topics.values() if t.slug == slug), None)

    def topics_for(self, step: Step) -> list[Topic]:
        """Return the questions pages that belong to a step."""
        return [topic for topic in self.topics.values() if step.slug in topic.steps]

    def terms_of(self, dutch_text: str) -> list[GlossaryTerm]:
        """Return the glossary terms a Dutch text uses, in glossary order."""
        return [term for term in self.glossary if term.used_in(dutch_text)]

    def picked(self, list_name: str, typed: str) -> Picked:
        """Return what staff typed in a field of a choice list: a choice, or their own text."""
        choices = self.choice_lists.get(list_name)
        choice = choices.find(typed) if choices is not None else None
        return Picked(" ".join(typed.split()), choice, choices)

    def numbered(self) -> list[tuple[int, tuple[Step, ...]]]:
        """Return the steps by their number: one step, or the alternatives that share it."""
        groups: dict[int, list[Step]] = {}
        for step in self.steps:
            groups.setdefault(step.number, []).append(step)
        return [(number, tuple(group)) for number, group in groups.items()]

    def alternatives(self) -> list[tuple[Step, ...]]:
        """Return each group of steps that are choices ("or"), e.g. the three learning routes."""
        return [group for _number, group in self.numbered() if len(group) > 1]

    def pictogram_alt(self, name: str, lang: str) -> str:
        """Return the text alternative of a pictogram in `lang`, else in Dutch."""
        alts = self.pictograms.get(name, {})
        return alts.get(lang) or alts.get(SOURCE_LANGUAGE, "")
