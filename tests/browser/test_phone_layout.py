"""On a 360 px phone every page fits the screen, reads at 18 px and has thumb-sized targets."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

PHONE_WIDTH = 360
SMALLEST_PHONE_WIDTH = 320  # the narrowest screen the portal must read on without scrolling
MIN_TEXT_PX = 18
MIN_TAP_PX = 44

OVERVIEW_PAGES = {
    "home": "/{lang}/",
    "plan": "/{lang}/plan/",
    "municipality-plan": "/{lang}/gemeente/tilburg/plan/",
    "questions": "/{lang}/vragen/",
    "municipality-question": "/{lang}/gemeente/tilburg/vragen/hulp-in-uw-taal/",
}
TAP_PAGES = {
    "home": "/{lang}/",
    "plan": "/{lang}/plan/",
    "step": "/{lang}/plan/brede-intake/",
    "questions": "/{lang}/vragen/",
    "question": "/{lang}/vragen/kosten/",
}
# Everything a thumb must hit: header, pager, step list, language list, buttons, breadcrumb.
TAP_TARGETS = (
    "header a, header button, .pager a, .step-list a, .language-list a, .button, .breadcrumb a"
)
# The reading text of a step page: its lead and the paragraphs and list items of its sections.
BODY_TEXT = "article.step .lead, article.step .step-section p, article.step .step-section li"
# Elements that stick out of the screen, to say in a failure what overflows.
STICKING_OUT = r"""() => [...document.querySelectorAll('body *')]
  .filter(e => { const r = e.getBoundingClientRect();
                 return r.width > 0 && (r.right > window.innerWidth + 0.5 || r.left < -0.5); })
  .slice(0, 10)
  .map(e => { const r = e.getBoundingClientRect();
              const text = e.textContent.trim().replace(/\s+/g, ' ').slice(0, 30);
              return `${e.tagName.toLowerCase()}.${e.className.baseVal ?? e.className} "${text}"`
                     + ` left=${Math.round(r.left)} right=${Math.round(r.right)}`; })"""


# Words broken across two lines at a place that is not a hyphen or a soft hyphen (where the
# hyphenation rules of the word's language allow a break) or a dash: "Participatieverklari/ng". An
# e-mail or web address may break beside its dots, slashes and @, as addresses do. A
# character's last box is where it is drawn (the one after a soft-hyphen break also reports
# the hyphen's box at the end of the line before).
WRONG_BREAKS = r"""() => {
  const wrong = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent;
    for (const word of text.matchAll(/\S+/g)) {
      let before = null;
      for (let i = word.index; i < word.index + word[0].length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const boxes = [...range.getClientRects()].filter(box => box.width > 0);
        if (!boxes.length) continue;  // a soft hyphen on its line, a bidi isolate
        const top = Math.round(boxes[boxes.length - 1].top);
        if (before && top !== before.top) {
          const between = text.slice(before.index, i);
          const beside = between.slice(-1) + text[i];
          if (!between.includes('\u00ad') && !/[-\u2010\u2013]$/.test(between)
              && !/[./@]/.test(beside)) {
            wrong.push(text.slice(word.index, before.index + 1) + '|' +
                       text.slice(i, word.index + word[0].length));
          }
        }
        before = {top, index: i};
      }
    }
  }
  return wrong;
}"""


def assert_words_break_where_their_language_allows(page: Page) -> None:
    """Fail when a word is broken across two lines where its language allows no break."""
    assert page.evaluate(WRONG_BREAKS) == [], page.url


def assert_fits_the_screen(page: Page, width: int = PHONE_WIDTH) -> None:
    """Fail when the page scrolls sideways, naming the elements that stick out."""
    if width != PHONE_WIDTH:
        page.set_viewport_size({"width": width, "height": 740})
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert inner_width == width
    assert scroll_width <= inner_width, (
        f"{page.url} is {scroll_width} px wide on a {inner_width} px screen; "
        f"sticking out: {page.evaluate(STICKING_OUT)}"
    )
    assert_words_break_where_their_language_allows(page)


def test_the_language_chooser_fits_phones_360_and_320px_wide(
    page: Page, visit: Callable[..., Page]
) -> None:
    visit(page, "/language/")
    assert_fits_the_screen(page)
    assert_fits_the_screen(page, SMALLEST_PHONE_WIDTH)


@pytest.mark.parametrize("template", OVERVIEW_PAGES.values(), ids=OVERVIEW_PAGES.keys())
def test_the_overview_pages_fit_phones_360_and_320px_wide(
    page: Page, visit: Callable[..., Page], lang: str, template: str
) -> None:
    visit(page, template.format(lang=lang))
    assert_fits_the_screen(page)
    assert_fits_the_screen(page, SMALLEST_PHONE_WIDTH)


def test_every_step_page_fits_phones_360_and_320px_wide(
    page: Page, visit: Callable[..., Page], lang: str, step_slug: str
) -> None:
    visit(page, f"/{lang}/plan/{step_slug}/")
    assert_fits_the_screen(page)
    assert_fits_the_screen(page, SMALLEST_PHONE_WIDTH)


def test_the_text_of_a_step_is_at_least_18px(
    page: Page, visit: Callable[..., Page], lang: str
) -> None:
    visit(page, f"/{lang}/plan/brede-intake/")
    sizes = page.locator(BODY_TEXT).evaluate_all(
        "els => els.map(e => [e.textContent.trim().slice(0, 40),"
        " parseFloat(getComputedStyle(e).fontSize)])"
    )
    assert sizes, "the step page shows no paragraphs"
    too_small = [(text, size) for text, size in sizes if size < MIN_TEXT_PX]
    assert not too_small, f"text below {MIN_TEXT_PX} px: {too_small}"


def assert_targets_are_thumb_sized(page: Page) -> None:
    """Fail for every visible tap target smaller than 44 x 44 px."""
    targets = page.locator(TAP_TARGETS)
    seen = 0
    too_small = []
    for index in range(targets.count()):
        target = targets.nth(index)
        if not target.is_visible():
            continue
        seen += 1
        box = target.bounding_box()
        assert box is not None
        if box["height"] < MIN_TAP_PX or box["width"] < MIN_TAP_PX:
            label = " ".join(target.inner_text().split())[:40]
            too_small.append(f"{label!r}: {box['width']:.0f} x {box['height']:.0f} px")
    assert seen, f"{page.url} has no tap targets to measure"
    assert not too_small, f"tap targets below {MIN_TAP_PX} x {MIN_TAP_PX} px: {too_small}"


def test_the_languages_of_the_chooser_are_easy_to_tap(
    page: Page, visit: Callable[..., Page]
) -> None:
    visit(page, "/language/")
    assert_targets_are_thumb_sized(page)


@pytest.mark.parametrize("template", TAP_PAGES.values(), ids=TAP_PAGES.keys())
def test_links_and_buttons_are_easy_to_tap(
    page: Page, visit: Callable[..., Page], lang: str, template: str
) -> None:
    visit(page, template.format(lang=lang))
    assert_targets_are_thumb_sized(page)
