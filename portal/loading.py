"""Read content/ into typed objects (texts.py), naming every broken file.

`load_content` reads everything. With a list for the problems, a broken file is noted and the
rest is still read: what it holds keeps the version being served, or is left out. content.py
keeps the result current for the running app.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import os
import re
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, TypeVar

import babel
import yaml

from .audio import recordings_of
from .markup import render_markdown
from .textfiles import (
    KINDS,
    SOURCE_LANGUAGE,
    ContentError,
    fields_from_text,
    read_front_matter,
    read_text,
    source_hash,
)
from .texts import (
    PLACEHOLDER,
    SECTION_COUNT,
    Choice,
    ChoiceList,
    Content,
    Field,
    Form,
    FormText,
    GlossaryTerm,
    Letter,
    LetterText,
    Municipality,
    Offer,
    OpeningHours,
    Partner,
    Section,
    Source,
    Step,
    StepText,
    TermIn,
    Topic,
    TranslatedItem,
)

log = logging.getLogger(__name__)

STEP_FOLDER = re.compile(r"^(?P<order>\d{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)$")
POSTCODE = re.compile(r"^[1-9]\d{3} [A-Z]{2}$")
# A step may join the one before it as an alternative ("or": the learning routes): they
# share one number, and the reader (with the municipality) chooses one of them.
JOINS = ("or",)
REVIEW_STATES = ("draft", "reviewed")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Every letter knows the person it is for; these need no declaration in meta.yml.
PERSON_FIELDS = (
    "voornaam",
    "tussenvoegsel",
    "achternaam",
    "straat",
    "huisnummer",
    "postcode",
    "plaats",
    "taal",
)
# text is the staff's own words, in Dutch (a translated letter marks it as not translated);
# name, place and email are printed as typed in every language; choice is picked from a
# choice list (content/choices/) and printed in each page's language.
PLACEHOLDER_TYPES = ("text", "name", "place", "email", "choice", "date", "time", "phone")
FORM_FIELD_TYPES = ("text", "date", "textarea", "checkbox", "signature")


def split_sections(path: Path, body: str, first_line: int) -> tuple[Section, ...]:
    """Split a step's Markdown into its '## ' parts and render each one."""
    sections: list[tuple[str, list[str]]] = []
    for number, line in enumerate(body.split("\n"), start=first_line):
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif sections:
            sections[-1][1].append(line)
        elif line.strip():
            raise ContentError(path, "text before the first '## ' heading", number)
    return tuple(Section(heading, render_markdown("\n".join(lines))) for heading, lines in sections)


def dutch_hash(kind: str, path: Path) -> str:
    """Return the code of a Dutch text file that its translations record."""
    return source_hash(KINDS[kind], fields_from_text(path, read_text(path)))


def required_text(path: Path, meta: dict[str, Any], key: str) -> str:
    """Return a non-empty text setting, or raise naming the file and the setting."""
    value = meta.get(key)
    if not isinstance(value, str | int) or not str(value).strip():
        raise ContentError(path, f"the setting '{key}' is missing or empty")
    return str(value).strip()


def translation_state(path: Path, meta: dict[str, Any], lang: str) -> tuple[str | None, str | None]:
    """Return a translation's review state and the code of the Dutch text it was made from."""
    if lang == SOURCE_LANGUAGE:
        return None, None
    review = str(meta.get("review", "draft"))
    if review not in REVIEW_STATES:
        raise ContentError(path, f"review must be {' or '.join(REVIEW_STATES)}, not {review!r}")
    translated_from = str(meta["translated_from"]) if meta.get("translated_from") else None
    return review, translated_from


def read_yaml(path: Path) -> dict[str, Any]:
    """Read a settings file (meta.yml, a municipality) that must hold 'name: value' lines."""
    try:
        data = yaml.safe_load(read_text(path))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ContentError(path, "is not valid YAML", mark.line + 1 if mark else None) from error
    if not isinstance(data, dict):
        raise ContentError(path, "must be 'name: value' lines")
    return data


