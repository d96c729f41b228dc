"""The editor pages: who may use them, path tricks, saving (atomic, stamped, shown at once,
committed to git), conflicts, review, sanitised Markdown, letters' placeholders, interface
texts and adding a language. Every test works on private copies of content/ and of the
catalogs."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal.i18n import load_languages
from portal.loading import load_content
from portal.textfiles import KINDS, source_hash_of
from tests.catalogs import app_message
from tests.conftest import (
    EXAMPLE_MUNICIPALITIES,
    LANGUAGES,
    PROJECT_ROOT,
    STAFF_EMAIL,
    STATIC,
    content_of,
    ensure_account,
    log_in_as,
)
from tests.files import bump_mtime, changed_files, git, make_repository, snapshot
from tests.html_tools import FormValues, html_tag

EDITOR_EMAIL = "redacteur@wegwijs.example"
OTHER_EDITOR_EMAIL = "vertaler@wegwijs.example"
ADMIN_EMAIL = "beheerder@wegwijs.example"
ACCOUNTS = {
    "staff": (STAFF_EMAIL, EXAMPLE_MUNICIPALITIES),
    "editor": (EDITOR_EMAIL, ()),
    "admin": (ADMIN_EMAIL, ()),
}
STEP = "brede-intake"
STEP_FOLDER = "plan/04-brede-intake"
EDIT_AR = f"/editor/step/{STEP}/ar"
EDITOR_PAGES = [
    "/editor/",
    "/editor/?lang=ar",
    EDIT_AR,
    "/editor/letter/herinnering-afspraak/ti",
    "/editor/form/toestemming-gegevens-delen/en",
    "/editor/choices/afspraak/ar",
    "/editor/xliff/ti",
    "/editor/xliff/ti.xlf",
    "/editor/strings/ar",
    "/editor/audio/step/brede-intake/ti",
    "/editor/audio/question/kosten/nl",
    "/editor/facts",
    f"/editor/step/{STEP}/nl",
    "/editor/letter/herinnering-afspraak/nl",
    "/editor/question/kosten/nl",
]
ADMIN_PAGES = ["/editor/languages", "/admin/accounts", "/admin/accounts/1"]
ARABIC_TITLE = "المقابلة الكبرى"
ARABIC_BODY = (
    "## ماذا يحدث؟\nمقابلة كبيرة مع البلدية. جملة جديدة للاختبار.\n\n"
    "## ماذا تفعل؟\n- اقرأ رسالة الدعوة.\n\n"
    "## من يساعدك؟\nklantregisseur في البلدية.\n\n"
    "## كم من الوقت يستغرق؟\nساعتان تقريبا.\n"
)


# --- Helpers --------------------------------------------------------------------------------


def log_in(client: FlaskClient, role: str, email: str | None = None) -> FlaskClient:
    """Log a client in as staff, editor or admin (by the session, as StaffClient does).

    The client asks for an English interface (the `lang` cookie); `says()` reads a message in
    whatever language a page is actually in.
    """
    default_email, municipalities = ACCOUNTS[role]
    user_id = ensure_account(client.application, email or default_email, role, municipalities)
    log_in_as(client, user_id)
    client.set_cookie("lang", "en")
    return client


def opened(client: FlaskClient, url: str) -> dict[str, str]:
    """Open an edit page as plain text (its whole Markdown body in one field) and return its
    form's values (with the hidden `base`). Part by part editing: tests/test_segments.py."""
    separator = "&" if "?" in url else "?"
    response = client.get(f"{url}{separator}mode=text")
    assert response.status_code == 200, url
    return FormValues(response.get_data(as_text=True)).values


def save(client: FlaskClient, url: str, base: str, **fields: str) -> TestResponse:
    return client.post(url, data={"base": base, "action": "save", **fields})


def save_arabic_title(client: FlaskClient) -> TestResponse:
    """Open the Arabic step for editing and save it with ARABIC_TITLE and ARABIC_BODY."""
    form = opened(client, EDIT_AR)
    return save(
        client,
        EDIT_AR,
        form["base"],
        title=ARABIC_TITLE,
        summary=form["summary"],
        body=ARABIC_BODY,
    )


