"""What `flask content check` and `status` (and the editor pages) report about the content."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po
from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter

from . import uistrings
from .audio import RECORDED_KINDS, audio_path
from .i18n import catalog_path
from .loading import load_content
from .textfiles import (
    SOURCE_LANGUAGE,
    ContentError,
    empty_fields,
    read_fields,
    read_front_matter,
)
from .texts import Content, Step, Topic, TranslatedItem

# Simplified Dutch (B1): short sentences and few long words. Editors see these numbers.
MAX_SENTENCE_WORDS = 12.0  # average words per sentence
LONG_WORD_LETTERS = 13  # a word of 13 letters or more counts as long ("inburgeringstermijn")
MAX_LONG_WORD_SHARE = 0.10  # at most 1 word in 10 long
MAX_LONGEST_SENTENCE = 20  # words: one sentence longer than this is hard for every reader
MARKDOWN_LINK = re.compile(r"\]\((/[^)\s]*)\)")
WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
# A sentence that states a fact about the law, money or a deadline: a number with a unit of
# time or money, or a word of the law. Such a text needs `sources:` (or the fact under verify:).
NUMBER_WORDS = "een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|\\d[\\d.,]*"
FACT = re.compile(
    rf"\b(?:{NUMBER_WORDS})\s+(?:jaar|jaren|maand|maanden|week|weken|dagen|uur|uren|euro)\b"
    r"|€\s*\d|\b(?:verplicht|boete|wet)\b",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?:]+(?:\s|$)|\n\s*(?:[-*]|\d+\.)\s|\n\s*\n|\n#+ ")


@dataclass(frozen=True)
class Finding:
    """One thing `content check` reports: an error (must fix) or a warning (should look at)."""

    path: Path
    line: int | None
    message: str
    error: bool = True

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{'error' if self.error else 'warning'}: {where}: {self.message}"


@dataclass(frozen=True)
class Readability:
    """How easy a Dutch text is to read: sentence length and share of long words, and the
    sentences and words an editor should change first."""

    sentences: int
    words: int
    long_words: int
    longest: str  # the longest sentence, to show the editor where to start
    # Each sentence longer than the average aimed for, with its number of words; longest first.
    long_sentences: tuple[tuple[str, int], ...] = ()
    long_word_list: tuple[str, ...] = ()  # each long word once, in the order of the text

    @property
    def words_per_sentence(self) -> float:
        """Return the average number of words in a sentence."""
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def long_word_share(self) -> float:
        """Return the share of words with 13 letters or more."""
        return self.long_words / self.words if self.words else 0.0

    @property
    def too_long_on_average(self) -> bool:
        """Say whether the sentences are too long on average."""
        return self.words_per_sentence > MAX_SENTENCE_WORDS

    @property
    def too_many_long_words(self) -> bool:
        """Say whether too many of the words are long."""
        return self.long_word_share > MAX_LONG_WORD_SHARE

    def problems(self) -> list[str]:
        """Return what is above the thresholds, in words an editor understands."""
        found = []
        if self.too_long_on_average:
            found.append(
                f"sentences have {self.words_per_sentence:.1f} words on average "
                f"(aim for at most {MAX_SENTENCE_WORDS:.0f}): split long sentences"
            )
        if self.too_many_long_words:
            found.append(
                f"{self.long_word_share:.0%} of the words are long (13 letters or more; "
                f"aim for at most {MAX_LONG_WORD_SHARE:.0%}): use shorter everyday words"
            )
        longest_words = word_count(self.longest)
        if longest_words > MAX_LONGEST_SENTENCE:
            found.append(
                f"a sentence has {longest_words} words (at most {MAX_LONGEST_SENTENCE}): "
                f'"{" ".join(self.longest.split())[:80]}..."'
            )
        return found


def word_count(text: str) -> int:
    """Return the number of words in a text."""
    return len(WORD.findall(text))


def readability(markdown_text: str) -> Readability:
    """Measure a Dutch Markdown text; placeholders, list marks and headings are not words."""
    text = re.sub(r"\(\([a-z0-9_]+\)\)", "X", markdown_text)
    text = re.sub(r"[*_`>]", " ", text)
    text = re.sub(r"\]\([^)]*\)", " ", text)  # a link's address is not read
    pieces = [" ".join(p.split()) for p in SENTENCE_END.split(text) if WORD.search(p)]
    words = WORD.findall(text)
    long_words = [w for w in words if len(w) >= LONG_WORD_LETTERS]
    longest = max(pieces, key=word_count, default="")
    counted = [(piece, word_count(piece)) for piece in pieces]
    long_sentences = sorted(
        ((piece, count) for piece, count in counted if count > MAX_SENTENCE_WORDS),
        key=lambda found: found[1],
        reverse=True,
    )
    return Readability(
        len(pieces),
        len(words),
        len(long_words),
        longest,
        tuple(long_sentences),
        tuple(dict.fromkeys(long_words)),
    )


def source_body(item: TranslatedItem) -> str:
    """Return the Dutch Markdown of a step, letter or form, without its settings."""
    _meta, body, _line = read_front_matter(item.source.path)
    return body


def catalog_findings(catalogs: Path, languages: list[str]) -> list[Finding]:
    """Name every interface string that a catalog lacks or has marked fuzzy."""
    findings = []
    for lang in languages:
        path = catalog_path(catalogs, lang)
        if not path.is_file():
            findings.append(Finding(path, None, "there is no catalog for this language"))
            continue
        with path.open("rb") as file:
            catalog = read_po(file, locale=lang)
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            label = message.id if isinstance(message.id, str) else message.id[0]
            faulty = [text for text in strings if uistrings.fault(label, str(text or ""))]
            if faulty:
                problem = f"not shown, it breaks the % parts or adds markup: {faulty[0]!r}"
                findings.append(Finding(path, message.lineno, problem))
            elif not all(strings):
                findings.append(Finding(path, message.lineno, f"not translated: {label!r}"))
            elif message.fuzzy:
                findings.append(Finding(path, message.lineno, f"marked fuzzy (unsure): {label!r}"))
    return findings


def link_works(adapter: MapAdapter, content: Content, languages: list[str], target: str) -> bool:
    """Say whether a link inside the portal leads to a page: a route, with a real language,
    step and municipality in it."""
    try:
        _endpoint, args = adapter.match(target.split("#")[0].split("?")[0])
    except HTTPException:
        return False
    if "lang" in args and args["lang"] not in languages:
        return False
    if "step" in args and content.step(str(args["step"])) is None:
        return False
    return "municipality" not in args or args["municipality"] in content.municipalities


def link_findings(app: Flask, content: Content, languages: list[str]) -> list[Finding]:
    """Name every link inside the portal that leads nowhere."""
    adapter = app.url_map.bind("localhost")
    findings = []
    for item in content.translated():
        for text in item.texts.values():
            for number, line in enumerate(text.path.read_text(encoding="utf-8").split("\n"), 1):
                for target in MARKDOWN_LINK.findall(line):
                    if not link_works(adapter, content, languages, target):
                        message = f"the link {target} leads nowhere"
                        findings.append(Finding(text.path, number, message))
    return findings


def line_of(text: str, found: str) -> int | None:
    """Return the line of a file's text on which `found` first stands."""
    index = text.lower().find(found.lower())
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def words_of(path: Path) -> str:
    """Return what a text file says (its settings' texts, labels and body), without the names
    of its settings and labels."""
    fields = read_fields(path)
    return "\n".join(
        [
            fields["title"],
            fields["summary"],
            fields["subject"],
            *fields["labels"].values(),
            fields["body"],
        ]
    )