def language_files(folder: Path, languages: list[str]) -> dict[str, Path]:
    """Return the Dutch file of a folder and each translation that exists, by language."""
    source = folder / f"{SOURCE_LANGUAGE}.md"
    if not source.is_file():
        raise ContentError(source, "the Dutch text is missing")
    found = {SOURCE_LANGUAGE: source}
    for lang in languages:
        if (folder / f"{lang}.md").is_file():
            found[lang] = folder / f"{lang}.md"
    return found


def declared_fields(
    meta_path: Path, rows: Any, types: tuple[str, ...], choice_lists: Collection[str] = ()
) -> list[Field]:
    """Read the fields a meta.yml declares: a letter's placeholders or a form's fields.
    A field of type choice names its list (`choices:`), one of `choice_lists`."""
    fields = []
    for row in rows or []:
        name = required_text(meta_path, row, "name")
        kind = str(row.get("type", "text"))
        if kind not in types:
            raise ContentError(meta_path, f"field {name!r}: type must be one of {', '.join(types)}")
        choices = str(row.get("choices") or "")
        if kind == "choice" and choices not in choice_lists:
            known = ", ".join(sorted(choice_lists)) or "none"
            raise ContentError(
                meta_path, f"field {name!r}: choices must name a list in content/choices/ ({known})"
            )
        fields.append(Field(name, kind, str(row.get("label") or name), choices=choices))
    return fields


def step_setting(meta_path: Path, meta: dict[str, Any], steps: set[str]) -> str | None:
    """Return the optional `step` setting, which must name a step of the plan."""
    step = meta.get("step")
    if step is None:
        return None
    if str(step) not in steps:
        raise ContentError(meta_path, f"step {step!r} is not a step of the plan")
    return str(step)


def bring_setting(meta_path: Path, meta: dict[str, Any], pictograms: set[str]) -> tuple[str, ...]:
    """Return the optional `bring` setting: pictograms of what to bring."""
    bring = tuple(str(name) for name in meta.get("bring") or ())
    for name in bring:
        if name not in pictograms:
            raise ContentError(meta_path, f"bring: pictogram {name!r} is not in static/pictograms/")
    return bring


def load_letter(
    folder: Path,
    languages: list[str],
    steps: set[str],
    pictograms: set[str],
    choice_lists: set[str],
    problems: list[ContentError] | None = None,
    previous: Letter | None = None,
) -> Letter:
    """Read one letter template and check that every language uses the same placeholders."""
    meta_path = folder / "meta.yml"
    meta = read_yaml(meta_path)
    placeholders = declared_fields(
        meta_path, meta.get("placeholders"), PLACEHOLDER_TYPES, choice_lists
    )
    known = set(PERSON_FIELDS) | {p.name for p in placeholders}
    step = step_setting(meta_path, meta, steps)
    bring = bring_setting(meta_path, meta, pictograms)
    files = language_files(folder, languages)
    source = load_letter_text(files[SOURCE_LANGUAGE], SOURCE_LANGUAGE, known, None)

    def load_one(path: Path, lang: str) -> LetterText:
        return load_letter_text(path, lang, known, source.placeholders)

    texts = load_translations(files, load_one, problems, previous)
    return Letter(
        slug=folder.name,
        title=required_text(meta_path, meta, "title"),
        step=step,
        bring=bring,
        placeholders=tuple(placeholders),
        source_hash=dutch_hash("letter", files[SOURCE_LANGUAGE]),
        texts={SOURCE_LANGUAGE: source, **texts},
        interpreter=meta.get("interpreter") is True,
    )


def load_letter_text(
    path: Path, lang: str, known: set[str], dutch_placeholders: frozenset[str] | None
) -> LetterText:
    """Read one language of a letter; a translation must use the Dutch letter's placeholders."""
    text_meta, body, _line = read_front_matter(path)
    used = frozenset(PLACEHOLDER.findall(body))
    unknown = sorted(used - known)
    if unknown:
        raise ContentError(
            path, "unknown placeholder ((" + unknown[0] + ")): declare it in meta.yml"
        )
    if dutch_placeholders is not None and used != dutch_placeholders:
        difference = sorted(used ^ dutch_placeholders)
        raise ContentError(
            path,
            f"uses other placeholders than the Dutch letter: (({')), (('.join(difference)}))",
        )
    subject = required_text(path, text_meta, "subject")
    review, translated_from = translation_state(path, text_meta, lang)
    return LetterText(lang, subject, render_markdown(body), used, path, review, translated_from)


