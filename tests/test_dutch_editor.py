"""The Dutch source in the browser: editing it keeps the file's other settings, makes every
translation outdated, is refused when it would break the site, and shows readability advice
that names the sentences and words to change. Only editors with Dutch may use it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient

from portal.textfiles import read_front_matter
from tests.conftest import ensure_account, log_in_as
from tests.html_tools import FormValues
from tests.test_editor import (  # noqa: F401 - fixtures, used through the ones below
    STEP,
    STEP_FOLDER,
    catalogs_copy,
    editor_app,
    log_in,
    says,
)

EDIT_NL = f"/editor/step/{STEP}/nl"
LETTER = "uitnodiging-brede-intake"
EDIT_LETTER_NL = f"/editor/letter/{LETTER}/nl"
LONG_SENTENCE = (
    "Als u naar de gemeente gaat voor het gesprek over uw leven neemt u dan ook altijd "
    "uw verblijfsvergunning en uw bankpas en alle brieven mee."
)


@pytest.fixture
def app(request: pytest.FixtureRequest) -> Flask:
    """Return an app on private copies of content/ and the catalogs, without CSRF tokens."""
    found: Flask = request.getfixturevalue("editor_app")
    return found


@pytest.fixture
def dutch(app: Flask) -> FlaskClient:
    """Return a client logged in as an editor of every language, Dutch included."""
    return log_in(app.test_client(), "editor")


def opened(client: FlaskClient, url: str) -> dict[str, str]:
    """Open an edit page and return the values of its text's form (not the facts' forms)."""
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.get_data(as_text=True)
    return FormValues(page.split('id="dutch-form"')[1].split("</form>")[0]).values


def send(client: FlaskClient, url: str, action: str = "save", **changes: str) -> str:
    """Open an edit page, change some fields, send it; return the page that answers."""
    values = opened(client, url) | changes | {"action": action}
    response = client.post(url, data=values, follow_redirects=True)
    return response.get_data(as_text=True), response.status_code


def editor_of(app: Flask, languages: str) -> FlaskClient:
    """Return a client logged in as an editor of only these languages."""
    client = app.test_client()
    user_id = ensure_account(
        app, f"editor-{languages.replace(' ', '-')}@example.org", "editor", (), languages
    )
    log_in_as(client, user_id)
    client.set_cookie("lang", "en")
    return client


def test_a_dutch_edit_keeps_the_other_settings_and_makes_translations_outdated(
    dutch: FlaskClient, content_copy: Path
) -> None:
    path = content_copy / STEP_FOLDER / "nl.md"
    meta_before, body_before, _line = read_front_matter(path)
    comment = "action: mail  # pictogram of what you do (the key action)"
    assert comment in path.read_text(encoding="utf-8")
    new_body = body_before.replace(
        "Die test kijkt hoe u leert.", "Die test kijkt hoe u leert. Het is kort."
    )
    page, status = send(dutch, EDIT_NL, body=new_body, title="Brede intake: het grote gesprek")
    assert status == 200, page
    assert says(dutch.application, page, "Saved. Every translation of this text is now outdated.")
    text = path.read_text(encoding="utf-8")
    meta, body, _line = read_front_matter(path)
    assert comment in text, "a comment in the settings was lost"
    assert meta["title"] == "Brede intake: het grote gesprek"  # quoted as YAML needs it
    assert {k: v for k, v in meta.items() if k != "title"} == {
        k: v for k, v in meta_before.items() if k != "title"
    }
    assert "Het is kort." in body
    for lang in ("en", "ar", "ti"):
        assert 'class="state state-outdated"' in dutch.get(f"/editor/step/{STEP}/{lang}").get_data(
            as_text=True
        ), lang
    # The public page shows the new Dutch text at once.
    assert "Het is kort." in dutch.get(f"/nl/plan/{STEP}/").get_data(as_text=True)


def test_a_dutch_edit_that_drops_a_placeholder_the_translations_use_is_refused(
    dutch: FlaskClient, content_copy: Path
) -> None:
    path = content_copy / "letters" / LETTER / "nl.md"
    before = path.read_bytes()
    body = opened(dutch, EDIT_LETTER_NL)["body"]
    assert "((datum))" in body
    page, status = send(dutch, EDIT_LETTER_NL, body=body.replace("((datum))", "binnenkort"))
    assert status == 422
    assert says(dutch.application, page, "This change would break the site, so it was not saved:")
    assert (
        f"letters/{LETTER}/ar.md: uses other placeholders than the Dutch letter: ((datum))" in page
    )
    assert path.read_bytes() == before
    assert "binnenkort" in page, "the editor's text was lost"


def test_a_dutch_edit_with_a_link_that_leads_nowhere_is_refused(
    dutch: FlaskClient, content_copy: Path
) -> None:
    path = content_copy / STEP_FOLDER / "nl.md"
    before = path.read_bytes()
    body = opened(dutch, EDIT_NL)["body"] + "\nLees ook [dit](/nl/plan/bestaat-niet/).\n"
    page, status = send(dutch, EDIT_NL, body=body)
    assert status == 422
    assert "the link /nl/plan/bestaat-niet/ leads nowhere" in page
    assert path.read_bytes() == before


def test_a_dutch_step_without_its_four_parts_is_refused(
    dutch: FlaskClient, content_copy: Path
) -> None:
    path = content_copy / STEP_FOLDER / "nl.md"
    before = path.read_bytes()
    page, status = send(dutch, EDIT_NL, body="Alleen een zin.\n")
    assert status == 422
    assert f"{STEP_FOLDER}/nl.md" in page
    assert path.read_bytes() == before


def test_readability_advice_names_the_sentences_and_words_to_change(dutch: FlaskClient) -> None:
    advice = dutch.post("/editor/readability", data={"text": f"Dit is kort. {LONG_SENTENCE}"})
    assert advice.status_code == 200
    page = advice.get_data(as_text=True)
    assert LONG_SENTENCE.removesuffix(".") in page
    assert "(26 words)" in page
    assert "verblijfsvergunning" in page  # a long word to replace
    assert "Dit is kort." not in page
    # The editor page shows the same advice before anything is typed.
    body = opened(dutch, EDIT_NL)["body"] + f"\n{LONG_SENTENCE}\n"
    preview, status = send(dutch, EDIT_NL, action="preview", body=body)
    assert status == 200
    assert LONG_SENTENCE.removesuffix(".") in preview.split('id="readability"')[1]


def test_only_editors_of_a_language_edit_and_review_it(app: Flask) -> None:
    tigrinya = editor_of(app, "ti")
    assert tigrinya.get(f"/editor/step/{STEP}/ti").status_code == 200
    for url in (
        f"/editor/step/{STEP}/ar",
        EDIT_NL,
        "/editor/xliff/ar.xlf",
        "/editor/strings/ar",
        f"/editor/audio/step/{STEP}/ar",
    ):
        assert tigrinya.get(url).status_code == 403, url
    refused = tigrinya.post(f"/editor/step/{STEP}/ar", data={"action": "review", "base": "x"})
    assert refused.status_code == 403
    facts = tigrinya.post("/editor/facts", data={"kind": "step", "slug": STEP, "fact": "x"})
    assert facts.status_code == 403
    dutch = editor_of(app, "nl ar")
    assert dutch.get(EDIT_NL).status_code == 200
    assert dutch.get(f"/editor/step/{STEP}/ti").status_code == 403


@pytest.mark.parametrize(
    "title", ["Brede intake: deel 1", "50% klaar", "'quote' # geen commentaar", "a\\1b"]
)
def test_a_dutch_title_is_written_as_typed(
    dutch: FlaskClient, content_copy: Path, title: str
) -> None:
    page, status = send(dutch, EDIT_NL, title=title)
    assert status == 200, page
    meta, _body, _line = read_front_matter(content_copy / STEP_FOLDER / "nl.md")
    assert meta["title"] == title
    assert yaml.safe_load((content_copy / STEP_FOLDER / "nl.md").read_text().split("---")[1])
