"""The take-home prints: the plan and its steps as PDF, in every language, read back with
pdffonts, pdftotext, pdftoppm and zbarimg; and what printing.py lets a print load."""

from __future__ import annotations

import fcntl
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from weasyprint.urls import FatalURLFetchingError
from werkzeug.test import TestResponse

from portal import create_app
from portal.printing import Printer, PrintError, printer
from portal.texts import Content, Step
from tests.catalogs import app_message
from tests.conftest import LANGUAGES, STATIC, STEP_SLUGS, content_of
from tests.files import bump_mtime
from tests.pdf_tools import (
    ARABIC_LETTERS,
    ETHIOPIC_LETTERS,
    as_extracted,
    embedded_font_names,
    fonts,
    has_phrase,
    normalise,
    page_count,
    pages_text,
    qr_codes,
)
from tests.prints import KeptPrints

TRANSLATED = [lang for lang in LANGUAGES if lang != "nl"]
LOCAL = "tilburg"


def bundled_font_names() -> set[str]:
    """Return the PDF names of the fonts in static/fonts/ttf: NotoSansArabic-Bold.ttf is
    'Noto-Sans-Arabic-Bold', NotoSans-Regular.ttf is 'Noto-Sans'."""
    names = set()
    for path in (STATIC / "fonts" / "ttf").glob("*.ttf"):
        spaced = re.sub(r"(?<=[a-z])(?=[A-Z0-9])", "-", path.stem)
        names.add(spaced.removesuffix("-Regular"))
    return names


class Prints(KeptPrints[str]):
    """Fetch each print by its URL once per module and keep its bytes and text."""

    def request(self, key: str) -> TestResponse:
        return self.client.get(key)

    def pdf(self, url: str) -> bytes:
        return self.pdf_of(url)

    def pages(self, url: str) -> list[str]:
        return self.pages_of(url)

    def text(self, url: str) -> str:
        return "\n".join(self.pages(url))

    @property
    def content(self) -> Content:
        return content_of(self.app)


@pytest.fixture(scope="module")
def prints() -> Prints:
    """Return the prints of one app on the bundled content, fetched at most once each."""
    return Prints(create_app({"TESTING": True, "SECRET_KEY": "test-secret"}))


def steps_of(prints: Prints) -> tuple[Step, ...]:
    return prints.content.steps


# --- Fonts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("url", ["/{lang}/plan.pdf", "/{lang}/plan/pip.pdf"], ids=["plan", "step"])
def test_every_print_embeds_its_fonts_and_the_font_of_its_script(
    prints: Prints, lang: str, url: str
) -> None:
    embedded_font_names(prints.pdf(url.format(lang=lang)), lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_plan_print_uses_only_the_bundled_fonts(prints: Prints, lang: str) -> None:
    # print.css: "Fonts are the bundled TTFs: never a system font."
    found = fonts(prints.pdf(f"/{lang}/plan-bilingual.pdf" if lang != "nl" else "/nl/plan.pdf"))
    assert {font.name for font in found} <= bundled_font_names(), found


# --- Text -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_plan_print_gives_back_every_step_title_in_the_readers_script(
    prints: Prints, lang: str
) -> None:
    text = prints.text(f"/{lang}/plan.pdf")
    for step in steps_of(prints):
        title = step.texts[lang].title
        # Arabic is compared word by word in one block (see has_phrase): pdftotext may reorder
        # an Arabic line that also holds digits or Latin letters, and swaps lam-alef letters.
        assert has_phrase(text, title, lang), f"{step.slug}: {title!r} not in the {lang} print"
    assert bool(ARABIC_LETTERS.search(text)) == (lang == "ar")
    assert bool(ETHIOPIC_LETTERS.search(text)) == (lang == "ti")