TextT = TypeVar("TextT", StepText, LetterText, FormText)


def load_translations(
    files: dict[str, Path],
    load_one: Callable[[Path, str], TextT],
    problems: list[ContentError] | None,
    previous: TranslatedItem | None,
) -> dict[str, TextT]:
    """Read every translation of a text with `load_one(path, lang)`.

    A broken translation is noted in `problems`; the version being served (from `previous`)
    stays, or, when there is none, readers see the Dutch text as for a missing translation.
    """
    texts: dict[str, TextT] = {}
    for lang, path in files.items():
        if lang == SOURCE_LANGUAGE:
            continue
        text = attempt(problems, load_one, path, lang)
        if text is None and previous is not None:
            text = previous.texts.get(lang)  # type: ignore[assignment]
        if text is not None:
            texts[lang] = text
    return texts


def load_form(
    folder: Path,
    languages: list[str],
    steps: set[str],
    problems: list[ContentError] | None = None,
    previous: Form | None = None,
) -> Form:
    """Read one form and check that every language labels every field."""
    meta_path = folder / "meta.yml"
    meta = read_yaml(meta_path)
    fields = declared_fields(meta_path, meta.get("fields"), FORM_FIELD_TYPES)
    if not fields:
        raise ContentError(meta_path, "a form needs fields")
    step = required_text(meta_path, meta, "step")
    if step not in steps:
        raise ContentError(meta_path, f"step {step!r} is not a step of the plan")
    files = language_files(folder, languages)

    def load_one(path: Path, lang: str) -> FormText:
        return load_form_text(path, lang, [f.name for f in fields])

    return Form(
        slug=folder.name,
        title=required_text(meta_path, meta, "title"),
        step=step,
        fields=tuple(fields),
        source_hash=dutch_hash("form", files[SOURCE_LANGUAGE]),
        texts={
            SOURCE_LANGUAGE: load_one(files[SOURCE_LANGUAGE], SOURCE_LANGUAGE),
            **load_translations(files, load_one, problems, previous),
        },
    )


def load_form_text(path: Path, lang: str, names: list[str]) -> FormText:
    """Read one language of a form or choice list: its title, a label for each of `names`
    (the fields or choices), the explanation."""
    text_meta, body, _line = read_front_matter(path)
    labels = text_meta.get("labels") or {}
    if not isinstance(labels, dict):
        raise ContentError(path, "labels must be 'name: label' lines")
    missing = [name for name in names if not str(labels.get(name) or "").strip()]
    if missing:
        raise ContentError(path, f"labels: no label for {', '.join(missing)}")
    title = required_text(path, text_meta, "title")
    review, translated_from = translation_state(path, text_meta, lang)
    clean_labels = {name: " ".join(str(labels[name]).split()) for name in names}
    return FormText(lang, title, clean_labels, render_markdown(body), path, review, translated_from)


def load_choice_list(
    folder: Path,
    languages: list[str],
    steps: set[str],
    pictograms: set[str],
    problems: list[ContentError] | None = None,
    previous: ChoiceList | None = None,
) -> ChoiceList:
    """Read one choice list: its choices (meta.yml), and a label per choice in each language."""
    meta_path = folder / "meta.yml"
    meta = read_yaml(meta_path)
    rows = meta.get("choices")
    if not isinstance(rows, list) or not rows:
        raise ContentError(meta_path, "choices: a list needs choices ('- name: ...')")
    choices: list[Choice] = []
    for row in rows:
        if not isinstance(row, dict):
            raise ContentError(meta_path, "choices: each choice is '- name: ...'")
        name = required_text(meta_path, row, "name")
        if name in {c.name for c in choices}:
            raise ContentError(meta_path, f"choices: {name!r} is there twice")
        try:
            step = step_setting(meta_path, row, steps)
        except ContentError as error:
            # A step that is broken or gone: noted, and the choice leads to the whole plan,
            # so one broken step does not take every letter that offers the list with it.
            attempt(problems, fail, error)
            step = None
        choices.append(Choice(name, step, bring_setting(meta_path, row, pictograms)))
    names = [c.name for c in choices]
    files = language_files(folder, languages)

    def load_one(path: Path, lang: str) -> FormText:
        text = load_form_text(path, lang, names)
        labels = list(text.labels.values())
        twice = sorted({label for label in labels if labels.count(label) > 1})
        if twice:
            raise ContentError(path, f"labels: two choices are called {twice[0]!r}")
        return text

    return ChoiceList(
        slug=folder.name,
        title=required_text(meta_path, meta, "title"),
        choices=tuple(choices),
        source_hash=dutch_hash("choices", files[SOURCE_LANGUAGE]),
        texts={
            SOURCE_LANGUAGE: load_one(files[SOURCE_LANGUAGE], SOURCE_LANGUAGE),
            **load_translations(files, load_one, problems, previous),
        },
    )


