"""One numbering of the plan: every step has its own number, the three learning routes share
one as a choice, and the plan page, the step pages, the plan PDF and the personal plan show
the same numbers."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.conftest import LANGUAGES, content_of
from tests.layout import bbox_layout, box_mm

ROUTES = ["b1-route", "onderwijsroute", "z-route"]
# Left of this (in mm) lie the number circles of a left-to-right plan print.
NUMBER_COLUMN_MM = 32


def number_column(pdf: bytes, page: int) -> list[int]:
    """Return the numbers in the number circles of a printed step list, top to bottom."""
    words = [box_mm(w) + [w.text or ""] for w in bbox_layout(pdf, page).iter("word")]
    circles = [w for w in words if w[4].isdigit() and w[0] < NUMBER_COLUMN_MM and w[1] > 20]
    return [int(w[4]) for w in sorted(circles, key=lambda w: w[1])]


def test_every_step_has_its_own_number_but_the_routes_share_one(staff_app: Flask) -> None:
    loaded = content_of(staff_app)
    numbered = loaded.numbered()
    assert [number for number, _group in numbered] == list(range(1, len(numbered) + 1))
    groups = [[step.slug for step in group] for _number, group in numbered]
    assert [group for group in groups if len(group) > 1] == [ROUTES]
    assert loaded.step_count == len(numbered) == len(loaded.steps) - len(ROUTES) + 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_plan_page_shows_each_number_once_and_the_routes_as_one_choice(
    staff_app: Flask, lang: str
) -> None:
    page = staff_app.test_client().get(f"/{lang}/plan/").get_data(as_text=True)
    circles = re.findall(
        r'<span class="step-number">(?:<span class="visually-hidden">[^<]*</span>)?(\d+)</span>',
        page,
    )
    count = content_of(staff_app).step_count
    assert circles == [str(n) for n in range(1, count + 1)]
    choice = re.search(r'<li class="step-item step-choice">.*?</ul>', page, flags=re.S)
    assert choice is not None
    assert [f"/{lang}/plan/{slug}/" for slug in ROUTES] == re.findall(
        r'href="([^"]+)"', choice.group(0)
    )
    assert "step-join" not in page  # no "and"/"or" words in the circles any more


def test_each_step_page_says_the_number_the_plan_shows(staff_app: Flask) -> None:
    client = staff_app.test_client()
    loaded = content_of(staff_app)
    for number, group in loaded.numbered():
        for step in group:
            page = client.get(f"/en/plan/{step.slug}/").get_data(as_text=True)
            assert f"Step {number} of {loaded.step_count}" in page, step.slug


@pytest.mark.parametrize("lang", ["nl", "en", "ti"])
def test_the_plan_pdf_and_the_personal_plan_print_the_same_numbers(
    staff_app: Flask, lang: str
) -> None:
    client = staff_app.test_client()
    count = content_of(staff_app).step_count
    plan = client.get(f"/{lang}/plan.pdf").data
    assert number_column(plan, 1) == list(range(1, count + 1))
    personal = client.post(
        "/staff/personal-plan/",
        data={"name": "Ali", "language": lang, "municipality": "tilburg", "current_step": "pip"},
    ).data
    assert number_column(personal, 1) == list(range(1, count + 1))