def test_the_arabic_titles_come_back_whole(prints: Prints) -> None:
    # Stricter than word by word: in the overview each Arabic title is followed by its isolated
    # Dutch name, so pdftotext keeps it in order; only the lam-alef ligatures come back swapped.
    text = normalise(prints.text("/ar/plan.pdf"))
    for step in steps_of(prints):
        assert normalise(as_extracted(step.texts["ar"].title, "ar")) in text, step.slug


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_step_print_gives_back_its_title_and_headings(prints: Prints, lang: str) -> None:
    step = prints.content.step("brede-intake")
    assert step is not None
    text = prints.text(f"/{lang}/plan/brede-intake.pdf")
    translated = step.texts[lang]
    assert has_phrase(text, translated.title, lang)
    for section in translated.sections:
        assert has_phrase(text, section.heading, lang), section.heading


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_dutch_step_names_are_in_every_translated_print(prints: Prints, lang: str) -> None:
    for url in (f"/{lang}/plan.pdf", f"/{lang}/plan-bilingual.pdf"):
        text = normalise(prints.text(url))
        for step in steps_of(prints):
            assert normalise(step.dutch_title) in text, (url, step.dutch_title)


# --- Pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "url", ["/{lang}/plan.pdf", f"/{{lang}}/gemeente/{LOCAL}/plan.pdf"], ids=["plain", LOCAL]
)
def test_the_whole_plan_is_an_overview_page_and_one_page_per_step(
    prints: Prints, lang: str, url: str
) -> None:
    pdf = prints.pdf(url.format(lang=lang))
    assert page_count(pdf) == 1 + len(steps_of(prints))


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize(
    "url",
    ["/{lang}/plan-bilingual.pdf", f"/{{lang}}/gemeente/{LOCAL}/plan-bilingual.pdf"],
    ids=["plain", LOCAL],
)
def test_the_bilingual_plan_has_the_dutch_text_on_the_back_of_every_step(
    prints: Prints, lang: str, url: str
) -> None:
    # Printed double-sided: the overview sheet (its back left blank), then one sheet per step
    # with the reader's language on the front (odd page) and the Dutch on the back.
    url = url.format(lang=lang)
    steps = steps_of(prints)
    assert page_count(prints.pdf(url)) == 2 + 2 * len(steps)
    pages = prints.pages(url)
    # The back of the overview is blank: no page number, no "Wegwijs" either.
    assert not pages[1].strip(), pages[1]
    for number, step in enumerate(steps):
        reader, dutch = pages[2 + 2 * number], pages[3 + 2 * number]
        assert has_phrase(reader, step.texts[lang].title, lang), (step.slug, "reader page")
        assert normalise(dutch).startswith("Nederlands"), (step.slug, dutch[:80])
        assert normalise(step.source.sections[0].heading) in normalise(dutch), step.slug


@pytest.mark.parametrize("slug", STEP_SLUGS)
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("prefix", ["/{lang}", f"/{{lang}}/gemeente/{LOCAL}"], ids=["plain", LOCAL])
def test_a_step_print_is_one_sheet_with_the_dutch_text_on_its_back(
    prints: Prints, prefix: str, lang: str, slug: str
) -> None:
    # A step print is handed over as one sheet: the reader's language on the front and, when
    # bilingual, the Dutch text on the back. More pages put the Dutch on another sheet.
    prefix = prefix.format(lang=lang)
    url = f"{prefix}/plan/{slug}.pdf" if lang == "nl" else f"{prefix}/plan/{slug}-bilingual.pdf"
    pages = prints.pages(url)
    assert page_count(prints.pdf(url)) == (1 if lang == "nl" else 2), (
        f"{url} has {page_count(prints.pdf(url))} pages"
    )
    if lang != "nl":
        assert normalise(pages[1]).startswith("Nederlands")