def load_step_text(path: Path, lang: str) -> tuple[StepText, dict[str, Any], str]:
    """Read one language file of a step; return the text, its settings and raw body."""
    meta, body, body_line = read_front_matter(path)
    sections = split_sections(path, body, body_line)
    review, translated_from = translation_state(path, meta, lang)
    text = StepText(
        lang=lang,
        title=required_text(path, meta, "title"),
        summary=required_text(path, meta, "summary"),
        sections=sections,
        path=path,
        review=review,
        translated_from=translated_from,
    )
    return text, meta, body


def load_step(
    folder: Path,
    languages: list[str],
    pictograms: dict[str, Any],
    before: list[Step],
    problems: list[ContentError] | None = None,
    previous: Step | None = None,
) -> Step:
    """Read one step folder; `before` are the steps already read, for numbering."""
    match = STEP_FOLDER.match(folder.name)
    if not match:
        raise ContentError(folder, "a step folder is named NN-slug, e.g. 04-brede-intake")
    source_path = folder / f"{SOURCE_LANGUAGE}.md"
    if not source_path.is_file():
        raise ContentError(source_path, "the Dutch text of this step is missing")
    source, meta, body = load_step_text(source_path, SOURCE_LANGUAGE)
    if len(source.sections) != SECTION_COUNT:
        raise ContentError(
            source_path,
            f"a step has {SECTION_COUNT} parts with a '## ' heading each "
            "(what happens, what you do, who helps, how long); "
            f"this file has {len(source.sections)}",
        )
    joins = meta.get("joins")
    if joins is not None and joins not in JOINS:
        raise ContentError(
            source_path, f"joins must be 'or' (a choice with the step before), not {joins!r}"
        )
    if joins and not before:
        raise ContentError(source_path, "the first step cannot join a step before it")
    pictogram = pictogram_setting(source_path, meta, "pictogram", pictograms)
    sources = read_sources(source_path, meta.get("sources"))
    bring = bring_setting(source_path, meta, set(pictograms))
    action = pictogram_setting(source_path, meta, "action", pictograms)
    texts = texts_in_parts(
        folder, languages, source, "parts with a '## ' heading", problems, previous
    )
    return Step(
        slug=match["slug"],
        order=len(before) + 1,
        number=step_number(before, joins),
        joins=joins,
        pictogram=pictogram,
        verify=read_verify(source_path, meta),
        sources=sources,
        bring=bring,
        action=action,
        source_hash=dutch_hash("step", source_path),
        texts=texts,
        recordings=recordings_of("step", texts),
    )


def pictogram_setting(path: Path, meta: dict[str, Any], key: str, pictograms: Any) -> str:
    """Return a setting that names a pictogram, or raise when there is no such drawing."""
    name = required_text(path, meta, key)
    if name not in pictograms:
        where = "" if key == "pictogram" else f"{key}: "
        raise ContentError(path, f"{where}pictogram {name!r} is not in static/pictograms/")
    return name


