"""Segments and the translation memory: every content file splits into headings, paragraphs
and list items and is put together again byte for byte; a translation edited part by part is
saved in the format of plain-text editing; each part is checked on its own; the memory offers
what was translated before, exactly or nearly the same, and nothing it should not."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.memory import MIN_QUALITY, Pair, matches, memory_of
from portal.segments import aligned_texts, join_segments, split_segments, with_texts
from portal.textfiles import read_fields
from tests.conftest import CONTENT, content_of
from tests.html_tools import FormValues
from tests.test_editor import (  # noqa: F401 - fixtures, used through the ones below
    catalogs_copy,
    editor_app,
    log_in,
)

LETTER = "herinnering-afspraak"
LETTER_URL = f"/editor/letter/{LETTER}/ti"
TEXT_FILES = sorted(CONTENT.glob("*/*/*.md"))


@pytest.fixture
def translator(request: pytest.FixtureRequest) -> FlaskClient:
    """Return a client of an app on private content, logged in as an editor of every language."""
    app: Flask = request.getfixturevalue("editor_app")
    return log_in(app.test_client(), "editor")


def segment_form(client: FlaskClient, url: str) -> dict[str, str]:
    """Open an edit page part by part; return what its form would send."""
    response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return FormValues(page.split('class="staff-form segment-form"')[1].split("</form>")[0]).values


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda p: str(p.relative_to(CONTENT)))
def test_every_text_is_put_together_again_byte_for_byte(path: Path) -> None:
    body = read_fields(path)["body"]
    assert join_segments(split_segments(body)) == body.rstrip("\n") + "\n"


def test_segments_are_headings_paragraphs_and_list_items() -> None:
    body = "## Wat?\nEen zin.\nNog een regel.\n\n- een\n- twee\n\n1. eerst\n\nSlot.\n"
    parts = split_segments(body)
    assert [(p.kind, p.mark, p.text) for p in parts] == [
        ("heading", "## ", "Wat?"),
        ("paragraph", "", "Een zin.\nNog een regel."),
        ("item", "- ", "een"),
        ("item", "- ", "twee"),
        ("item", "1. ", "eerst"),
        ("paragraph", "", "Slot."),
    ]
    translated = with_texts(parts, ["What?", "A sentence.", "one", "two", "first", "End."])
    assert translated == "## What?\nA sentence.\n\n- one\n- two\n\n1. first\n\nEnd.\n"


def test_after_a_change_only_unchanged_segments_keep_their_translation() -> None:
    old = split_segments("## Wat?\nEen.\n\nTwee.\n")
    translated = split_segments("## What?\nOne.\n\nTwo.\n")
    now = split_segments("## Wat?\nEen.\n\nNieuw.\n\nTwee.\n")
    assert aligned_texts(now, translated, old) == ["What?", "One.", "", "Two."]
    changed = split_segments("## Wat?\nEen, anders.\n\nTwee.\n")
    assert aligned_texts(changed, translated, old) == ["What?", "One.", "Two."], "same parts"
    # Without the old Dutch text, the order of headings, paragraphs and items decides.
    assert aligned_texts(split_segments("## Wat?\nEen.\n\nTwee.\n\n- drie\n"), translated) == [
        "What?",
        "One.",
        "Two.",
        "",
    ]


def test_the_memory_offers_exact_and_near_matches_best_first() -> None:
    memory = [
        Pair("Neem uw verblijfsvergunning mee.", "Bring your residence permit.", "step a"),
        Pair("Neem uw bankpas mee.", "Bring your bank card.", "step b"),
        Pair("Iets heel anders over geld.", "Something else.", "step c"),
    ]
    found = matches(memory, "Neem uw verblijfsvergunning mee.")
    assert found[0].quality == 100
    assert found[0].target == "Bring your residence permit."
    assert all(m.quality >= MIN_QUALITY for m in found)
    assert "Something else." not in [m.target for m in found]
    near = matches(memory, "Neem uw verblijfsvergunning en uw paspoort mee.")
    assert near[0].target == "Bring your residence permit."
    assert MIN_QUALITY <= near[0].quality < 100
    # What the field holds already is not offered again; an empty segment gets nothing.
    assert matches(memory, "Neem uw bankpas mee.", skip="Bring your bank card.") == []
    assert matches(memory, "  ") == []


def test_the_memory_of_a_language_pairs_dutch_and_translated_segments(
    translator: FlaskClient,
) -> None:
    loaded = content_of(translator.application)
    memory = memory_of(loaded, "ar")
    pip = loaded.step("pip")
    assert pip is not None
    dutch = split_segments(read_fields(pip.source.path)["body"])
    arabic = split_segments(read_fields(pip.path_for("ar"))["body"])
    assert Pair(dutch[1].text, arabic[1].text, "step pip") in memory
    assert Pair(pip.source.title, pip.texts["ar"].title, "step pip") in memory


def test_a_translation_saved_part_by_part_is_the_file_plain_text_editing_writes(
    translator: FlaskClient, content_copy: Path
) -> None:
    path = content_copy / "letters" / LETTER / "ti.md"
    form = segment_form(translator, LETTER_URL)
    assert form["mode"] == "segments"
    dutch = split_segments(read_fields(path.with_name("nl.md"))["body"])
    translated = split_segments(read_fields(path)["body"])
    assert [form[f"segment-{n}"] for n in range(len(dutch))] == [s.text for s in translated]
    form["segment-0"] = form["segment-0"] + " ሓድሽ"
    saved = translator.post(LETTER_URL, data=form | {"action": "save"})
    assert saved.status_code == 302
    assert saved.headers["Location"] == LETTER_URL
    after = read_fields(path)
    assert after["body"] == with_texts(dutch, [form[f"segment-{n}"] for n in range(len(dutch))])
    # Sent whole, the same text changes nothing: the file is what plain-text editing writes.
    text_form = FormValues(translator.get(f"{LETTER_URL}?mode=text").get_data(as_text=True))
    again = translator.post(
        LETTER_URL, data=text_form.values | {"action": "save", "body": after["body"]}
    )
    assert again.status_code == 302
    assert b"Nothing changed" in translator.get(again.headers["Location"]).data


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda text: "", "Fill in part 1."),
        (lambda text: text.replace("((voornaam))", ""), "Part 1 needs exactly these placeholders"),
        (lambda text: text + " ((iban))", "Part 1 needs exactly these placeholders"),
        (lambda text: "## " + text, "Part 1 must stay one heading, paragraph or list item"),
        (lambda text: "- " + text, "Part 1 must stay one heading, paragraph or list item"),
    ],
    ids=["empty", "placeholder-left-out", "placeholder-added", "heading-mark", "list-mark"],
)
def test_each_part_is_checked_and_a_wrong_one_writes_nothing(
    translator: FlaskClient, content_copy: Path, change: object, says: str
) -> None:
    path = content_copy / "letters" / LETTER / "ti.md"
    before = path.read_bytes()
    form = segment_form(translator, LETTER_URL)
    form["segment-0"] = change(form["segment-0"])  # type: ignore[operator]
    refused = translator.post(LETTER_URL, data=form | {"action": "save"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert says in page
    assert path.read_bytes() == before
    # What the editor typed is still there, part by part.
    assert segment_form_of(page)["segment-1"] == form["segment-1"]


def segment_form_of(page: str) -> dict[str, str]:
    """Return what the part-by-part form on a page would send."""
    return FormValues(page.split('class="staff-form segment-form"')[1].split("</form>")[0]).values


def test_a_missing_translation_is_offered_what_other_texts_translated(
    translator: FlaskClient, content_copy: Path
) -> None:
    (content_copy / "plan" / "05-pip" / "ti.md").unlink()
    page = translator.get("/editor/step/pip/ti").get_data(as_text=True)
    first = page.split('id="part-1"')[1].split('class="segment-row')[0]
    heading = split_segments(read_fields(content_copy / "plan/04-brede-intake/ti.md")["body"])[0]
    assert 'class="segment-matches"' in first
    assert '<span class="quality">100%</span>' in first
    assert heading.text in first
    assert 'data-use="segment-0"' in first
    assert segment_form(translator, "/editor/step/pip/ti")["segment-0"] == ""


def test_a_placeholder_is_shown_as_a_chip_and_untrusted_text_is_escaped(
    translator: FlaskClient, content_copy: Path
) -> None:
    path = content_copy / "letters" / LETTER / "ti.md"
    text = path.read_text(encoding="utf-8")
    assert "((voornaam))" in text
    path.write_text(
        text.replace("((voornaam))", "<script>alert(1)</script>((voornaam))", 1), encoding="utf-8"
    )
    page = translator.get(LETTER_URL).get_data(as_text=True)
    assert '<span class="chip" dir="ltr">voornaam</span>' in page  # the Dutch segment
    assert "&lt;script&gt;alert(1)&lt;/script&gt;((voornaam))" in page  # the field, escaped
    assert "<script>alert(1)" not in page


def test_parts_sent_for_a_dutch_text_that_changed_since_are_not_saved(
    translator: FlaskClient, content_copy: Path
) -> None:
    path = content_copy / "letters" / LETTER / "ti.md"
    before = path.read_bytes()
    form = segment_form(translator, LETTER_URL)
    dutch = path.with_name("nl.md")
    dutch.write_text(
        dutch.read_text(encoding="utf-8").replace("Kom op tijd.", "Kom altijd op tijd."),
        encoding="utf-8",
    )
    refused = translator.post(LETTER_URL, data=form | {"action": "save"})
    assert refused.status_code == 422
    assert "The Dutch text changed while you were editing." in refused.get_data(as_text=True)
    assert path.read_bytes() == before