# --- QR codes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "online"),
    [
        *[(f"/{lang}/plan.pdf", f"/{lang}/plan/") for lang in LANGUAGES],
        ("/ar/plan-bilingual.pdf", "/ar/plan/"),
        (f"/ar/gemeente/{LOCAL}/plan.pdf", f"/ar/gemeente/{LOCAL}/plan/"),
        (f"/ti/gemeente/{LOCAL}/plan.pdf", f"/ti/gemeente/{LOCAL}/plan/"),
        ("/en/plan/pip.pdf", "/en/plan/pip/"),
        ("/ti/plan/brede-intake.pdf", "/ti/plan/brede-intake/"),
        (f"/ar/gemeente/{LOCAL}/plan/pip-bilingual.pdf", f"/ar/gemeente/{LOCAL}/plan/pip/"),
    ],
)
def test_the_qr_code_leads_to_the_same_text_online(prints: Prints, url: str, online: str) -> None:
    # No PORTAL_PUBLIC_BASE_URL in the tests: the address the request came in on.
    assert qr_codes(prints.pdf(url)) == ["http://localhost" + online]


# --- Municipality ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_municipality_print_has_its_phone_and_postcode(prints: Prints, lang: str) -> None:
    municipality = prints.content.municipalities[LOCAL]
    local = normalise(prints.text(f"/{lang}/gemeente/{LOCAL}/plan.pdf"))
    plain = normalise(prints.text(f"/{lang}/plan.pdf"))
    for detail in (municipality.phone, municipality.postcode):
        assert detail in local
        assert detail not in plain


# --- Routes and responses -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("/nl/plan-bilingual.pdf", "/nl/plan.pdf"),
        ("/nl/plan/pip-bilingual.pdf", "/nl/plan/pip.pdf"),
        (f"/nl/gemeente/{LOCAL}/plan-bilingual.pdf", f"/nl/gemeente/{LOCAL}/plan.pdf"),
    ],
)
def test_dutch_has_no_bilingual_print_but_is_sent_to_the_dutch_one(
    prints: Prints, url: str, target: str
) -> None:
    response = prints.client.get(url)
    assert response.status_code in (301, 302, 303, 307, 308)
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "url",
    [
        "/xx/plan.pdf",
        "/xx/plan-bilingual.pdf",
        "/xx/plan/pip.pdf",
        "/en/plan/no-such-step.pdf",
        "/ar/plan/no-such-step-bilingual.pdf",
        "/nl/plan/no-such-step-bilingual.pdf",
        "/ti/gemeente/atlantis/plan.pdf",
        "/en/gemeente/atlantis/plan-bilingual.pdf",
        "/ar/gemeente/atlantis/plan/pip.pdf",
    ],
)
def test_an_unknown_print_is_a_friendly_not_found_page(prints: Prints, url: str) -> None:
    response = prints.client.get(url, follow_redirects=True)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert not response.data.startswith(b"%PDF")
    page = response.get_data(as_text=True)
    assert "Traceback" not in page
    assert 'class="button"' in page  # a way back to the plan


@pytest.mark.parametrize(
    "url",
    ["/ar/plan.pdf", "/en/plan-bilingual.pdf", "/ti/plan/pip.pdf", "/nl/gemeente/goirle/plan.pdf"],
)
def test_a_print_is_a_pdf_that_anyone_may_keep_a_while(prints: Prints, url: str) -> None:
    response = prints.client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    cache_control = response.headers["Cache-Control"]
    assert "public" in cache_control
    assert f"max-age={prints.app.config['PUBLIC_MAX_AGE']}" in cache_control
    assert response.headers["Content-Disposition"].startswith("inline; filename=")


@pytest.fixture
def render_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the real renders: Printer.render is wrapped, not replaced."""
    calls: list[str] = []
    real = Printer.render

    def counting(self: Printer, html: str, **options: Any) -> bytes:
        calls.append(html)
        return real(self, html, **options)

    monkeypatch.setattr(Printer, "render", counting)
    return calls


def cached_pdfs(app: Flask) -> list[Path]:
    """Return the PDFs in an app's shared cache of public prints (instance/pdf-cache)."""
    return sorted((Path(app.config["INSTANCE_DIR"]) / "pdf-cache").rglob("*.pdf"))


@pytest.fixture
def own_instance(tmp_path: Path) -> dict[str, str]:
    """Settings for an app with an instance folder, and so a PDF cache, of its own."""
    return {"INSTANCE_DIR": str(tmp_path / "instance")}