def texts_in_parts(
    folder: Path,
    languages: list[str],
    source: StepText,
    parts: str,
    problems: list[ContentError] | None,
    previous: Step | Topic | None,
) -> dict[str, StepText]:
    """Return the Dutch text and its translations, each with as many `## ` parts as the
    Dutch (`parts` says what they are, for the message)."""

    def load_one(path: Path, lang: str) -> StepText:
        text, _meta, _body = load_step_text(path, lang)
        if len(text.sections) != len(source.sections):
            raise ContentError(
                path, f"has {len(text.sections)} {parts}; the Dutch text has {len(source.sections)}"
            )
        return text

    files = language_files(folder, languages)
    return {SOURCE_LANGUAGE: source, **load_translations(files, load_one, problems, previous)}


def load_topic(
    folder: Path,
    languages: list[str],
    pictograms: dict[str, Any],
    problems: list[ContentError] | None = None,
    previous: Topic | None = None,
) -> Topic:
    """Read one questions page: NN-slug/<lang>.md, each `## ` heading a question."""
    match = STEP_FOLDER.match(folder.name)
    if not match:
        raise ContentError(folder, "a questions folder is named NN-slug, e.g. 01-kosten")
    source_path = folder / f"{SOURCE_LANGUAGE}.md"
    if not source_path.is_file():
        raise ContentError(source_path, "the Dutch text of this questions page is missing")
    source, meta, _body = load_step_text(source_path, SOURCE_LANGUAGE)
    if not source.sections:
        raise ContentError(source_path, "a questions page has a '## ' heading per question")
    pictogram = pictogram_setting(source_path, meta, "pictogram", pictograms)
    steps = meta.get("steps") or []
    if not isinstance(steps, list) or not all(isinstance(step, str) for step in steps):
        raise ContentError(source_path, "steps: a list of the steps it belongs to, e.g. [pip]")
    texts = texts_in_parts(
        folder, languages, source, "questions ('## ' headings)", problems, previous
    )
    return Topic(
        slug=match["slug"],
        pictogram=pictogram,
        steps=tuple(str(step) for step in steps),
        verify=read_verify(source_path, meta),
        sources=read_sources(source_path, meta.get("sources")),
        source_hash=dutch_hash("question", source_path),
        texts=texts,
        recordings=recordings_of("question", texts),
    )


def read_verify(path: Path, meta: dict[str, Any]) -> tuple[str, ...]:
    """Read a Dutch text's `verify`: the facts still to check, which its page does not state
    as certain."""
    verify = meta.get("verify") or []
    if not isinstance(verify, list):
        raise ContentError(path, "verify must be a list of facts to check")
    return tuple(str(fact) for fact in verify)


def read_sources(path: Path, rows: Any) -> tuple[Source, ...]:
    """Read a Dutch text's `sources`: each with its url, a title and the date it was read."""
    if rows is None:
        return ()
    if not isinstance(rows, list):
        raise ContentError(path, "sources: a list of '- url: ...' with title and read (a date)")
    sources = []
    for row in rows:
        if not isinstance(row, dict):
            raise ContentError(path, "sources: each source is '- url: ...' with title and read")
        url = required_text(path, row, "url")
        if not url.startswith("https://"):
            raise ContentError(path, f"sources: {url!r} is not an https:// address")
        read = str(row.get("read") or "")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", read):
            raise ContentError(
                path, f"sources: {url}: read must be the date you read it, e.g. 2026-12-02"
            )
        sources.append(Source(url, required_text(path, row, "title"), read))
    return tuple(sources)


def step_number(before: list[Step], joins: str | None) -> int:
    """Return the number shown for a step: alternatives ("or") share one."""
    return (before[-1].number if before else 0) + (0 if joins else 1)


def load_steps(
    plan_dir: Path,
    languages: list[str],
    pictograms: dict[str, Any],
    problems: list[ContentError] | None = None,
    previous: Content | None = None,
) -> list[Step]:
    """Read every step folder of the plan, in the order of their numbers.

    A step whose Dutch text is broken keeps the version being served (`previous`), if any.
    """
    steps: list[Step] = []
    folders = sorted(p for p in plan_dir.iterdir() if p.is_dir()) if plan_dir.is_dir() else []
    if not folders:
        attempt(problems, fail, ContentError(plan_dir, "has no step folders"))
    for folder in folders:
        match = STEP_FOLDER.match(folder.name)
        served = previous.step(match["slug"]) if previous and match else None
        step = attempt(problems, load_step, folder, languages, pictograms, steps, problems, served)
        if step is None and served is not None:
            step = dataclasses.replace(
                served, order=len(steps) + 1, number=step_number(steps, served.joins)
            )
        if step is not None:
            steps.append(step)
    slugs = [s.slug for s in steps]
    for slug in sorted(set(slugs)):
        if slugs.count(slug) > 1:
            attempt(
                problems, fail, ContentError(plan_dir, f"two steps have the web address {slug!r}")
            )
    return steps


