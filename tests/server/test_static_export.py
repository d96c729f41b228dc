"""The static export (`flask site freeze OUTDIR`) served by a plain static web server.

The live site runs under gunicorn as `make run` starts it, on a plan of three steps (so that
its PDFs are made in seconds) and with the export's address as its public address. The
export of the same files is served by Python's http.server, which knows nothing of the
portal: every link on it resolves, every page and PDF is the live site's, the front door
picks a language without a server, and saving a language for offline works there too.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Browser

from tests.pdf_tools import pages_text
from tests.server.harness import BIN, PROJECT, Server, free_port
from tests.server.harness import Browser as Client
from tests.server.test_offline_browser import save

KEPT_STEPS = ("01-", "02-", "03-")


class Links(HTMLParser):
    """Collect the addresses a page points to: links, images, scripts, stylesheets, and the
    list of what its save button saves."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "data-offline-bundle") and value:
                self.found.append(value)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Server, int, Path]]:
    """Return the live server, the port of the static server, and the export it serves."""
    static_port = free_port()
    live = Server(
        tmp_path / "live", {"PORTAL_PUBLIC_BASE_URL": f"http://127.0.0.1:{static_port}"}
    ).prepare()
    for step in (live.content / "plan").iterdir():
        if not step.name.startswith(KEPT_STEPS):
            shutil.rmtree(step)
    outdir = tmp_path / "export"
    freeze = subprocess.run(
        [str(BIN / "flask"), "--app", "app", "site", "freeze", str(outdir)],
        cwd=PROJECT,
        env=live.environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert freeze.returncode == 0, freeze.stderr[-3000:]
    assert "files written" in freeze.stdout
    static = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(static_port)],
        cwd=outdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    live.start()
    try:
        for _attempt in range(50):
            try:
                Client(static_port).get("/robots.txt")
                break
            except OSError:
                time.sleep(0.1)
        yield live, static_port, outdir
    finally:
        static.terminate()
        static.wait(10)
        live.stop()


def get_following(client: Client, path: str) -> tuple[int, str, bytes]:
    """GET a path, following redirects on the same server; return status, final path, body."""
    for _hop in range(5):
        reply = client.get(path)
        if reply.status in (301, 302, 303, 307, 308):
            path = urljoin(path, urlsplit(reply.location).path)
            continue
        return reply.status, path, reply.body
    raise AssertionError(f"{path}: too many redirects")


def test_every_link_of_the_export_resolves_without_the_portal(
    site: tuple[Server, int, Path],
) -> None:
    _live, port, outdir = site
    client = Client(port)
    base = f"http://127.0.0.1:{port}"
    sitemap = client.get("/sitemap.xml").text
    queue = ["/", *(urlsplit(u).path for u in re.findall(r"<loc>([^<]+)</loc>", sitemap))]
    seen: set[str] = set()
    broken: list[str] = []
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        status, final, body = get_following(client, path)
        if status != 200:
            broken.append(f"{path}: {status}")
            continue
        if final.endswith("/") or final.endswith(".html"):
            parser = Links()
            parser.feed(body.decode("utf-8"))
            for link in parser.found:
                address = urlsplit(urljoin(base + final, link))
                if address.scheme in ("http", "https") and address.netloc == f"127.0.0.1:{port}":
                    queue.append(address.path)
        elif final.endswith(".json"):
            queue += re.findall(r'"url": "([^"]+)"', body.decode("utf-8"))
        elif final.endswith(".webmanifest"):
            queue += re.findall(r'"(?:src|start_url)": "([^"]+)"', body.decode("utf-8"))
    assert not broken, broken
    assert any(path.endswith(".pdf") for path in seen)
    assert "/ar/offline/" in seen
    exported = {p.relative_to(outdir).as_posix() for p in outdir.rglob("*") if p.is_file()}
    assert not [name for name in exported if name.startswith(("staff", "editor"))]
    assert {"robots.txt", "sitemap.xml", "sw.js", "404.html", "index.html"} <= exported


def test_every_page_and_pdf_of_the_export_is_the_live_sites(
    site: tuple[Server, int, Path],
) -> None:
    live, port, outdir = site
    live_client, static_client = Client(live.port), Client(port)
    compared = 0
    for file in sorted(outdir.rglob("*")):
        name = file.relative_to(outdir).as_posix()
        if not file.is_file() or name in ("index.html", "404.html") or name.startswith("language/"):
            continue  # the pages the server makes differently: see the module's docstring
        if name == "language/index.html":
            continue
        path = "/" + name.removesuffix("index.html")
        live_reply = live_client.get(path)
        assert live_reply.status == 200, (path, str(live_reply))
        assert static_client.get(path).body == live_reply.body, path
        compared += 1
    arabic = "".join(pages_text((outdir / "ar" / "plan.pdf").read_bytes()))
    assert "خطواتك" in arabic  # each PDF in its own language, not the first one made
    pdfs = len(list(outdir.rglob("*.pdf")))
    assert pdfs >= 4 * 4
    assert compared > pdfs + 100


def test_the_exports_front_door_picks_a_language_and_saves_for_offline(
    site: tuple[Server, int, Path], browser: Browser
) -> None:
    _live, port, _outdir = site
    base = f"http://127.0.0.1:{port}"
    context = browser.new_context(locale="ti", service_workers="allow")
    try:
        page = context.new_page()
        page.goto(f"{base}/")
        page.wait_for_url(f"{base}/ti/")  # the browser asks for Tigrinya
        page.goto(f"{base}/language/ar")  # the chooser's link: to the Arabic home page
        page.wait_for_url(f"{base}/ar/")
        page.goto(f"{base}/")
        page.wait_for_url(f"{base}/ar/")  # read last: Arabic
        listed = save(page, f"{base}/ar/plan/")
        context.set_offline(True)
        for file in listed["files"]:  # type: ignore[index]
            if str(file["url"]).endswith("/"):
                page.goto(base + str(file["url"]))
                assert page.locator("html").get_attribute("lang") == "ar"
    finally:
        context.close()
    without_script = browser.new_context(locale="ti", java_script_enabled=False)
    try:
        page = without_script.new_page()
        page.goto(f"{base}/")
        assert page.url == f"{base}/"  # the chooser stays, every language on it
        assert page.locator(".language-list a").count() == 4
    finally:
        without_script.close()
