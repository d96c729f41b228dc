"""A phone that runs no JavaScript still shows the whole plan and every step's text."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from playwright.sync_api import Page, expect

from tests.conftest import content_of


def test_the_plan_shows_every_step_title_without_javascript(
    no_script_page: Page, visit: Callable[..., Page], live_app: Flask, lang: str
) -> None:
    steps = content_of(live_app).steps
    visit(no_script_page, f"/{lang}/plan/", "nojs")
    titles = no_script_page.locator(".step-list .step-title")
    expect(titles).to_have_text([step.text(lang).title for step in steps])
    for index in range(titles.count()):
        expect(titles.nth(index)).to_be_visible()


def test_a_step_page_shows_its_title_without_javascript(
    no_script_page: Page, visit: Callable[..., Page], live_app: Flask, lang: str
) -> None:
    step = content_of(live_app).step("brede-intake")
    visit(no_script_page, f"/{lang}/plan/brede-intake/", "nojs")
    title = no_script_page.locator("main h1")
    expect(title).to_have_text(step.text(lang).title)
    expect(title).to_be_visible()


def test_a_word_is_explained_when_tapped_without_javascript(
    no_script_page: Page, visit: Callable[..., Page], live_app: Flask, lang: str
) -> None:
    loaded = content_of(live_app)
    term = next(t for t in loaded.glossary if t.dutch == "leerbaarheidstoets")
    visit(no_script_page, f"/{lang}/plan/brede-intake/", "nojs")
    word = no_script_page.locator("details.word-explained", has_text=term.dutch)
    explanation = word.locator("p")
    expect(explanation).to_be_hidden()
    word.locator("summary").click()
    expect(explanation).to_be_visible()
    expect(explanation).to_have_text(term.in_language(lang).explain)