def fail(error: ContentError) -> None:
    """Raise an error found outside a loader, so `attempt` can collect it."""
    raise error


ResultT = TypeVar("ResultT")


def attempt(
    problems: list[ContentError] | None, load: Callable[..., ResultT], *args: Any
) -> ResultT | None:
    """Run one loader on a file or folder (its first argument).

    Collecting (a list given): note its error and go on. Else: raise it. Any failure of a
    loader becomes a ContentError naming the file: a file can be broken in more ways than
    the loaders foresee, and one broken file must never stop the rest from loading.
    """
    try:
        return load(*args)
    except ContentError as error:
        found = error
    except Exception as error:  # noqa: BLE001 - see the docstring
        found = ContentError(Path(str(args[0])), f"cannot be read: {type(error).__name__}: {error}")
    if problems is None:
        raise found
    problems.append(found)
    return None


OFFERS_LIST = "aanbod"  # the choice list whose kinds a municipality's offers name


def load_municipality(
    path: Path, step_slugs: set[str], offer_kinds: Collection[str] = ()
) -> Municipality:
    """Read one municipality profile; its offers name kinds of `offer_kinds`."""
    data = read_yaml(path)
    address = data.get("address")
    if not isinstance(address, dict):
        raise ContentError(path, "address (street, postcode, city) is missing")
    postcode = required_text(path, address, "postcode")
    if not POSTCODE.match(postcode):
        raise ContentError(path, f"postcode {postcode!r} is not a Dutch postcode like '5038 TC'")
    hours = []
    for row in data.get("hours") or []:
        days = tuple(row.get("days") or ())
        if not days or any(day not in WEEKDAYS for day in days):
            raise ContentError(path, f"hours: days must be among {', '.join(WEEKDAYS)}")
        hours.append(OpeningHours(days, str(row["open"]), str(row["close"])))
    partners = []
    for row in data.get("partners") or []:
        if row.get("step") not in step_slugs:
            raise ContentError(
                path, f"partner {row.get('name')!r}: unknown step {row.get('step')!r}"
            )
        partners.append(
            Partner(
                name=required_text(path, row, "name"),
                step=row["step"],
                phone=row.get("phone"),
                email=row.get("email"),
                website=row.get("website"),
            )
        )
    offers = []
    for row in data.get("offers") or []:
        if not isinstance(row, dict) or row.get("kind") not in offer_kinds:
            known = ", ".join(sorted(offer_kinds))
            raise ContentError(path, f"offers: kind must be one of choices/aanbod ({known})")
        phone = str(row["phone"]) if row.get("phone") else None
        offers.append(Offer(str(row["kind"]), required_text(path, row, "by"), phone))
    if "example" not in data:
        raise ContentError(path, "say 'example: true' (invented contact data) or 'example: false'")
    signatory = data.get("signatory")
    if not isinstance(signatory, dict):
        raise ContentError(path, "signatory (name and role of who signs the letters) is missing")
    return Municipality(
        slug=path.stem,
        name=required_text(path, data, "name"),
        example=bool(data["example"]),
        street=required_text(path, address, "street"),
        postcode=postcode,
        city=required_text(path, address, "city"),
        phone=required_text(path, data, "phone"),
        email=required_text(path, data, "email"),
        website=required_text(path, data, "website"),
        hours=tuple(hours),
        partners=tuple(partners),
        signatory_name=required_text(path, signatory, "name"),
        signatory_role=required_text(path, signatory, "role"),
        path=path,
        return_line=str(data.get("return_address") or "").strip(),
        **envelope_window(path, data.get("envelope_window")),
        other_signatories=tuple(
            (required_text(path, row, "name"), required_text(path, row, "role"))
            for row in data.get("other_signatories") or []
        ),
        offers=tuple(offers),
        contact_languages=contact_languages(path, data.get("contact_languages")),
        interpreter_by_phone=bool(data.get("interpreter_by_phone", False)),
    )