def settings(path: Path) -> tuple[dict[str, object], str]:
    """Return the settings and the Markdown of a content file."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    head, separator, body = text[4:].partition("\n---\n")
    assert separator, path
    return yaml.safe_load(head), body


def dutch_code(folder: Path, kind: str) -> str:
    """Return the code of the current Dutch text in a folder, as a translation records it."""
    source = folder / "nl.md"
    return source_hash_of(KINDS[kind], source, source.read_text(encoding="utf-8"))


def add_dutch_sentence(path: Path, sentence: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")
    bump_mtime(path)


def page_language(page: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', page)
    assert found, "the page names no language"
    return found.group(1)


def says(app: Flask, page: str, msgid: str, **variables: object) -> bool:
    """Say whether a page shows a message as the app words it in the page's language.

    The interface language of editor pages is tested on its own (see
    test_the_editor_interface_stays_in_the_editors_language); the other tests work in any.
    """
    return app_message(app, msgid, page_language(page), **variables) in html.unescape(page)


def status_row(page: str, edit_url: str) -> str:
    """Return the row of the status table that links to one edit page."""
    rows = [row for row in re.findall(r"<tr>.*?</tr>", page, flags=re.S) if edit_url in row]
    assert len(rows) == 1, f"{edit_url} is in {len(rows)} rows of the status table"
    return rows[0]


def section(page: str, css_class: str) -> str:
    """Return the <section> of a page with this class ('' when there is none)."""
    found = re.search(rf'<section class="{css_class}".*?</section>', page, flags=re.S)
    return found.group(0) if found else ""


@pytest.fixture
def catalogs_copy(tmp_path: Path) -> Path:
    """Return a private copy of translations/ that a test may change."""
    target = tmp_path / "translations"
    shutil.copytree(PROJECT_ROOT / "translations", target)
    return target


@pytest.fixture
def editor_app(app_on: Callable[..., Flask], catalogs_copy: Path) -> Flask:
    """Return an app on the content and catalog copies, without CSRF tokens in forms."""
    return app_on(WTF_CSRF_ENABLED=False, BABEL_TRANSLATION_DIRECTORIES=str(catalogs_copy))


@pytest.fixture
def editor(editor_app: Flask) -> FlaskClient:
    """Return a client logged in as an editor."""
    return log_in(editor_app.test_client(), "editor")


@pytest.fixture
def admin(editor_app: Flask) -> FlaskClient:
    """Return a client logged in as an admin."""
    return log_in(editor_app.test_client(), "admin")


# --- Who may use the editor -------------------------------------------------------------------


def test_editor_pages_send_visitors_to_the_login(editor_app: Flask) -> None:
    client = editor_app.test_client()
    for url in [*EDITOR_PAGES, *ADMIN_PAGES]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/staff/login?next="), url


def test_editor_pages_are_closed_to_staff(editor_app: Flask) -> None:
    client = log_in(editor_app.test_client(), "staff")
    for url in [*EDITOR_PAGES, *ADMIN_PAGES]:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editor_pages_are_open_to_editors_and_admins(editor_app: Flask, role: str) -> None:
    client = log_in(editor_app.test_client(), role)
    for url in EDITOR_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_adding_a_language_is_for_admins_only(
    editor: FlaskClient, admin: FlaskClient, tmp_path: Path
) -> None:
    before = snapshot(tmp_path)
    assert editor.get("/editor/languages").status_code == 403
    response = editor.post("/editor/languages", data=persian())
    assert response.status_code == 403
    assert snapshot(tmp_path) == before
    assert admin.get("/editor/languages").status_code == 200


def test_visitors_and_staff_cannot_save_a_translation(editor_app: Flask, tmp_path: Path) -> None:
    before = snapshot(tmp_path)
    data = {"action": "save", "base": "x", "title": "t", "summary": "s", "body": ARABIC_BODY}
    visitor = editor_app.test_client()
    assert visitor.post(EDIT_AR, data=data).status_code == 302
    staff = log_in(editor_app.test_client(), "staff")
    assert staff.post(EDIT_AR, data=data).status_code == 403
    assert staff.post("/editor/strings/ar", data={"m-0": "x"}).status_code == 403
    assert snapshot(tmp_path) == before


# --- The editor's own language ---------------------------------------------------------------


def test_the_editor_interface_stays_in_the_editors_language(editor: FlaskClient) -> None:
    # A Dutch editor opening the Arabic translation keeps Dutch buttons and a left-to-right
    # page; only the translation's own fields are Arabic and right to left.
    editor.set_cookie("lang", "nl")
    urls = [
        EDIT_AR,
        "/editor/letter/herinnering-afspraak/ti",
        "/editor/strings/ar",
        "/editor/xliff/ar",
    ]
    pages = {url: editor.get(url).get_data(as_text=True) for url in urls}
    page = pages[EDIT_AR]
    # Part by part: each Dutch segment left to right, each Arabic field right to left.
    assert '<textarea id="segment-0" name="segment-0" rows="1" lang="ar" dir="rtl"' in page
    assert '<p lang="nl" dir="ltr">' in page.split('class="segment-source"')[1]
    text_mode = editor.get(f"{EDIT_AR}?mode=text").get_data(as_text=True)
    assert '<textarea id="body" name="body" rows="18" lang="ar" dir="rtl"' in text_mode
    assert '<div lang="nl" dir="ltr">' in section(text_mode, "source")
    wrong = {
        url: html_tag(page)
        for url, page in pages.items()
        if '<html lang="nl" dir="ltr"' not in html_tag(page)
    }
    assert not wrong, f"shown in the language being edited, not the editor's: {wrong}"


# --- Path tricks ----------------------------------------------------------------------------

TRICKS = [
    "/editor/step/../../etc/ar",
    "/editor/step/%2e%2e/ar",
    "/editor/step/%2e%2e%2f%2e%2e%2fetc/ar",
    "/editor/step/..%2f04-brede-intake/ar",
    f"/editor/plan/{STEP_FOLDER.split('/')[1]}/ar",
    f"/editor/step/{STEP_FOLDER.split('/')[1]}/ar",
    "/editor/step/nope/ar",
    f"/editor/letter/{STEP}/ar",
    "/editor/step/nope/nl",  # the Dutch editor looks texts up like the others
    "/editor/step/%2e%2e/nl",
    f"/editor/step/{STEP}/xx",
    f"/editor/step/{STEP}/ar.md",
    f"/editor/step/{STEP}/..%2fnl",
    "/editor/xliff/nl.xlf",
    "/editor/xliff/nl",
    "/editor/xliff/xx",
    "/editor/strings/xx",
]


def test_path_tricks_are_not_found_and_write_nothing(editor: FlaskClient, tmp_path: Path) -> None:
    before = snapshot(tmp_path)
    data = {"action": "save", "base": "new", "title": "t", "summary": "s", "body": ARABIC_BODY}
    for url in TRICKS:
        assert editor.get(url).status_code == 404, url
        assert editor.post(url, data=data).status_code == 404, url
    assert snapshot(tmp_path) == before
    assert not Path("/etc/ar.md").exists()


# --- Saving ---------------------------------------------------------------------------------


def test_saving_writes_the_file_atomically_stamped_as_a_draft_and_shows_it_at_once(
    editor: FlaskClient, content_copy: Path
) -> None:
    path = content_copy / STEP_FOLDER / "ar.md"
    public = editor.get(f"/ar/plan/{STEP}/").get_data(as_text=True)
    assert ARABIC_TITLE not in public
    inode = path.stat().st_ino
    before = snapshot(content_copy)
    form = opened(editor, EDIT_AR)
    response = save(
        editor,
        EDIT_AR,
        form["base"],
        title=ARABIC_TITLE,
        summary="تتحدث مع البلدية عن حياتك وعن عملك.",
        body=ARABIC_BODY.replace("\n", "\r\n"),  # a browser sends Windows line ends
    )
    assert response.status_code == 302
    assert response.headers["Location"] == EDIT_AR
    assert changed_files(before, snapshot(content_copy)) == {f"{STEP_FOLDER}/ar.md"}
    assert not list(content_copy.rglob("*.tmp")), "a temporary file was left behind"
    assert path.stat().st_ino != inode, "the file was written in place, not replaced in one step"
    meta, body = settings(path)
    assert meta == {
        "title": ARABIC_TITLE,
        "summary": "تتحدث مع البلدية عن حياتك وعن عملك.",
        "translated_from": dutch_code(path.parent, "step"),
        "review": "draft",
        "saved_by": EDITOR_EMAIL,
    }
    assert body == ARABIC_BODY
    assert "\r" not in path.read_text(encoding="utf-8")
    # The same app shows the new text at once, right to left.
    page = editor.get(f"/ar/plan/{STEP}/").get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in html_tag(page)
    assert f"<h1>{ARABIC_TITLE}</h1>" in page
    assert "جملة جديدة للاختبار." in page
    assert '<article class="step">' in page, "the saved text is still shown as Dutch"
    confirmation = editor.get(EDIT_AR).get_data(as_text=True)
    assert says(editor.application, confirmation, "Saved.")
    assert 'class="state state-draft"' in confirmation


def test_the_saving_worker_shows_the_text_at_once_without_waiting_for_its_check(
    app_on: Callable[..., Flask],
) -> None:
    # A worker looks for changed files only every CONTENT_RELOAD_INTERVAL seconds; the one
    # that saved must not wait for that.
    client = log_in(
        app_on(WTF_CSRF_ENABLED=False, CONTENT_RELOAD_INTERVAL=3600).test_client(), "editor"
    )
    assert f"<h1>{ARABIC_TITLE}</h1>" not in client.get(f"/ar/plan/{STEP}/").get_data(as_text=True)
    assert save_arabic_title(client).status_code == 302
    assert f"<h1>{ARABIC_TITLE}</h1>" in client.get(f"/ar/plan/{STEP}/").get_data(as_text=True)


def test_a_changed_dutch_text_makes_the_translations_outdated(
    editor: FlaskClient, content_copy: Path
) -> None:
    add_dutch_sentence(content_copy / "plan" / "05-pip" / "nl.md", "Dit is een nieuwe zin.")
    for lang in ("en", "ar", "ti"):
        page = editor.get(f"/editor/step/pip/{lang}").get_data(as_text=True)
        assert 'class="state state-outdated"' in page, lang
        # Outside git the editor cannot say what changed, only that it did.
        assert says(
            editor.application,
            page,
            "The Dutch text changed after this translation was made. Compare both texts.",
        )
        assert 'class="dutch-change"' not in page
        assert 'value="review"' not in page, "an outdated translation offers 'reviewed'"
    status = editor.get("/editor/?lang=en").get_data(as_text=True)
    assert 'class="state state-outdated"' in status_row(status, "/editor/step/pip/en")
    assert 'class="state state-draft"' in status_row(status, f"/editor/step/{STEP}/en")


def test_the_editor_shows_what_changed_in_the_dutch_text_from_git(
    editor: FlaskClient, content_copy: Path
) -> None:
    make_repository(content_copy)
    dutch = content_copy / "plan" / "05-pip" / "nl.md"
    add_dutch_sentence(dutch, "Dit is een nieuwe zin.")
    git(content_copy, "commit", "-q", "-am", "Dutch text changed")
    add_dutch_sentence(dutch, "En nog een zin.")
    git(content_copy, "commit", "-q", "-am", "Dutch text changed again")
    page = editor.get("/editor/step/pip/en").get_data(as_text=True)
    assert 'class="state state-outdated"' in page
    change = html.unescape(section(page, "dutch-change"))
    assert change, "the page does not show what changed in the Dutch text"
    # Everything since the Dutch text the translation was made from: both commits.
    assert "+Dit is een nieuwe zin." in change
    assert "+En nog een zin." in change
    assert not re.search(r"^-", re.sub(r"<[^>]+>", "", change), flags=re.M), "nothing was removed"


def test_a_save_made_meanwhile_is_never_overwritten(
    editor_app: Flask, editor: FlaskClient, content_copy: Path
) -> None:
    other = log_in(editor_app.test_client(), "editor", OTHER_EDITOR_EMAIL)
    path = content_copy / STEP_FOLDER / "ar.md"
    first = opened(editor, EDIT_AR)
    second = opened(other, EDIT_AR)
    assert first["base"] == second["base"]
    saved = save(
        editor,
        EDIT_AR,
        first["base"],
        title="عنوان المحرر الأول",
        summary=first["summary"],
        body=ARABIC_BODY,
    )
    assert saved.status_code == 302
    first_version = path.read_bytes()
    clash = save(
        other,
        EDIT_AR,
        second["base"],
        title="عنوان المحرر الثاني",
        summary=second["summary"],
        body=ARABIC_BODY,
    )
    assert clash.status_code == 409
    page = clash.get_data(as_text=True)
    assert "عنوان المحرر الأول" in section(page, "conflict"), "the other version is not shown"
    kept = FormValues(page).values
    assert kept["title"] == "عنوان المحرر الثاني", "the second editor's text is lost"
    assert path.read_bytes() == first_version
    # Having seen both, the second editor saves again on top of the first save.
    again = save(
        other,
        EDIT_AR,
        kept["base"],
        title="عنوان المحرر الثاني",
        summary=kept["summary"],
        body=kept["body"],
    )
    assert again.status_code == 302
    assert settings(path)[0]["title"] == "عنوان المحرر الثاني"


def test_marking_as_reviewed_records_who_and_when(editor: FlaskClient, content_copy: Path) -> None:
    path = content_copy / STEP_FOLDER / "ti.md"
    title_before = settings(path)[0]["title"]
    url = f"/editor/step/{STEP}/ti"
    page = editor.get(url).get_data(as_text=True)
    assert 'value="review"' in page
    response = editor.post(url, data={"base": FormValues(page).values["base"], "action": "review"})
    assert response.status_code == 302
    meta, _body = settings(path)
    assert meta["review"] == "reviewed"
    assert meta["reviewed_by"] == EDITOR_EMAIL
    assert meta["reviewed_at"] == dt.date.today().isoformat()
    assert meta["translated_from"] == dutch_code(path.parent, "step")
    assert meta["title"] == title_before
    after = editor.get(url).get_data(as_text=True)
    assert 'class="state state-reviewed"' in after
    assert says(editor.application, after, "Marked as reviewed.")
    assert says(editor.application, after, "Reviewed by %(who)s", who=EDITOR_EMAIL)
    step = load_content(content_copy, STATIC, LANGUAGES).step(STEP)
    assert step is not None
    assert step.status("ti") == "reviewed"


def test_who_saved_a_translation_cannot_also_mark_it_reviewed(
    editor: FlaskClient, admin: FlaskClient, content_copy: Path
) -> None:
    path = content_copy / STEP_FOLDER / "ar.md"
    assert save_arabic_title(editor).status_code == 302
    saved = path.read_bytes()
    refused = editor.post(
        EDIT_AR, data={"base": opened(editor, EDIT_AR)["base"], "action": "review"}
    )
    assert refused.status_code == 403
    assert says(
        editor.application, refused.text, "Someone else must review this text: you saved it last."
    )
    assert path.read_bytes() == saved
    accepted = admin.post(
        EDIT_AR, data={"base": opened(admin, EDIT_AR)["base"], "action": "review"}
    )
    assert accepted.status_code == 302
    meta, _body = settings(path)
    assert (meta["saved_by"], meta["reviewed_by"], meta["review"]) == (
        EDITOR_EMAIL,
        ADMIN_EMAIL,
        "reviewed",
    )
    # The status table shows who did what.
    table = admin.get("/editor/?lang=ar").text
    row = re.search(rf'href="{EDIT_AR}".*?</tr>', table, flags=re.S)
    assert row is not None
    assert EDITOR_EMAIL in row.group(0)
    assert ADMIN_EMAIL in row.group(0)


def test_an_outdated_translation_cannot_be_marked_as_reviewed(
    editor: FlaskClient, content_copy: Path
) -> None:
    path = content_copy / STEP_FOLDER / "ti.md"
    add_dutch_sentence(content_copy / STEP_FOLDER / "nl.md", "Dit is een nieuwe zin.")
    before = path.read_bytes()
    url = f"/editor/step/{STEP}/ti"
    base = opened(editor, url)["base"]
    response = editor.post(url, data={"base": base, "action": "review"})
    assert response.status_code == 409
    assert path.read_bytes() == before


# --- Git ------------------------------------------------------------------------------------


def test_each_save_is_a_commit_by_the_editor(
    editor: FlaskClient, admin: FlaskClient, content_copy: Path
) -> None:
    make_repository(content_copy)
    # Someone's unfinished work elsewhere must stay out of the editor's commit.
    unrelated = content_copy / "plan" / "05-pip" / "en.md"
    unrelated.write_text(unrelated.read_text(encoding="utf-8") + "\nWork in progress.\n", "utf-8")
    assert save_arabic_title(editor).status_code == 302
    assert git(content_copy, "rev-list", "--count", "HEAD").strip() == "2"
    author = git(content_copy, "log", "-1", "--format=%an|%ae").strip()
    assert author == f"{EDITOR_EMAIL}|{EDITOR_EMAIL}"
    files = git(content_copy, "show", "--name-only", "--format=", "HEAD").split()
    assert files == [f"{STEP_FOLDER}/ar.md"]
    assert git(content_copy, "status", "--porcelain").split() == ["M", "plan/05-pip/en.md"]
    # Marking as reviewed is a commit too (by someone else: four eyes).
    base = opened(admin, EDIT_AR)["base"]
    assert admin.post(EDIT_AR, data={"base": base, "action": "review"}).status_code == 302
    assert git(content_copy, "rev-list", "--count", "HEAD").strip() == "3"
    assert git(content_copy, "log", "-1", "--format=%ae").strip() == ADMIN_EMAIL


def test_saving_outside_git_works_without_a_commit(editor: FlaskClient, content_copy: Path) -> None:
    outside = subprocess.run(
        ["git", "-C", str(content_copy), "rev-parse", "--is-inside-work-tree"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert outside.returncode != 0, "the temporary folder is inside a git work tree"
    assert save_arabic_title(editor).status_code == 302
    assert settings(content_copy / STEP_FOLDER / "ar.md")[0]["title"] == ARABIC_TITLE
    assert not (content_copy / ".git").exists()


# --- What editors write is made safe ----------------------------------------------------------

DANGEROUS = (
    "<script>alert('xss')</script>\n\n"
    "<img src=x onerror=alert(1)>\n\n"
    '<iframe src="https://evil.example/"></iframe>\n\n'
    '<p onmouseover="alert(2)">Veilige tekst.</p>\n\n'
    "[klik](javascript:alert(3))\n"
)
FORBIDDEN = (
    "<script",
    "onerror",
    "<iframe",
    "evil.example",
    "onmouseover",
    "javascript:",
    "alert(",
)


def test_markdown_from_editors_is_sanitised(editor: FlaskClient) -> None:
    body = ARABIC_BODY.replace("مقابلة كبيرة مع البلدية.", DANGEROUS)
    form = opened(editor, EDIT_AR)
    preview = editor.post(
        EDIT_AR,
        data={
            "base": form["base"],
            "action": "preview",
            "title": "عنوان",
            "summary": "ملخص",
            "body": body,
        },
    )
    assert preview.status_code == 200
    shown = section(preview.get_data(as_text=True), "preview-box")
    assert "Veilige tekst." in shown
    for forbidden in FORBIDDEN:
        assert forbidden not in shown, f"the preview has {forbidden!r}"
    saved = save(editor, EDIT_AR, form["base"], title="عنوان", summary="ملخص", body=body)
    assert saved.status_code == 302
    page = editor.get(f"/ar/plan/{STEP}/").get_data(as_text=True)
    head, main = page.split("<main", 1)
    assert "Veilige tekst." in main
    assert ">klik<" in main
    for forbidden in FORBIDDEN:
        assert forbidden not in main, f"the public page has {forbidden!r}"
    # The page's own scripts (saving for offline, a letter's appointment) are the only ones,
    # from our static files.
    scripts = re.findall(r"<script[^>]*>", page)
    assert [re.sub(r"/static/\w+/", "/static/", script) for script in scripts] == [
        '<script src="/static/js/offline.js" defer>',
        '<script src="/static/js/appointment.js" defer>',
    ]


# --- Letters --------------------------------------------------------------------------------

LETTER_URL = "/editor/letter/herinnering-afspraak/ar"


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("((telefoon))", "013 123 4567", "((telefoon))"),
        ("((datum))", "((datum)) ((iban))", "((datum))"),
    ],
    ids=["placeholder left out", "placeholder added"],
)
def test_a_letter_needs_exactly_the_placeholders_of_the_dutch_letter(
    editor: FlaskClient, tmp_path: Path, old: str, new: str, named: str
) -> None:
    form = opened(editor, LETTER_URL)
    assert old in form["body"]
    before = snapshot(tmp_path)
    response = editor.post(
        LETTER_URL,
        data={
            "base": form["base"],
            "action": "save",
            "subject": form["subject"],
            "body": form["body"].replace(old, new),
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # Every placeholder of the Dutch letter, the person's fields it uses included.
    letter = content_of(editor.application).letters["herinnering-afspraak"]
    names = ", ".join(f"(({name}))" for name in sorted(letter.source.placeholders))
    assert says(
        editor.application,
        page,
        "Use exactly the placeholders of the Dutch letter: %(names)s",
        names=names,
    )
    assert named in html.unescape(page)
    assert snapshot(tmp_path) == before


def test_a_letter_with_every_placeholder_is_saved(editor: FlaskClient, content_copy: Path) -> None:
    form = opened(editor, LETTER_URL)
    response = editor.post(
        LETTER_URL,
        data={
            "base": form["base"],
            "action": "save",
            "subject": form["subject"] + " !",
            "body": form["body"],
        },
    )
    assert response.status_code == 302
    meta, _body = settings(content_copy / "letters" / "herinnering-afspraak" / "ar.md")
    assert meta["subject"] == form["subject"] + " !"
    assert meta["review"] == "draft"


# --- Interface texts ------------------------------------------------------------------------


def string_fields(client: FlaskClient, lang: str) -> dict[str, str]:
    """Return the field name (m-N) of every interface string on the strings page, by msgid."""
    page = client.get(f"/editor/strings/{lang}").get_data(as_text=True)
    labels = re.findall(r'<label for="(m-\d+)" lang="en" dir="ltr">(.*?)</label>', page, re.S)
    assert labels, "the strings page lists no strings"
    return {html.unescape(text): name for name, text in labels}


def language_link(page: str) -> str:
    found = re.search(r'class="language-link".*?<span>(.*?)</span>', page, flags=re.S)
    assert found, "the page has no language link"
    return found.group(1)


def step_position(page: str) -> str:
    found = re.search(r'<p class="step-position"[^>]*>(.*?)</p>', page, flags=re.S)
    assert found, "the page has no step position"
    return found.group(1)


def test_an_interface_string_is_saved_and_shown_at_once(
    editor: FlaskClient, catalogs_copy: Path
) -> None:
    public = editor.get(f"/ar/plan/{STEP}/").get_data(as_text=True)  # the catalog is cached
    old = language_link(public)
    assert old, "the page has no language link text"
    assert old != "Language", "the Arabic catalog does not translate 'Language'"
    fields = string_fields(editor, "ar")
    response = editor.post("/editor/strings/ar", data={fields["Language"]: "اختر اللغة"})
    assert response.status_code == 302
    po = catalogs_copy / "ar" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as file:
        catalog = read_po(file, locale="ar")
    message = catalog.get("Language")
    assert message is not None
    assert message.string == "اختر اللغة"
    assert not list(catalogs_copy.rglob("*.tmp"))
    page = editor.get(f"/ar/plan/{STEP}/").get_data(as_text=True)
    assert language_link(page) == "اختر اللغة"
    # The other strings of the catalog are still translated.
    assert step_position(page) == step_position(public)
    assert "Step " not in step_position(page)


@pytest.mark.parametrize(
    "broken",
    ["الخطوة %(nummer)s من %(total)s", "الخطوة %(number)s", "الخطوة %(number)d من %(total)s"],
    ids=["misspelt", "left out", "other type"],
)
def test_an_interface_string_with_a_broken_placeholder_is_refused(
    editor: FlaskClient, catalogs_copy: Path, broken: str
) -> None:
    public = editor.get(f"/ar/plan/{STEP}/").get_data(as_text=True)
    fields = string_fields(editor, "ar")
    before = snapshot(catalogs_copy)
    response = editor.post(
        "/editor/strings/ar", data={fields["Step %(number)s of %(total)s"]: broken}
    )
    assert response.status_code == 422
    assert "Step %(number)s of %(total)s" in html.unescape(response.get_data(as_text=True))
    assert snapshot(catalogs_copy) == before
    page = editor.get(f"/ar/plan/{STEP}/").get_data(as_text=True)
    assert step_position(page) == step_position(public)


# --- Adding a language ----------------------------------------------------------------------


def persian(**changes: str) -> dict[str, str]:
    return {
        "code": "fa",
        "name": "Persian",
        "dutch_name": "Perzisch",
        "native_name": "فارسی",
        "direction": "rtl",
        "script": "arabic",
    } | changes


def test_an_admin_adds_a_language_without_a_restart(
    editor_app: Flask, admin: FlaskClient, content_copy: Path, catalogs_copy: Path
) -> None:
    languages_file = content_copy / "languages.yml"
    rows_before = languages_file.read_text(encoding="utf-8")
    assert admin.get("/language/").status_code == 200  # the app has run before the change
    response = admin.post("/editor/languages", data=persian())
    assert response.status_code == 302
    assert response.headers["Location"] == "/editor/?lang=fa"
    # A row in languages.yml, after the rows that were there.
    assert languages_file.read_text(encoding="utf-8").startswith(rows_before.rstrip("\n"))
    registry = load_languages(languages_file)
    assert list(registry) == [*LANGUAGES, "fa"]
    assert (registry["fa"].native_name, registry["fa"].dir) == ("فارسی", "rtl")
    assert (registry["fa"].script, registry["fa"].dutch_name) == ("arabic", "Perzisch")
    # An empty catalog with every interface string, and its compiled form.
    folder = catalogs_copy / "fa" / "LC_MESSAGES"
    assert (folder / "messages.mo").is_file()
    with (folder / "messages.po").open("rb") as file:
        catalog = read_po(file, locale="fa")
    with (catalogs_copy / "messages.pot").open("rb") as file:
        template = read_po(file)
    assert {m.id for m in catalog if m.id} == {m.id for m in template if m.id}
    # Every text is missing in the new language.
    texts = load_content(content_copy, STATIC, LANGUAGES).translated()
    status = admin.get("/editor/?lang=fa").get_data(as_text=True)
    rows = re.findall(r"<tr>.*?</tr>", status.split("<tbody>")[1], flags=re.S)
    assert len(rows) == len(texts)
    assert all('state-missing">missing<' in row and "فارسی" in row for row in rows)
    for item in texts:
        assert f"/editor/{item.kind}/{item.slug}/fa" in status
    result = editor_app.test_cli_runner().invoke(args=["content", "status", "--lang", "fa"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == (
        f"{len(texts)} missing, 0 outdated, 0 draft, 0 reviewed"
    )
    # The public pages have the language at once: right to left, the Dutch text and a notice.
    page = admin.get(f"/fa/plan/{STEP}/").get_data(as_text=True)
    assert 'lang="fa" dir="rtl"' in html_tag(page)
    assert "<h1>Brede intake</h1>" in page
    assert '<article class="step" lang="nl" dir="ltr">' in page
    assert "This text is not translated yet. Here it is in Dutch." in page
    chooser = admin.get("/language/").get_data(as_text=True)
    assert '<span class="native script-arabic" lang="fa" dir="rtl">فارسی</span>' in chooser
    assert "fa" in editor_app.extensions["wegwijs_languages"]


@pytest.mark.parametrize(
    "values",
    [
        persian(code="X"),
        persian(code="nl"),
        persian(code="../fa"),
        persian(code="xx"),
        persian(code=""),
        persian(direction="up"),
        persian(script="runic"),
        persian(native_name=""),
    ],
    ids=[
        "upper case",
        "already there",
        "path",
        "not a language",
        "empty",
        "direction",
        "script",
        "no native name",
    ],
)
def test_a_bad_language_is_refused_and_nothing_is_written(
    admin: FlaskClient, tmp_path: Path, values: dict[str, str]
) -> None:
    before = snapshot(tmp_path)
    response = admin.post("/editor/languages", data=values)
    assert response.status_code == 422
    assert 'role="alert"' in response.get_data(as_text=True)
    assert snapshot(tmp_path) == before
    assert list(admin.application.extensions["wegwijs_languages"]) == LANGUAGES


# --- Saves that change nothing, saves that fail, codes that do not work ---------------------


def test_a_save_without_a_change_says_so_and_commits_nothing(
    editor: FlaskClient, content_copy: Path
) -> None:
    make_repository(content_copy)
    form = opened(editor, EDIT_AR)
    fields = {name: form[name] for name in ("title", "summary", "body")}
    assert save(editor, EDIT_AR, form["base"], **fields).status_code == 302
    commits = git(content_copy, "rev-list", "--count", "HEAD")
    form = opened(editor, EDIT_AR)
    response = save(editor, EDIT_AR, form["base"], **fields)
    assert response.status_code == 302
    page = editor.get(EDIT_AR).get_data(as_text=True)
    assert says(editor.application, page, "Nothing changed: the text was already like this.")
    assert git(content_copy, "rev-list", "--count", "HEAD") == commits


def test_a_save_on_a_full_disk_keeps_the_text_and_leaves_no_half_file(
    editor: FlaskClient, content_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(content_copy)
    form = opened(editor, EDIT_AR)

    def disk_full(_descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    response = save(
        editor, EDIT_AR, form["base"], title="عنوان لم يُحفظ", summary="ملخص", body=ARABIC_BODY
    )
    monkeypatch.undo()
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert says(
        editor.application,
        page,
        "The text could not be saved. Your text is still here: try again later.",
    )
    assert "عنوان لم يُحفظ" in page  # what the editor typed is still in the form
    assert changed_files(before, snapshot(content_copy)) == set()


@pytest.mark.parametrize(("code", "problem"), [("pt-br", "2 or 3"), ("qqq", "dates and numbers")])
def test_a_language_code_that_dates_and_pages_cannot_use_is_refused(
    admin: FlaskClient, content_copy: Path, code: str, problem: str
) -> None:
    before = (content_copy / "languages.yml").read_text(encoding="utf-8")
    response = admin.post("/editor/languages", data=persian(code=code))
    assert response.status_code == 422
    assert problem in response.get_data(as_text=True)
    assert (content_copy / "languages.yml").read_text(encoding="utf-8") == before


def test_a_browser_asking_for_a_regional_variant_gets_a_page(admin: FlaskClient) -> None:
    assert admin.post("/editor/languages", data=persian(code="pt", native_name="Português"))
    client = admin.application.test_client()
    for path in ("/", "/staff/login", "/pt/"):
        response = client.get(path, headers={"Accept-Language": "pt-BR"})
        assert response.status_code in (200, 302), path
    home = client.get("/", headers={"Accept-Language": "pt-BR"})
    assert home.headers["Location"] == "/pt/"


def test_a_choice_list_is_translated_label_by_label(
    editor: FlaskClient, content_copy: Path
) -> None:
    path = content_copy / "choices" / "rol" / "ti.md"
    path.unlink()
    bump_mtime(content_copy / "choices" / "rol" / "nl.md")
    url = "/editor/choices/rol/ti"
    assert url in status_row(editor.get("/editor/?lang=ti").get_data(as_text=True), url)
    xliff = editor.get("/editor/xliff/ti.xlf").get_data(as_text=True)
    assert '<trans-unit id="choices/rol/label.klantregisseur"' in xliff
    form = opened(editor, url)
    labels = {name: f"ቲ {name}" for name in ("klantregisseur", "begeleider", "taalcoach")}
    labels |= {name: f"ቲ {name}" for name in ("docent", "werkcoach", "inkomen", "woning")}
    fields = {f"label-{name}": text for name, text in labels.items()}
    incomplete = save(
        editor, url, form["base"], title="ስራሕ", body="ጽሑፍ", **fields | {"label-woning": ""}
    )
    assert incomplete.status_code == 422
    assert not path.exists()
    assert save(editor, url, form["base"], title="ስራሕ", body="ጽሑፍ", **fields).status_code == 302
    saved = load_content(content_copy, STATIC, LANGUAGES).choice_lists["rol"]
    assert saved.status("ti") == "draft"
    assert saved.label("klantregisseur", "ti") == "ቲ klantregisseur"


def test_the_editor_shows_the_glossary_terms_of_the_text(editor: FlaskClient) -> None:
    page = editor.get("/editor/step/brede-intake/ti?mode=text").get_data(as_text=True)
    glossary = re.search(r'<section class="glossary".*?</section>', page, flags=re.S)
    assert glossary is not None
    rows = re.findall(
        r"<tr><td[^>]*>([^<]+)</td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td></tr>",
        glossary.group(0),
    )
    assert ("brede intake", "ሰፊሕ ቃለ-መሕትት", "ቃለ-መጠይቕ") in rows
    assert "PIP" not in [dutch for dutch, _term, _avoid in rows]  # not a word of this step


def test_an_editor_corrects_a_questions_page_and_sees_its_glossary_beside_it(
    editor: FlaskClient, content_copy: Path
) -> None:
    url = "/editor/question/bezwaar-pip/ti"
    page = editor.get(url).get_data(as_text=True)
    assert "Niet eens met uw PIP?" in page  # the Dutch source beside the field
    assert "ተቓውሞ" in page  # the glossary's word for bezwaar, beside the text
    form = opened(editor, url)
    path = content_copy / "questions" / "05-bezwaar-pip" / "ti.md"
    body = path.read_text(encoding="utf-8").split("---\n", 2)[2]
    response = save(
        editor, url, form["base"], title="ሓድሽ ኣርእስቲ", summary=form["summary"], body=body
    )
    assert response.status_code == 302
    meta, saved_body = settings(path)
    assert meta["title"] == "ሓድሽ ኣርእስቲ"
    assert meta["review"] == "draft"
    assert saved_body == body
    assert "<h1>ሓድሽ ኣርእስቲ</h1>" in editor.get("/ti/vragen/bezwaar-pip/").get_data(as_text=True)