def glossary_findings(content: Content, languages: list[str]) -> list[Finding]:
    """Name every translation that writes a glossary term otherwise than the glossary, and
    every text that uses a variant the glossary avoids (one word for one thing)."""
    findings = []
    for item in content.translated():
        used = content.terms_of(words_of(item.source.path))
        for lang, text in item.texts.items():
            if lang not in languages:
                continue
            written = words_of(text.path)
            whole_file = text.path.read_text(encoding="utf-8")
            for term in content.glossary:
                entry = term.languages.get(lang)
                for variant in entry.avoid if entry else ():
                    if variant.lower() in written.lower():
                        message = f"writes {variant!r}: the glossary says {entry.term!r}"  # type: ignore[union-attr]
                        findings.append(Finding(text.path, line_of(whole_file, variant), message))
                if lang != SOURCE_LANGUAGE and term in used and not term.written_in(lang, written):
                    spelled = term.in_language(lang).term
                    message = f"the Dutch text says {term.dutch!r}: write it as {spelled!r}"
                    findings.append(Finding(text.path, None, message))
    return findings


def catalog_glossary_findings(
    content: Content, catalogs: Path, languages: list[str]
) -> list[Finding]:
    """Name every interface string that uses a variant the glossary avoids."""
    findings = []
    for lang in languages:
        path = catalog_path(catalogs, lang)
        avoided = [
            (variant, entry.term)
            for term in content.glossary
            if (entry := term.languages.get(lang)) is not None
            for variant in entry.avoid
        ]
        if not avoided or not path.is_file():
            continue
        with path.open("rb") as file:
            catalog = read_po(file, locale=lang)
        for message in catalog:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            text = " ".join(str(string or "") for string in strings).lower()
            for variant, term in avoided:
                if variant.lower() in text:
                    problem = f"writes {variant!r}: the glossary says {term!r}"
                    findings.append(Finding(path, message.lineno, problem))
    return findings