def contact_languages(path: Path, setting: Any) -> tuple[str, ...]:
    """Read which languages a municipality's contacts speak: language codes (nl, ar, ti, fa...)
    that CLDR knows, so each reader sees their names in her own language."""
    if setting is None:
        return ()
    if not isinstance(setting, list):
        raise ContentError(path, "contact_languages: a list of language codes, e.g. [nl, en, ar]")
    for code in setting:
        try:
            babel.Locale.parse(str(code))
        except (ValueError, babel.UnknownLocaleError):
            raise ContentError(
                path, f"contact_languages: {code!r} is not a language code like nl, ar or ti"
            ) from None
    return tuple(str(code) for code in setting)


# The window positions a letter can serve: a window on the left (the Dutch standard) that
# leaves room for the letterhead above it.
WINDOW_LEFT_MM = (10.0, 40.0)
WINDOW_TOP_MM = (45.0, 90.0)


def envelope_window(path: Path, setting: Any) -> dict[str, float]:
    """Read a municipality's envelope_window (left_mm, top_mm), or nothing for the default."""
    if setting is None:
        return {}
    if not isinstance(setting, dict):
        raise ContentError(path, "envelope_window: give left_mm and top_mm, e.g. 22 and 50")
    window = {}
    for name, (low, high) in (("left_mm", WINDOW_LEFT_MM), ("top_mm", WINDOW_TOP_MM)):
        value = setting.get(name)
        if not isinstance(value, (int, float)) or not low <= value <= high:
            raise ContentError(
                path, f"envelope_window: {name} must be a number from {low:g} to {high:g} (mm)"
            )
        window[f"window_{name}"] = float(value)
    return window


