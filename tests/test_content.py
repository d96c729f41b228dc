"""The content loader: the bundled texts, translation states, and clear errors on broken files."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from portal.content import ContentStore
from portal.loading import load_content, watched_files
from portal.textfiles import KINDS, ContentError, TextFields, empty_fields, source_hash
from tests.conftest import CONTENT, LANGUAGES, STATIC, content_of
from tests.files import bump_mtime

REQUIRED_STEPS = [
    "wonen-en-inschrijven",
    "ontzorgen",
    "maatschappelijke-begeleiding",
    "brede-intake",
    "pip",
    "b1-route",
    "onderwijsroute",
    "z-route",
    "knm-en-map",
    "participatieverklaring",
    "examens",
]


def bundled():
    return load_content(CONTENT, STATIC, LANGUAGES)


def test_the_bundled_plan_covers_the_whole_process_in_order() -> None:
    slugs = [step.slug for step in bundled().steps]
    assert len(slugs) >= 9
    assert [s for s in slugs if s in REQUIRED_STEPS] == REQUIRED_STEPS


def test_the_three_learning_routes_are_alternatives_sharing_one_number() -> None:
    content = bundled()
    routes = [content.step(slug) for slug in ("b1-route", "onderwijsroute", "z-route")]
    assert [step.joins for step in routes if step] == [None, "or", "or"]
    assert len({step.number for step in routes if step}) == 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_step_is_written_in_every_language(lang: str) -> None:
    for step in bundled().steps:
        text = step.texts.get(lang)
        assert text is not None, f"{step.slug} has no {lang} text"
        assert len(text.sections) == 4, f"{text.path} needs four parts"
        assert text.title
        assert text.summary


@pytest.mark.parametrize("lang", ["en", "ar", "ti"])
def test_translations_are_drafts_made_from_the_current_dutch_text(lang: str) -> None:
    for step in bundled().steps:
        assert step.status(lang) == "draft", f"{step.texts[lang].path} is {step.status(lang)}"


def test_the_arabic_and_tigrinya_texts_are_in_their_own_scripts() -> None:
    for step in bundled().steps:
        assert re.search("[\u0600-\u06ff]", step.texts["ar"].title), step.slug
        assert re.search("[\u1200-\u137f]", step.texts["ti"].title), step.slug


def test_dutch_summaries_are_one_short_sentence() -> None:
    for step in bundled().steps:
        words = step.source.summary.split()
        assert len(words) <= 12, f"{step.source.path}: summary has {len(words)} words"


def test_every_step_pictogram_has_a_text_alternative_in_every_language() -> None:
    content = bundled()
    for step in content.steps:
        for lang in LANGUAGES:
            assert content.pictograms[step.pictogram].get(lang), f"{step.pictogram} alt in {lang}"


def test_pictograms_are_plain_drawings_without_scripts_or_links() -> None:
    for svg in (STATIC / "pictograms").glob("*.svg"):
        text = svg.read_text(encoding="utf-8")
        for forbidden in ("<script", "href", "<style"):
            assert forbidden not in text, f"{svg} has {forbidden}"
        assert "<title>" in text, f"{svg} has no title"


def test_the_region_has_three_municipalities_marked_as_examples() -> None:
    municipalities = bundled().municipalities
    assert {"tilburg", "oisterwijk"} <= set(municipalities)
    assert len(municipalities) >= 3
    assert all(m.example for m in municipalities.values())


def test_a_changed_dutch_text_makes_its_translations_outdated(content_copy: Path) -> None:
    source = content_copy / "plan" / "04-brede-intake" / "nl.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nEen nieuwe zin.\n", "utf-8")
    step = load_content(content_copy, STATIC, LANGUAGES).step("brede-intake")
    assert step is not None
    assert {step.status(lang) for lang in ("en", "ar", "ti")} == {"outdated"}
    assert step.status("nl") == "source"


def test_a_missing_translation_is_reported_as_missing(content_copy: Path) -> None:
    (content_copy / "plan" / "05-pip" / "ti.md").unlink()
    step = load_content(content_copy, STATIC, LANGUAGES).step("pip")
    assert step is not None
    assert step.status("ti") == "missing"
    assert step.text("ti").lang == "nl"


def step_fields(title: str, summary: str, body: str) -> TextFields:
    """Return the fields of a step text."""
    return empty_fields() | {"title": title, "summary": summary, "body": body}  # type: ignore[return-value]


def test_the_text_hash_ignores_surrounding_white_space_only() -> None:
    step = KINDS["step"]
    assert source_hash(step, step_fields("A", "B", "body\n")) == source_hash(
        step, step_fields("A ", "B", "\nbody")
    )
    assert source_hash(step, step_fields("A", "B", "body")) != source_hash(
        step, step_fields("A", "B", "body!")
    )


BROKEN_FILES = [
    ("plan/04-brede-intake/nl.md", "title: x\n", "must start with a line '---'"),
    ("plan/04-brede-intake/nl.md", "---\ntitle: x\n", "not closed"),
    ("plan/04-brede-intake/nl.md", "---\ntitle: [x\n---\n## a\n", "not valid YAML"),
    ("plan/04-brede-intake/nl.md", "---\nsummary: s\npictogram: house\n---\n## a\n", "'title'"),
    (
        "plan/04-brede-intake/nl.md",
        "---\ntitle: t\nsummary: s\npictogram: unicorn\n---\n## a\n## b\n## c\n## d\n",
        "pictogram 'unicorn'",
    ),
    (
        "plan/04-brede-intake/nl.md",
        "---\ntitle: t\nsummary: s\npictogram: house\n---\n## a\n## b\n",
        "has 2",
    ),
    (
        "plan/04-brede-intake/nl.md",
        "---\ntitle: t\nsummary: s\npictogram: house\njoins: maybe\n---\n## a\n## b\n## c\n## d\n",
        "joins",
    ),
    ("plan/04-brede-intake/nl.md", "---\ntitle: t\n---\nloose text\n## a\n", "before the first"),
    (
        "plan/04-brede-intake/ar.md",
        "---\ntitle: t\nsummary: s\n---\n## a\n",
        "the Dutch text has 4",
    ),
    (
        "plan/04-brede-intake/ar.md",
        "---\ntitle: t\nsummary: s\nreview: checked\n---\n## a\n## b\n## c\n## d\n",
        "review must be",
    ),
    ("municipalities/tilburg.yml", "name: Tilburg\nexample: true\n", "address"),
    (
        "municipalities/tilburg.yml",
        "name: T\nexample: true\naddress: {street: s, postcode: 5038AA, city: T}\n",
        "not a Dutch postcode",
    ),
]


@pytest.mark.parametrize(("name", "text", "message"), BROKEN_FILES)
def test_a_broken_file_is_named_with_a_clear_message(
    content_copy: Path, name: str, text: str, message: str
) -> None:
    path = content_copy / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match=re.escape(message)) as raised:
        load_content(content_copy, STATIC, LANGUAGES)
    assert str(raised.value).startswith(str(path))


def test_a_yaml_error_names_the_line(content_copy: Path) -> None:
    path = content_copy / "plan" / "04-brede-intake" / "nl.md"
    path.write_text("---\ntitle: ok\nsummary: [open\n---\n## a\n", encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_content(content_copy, STATIC, LANGUAGES)
    assert raised.value.line is not None
    assert raised.value.line >= 3


def test_a_file_that_is_not_utf8_is_named(content_copy: Path) -> None:
    path = content_copy / "plan" / "04-brede-intake" / "en.md"
    path.write_bytes("---\ntitle: caf\xe9\n---\n".encode("latin-1"))
    with pytest.raises(ContentError, match="not UTF-8"):
        load_content(content_copy, STATIC, LANGUAGES)


def test_a_broken_dutch_text_at_start_leaves_out_only_its_own_step(
    content_copy: Path, app_on: Callable[..., Flask]
) -> None:
    (content_copy / "plan" / "05-pip" / "nl.md").write_text("no settings", encoding="utf-8")
    app = app_on()
    loaded = content_of(app)
    assert loaded.step("pip") is None
    assert [str(p) for p in loaded.problems if "05-pip/nl.md" in str(p)]
    client = app.test_client()
    assert client.get("/ar/plan/brede-intake/").status_code == 200
    assert client.get("/ar/plan/").status_code == 200
    assert client.get("/healthz").get_json()["status"] == "stale-content"


def test_a_broken_translation_at_start_shows_the_dutch_text_in_its_place(
    content_copy: Path, app_on: Callable[..., Flask]
) -> None:
    (content_copy / "plan" / "05-pip" / "ti.md").write_text("---\ntitle: [\n", encoding="utf-8")
    loaded = content_of(app_on())
    step = loaded.step("pip")
    assert step is not None
    assert "ti" not in step.texts
    assert step.text("ti").lang == "nl"
    assert step.texts["ar"].lang == "ar"


def test_a_running_portal_shows_changed_content_without_a_restart(content_copy: Path) -> None:
    store = ContentStore(content_copy, STATIC, lambda _problems: LANGUAGES, interval=0)
    path = content_copy / "plan" / "04-brede-intake" / "en.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Broad intake", "Big talk"), "utf-8")
    bump_mtime(path)
    step = store.get().step("brede-intake")
    assert step is not None
    assert step.texts["en"].title == "Big talk"


def test_editors_see_a_change_at_once_where_readers_wait_for_the_next_look(
    content_copy: Path,
) -> None:
    # As in a worker that looked a moment ago, while another worker saved the file.
    store = ContentStore(content_copy, STATIC, lambda _problems: LANGUAGES, interval=3600)
    path = content_copy / "plan" / "04-brede-intake" / "en.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Broad intake", "Big talk"), "utf-8")
    bump_mtime(path)
    assert store.get().step("brede-intake").texts["en"].title == "Broad intake"  # type: ignore[union-attr]
    assert store.get_fresh().step("brede-intake").texts["en"].title == "Big talk"  # type: ignore[union-attr]
    assert store.get().step("brede-intake").texts["en"].title == "Big talk"  # type: ignore[union-attr]


def test_a_look_for_changes_passes_hidden_folders_by(content_copy: Path) -> None:
    # content/ may be a git repository of its own: its .git is not content.
    hidden = content_copy / ".git" / "objects" / "notes.md"
    hidden.parent.mkdir(parents=True)
    hidden.write_text("not content", encoding="utf-8")
    watched = watched_files(content_copy, STATIC)
    assert hidden not in watched
    assert content_copy / "plan" / "05-pip" / "ti.md" in watched


def test_a_broken_change_keeps_the_last_good_content(content_copy: Path) -> None:
    store = ContentStore(content_copy, STATIC, lambda _problems: LANGUAGES, interval=0)
    path = content_copy / "plan" / "04-brede-intake" / "en.md"
    path.write_text("broken", encoding="utf-8")
    bump_mtime(path)
    step = store.get().step("brede-intake")
    assert step is not None
    assert step.texts["en"].title == "Broad intake"
    assert [p for p in store.problems if "04-brede-intake/en.md" in str(p)]


def test_a_change_is_served_while_another_file_is_broken(content_copy: Path) -> None:
    store = ContentStore(content_copy, STATIC, lambda _problems: LANGUAGES, interval=0)
    broken = content_copy / "plan" / "04-brede-intake" / "nl.md"
    broken.write_text("broken", encoding="utf-8")
    changed = content_copy / "plan" / "05-pip" / "en.md"
    changed.write_text(changed.read_text(encoding="utf-8").replace("title:", "title: New"), "utf-8")
    for path in (broken, changed):
        bump_mtime(path)
    loaded = store.get()
    pip, intake = loaded.step("pip"), loaded.step("brede-intake")
    assert pip is not None
    assert intake is not None
    assert pip.texts["en"].title.startswith("New")
    assert [step.slug for step in loaded.steps] == [step.slug for step in store.get().steps]
    assert [p for p in loaded.problems if "04-brede-intake/nl.md" in str(p)]
    broken.write_text(
        (CONTENT / "plan" / "04-brede-intake" / "nl.md").read_text(encoding="utf-8"), "utf-8"
    )
    bump_mtime(broken)
    assert store.get().problems == ()


def test_a_bad_row_of_the_language_list_leaves_out_only_that_language(
    content_copy: Path, app_on: Callable[..., Flask]
) -> None:
    languages_file = content_copy / "languages.yml"
    text = languages_file.read_text(encoding="utf-8").replace("code: ti", "code: ti-er")
    languages_file.write_text(text, encoding="utf-8")
    app = app_on()
    client = app.test_client()
    assert client.get("/ar/plan/").status_code == 200
    assert client.get("/ti/plan/").status_code == 404
    problems = [str(p) for p in content_of(app).problems]
    assert [p for p in problems if "languages.yml" in p and "ti-er" in p], problems
    assert client.get("/healthz").get_json()["status"] == "stale-content"


def test_an_offer_must_be_a_kind_of_the_offers_list(content_copy: Path) -> None:
    path = content_copy / "municipalities" / "tilburg.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kind: orientatietraject", "kind: taalcafe"), encoding="utf-8")
    with pytest.raises(ContentError, match="offers: kind must be one of choices/aanbod"):
        load_content(content_copy, STATIC, LANGUAGES)
