"""`flask content check` (every broken file, catalog gap, dead link and hard Dutch text) and
`flask content status` (every text by language), run on private copies of content/ and of
the catalogs."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from click.testing import Result
from flask import Flask

from portal.checks import (
    LONG_WORD_LETTERS,
    MAX_LONG_WORD_SHARE,
    MAX_LONGEST_SENTENCE,
    MAX_SENTENCE_WORDS,
    WORD,
    readability,
    source_body,
)
from portal.loading import load_content
from portal.textfiles import KINDS, ContentError, source_hash_of
from tests.conftest import CONTENT, LANGUAGES, PROJECT_ROOT, STATIC
from tests.files import bump_mtime

TRANSLATIONS = PROJECT_ROOT / "translations"
TRANSLATED_LANGUAGES = [lang for lang in LANGUAGES if lang != "nl"]
# One sentence of 25 words, most of them long: what simplified Dutch must not be.
HARD_SENTENCE = (
    "De gemeentelijke inburgeringsvoorzieningen en maatschappelijke begeleidingstrajecten "
    "ondersteunen statushouders bij huisvestingsvraagstukken, arbeidsmarktparticipatie, "
    "gezondheidsvoorzieningen en onderwijsmogelijkheden gedurende het volledige "
    "inburgeringstraject in hun nieuwe woonplaats hier in Nederland."
)


# --- Helpers --------------------------------------------------------------------------------


def change(path: Path, old: str, new: str) -> None:
    """Replace one piece of a content file (that must be there) and bump its mtime."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path} has no {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    bump_mtime(path)


def complete(catalogs: Path) -> None:
    """Fill every empty or fuzzy string of the copied catalogs with its English msgid.

    The bundled catalogs have gaps of their own (each one an error of `content check`); with
    them filled, the exit status tells about the one problem a test makes, nothing else.
    """
    for po in catalogs.glob("*/LC_MESSAGES/messages.po"):
        with po.open("rb") as file:
            catalog = read_po(file, locale=po.parts[-3])
        for message in catalog:
            if not message.id:
                continue
            if isinstance(message.id, tuple):
                if not all(message.string):
                    message.string = tuple(
                        message.id[min(n, 1)] for n in range(len(message.string))
                    )
            elif not message.string:
                message.string = message.id
            message.flags.discard("fuzzy")
        with po.open("wb") as file:
            write_po(file, catalog, width=0)


@pytest.fixture
def complete_catalogs(tmp_path: Path) -> Path:
    """Return a copy of translations/ in which every interface string is translated."""
    target = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, target)
    complete(target)
    return target


@pytest.fixture
def checked(app_on: Callable[..., Flask], complete_catalogs: Path) -> Callable[[], Result]:
    """Return `check()`: run `flask content check` on the content copy and complete catalogs.

    The app starts before a test breaks a file (a broken file stops the start).
    """
    app = app_on(BABEL_TRANSLATION_DIRECTORIES=str(complete_catalogs))

    def check() -> Result:
        return app.test_cli_runner().invoke(args=["content", "check"])

    return check


def error_lines(result: Result) -> list[str]:
    """Return the lines of a check that are errors."""
    return [line for line in result.output.splitlines() if line.startswith("error: ")]


def msgid_line(po: Path, msgid: str) -> int:
    """Return the number of the line `msgid "..."` of a message in a .po file."""
    lines = po.read_text(encoding="utf-8").split("\n")
    return lines.index(f'msgid "{msgid}"') + 1


