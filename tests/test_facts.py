"""Facts to check: the `verify:` items of the Dutch texts as a checklist in the editor; an
editor ticks one off with its source, which then stands with the text (issue 15, part 2)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from flask.testing import FlaskClient

from tests.catalogs import shown_text
from tests.conftest import LANGUAGES
from tests.html_tools import FormValues
from tests.pdf_tools import has_phrase, pages_text
from tests.test_editor import catalogs_copy, editor_app, log_in  # noqa: F401 - fixtures

STEP_FILE = Path("plan/11-examens/nl.md")
SOURCE = {
    "url": "https://wetten.overheid.nl/BWBR0044770/2022-01-01",
    "title": "Wet inburgering 2021, artikel 7",
    "read": "2026-12-01",
}


@pytest.fixture
def checker(request: pytest.FixtureRequest) -> FlaskClient:
    """Return a client logged in as an editor."""
    return log_in(request.getfixturevalue("editor_app").test_client(), "editor")


def front_matter(path: Path) -> dict[str, object]:
    """Return the settings of a content file."""
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def tick_form(page: str, fact: str) -> dict[str, str]:
    """Return the hidden fields of the form that ticks `fact` off."""
    for form in re.findall(r"<form method=\"post\".*?</form>", page, flags=re.S):
        values = FormValues(form).values
        if values.get("fact") == fact:
            return values
    raise AssertionError(f"no form for {fact!r}")


def test_every_open_fact_of_the_dutch_texts_is_on_the_checklist(
    checker: FlaskClient, content_copy: Path
) -> None:
    page = checker.get("/editor/facts")
    assert page.status_code == 200
    facts = []
    for path in sorted(content_copy.glob("*/*/nl.md")):
        facts += [str(fact) for fact in front_matter(path).get("verify") or []]  # type: ignore[attr-defined]
    assert len(facts) > 50
    shown = page.text.replace("&#34;", '"').replace("&#39;", "'")
    for fact in facts:
        assert fact.replace("&", "&amp;") in shown or fact in shown, fact


def test_a_fact_ticked_off_with_its_source_joins_the_texts_sources(
    checker: FlaskClient, content_copy: Path
) -> None:
    path = content_copy / STEP_FILE
    before = path.read_text(encoding="utf-8")
    fact = str(front_matter(path)["verify"][0])  # type: ignore[index]
    form = tick_form(checker.get("/editor/facts").text, fact)
    response = checker.post("/editor/facts", data=form | SOURCE)
    assert response.status_code == 302
    settings = front_matter(path)
    assert fact not in settings["verify"]  # type: ignore[operator]
    assert SOURCE | {"read": "2026-12-01"} in [
        {k: str(v) for k, v in source.items()}
        for source in settings["sources"]  # type: ignore[attr-defined]
    ]
    # Every other line as it was: the comments too, and the text itself.
    after = path.read_text(encoding="utf-8")
    assert "action: clock  # pictogram of what you do (the key action)" in after
    assert after.split("\n---\n", 1)[1] == before.split("\n---\n", 1)[1]
    # The reader sees where it was checked.
    page = checker.get("/nl/plan/examens/").text
    assert f'href="{SOURCE["url"]}"' in page
    assert fact not in checker.get("/editor/facts").text


@pytest.mark.parametrize(
    "wrong",
    [{"url": "http://example.org/wet"}, {"title": ""}, {"read": "gisteren"}],
    ids=["not-https", "no-title", "no-date"],
)
def test_a_fact_without_a_proper_source_stays_open_and_the_file_unchanged(
    checker: FlaskClient, content_copy: Path, wrong: dict[str, str]
) -> None:
    path = content_copy / STEP_FILE
    before = path.read_text(encoding="utf-8")
    fact = str(front_matter(path)["verify"][0])  # type: ignore[index]
    form = tick_form(checker.get("/editor/facts").text, fact)
    response = checker.post("/editor/facts", data=form | SOURCE | wrong)
    assert response.status_code == 422
    assert "https://" in response.text
    assert path.read_text(encoding="utf-8") == before


def test_a_fact_changed_meanwhile_is_not_ticked_off_blindly(
    checker: FlaskClient, content_copy: Path
) -> None:
    path = content_copy / STEP_FILE
    fact = str(front_matter(path)["verify"][0])  # type: ignore[index]
    form = tick_form(checker.get("/editor/facts").text, fact)
    path.write_text(path.read_text(encoding="utf-8") + "\nEen nieuwe zin.\n", encoding="utf-8")
    changed = path.read_text(encoding="utf-8")
    response = checker.post("/editor/facts", data=form | SOURCE)
    assert response.status_code == 422
    assert "Someone else changed this text" in response.text
    assert path.read_text(encoding="utf-8") == changed


OPEN_FACTS = "Some facts on this page are still being checked. They may change."
DRAFT_NOTICE = "This translation has not been checked yet. The Dutch text is the official one."


def says_facts_may_change(checker: FlaskClient, lang: str, step: str) -> tuple[bool, bool]:
    """Say whether the step's web page and its print tell the reader that facts may change."""
    words = shown_text(lang, OPEN_FACTS)
    page = checker.get(f"/{lang}/plan/{step}/")
    pdf = checker.get(f"/{lang}/plan/{step}.pdf")
    assert page.status_code == 200
    assert pdf.status_code == 200
    return words in page.text, has_phrase("\n".join(pages_text(pdf.data)), words, lang)


def test_a_page_says_its_facts_may_change_until_the_last_one_is_ticked_off(
    checker: FlaskClient, content_copy: Path
) -> None:
    step, path = "participatieverklaring", content_copy / "plan/10-participatieverklaring/nl.md"
    facts = [str(fact) for fact in front_matter(path)["verify"]]  # type: ignore[attr-defined]
    assert len(facts) == 2
    for lang in LANGUAGES:
        assert says_facts_may_change(checker, lang, step) == (True, True), lang
    checker.post(
        "/editor/facts", data=tick_form(checker.get("/editor/facts").text, facts[0]) | SOURCE
    )
    assert says_facts_may_change(checker, "ar", step) == (True, True)  # one is still open
    checker.post(
        "/editor/facts", data=tick_form(checker.get("/editor/facts").text, facts[1]) | SOURCE
    )
    assert "verify" not in front_matter(path)
    for lang in LANGUAGES:
        assert says_facts_may_change(checker, lang, step) == (False, False), lang
    # A translation not yet checked still says so.
    assert shown_text("ti", DRAFT_NOTICE) in checker.get(f"/ti/plan/{step}/").text
