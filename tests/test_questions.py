"""The questions pages (/<lang>/vragen/): what people need and do not find in the steps
(costs, time, exemption, objecting to the PIP, family, children, letters, an interpreter),
in every language, linked from the steps they belong to, each fact with a source or under
`verify:`."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from portal.loading import load_content
from portal.offline import bundle_pages
from portal.textfiles import ContentError
from tests.conftest import CONTENT, LANGUAGES, STATIC, content_of
from tests.pdf_tools import SCRIPT_FONTS, fonts, has_phrase, normalise, pages_text, qr_codes

# The subjects the reviews of the pages found missing (issue: content a statushouder can trust).
TOPICS = [
    "kosten",
    "niet-komen",
    "uw-tijd",
    "ontheffing",
    "bezwaar-pip",
    "gezinshereniging",
    "kinderen",
    "vragen-over-brieven",
    "hulp-in-uw-taal",
]


def test_every_missing_subject_has_a_questions_page_in_every_language() -> None:
    loaded = load_content(CONTENT, STATIC, LANGUAGES)
    assert [topic.slug for topic in loaded.topics.values()] == TOPICS
    for topic in loaded.topics.values():
        for lang in LANGUAGES:
            assert topic.status(lang) in ("source", "draft"), (topic.slug, lang)
            assert len(topic.text(lang).sections) == len(topic.source.sections)
        # What the page could not check is listed, or the page names where it was checked.
        assert topic.sources or topic.verify, topic.slug


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_questions_page_lists_every_subject_in_the_readers_language(
    staff_app: Flask, lang: str
) -> None:
    page = staff_app.test_client().get(f"/{lang}/vragen/").get_data(as_text=True)
    links = re.findall(rf'href="/{lang}/vragen/([a-z-]+)/"', page)
    assert links == TOPICS
    for topic in content_of(staff_app).topics.values():
        assert topic.text(lang).title in page.replace("\xad", "")


def test_a_step_links_to_its_questions_and_a_question_back_to_its_steps(
    staff_app: Flask,
) -> None:
    client = staff_app.test_client()
    step_page = client.get("/ar/plan/pip/").get_data(as_text=True)
    assert 'href="/ar/vragen/bezwaar-pip/"' in step_page
    assert 'href="/ar/vragen/kosten/"' in step_page
    topic_page = client.get("/ar/vragen/bezwaar-pip/").get_data(as_text=True)
    assert 'href="/ar/plan/pip/"' in topic_page
    assert 'dir="rtl"' in topic_page


def test_a_question_in_a_municipalitys_view_names_the_languages_its_staff_speak(
    staff_app: Flask,
) -> None:
    page = staff_app.test_client().get("/en/gemeente/tilburg/vragen/hulp-in-uw-taal/").text
    languages = re.findall(r'<bdi class="language-name" lang="(\w+)">([^<]+)</bdi>', page)
    assert languages == [
        ("nl", "Nederlands"),
        ("en", "English"),
        ("ar", "العربية"),
        ("ti", "ትግርኛ"),
    ]
    assert "We call an interpreter on the phone." in page
    assert 'href="/en/gemeente/tilburg/vragen/"' in page  # the way back stays in the view


def test_an_unknown_question_is_a_page_in_the_readers_language(staff_app: Flask) -> None:
    response = staff_app.test_client().get("/ti/vragen/no-such-question/")
    assert response.status_code == 404
    assert 'lang="ti"' in response.text


def test_a_sourced_question_says_where_it_was_checked(staff_app: Flask) -> None:
    page = staff_app.test_client().get("/nl/vragen/bezwaar-pip/").text
    assert "Checked with:" not in page  # Dutch page, Dutch words
    assert re.search(r'<p class="sources">Gecontroleerd met: <a href="https://www\.infomil', page)


def test_the_questions_pages_are_in_the_sitemap_and_the_offline_pack(staff_app: Flask) -> None:
    client = staff_app.test_client()
    sitemap = client.get("/sitemap.xml").text
    assert "/ti/vragen/kinderen/</loc>" in sitemap
    assert "/ar/gemeente/goirle/vragen/kosten/</loc>" in sitemap
    with staff_app.test_request_context("/ti/offline/"):  # as the offline pack is listed
        pages = bundle_pages("ti", None)
    assert "/ti/vragen/" in pages
    assert "/ti/vragen/hulp-in-uw-taal/" in pages


def test_a_questions_page_naming_a_missing_step_stays_up_and_check_names_it(
    content_copy: Path, app_on: Callable[..., Flask]
) -> None:
    path = content_copy / "questions" / "01-kosten" / "nl.md"
    path.write_text(path.read_text().replace("steps: [pip,", "steps: [no-such-step, pip,"))
    app = app_on()
    assert app.test_client().get("/nl/vragen/kosten/").status_code == 200
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert "01-kosten/nl.md: steps: there is no step 'no-such-step' in the plan" in result.output


def test_a_translation_must_answer_the_same_questions(
    content_copy: Path, app_on: Callable[..., Flask]
) -> None:
    path = content_copy / "questions" / "05-bezwaar-pip" / "en.md"
    text = path.read_text()
    path.write_text(text[: text.rindex("\n## ")] + "\n")
    problems: list[ContentError] = []
    loaded = load_content(content_copy, STATIC, LANGUAGES, problems)
    assert [p.path for p in problems] == [path]
    assert "has 2 questions" in str(problems[0])
    assert loaded.topic("bezwaar-pip").text("en").lang == "nl"  # the Dutch text is shown


def test_check_warns_for_an_unsourced_fact_on_a_questions_page(
    content_copy: Path, app_on: Callable[..., Flask]
) -> None:
    path = content_copy / "questions" / "08-vragen-over-brieven" / "nl.md"
    path.write_text(path.read_text() + "\nU betaalt 50 euro boete.\n")
    result = app_on().test_cli_runner().invoke(args=["content", "check"])
    assert "08-vragen-over-brieven/nl.md" in result.output
    assert "without a source" in result.output


@pytest.mark.parametrize("lang", ["ar", "ti"])
def test_the_questions_booklet_prints_every_question_in_the_readers_script(
    staff_app: Flask, lang: str
) -> None:
    client = staff_app.test_client()
    booklet = client.get(f"/{lang}/gemeente/tilburg/vragen-bilingual.pdf")
    assert booklet.mimetype == "application/pdf"
    found = fonts(booklet.data)
    assert all(font.embedded for font in found), found
    # The script's own font (the contact box names the staff's languages in their scripts).
    assert SCRIPT_FONTS[lang] in " ".join(font.name for font in found)
    text = normalise(" ".join(pages_text(booklet.data)))
    loaded = content_of(staff_app)
    for topic in loaded.topics.values():
        assert has_phrase(text, normalise(topic.text(lang).title), lang), topic.slug
        assert normalise(topic.source.title) in text  # the Dutch text follows it
    # Its QR code leads to the questions online, in the same language and municipality.
    assert qr_codes(booklet.data)[0].endswith(f"/{lang}/gemeente/tilburg/vragen/")
    # Dutch has no bilingual booklet: it is the Dutch booklet.
    assert client.get("/nl/vragen-bilingual.pdf").headers["Location"] == "/nl/vragen.pdf"