def line_of(path: Path, piece: str) -> int:
    """Return the number of the first line of a file that holds `piece`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if piece in line:
            return number
    raise AssertionError(f"{piece!r} is not in {path}")


# --- content check: the bundled content -------------------------------------------------------


def test_check_passes_on_the_bundled_content(app_on: Callable[..., Flask]) -> None:
    result = app_on().test_cli_runner().invoke(args=["content", "check"])
    errors = error_lines(result)
    assert result.exit_code == 0, f"{len(errors)} errors, the first ones:\n" + "\n".join(
        errors[:15]
    )
    assert "0 errors" in result.output


def test_check_passes_on_the_content_once_the_catalogs_are_complete(
    checked: Callable[[], Result],
) -> None:
    # The baseline of every test below: only the problem a test makes is reported.
    result = checked()
    assert result.exit_code == 0, result.output
    # Warnings (facts still without a source) may stand; errors may not.
    assert result.output.strip().splitlines()[-1].startswith("0 errors, ")


# --- content check: each kind of broken file --------------------------------------------------


def break_front_matter(content: Path) -> tuple[Path, int | None, str]:
    path = content / "plan" / "01-wonen-en-inschrijven" / "nl.md"
    # A second ':' in a value without quotes: YAML stops on the summary line (line 3).
    change(path, "summary: U krijgt", "summary: Let op: u krijgt")
    return path, 3, "the settings are not valid YAML: mapping values are not allowed here"


def break_pictogram(content: Path) -> tuple[Path, int | None, str]:
    path = content / "plan" / "09-knm-en-map" / "nl.md"
    change(path, "pictogram: society", "pictogram: unicorn")
    return path, None, "pictogram 'unicorn' is not in static/pictograms/"


def break_letter_placeholders(content: Path) -> tuple[Path, int | None, str]:
    path = content / "letters" / "herinnering-afspraak" / "ar.md"
    change(path, "((telefoon))", "013 123 4567")
    return path, None, "uses other placeholders than the Dutch letter: ((telefoon))"


def break_form_label(content: Path) -> tuple[Path, int | None, str]:
    path = content / "forms" / "toestemming-gegevens-delen" / "en.md"
    change(path, "  geboortedatum: Date of birth\n", "")
    return path, None, "labels: no label for geboortedatum"


def break_sections(content: Path) -> tuple[Path, int | None, str]:
    # No letter, municipality or joining step depends on this step (see the one-run test).
    path = content / "plan" / "11-examens" / "ti.md"
    text = path.read_text(encoding="utf-8")
    last = [line for line in text.split("\n") if line.startswith("## ")][-1]
    change(path, f"\n{last}\n", "\n")
    return path, None, "has 3 parts with a '## ' heading; the Dutch text has 4"


def break_link(content: Path) -> tuple[Path, int | None, str]:
    path = content / "plan" / "03-maatschappelijke-begeleiding" / "en.md"
    path.write_text(
        path.read_text(encoding="utf-8") + "\nRead [the next step](/nl/plan/nope/).\n",
        encoding="utf-8",
    )
    bump_mtime(path)
    return path, line_of(path, "/nl/plan/nope/"), "the link /nl/plan/nope/ leads nowhere"


BREAKERS = {
    "broken front matter": break_front_matter,
    "unknown pictogram": break_pictogram,
    "letter with other placeholders": break_letter_placeholders,
    "form without a label": break_form_label,
    "wrong number of parts": break_sections,
    "link to a step that does not exist": break_link,
}


def expected_line(path: Path, line: int | None, message: str) -> str:
    """Return the line `content check` prints for one error."""
    where = f"{path}:{line}" if line else str(path)
    return f"error: {where}: {message}"


@pytest.mark.parametrize("breaker", BREAKERS.values(), ids=BREAKERS.keys())
def test_check_names_each_broken_file_with_its_line_and_fails(
    content_copy: Path,
    checked: Callable[[], Result],
    breaker: Callable[[Path], tuple[Path, int | None, str]],
) -> None:
    path, line, message = breaker(content_copy)
    result = checked()
    assert expected_line(path, line, message) in error_lines(result), result.output
    assert result.exit_code == 1


def test_check_names_a_link_that_matches_no_page_at_all(
    content_copy: Path, checked: Callable[[], Result]
) -> None:
    # The counterpart of the /nl/plan/nope/ case: this address has no route whatsoever.
    path = content_copy / "plan" / "03-maatschappelijke-begeleiding" / "en.md"
    path.write_text(
        path.read_text(encoding="utf-8") + "\nSee [this page](/nl/nergens/).\n", encoding="utf-8"
    )
    result = checked()
    line = line_of(path, "/nl/nergens/")
    assert f"error: {path}:{line}: the link /nl/nergens/ leads nowhere" in error_lines(result)
    assert result.exit_code == 1


def test_check_names_an_empty_string_of_a_catalog_with_its_line(
    complete_catalogs: Path, checked: Callable[[], Result]
) -> None:
    po = complete_catalogs / "ar" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    found = re.search(r'^msgid "Language"\nmsgstr "(.+)"$', text, flags=re.M)
    assert found, "the Arabic catalog has no translated 'Language'"
    po.write_text(text.replace(found.group(0), 'msgid "Language"\nmsgstr ""'), encoding="utf-8")
    result = checked()
    line = msgid_line(po, "Language")
    assert error_lines(result) == [f"error: {po}:{line}: not translated: 'Language'"]
    assert result.exit_code == 1


def test_check_reports_every_broken_file_in_one_run(
    content_copy: Path, complete_catalogs: Path, checked: Callable[[], Result]
) -> None:
    # The broken steps are chosen so that no intact file depends on them (a letter's step,
    # a step that joins the one before it): each problem must be named, not hidden by another.
    expected = [expected_line(*breaker(content_copy)) for breaker in BREAKERS.values()]
    po = complete_catalogs / "ti" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    found = re.search(r'^msgid "Language"\nmsgstr "(.+)"$', text, flags=re.M)
    assert found
    po.write_text(text.replace(found.group(0), 'msgid "Language"\nmsgstr ""'), encoding="utf-8")
    expected.append(f"error: {po}:{msgid_line(po, 'Language')}: not translated: 'Language'")
    result = checked()
    errors = error_lines(result)
    missing = [line for line in expected if line not in errors]
    assert not missing, "not reported:\n" + "\n".join(missing) + "\n\noutput:\n" + result.output
    assert result.exit_code == 1


# --- content check: readability of the Dutch texts --------------------------------------------


def test_hard_dutch_gives_warnings_but_no_error(
    content_copy: Path, checked: Callable[[], Result]
) -> None:
    assert len(WORD.findall(HARD_SENTENCE)) == 25
    path = content_copy / "plan" / "05-pip" / "nl.md"
    text = path.read_text(encoding="utf-8")
    head, _sep, _body = text.partition("\n---\n")
    sections = "".join(
        f"## {heading}\n{HARD_SENTENCE}\n\n"
        for heading in ("Wat gebeurt er?", "Wat doet u?", "Wie helpt u?", "Hoe lang duurt het?")
    )
    path.write_text(f"{head}\n---\n{sections}", encoding="utf-8")
    result = checked()
    assert result.exit_code == 0, result.output
    # Of the readability warnings (facts still without a source are warned for elsewhere):
    warnings = [
        line
        for line in result.output.splitlines()
        if line.startswith("warning: ") and "without a source" not in line
    ]
    mine = [line for line in warnings if line.startswith(f"warning: {path}: ")]
    assert any("words on average" in line for line in mine), result.output
    assert any("of the words are long" in line for line in mine), result.output
    assert any("a sentence has 25 words" in line for line in mine), result.output
    assert warnings == mine, "only the changed text is hard to read"
    every_warning = sum(line.startswith("warning: ") for line in result.output.splitlines())
    assert result.output.strip().splitlines()[-1] == f"0 errors, {every_warning} warnings"


def test_the_bundled_dutch_texts_are_within_the_thresholds() -> None:
    for item in load_content(CONTENT, STATIC, LANGUAGES).translated():
        measured = readability(source_body(item))
        where = item.source.path
        assert measured.sentences > 0, where
        assert measured.words_per_sentence <= MAX_SENTENCE_WORDS, where
        assert measured.long_word_share <= MAX_LONG_WORD_SHARE, where
        assert len(WORD.findall(measured.longest)) <= MAX_LONGEST_SENTENCE, where
        assert measured.problems() == [], where


def test_readability_counts_sentences_words_and_long_words() -> None:
    measured = readability("Dit is kort. Ook dit is kort! Komt u ook?")
    assert (measured.sentences, measured.words, measured.long_words) == (3, 10, 0)
    assert measured.words_per_sentence == pytest.approx(10 / 3)
    assert measured.long_word_share == 0
    assert measured.longest == "Ook dit is kort"
    assert measured.problems() == []


def test_a_long_word_has_thirteen_letters_or_more() -> None:
    assert LONG_WORD_LETTERS == 13
    # "ondersteunen" has 12 letters, "participaties" 13, "inburgeringstermijn" 19.
    measured = readability("Wij ondersteunen participaties. De inburgeringstermijn loopt.")
    assert measured.words == 6
    assert measured.long_words == 2
    assert measured.long_word_share == pytest.approx(2 / 6)


def test_placeholders_list_marks_and_headings_are_not_words() -> None:
    text = "## Wat gebeurt er?\nU komt op ((datum)) om ((tijd)).\n\n- **taal**\n- werk\n"
    measured = readability(text)
    # "Wat gebeurt er", "U komt op X om X", "taal", "werk": each placeholder is one word.
    assert measured.sentences == 4
    assert measured.words == 11
    assert measured.longest == "U komt op X om X"


def test_readability_finds_the_longest_sentence_and_says_what_is_too_hard() -> None:
    measured = readability(f"Dit is kort. {HARD_SENTENCE} Ook kort.")
    assert measured.sentences == 3
    assert measured.longest.startswith("De gemeentelijke inburgeringsvoorzieningen")
    assert len(WORD.findall(measured.longest)) == 25
    assert measured.words_per_sentence == pytest.approx(30 / 3)
    problems = measured.problems()
    assert len(problems) == 2, problems
    assert any("of the words are long" in problem for problem in problems)
    assert any(problem.startswith("a sentence has 25 words") for problem in problems)


# --- content status ---------------------------------------------------------------------------


def status(app: Flask, *args: str) -> Result:
    result = app.test_cli_runner().invoke(args=["content", "status", *args])
    assert result.exit_code == 0, result.output
    return result


def table(result: Result) -> dict[tuple[str, str, str], tuple[str, str]]:
    """Return the rows of the status table: (kind, slug, lang) -> (status, path)."""
    rows = {}
    for line in result.output.strip().splitlines()[:-1]:
        kinds = "step|letter|form|choices|question"
        found = re.fullmatch(rf"({kinds}) (\S+)\s+(\S+)\s+(\S+)\s+(\S+)", line)
        assert found, f"not a row of the table: {line!r}"
        kind, slug, lang, state, path = found.groups()
        rows[(kind, slug, lang)] = (state, path)
    return rows


def every_text(content_dir: Path) -> list[tuple[str, str, Path]]:
    return [
        (item.kind, item.slug, item.source.path.parent)
        for item in load_content(content_dir, STATIC, LANGUAGES).translated()
    ]


def test_status_lists_every_text_in_every_language(
    content_copy: Path, app_on: Callable[..., Flask]
) -> None:
    result = status(app_on())
    rows = table(result)
    texts = every_text(content_copy)
    expected = {
        (kind, slug, lang): ("draft", str(folder / f"{lang}.md"))
        for kind, slug, folder in texts
        for lang in TRANSLATED_LANGUAGES
    }
    assert rows == expected
    count = len(texts) * len(TRANSLATED_LANGUAGES)
    assert result.output.strip().splitlines()[-1] == (
        f"0 missing, 0 outdated, {count} draft, 0 reviewed"
    )


def test_status_of_one_language(content_copy: Path, app_on: Callable[..., Flask]) -> None:
    rows = table(status(app_on(), "--lang", "ti"))
    assert {lang for _kind, _slug, lang in rows} == {"ti"}
    assert len(rows) == len(every_text(content_copy))


def test_status_of_an_unknown_language_is_a_usage_error(app_on: Callable[..., Flask]) -> None:
    result = app_on().test_cli_runner().invoke(args=["content", "status", "--lang", "xx"])
    assert result.exit_code == 2
    assert "unknown language: xx" in result.output


def test_status_as_json(content_copy: Path, app_on: Callable[..., Flask]) -> None:
    rows = json.loads(status(app_on(), "--json").output)
    assert isinstance(rows, list)
    assert all({"kind", "slug", "lang", "status", "path"} <= set(row) for row in rows)
    found = {(row["kind"], row["slug"], row["lang"]) for row in rows}
    expected = {
        (kind, slug, lang)
        for kind, slug, _folder in every_text(content_copy)
        for lang in TRANSLATED_LANGUAGES
    }
    assert found == expected
    assert {row["status"] for row in rows} == {"draft"}
    assert all(Path(row["path"]).is_file() for row in rows)


def test_status_follows_changes_while_the_portal_runs(
    content_copy: Path, app_on: Callable[..., Flask]
) -> None:
    app = app_on()  # made before the changes: its store must notice them
    status(app)
    # A changed Dutch text: each of its translations is outdated.
    dutch = content_copy / "plan" / "05-pip" / "nl.md"
    dutch.write_text(dutch.read_text(encoding="utf-8") + "\nDit is een nieuwe zin.\n", "utf-8")
    bump_mtime(dutch)
    # A removed translation is missing.
    removed = content_copy / "plan" / "02-ontzorgen" / "ti.md"
    removed.unlink()
    # A translation checked by a native speaker, made from the current Dutch text, is reviewed.
    reviewed = content_copy / "forms" / "voorbereiding-intake" / "en.md"
    source = reviewed.with_name("nl.md")
    current = source_hash_of(KINDS["form"], source, source.read_text(encoding="utf-8"))
    text = re.sub(r"^translated_from: .*$", "", reviewed.read_text(encoding="utf-8"), flags=re.M)
    reviewed.write_text(
        text.replace("review: draft", f"review: reviewed\ntranslated_from: {current}"), "utf-8"
    )
    bump_mtime(reviewed)
    rows = {
        (row["kind"], row["slug"], row["lang"]): row
        for row in json.loads(status(app, "--json").output)
    }
    for lang in TRANSLATED_LANGUAGES:
        assert rows[("step", "pip", lang)]["status"] == "outdated", lang
    assert rows[("step", "ontzorgen", "ti")]["status"] == "missing"
    assert rows[("step", "ontzorgen", "ti")]["path"] == str(removed)
    assert rows[("step", "ontzorgen", "en")]["status"] == "draft"
    assert rows[("form", "voorbereiding-intake", "en")]["status"] == "reviewed"
    changed = {("step", "pip", lang) for lang in TRANSLATED_LANGUAGES}
    changed |= {("step", "ontzorgen", "ti"), ("form", "voorbereiding-intake", "en")}
    assert {key for key, row in rows.items() if row["status"] == "draft"} == set(rows) - changed
    summary = status(app, "--lang", "ti").output.strip().splitlines()[-1]
    assert summary.startswith("1 missing, 1 outdated, ")


# --- content check: one word for one thing (content/glossary.yml) ---------------------------


def test_the_glossary_has_every_term_in_every_language() -> None:
    glossary = load_content(CONTENT, STATIC, LANGUAGES).glossary
    assert {"brede intake", "PIP", "klantregisseur", "participatieverklaring"} <= {
        term.dutch for term in glossary
    }
    for term in glossary:
        for lang in LANGUAGES:
            entry = term.languages.get(lang)
            assert entry is not None, (term.dutch, lang)
            assert entry.term, (term.dutch, lang)
            assert entry.explain, (term.dutch, lang)


def test_check_names_a_variant_the_glossary_avoids_with_its_line(
    content_copy: Path, checked: Callable[[], Result]
) -> None:
    path = content_copy / "plan" / "04-brede-intake" / "ti.md"
    change(path, "ሰፊሕ ቃለ-መሕትት", "ሰፊሕ ቃለ-መጠይቕ")
    result = checked()
    line = line_of(path, "ቃለ-መጠይቕ")
    assert f"error: {path}:{line}: writes 'ቃለ-መጠይቕ': the glossary says 'ሰፊሕ ቃለ-መሕትት'" in (
        error_lines(result)
    )
    assert result.exit_code == 1


def test_check_names_a_translation_that_renders_a_term_otherwise(
    content_copy: Path, checked: Callable[[], Result]
) -> None:
    path = content_copy / "plan" / "04-brede-intake" / "ar.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("المقابلة الشاملة", "اللقاء الكبير"), encoding="utf-8")
    bump_mtime(path)
    expected = f"error: {path}: the Dutch text says 'brede intake': write it as 'المقابلة الشاملة'"
    assert expected in error_lines(checked())


def test_an_abbreviation_is_a_term_only_in_capitals(
    content_copy: Path, checked: Callable[[], Result]
) -> None:
    # "een map" is a folder, not the MAP: the English text need not say MAP for it.
    path = content_copy / "plan" / "01-wonen-en-inschrijven" / "nl.md"
    change(path, "## Wat doet u?\n", "## Wat doet u?\nBewaar uw brieven in een map.\n")
    assert not [line for line in error_lines(checked()) if "'MAP'" in line]


def test_check_names_an_interface_string_with_an_avoided_variant(
    complete_catalogs: Path, checked: Callable[[], Result]
) -> None:
    po = complete_catalogs / "ti" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as file:
        catalog = read_po(file, locale="ti")
    catalog["Personal plan"].string = "ውልቃዊ መደብ"
    with po.open("wb") as file:
        write_po(file, catalog, width=100)
    line = msgid_line(po, "Personal plan")
    expected = f"error: {po}:{line}: writes 'ውልቃዊ መደብ': the glossary says 'መደብ ምውህሃድን ተሳትፎን'"
    assert expected in error_lines(checked())


# --- content check: facts need a source -----------------------------------------------------


def test_check_warns_for_a_fact_without_a_source_and_not_for_a_sourced_step(
    content_copy: Path, checked: Callable[[], Result]
) -> None:
    path = content_copy / "plan" / "07-onderwijsroute" / "nl.md"  # states no fact yet
    change(path, "## Wat doet u?\n", "## Wat doet u?\nU krijgt 250 euro per maand.\n")
    result = checked()
    line = line_of(path, "250 euro")
    assert (
        f"warning: {path}:{line}: states a fact ('250 euro') without a source: add sources: "
        "(url, title, read) to the settings, or move the fact under verify:"
    ) in result.output
    # The step about finishing names its source: its facts are not warned for.
    assert "11-examens/nl.md" not in result.output


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("  - url: http://example.org\n    title: t\n    read: 2026-12-02\n", "https://"),
        ("  - url: https://example.org\n    title: t\n    read: gisteren\n", "read must be"),
        ("  - url: https://example.org\n    read: 2026-12-02\n", "'title'"),
    ],
)
def test_a_source_must_be_an_https_address_with_a_title_and_the_date_read(
    content_copy: Path, source: str, problem: str
) -> None:
    path = content_copy / "plan" / "11-examens" / "nl.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("sources:\n") + len("sources:\n")
    end = text.index("verify:")
    path.write_text(text[:start] + source + text[end:], encoding="utf-8")
    with pytest.raises(ContentError, match=re.escape(problem)):
        load_content(content_copy, STATIC, LANGUAGES)