def unsourced_facts(content: Content) -> list[Finding]:
    """Warn for each step or questions page whose Dutch text states facts (law, money,
    deadlines) but names no source for them."""
    findings = []
    sourced: list[Step | Topic] = [*content.steps, *content.topics.values()]
    for item in sourced:
        if item.sources:
            continue
        _meta, body, first_line = read_front_matter(item.source.path)
        for number, line in enumerate(body.split("\n"), start=first_line):
            found = FACT.search(line)
            if found:
                message = (
                    f"states a fact ({found.group(0)!r}) without a source: add sources: "
                    "(url, title, read) to the settings, or move the fact under verify:"
                )
                findings.append(Finding(item.source.path, number, message, error=False))
                break
    return findings


def topic_step_findings(content: Content) -> list[Finding]:
    """Name every step a questions page belongs to that the plan does not have."""
    slugs = {step.slug for step in content.steps}
    return [
        Finding(topic.source.path, None, f"steps: there is no step {step!r} in the plan")
        for topic in content.topics.values()
        for step in topic.steps
        if step not in slugs
    ]


def site_errors(
    app: Flask, content_dir: Path, languages: list[str]
) -> tuple[list[Finding], Content | None]:
    """Return what in a content folder would break the site (broken files, links that lead
    nowhere, steps that are not there) and the content read from it (None if none could be)."""
    problems: list[ContentError] = []
    try:
        content = load_content(content_dir, Path(app.config["STATIC_DIR"]), languages, problems)
    except ContentError as error:  # a problem that stops everything (no plan, no pictograms)
        return [Finding(error.path, error.line, str(error).split(": ", 1)[-1])], None
    findings = [Finding(e.path, e.line, str(e).split(": ", 1)[-1]) for e in problems]
    findings += link_findings(app, content, languages)
    findings += topic_step_findings(content)
    return findings, content


def check_all(app: Flask, languages: list[str]) -> list[Finding]:
    """Check everything an editor owns; errors first, then warnings about readability."""
    findings, content = site_errors(app, Path(app.config["CONTENT_DIR"]), languages)
    if content is None:
        return findings
    catalogs = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    findings += catalog_findings(catalogs, languages)
    findings += glossary_findings(content, languages)
    findings += catalog_glossary_findings(content, catalogs, languages)
    findings += unsourced_facts(content)
    findings += recording_findings(content, languages)
    for item in content.translated():
        for problem in readability(source_body(item)).problems():
            findings.append(Finding(item.source.path, None, problem, error=False))
    return findings


@dataclass(frozen=True)
class StatusRow:
    """The state of one text in one language."""

    kind: str  # step | letter | form
    slug: str
    title: str  # the Dutch title
    lang: str
    status: str  # source | missing | outdated | draft | reviewed
    path: str
    # The recording of a step or questions page: none | outdated | draft | reviewed ("" for
    # texts without a page to play them on).
    recording: str = ""
    saved_by: str = ""  # who last saved the translation, and who reviewed it
    reviewed_by: str = ""


def status_rows(content: Content, languages: list[str]) -> list[StatusRow]:
    """Return the state of every text in every language (Dutch is the source)."""
    rows = []
    for item in content.translated():
        for lang in languages:
            if lang == SOURCE_LANGUAGE:
                continue
            path = item.path_for(lang)
            recording = item.recording_status(lang) if item.kind in RECORDED_KINDS else ""
            who = empty_fields()
            if lang in item.texts:
                with contextlib.suppress(ContentError):  # broken now: its state says so
                    who = read_fields(path)
            rows.append(
                StatusRow(
                    item.kind,
                    item.slug,
                    item.name,
                    lang,
                    item.status(lang),
                    str(path),
                    recording,
                    who["saved_by"],
                    who["reviewed_by"],
                )
            )
    return rows


def recording_rows(content: Content, languages: list[str]) -> list[StatusRow]:
    """Return the state of every recording there is (Dutch too): outdated, draft, reviewed."""
    rows = []
    for item in content.translated():
        for lang in languages:
            state = item.recording_status(lang)
            if state != "none":
                where = str(audio_path(item.path_for(lang)))
                rows.append(
                    StatusRow(
                        "recording", f"{item.kind}/{item.slug}", item.name, lang, state, where
                    )
                )
    return rows


def recording_findings(content: Content, languages: list[str]) -> list[Finding]:
    """Warn for every recording of a text that changed since: readers no longer hear it."""
    findings = []
    for item in content.translated():
        for lang in languages:
            if item.recording_status(lang) == "outdated":
                text = item.path_for(lang)
                message = (
                    f"the recording ({audio_path(text).name}) reads an older version of this "
                    "text: readers no longer hear it; record it again"
                )
                findings.append(Finding(text, None, message, error=False))
    return findings
