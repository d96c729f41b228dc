"""Arabic reads from right to left: the layout mirrors, and Dutch words inside stay LTR."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from playwright.sync_api import Page

from tests.conftest import content_of

RIGHT_TO_LEFT = {"ar"}


def direction(page: Page, selector: str) -> str:
    """Return the computed CSS direction of the first element matching `selector`."""
    value: str = page.locator(selector).first.evaluate("e => getComputedStyle(e).direction")
    return value


def test_the_page_reads_in_the_direction_of_its_language(
    page: Page, visit: Callable[..., Page], lang: str
) -> None:
    visit(page, f"/{lang}/plan/")
    expected = "rtl" if lang in RIGHT_TO_LEFT else "ltr"
    assert direction(page, "html") == expected


def test_the_step_number_stands_where_the_line_begins(
    page: Page, visit: Callable[..., Page], lang: str
) -> None:
    visit(page, f"/{lang}/plan/")
    first_step = page.locator(".step-item").first
    number = first_step.locator(".step-number").bounding_box()
    link = first_step.locator(".step-link").bounding_box()
    assert number is not None
    assert link is not None
    if lang in RIGHT_TO_LEFT:
        assert number["x"] > link["x"], f"the number ({number}) is not right of the step ({link})"
    else:
        assert number["x"] < link["x"], f"the number ({number}) is not left of the step ({link})"


def test_the_next_step_arrow_points_the_way_the_text_reads(
    page: Page, visit: Callable[..., Page], lang: str
) -> None:
    visit(page, f"/{lang}/plan/brede-intake/")
    arrow = page.locator(".pager-next .icon")
    transform = arrow.evaluate("e => getComputedStyle(e).transform")
    if lang in RIGHT_TO_LEFT:
        assert transform != "none", "the arrow to the next step is not mirrored"
    else:
        assert transform == "none", f"the arrow to the next step is transformed: {transform}"


def test_the_language_link_sits_at_the_end_of_the_header(
    page: Page, visit: Callable[..., Page], lang: str
) -> None:
    visit(page, f"/{lang}/plan/brede-intake/")
    width = page.evaluate("() => window.innerWidth")
    language = page.locator(".site-header .language-link").bounding_box()
    brand = page.locator(".site-header .brand").bounding_box()
    assert language is not None
    assert brand is not None
    middle = language["x"] + language["width"] / 2
    if lang in RIGHT_TO_LEFT:
        assert middle < width / 2, f"the language link is not on the left: {language}"
        assert language["x"] < brand["x"]
    else:
        assert middle > width / 2, f"the language link is not on the right: {language}"
        assert language["x"] > brand["x"]


@pytest.mark.parametrize("lang", ["ar"])
def test_the_dutch_step_name_is_marked_as_dutch_left_to_right(
    page: Page, visit: Callable[..., Page], live_app: Flask, lang: str
) -> None:
    step = content_of(live_app).step("brede-intake")
    visit(page, f"/{lang}/plan/brede-intake/")
    term = page.locator('.step-header [lang="nl"]')
    assert term.count() == 1, "the step header does not mark one Dutch name"
    # The name is wrapped in invisible Unicode isolates (for PDFs); the words are the same.
    assert term.inner_text().strip("\u2066\u2067\u2068\u2069") == step.dutch_title
    assert term.evaluate("e => getComputedStyle(e).direction") == "ltr"