def test_a_second_request_for_a_print_is_served_from_the_cache(
    own_instance: dict[str, str], render_calls: list[str]
) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret"} | own_instance)
    client = app.test_client()
    first = client.get("/ar/plan/pip-bilingual.pdf")
    assert first.status_code == 200
    assert len(render_calls) == 1
    assert [path.read_bytes() for path in cached_pdfs(app)] == [first.data]

    second = client.get("/ar/plan/pip-bilingual.pdf")
    assert second.data == first.data
    assert len(render_calls) == 1

    # Another language, variant or municipality is another document with its own entry.
    client.get("/ar/plan/pip.pdf")
    client.get(f"/ar/gemeente/{LOCAL}/plan/pip-bilingual.pdf")
    client.get("/ti/plan/pip-bilingual.pdf")
    assert len(render_calls) == 4
    assert len(cached_pdfs(app)) == 4


def test_another_worker_and_a_restart_find_the_print_in_the_shared_cache(
    own_instance: dict[str, str], render_calls: list[str]
) -> None:
    first = create_app({"TESTING": True, "SECRET_KEY": "test-secret"} | own_instance)
    pdf = first.test_client().get("/en/plan.pdf").data
    # A second app on the same instance folder: another gunicorn worker, or a restart.
    second = create_app({"TESTING": True, "SECRET_KEY": "test-secret"} | own_instance)
    assert second.test_client().get("/en/plan.pdf").data == pdf
    assert len(render_calls) == 1