def load_pictograms(path: Path) -> dict[str, dict[str, str]]:
    """Read the pictogram register: each drawing's text alternative per language."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(path, f"cannot read the pictogram list: {error}") from error
    pictograms = {}
    for name, entry in data.items():
        if not (path.parent / f"{name}.svg").is_file():
            raise ContentError(path, f"pictogram {name!r} has no file {name}.svg")
        alts = (entry or {}).get("alt") or {}
        if SOURCE_LANGUAGE not in alts:
            raise ContentError(path, f"pictogram {name!r} has no Dutch text alternative")
        pictograms[str(name)] = {str(k): str(v) for k, v in alts.items()}
    return pictograms


def load_glossary(path: Path, languages: list[str]) -> tuple[GlossaryTerm, ...]:
    """Read content/glossary.yml: each Dutch term with its spelling, explanation and the
    variants to avoid per language. No file: no glossary."""
    if not path.is_file():
        return ()
    rows = read_yaml(path).get("terms")
    if not isinstance(rows, list):
        raise ContentError(path, "terms: a list of terms ('- dutch: ...')")
    terms = []
    for row in rows:
        if not isinstance(row, dict):
            raise ContentError(path, "terms: each term is '- dutch: ...' with its languages")
        dutch = required_text(path, row, "dutch")
        if SOURCE_LANGUAGE not in row:
            raise ContentError(
                path, f"{dutch}: the Dutch explanation (nl: explain: ...) is missing"
            )
        entries = {}
        for lang in [SOURCE_LANGUAGE, *languages]:
            entry = row.get(lang)
            if entry is None:
                continue
            if not isinstance(entry, dict):
                raise ContentError(path, f"{dutch}, {lang}: 'term', 'explain', 'forms', 'avoid'")
            written = dutch if lang == SOURCE_LANGUAGE else required_text(path, entry, "term")
            entries[lang] = TermIn(
                term=written,
                explain=required_text(path, entry, "explain"),
                forms=tuple(str(form) for form in entry.get("forms") or ()),
                avoid=tuple(str(variant) for variant in entry.get("avoid") or ()),
            )
        terms.append(GlossaryTerm(dutch, entries))
    return tuple(terms)


def watched_files(content_dir: Path, static_dir: Path) -> dict[Path, float]:
    """Return every file the content is made of, with its modification time.

    Hidden folders are passed by: content/ may be a git repository of its own, and walking
    its .git on every look would cost more than the content itself."""
    paths = []
    for folder, subfolders, names in os.walk(content_dir):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        paths += [Path(folder, name) for name in names if name.endswith((".md", ".yml"))]
    paths.append(static_dir / "pictograms" / "pictograms.yml")
    return {p: p.stat().st_mtime for p in paths if p.is_file()}


def load_content(
    content_dir: Path,
    static_dir: Path,
    languages: list[str],
    problems: list[ContentError] | None = None,
    previous: Content | None = None,
) -> Content:
    """Read and check all content; raise ContentError naming the first broken file.

    With a `problems` list, every broken file is noted there and the rest is still read:
    what is broken keeps the version being served (`previous`), or is left out when there
    is none. The problems are also kept in the content, for /healthz and the editors.
    """
    files = watched_files(content_dir, static_dir)
    pictograms_file = static_dir / "pictograms" / "pictograms.yml"
    pictograms = attempt(problems, load_pictograms, pictograms_file)
    if pictograms is None:
        pictograms = previous.pictograms if previous else bare_pictograms(pictograms_file.parent)
    steps = load_steps(content_dir / "plan", languages, pictograms, problems, previous)
    slugs = {s.slug for s in steps}
    choice_lists = load_each(
        sorted((content_dir / "choices").glob("*/")),
        lambda folder, served: load_choice_list(
            folder, languages, slugs, set(pictograms), problems, served
        ),
        problems,
        previous.choice_lists if previous else {},
    )
    offer_list = choice_lists.get(OFFERS_LIST)
    offer_kinds = set(offer_list.label_names) if offer_list else set()
    municipalities = load_each(
        sorted((content_dir / "municipalities").glob("*.yml")),
        lambda path, _served: load_municipality(path, slugs, offer_kinds),
        problems,
        previous.municipalities if previous else {},
    )
    letters = load_each(
        sorted((content_dir / "letters").glob("*/")),
        lambda folder, served: load_letter(
            folder, languages, slugs, set(pictograms), set(choice_lists), problems, served
        ),
        problems,
        previous.letters if previous else {},
    )
    forms = load_each(
        sorted((content_dir / "forms").glob("*/")),
        lambda folder, served: load_form(folder, languages, slugs, problems, served),
        problems,
        previous.forms if previous else {},
    )
    # A step a questions page names that is not there (broken, removed) is only left out of
    # its links: `content check` names it, and the page stays up.
    topics = load_each(
        sorted((content_dir / "questions").glob("*/")),
        lambda folder, served: load_topic(folder, languages, pictograms, problems, served),
        problems,
        previous.topics if previous else {},
    )
    glossary = attempt(problems, load_glossary, content_dir / "glossary.yml", languages)
    if glossary is None:
        glossary = previous.glossary if previous else ()
    digest = hashlib.sha256()
    for path in sorted(files):
        with contextlib.suppress(OSError):  # removed since it was listed: its mtime changed
            digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return Content(
        tuple(steps),
        municipalities,
        pictograms,
        letters,
        forms,
        choice_lists,
        files,
        glossary,
        digest.hexdigest()[:12],
        tuple(problems or ()),
        topics,
    )


ItemT = TypeVar("ItemT")


def load_each(
    paths: list[Path],
    load: Callable[[Path, ItemT | None], ItemT],
    problems: list[ContentError] | None,
    served: dict[str, ItemT],
) -> dict[str, ItemT]:
    """Load each file or folder by its stem; a broken one keeps the version being served."""
    loaded: dict[str, ItemT] = {}
    for path in paths:
        item = attempt(problems, load, path, served.get(path.stem)) or served.get(path.stem)
        if item is not None:
            loaded[path.stem] = item
    return loaded


def bare_pictograms(folder: Path) -> dict[str, dict[str, str]]:
    """Return every drawing without text alternatives: for when pictograms.yml is broken."""
    return {path.stem: {} for path in sorted(folder.glob("*.svg"))}
