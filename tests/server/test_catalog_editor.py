"""Interface strings that would break pages or add markup are never saved and never served."""

from __future__ import annotations

import subprocess
import time

import pytest

from tests.server.harness import (
    BIN,
    PROJECT,
    Server,
    csrf_token,
    failing_pages,
    labelled_inputs,
    logged_in,
    public_pages,
)

ENGLISH = {"Accept-Language": "en"}
SAVE = "Save"  # an English source string without placeholders or markup
# What the editor refuses, and what a save of each did to every /en/ page before issue 9.
REFUSED = [
    "Save 100%",  # a lone % : every /en/ page a 500
    "{0} %x",  # a %-directive the source does not have
    '<a href="https://evil.example">x</a>',  # a link to another site on every page
    'Hi" onmouseover="x',  # breaks out of an attribute (aria-label)
]
EVERY_PAGE = "Skip to the text"  # an English source string on every page (base.html)
BAD_BY_HAND = "100% done <b>x</b>"
CATALOG_SECONDS = 3.0  # workers look for a changed catalog every 2 s


def assert_english_pages_answer(server: Server, absent: list[str]) -> None:
    """Every /en/ page, the login page and an error page answer normally, without `absent`."""
    browser = server.browser(ENGLISH)
    wrong = failing_pages(browser, public_pages(["en"]))
    assert not wrong, "English pages that did not answer 200:\n" + "\n".join(wrong)
    for path, status in [("/en/", 200), ("/staff/login", 200), ("/en/no-such-page", 404)]:
        reply = browser.get(path)
        assert reply.status == status, f"{path} answered {reply}"
        assert reply.content_type == "text/html", f"{path} answered {reply}"
        for text in absent:
            assert text not in reply.text, f"{path} shows {text!r}"


@pytest.mark.server
def test_strings_that_break_pages_or_add_markup_are_refused_and_nothing_is_written(
    server: Server,
) -> None:
    editor = logged_in(server.port, server.account("strings.editor@example.org", "editor"), ENGLISH)
    catalog = server.translations / "en" / "LC_MESSAGES" / "messages.po"
    before = catalog.read_bytes(), catalog.with_suffix(".mo").read_bytes()
    page = editor.get("/editor/strings/en")
    assert page.status == 200, page
    field = labelled_inputs(page.text)[SAVE]

    for text in REFUSED:
        reply = editor.post(
            "/editor/strings/en", {"csrf_token": csrf_token(page.text), field: text}
        )
        assert reply.status == 422, f"saving {text!r} answered {reply}"
        after = catalog.read_bytes(), catalog.with_suffix(".mo").read_bytes()
        assert after == before, f"saving {text!r} changed the catalog on disk"

    time.sleep(CATALOG_SECONDS)
    assert_english_pages_answer(server, ["evil.example", "onmouseover", "Save 100%"])


@pytest.mark.server
def test_a_bad_string_written_into_the_catalog_by_hand_is_never_served(server: Server) -> None:
    catalog = server.translations / "en" / "LC_MESSAGES" / "messages.po"
    text = catalog.read_text(encoding="utf-8")
    entry = f'msgid "{EVERY_PAGE}"\nmsgstr "{EVERY_PAGE}"\n'
    assert entry in text, f"{catalog} has no entry {EVERY_PAGE!r}"
    catalog.write_text(
        text.replace(entry, f'msgid "{EVERY_PAGE}"\nmsgstr "{BAD_BY_HAND}"\n'), encoding="utf-8"
    )
    compiled = subprocess.run(
        [str(BIN / "pybabel"), "compile", "-d", str(server.translations), "-D", "messages"]
        + ["-l", "en"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert compiled.returncode == 0, compiled.stderr
    time.sleep(CATALOG_SECONDS)

    assert_english_pages_answer(server, ["<b>x</b>", "100% done"])
    browser = server.browser(ENGLISH)
    for _ in range(4):  # both workers
        home = browser.get("/en/")
        assert EVERY_PAGE in home.text, "the English source string must be shown instead"