def test_while_another_print_is_made_a_reader_gets_a_page_to_try_again(
    own_instance: dict[str, str], render_calls: list[str]
) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret"} | own_instance)
    cache = app.extensions["wegwijs_printer"].cache
    cache.folder.mkdir(parents=True, exist_ok=True)
    with open(cache.folder / "render.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as another worker that renders a PDF holds it
        response = app.test_client().get("/ar/plan/pip.pdf")
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        page = response.get_data(as_text=True)
        assert 'dir="rtl"' in page
        assert app_message(app, "The PDF is not ready yet", "ar") in page
        # The pages themselves are not held up.
        assert app.test_client().get("/ar/plan/pip/").status_code == 200
    assert render_calls == []
    assert app.test_client().get("/ar/plan/pip.pdf").status_code == 200


def test_changed_content_gives_a_new_print_with_the_new_text(
    content_copy: Path,
    app_on: Callable[..., Flask],
    render_calls: list[str],
    own_instance: dict[str, str],
) -> None:
    app = app_on(**own_instance)
    client = app.test_client()
    first = client.get("/ti/plan/pip.pdf")
    before, etag = first.data, first.headers["ETag"]
    source = content_copy / "plan" / "05-pip" / "ti.md"
    text = source.read_text(encoding="utf-8")
    old_title = re.search(r"^title: (.+)$", text, flags=re.M)
    assert old_title
    new_title = "ሓድሽ ኣርእስቲ ንፈተነ"
    source.write_text(text.replace(old_title.group(0), f"title: {new_title}"), encoding="utf-8")
    bump_mtime(source)

    after = client.get("/ti/plan/pip.pdf", headers={"If-None-Match": etag}).data
    assert after != before
    assert len(render_calls) == 2
    # The PDFs of the old content are gone from the cache: only the new one is left.
    assert [path.read_bytes() for path in cached_pdfs(app)] == [after]
    text_before = normalise("\n".join(pages_text(before)))
    text_after = normalise("\n".join(pages_text(after)))
    assert new_title in text_after
    # The old title is gone from the heading (the body may still name the plan so).
    old = normalise(old_title.group(1))
    assert text_after.count(old) == text_before.count(old) - 1


# --- Links to the prints --------------------------------------------------------------------


class Links(HTMLParser):
    """Collect the href of every link on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def pdf_links(client: FlaskClient, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = Links()
    parser.feed(response.get_data(as_text=True))
    return {href for href in parser.hrefs if href.endswith(".pdf")}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("prefix", ["/{lang}", f"/{{lang}}/gemeente/{LOCAL}"], ids=["plain", LOCAL])
def test_the_plan_and_every_step_page_link_to_their_prints(
    prints: Prints, lang: str, prefix: str
) -> None:
    prefix = prefix.format(lang=lang)
    expected = {f"{prefix}/plan.pdf"}
    if lang != "nl":
        expected.add(f"{prefix}/plan-bilingual.pdf")
    assert pdf_links(prints.client, f"{prefix}/plan/") == expected
    for slug in STEP_SLUGS:
        expected = {f"{prefix}/plan/{slug}.pdf"}
        if lang != "nl":
            expected.add(f"{prefix}/plan/{slug}-bilingual.pdf")
        assert pdf_links(prints.client, f"{prefix}/plan/{slug}/") == expected, slug


# --- What a print may load (printing.py) ----------------------------------------------------


def document(body: str) -> str:
    return f'<!doctype html><html lang="en"><body><p>Wegwijs</p>{body}</body></html>'


def test_a_print_may_use_our_own_static_files_and_data_urls(app: Flask) -> None:
    # The control for the refusals below: these load, so a refusal is about the URL.
    version = app.extensions["wegwijs_assets"].version
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk"
        "YAAAAAYAAjCB0C8AAAAASUVORK5CYII="
    )
    html = document(
        f'<img src="/static/{version}/pictograms/print/small/house.png"><img src="{pixel}">'
    )
    with app.app_context():
        pdf = printer().render(html)
    assert pdf.startswith(b"%PDF-")


@pytest.mark.parametrize(
    "body",
    [
        '<img src="https://example.org/x.png">',
        '<img src="http://example.org/x.png">',
        '<img src="file:///etc/passwd">',
        '<img src="/static/{version}/pictograms/print/small/no-such-pictogram.png">',
        '<img src="/static/0000000000/pictograms/print/small/house.png">',
        '<img src="/static/{version}/fonts/ttf/../../../../../../etc/passwd">',
        '<link rel="stylesheet" href="https://example.org/print.css">',
        '<style>@import url("https://example.org/print.css");</style>',
    ],
    ids=[
        "other-site",
        "plain-http",
        "file-url",
        "missing-static-file",
        "old-static-version",
        "path-outside-static",
        "remote-stylesheet",
        "remote-import",
    ],
)
def test_a_print_refuses_anything_but_our_own_files(app: Flask, body: str) -> None:
    html = document(body.format(version=app.extensions["wegwijs_assets"].version))
    # A resource that fails to load stops the print: never a PDF with a hole in it.
    # WeasyPrint wraps our PrintError in FatalURLFetchingError (a BaseException).
    with app.app_context(), pytest.raises((FatalURLFetchingError, PrintError)):
        printer().render(html)


@pytest.fixture
def failing_app(own_instance: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Flask:
    """Return an app whose printer cannot load the pictograms (as if a file went missing);
    its PDF cache is empty, so it must print."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret"} | own_instance)
    fetcher = app.extensions["wegwijs_printer"].fetcher
    real = fetcher.assets
    files = {k: v for k, v in real.files.items() if not k.startswith("pictograms/print/")}
    monkeypatch.setattr(fetcher, "assets", SimpleNamespace(version=real.version, files=files))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_a_print_that_cannot_load_a_file_is_a_friendly_server_error(failing_app: Flask) -> None:
    client = failing_app.test_client()
    try:
        response = client.get("/en/plan/pip.pdf")
    except FatalURLFetchingError as error:
        pytest.fail(
            f"{type(error).__name__} ({error}) is a BaseException: it passes Flask's error "
            "handling, so the reader gets no friendly error page"
        )
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    assert "Traceback" not in response.get_data(as_text=True)


def test_a_browser_that_has_the_public_pdf_gets_not_modified(app: Flask) -> None:
    client = app.test_client()
    first = client.get("/en/plan/pip.pdf")
    assert first.status_code == 200
    etag = first.headers["ETag"]
    again = client.get("/en/plan/pip.pdf", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
