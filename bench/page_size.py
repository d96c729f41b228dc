"""Transferred size of the plan page and a step page, per language.

Two measurements per page:

(a) the HTML alone, as the server sends it to a client that says `Accept-Encoding: gzip`:
    the bytes of the response body on the wire, read with http.client (which never decodes
    a Content-Encoding), so this is the gzip stream itself;
(b) a real first visit in chromium with an empty cache at a 360x740 viewport: every request
    the page made (HTML, CSS, favicon, pictograms, fonts), each with Playwright's
    `request.sizes()["responseBodySize"]` (encoded body bytes as received) and
    `responseHeadersSize`.

The Tigrinya step page is visited a second time with Tigrinya text put into its heading
(bold) and lead paragraph (regular), to see what a translated Tigrinya page costs: the
portal serves Tigrinya pages whose visible text is English or Dutch until the catalogs and
step texts are translated, and then chromium loads no Ethiopic font at all.
"""

from __future__ import annotations

import gzip
import http.client
import re
from typing import Any

from playwright.sync_api import Browser, Request, sync_playwright

from tools.chromium import launch_chromium

VIEWPORT = {"width": 360, "height": 740}
STEP_SLUG = "brede-intake"
NAV_TIMEOUT_MS = 30_000

# Put the page's own Tigrinya text (the pictogram's alt text, from pictograms.yml) where a
# translated page has it: the bold h1 and the regular lead paragraph. Changes the DOM in
# the browser only; the app is not touched.
INJECT_ETHIOPIC = """() => {
  const alt = document.querySelector('img.pictogram').alt;
  if (!/[\\u1200-\\u137F]/.test(alt)) { throw new Error('no Ethiopic alt text: ' + alt); }
  document.querySelector('article').setAttribute('lang', 'ti');
  document.querySelector('h1').textContent = alt;
  document.querySelector('p.lead').textContent = alt;
  return alt;
}"""


def page_paths(langs: list[str]) -> list[tuple[str, str, str]]:
    """Return (language, kind, path) for the plan page and the step page of every language."""
    paths = []
    for lang in langs:
        paths.append((lang, "plan", f"/{lang}/plan/"))
        paths.append((lang, "step", f"/{lang}/plan/{STEP_SLUG}/"))
    return paths


def html_on_the_wire(host: str, port: int, path: str) -> dict[str, Any]:
    """GET a page as a gzip-accepting browser would; return the undecoded body size."""
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip", "User-Agent": "bench"})
        response = conn.getresponse()
        raw = response.read()  # http.client removes chunking only, never Content-Encoding
        encoding = response.getheader("Content-Encoding")
        header_bytes = len(str(response.headers).encode("latin-1"))
    finally:
        conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}")
    decoded = gzip.decompress(raw) if encoding == "gzip" else raw
    return {
        "path": path,
        "status": response.status,
        "content_encoding": encoding,
        "wire_body_bytes": len(raw),
        "decoded_body_bytes": len(decoded),
        "header_bytes": header_bytes,
    }


def _describe(request: Request) -> dict[str, Any]:
    sizes = request.sizes()
    response = request.response()
    url = request.url
    return {
        "url": url,
        "type": request.resource_type,
        "status": response.status if response else None,
        "content_encoding": response.headers.get("content-encoding") if response else None,
        "body_bytes": sizes["responseBodySize"],
        "header_bytes": sizes["responseHeadersSize"],
        "font": url.endswith(".woff2"),
    }


def first_visit(browser: Browser, base_url: str, path: str, ethiopic: bool = False) -> dict:
    """Open one page in a fresh context (empty cache); return every request it made."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_default_timeout(NAV_TIMEOUT_MS)
        finished: list[Request] = []
        failed: list[str] = []
        page.on("requestfinished", lambda r: finished.append(r))
        page.on("requestfailed", lambda r: failed.append(f"{r.url}: {r.failure}"))
        page.goto(base_url + path, wait_until="load")
        injected = page.evaluate(INJECT_ETHIOPIC) if ethiopic else None
        # Fonts are fetched after layout: wait until every font face in use has loaded.
        page.evaluate("() => document.fonts.ready.then(() => true)")
        page.wait_for_load_state("networkidle")
        requests = [_describe(r) for r in finished]
    finally:
        context.close()
    if failed:
        raise RuntimeError(f"{path}: failed requests: {failed}")
    bad = [r["url"] for r in requests if r["status"] != 200]
    if bad:
        raise RuntimeError(f"{path}: non-200 responses: {bad}")
    body = sum(r["body_bytes"] for r in requests)
    font_body = sum(r["body_bytes"] for r in requests if r["font"])
    return {
        "path": path,
        "injected_text": injected,
        "requests": requests,
        "request_count": len(requests),
        "body_bytes": body,
        "body_and_header_bytes": body + sum(r["header_bytes"] for r in requests),
        "font_body_bytes": font_body,
        "non_font_body_bytes": body - font_body,
        "fonts": sorted(re.sub(r".*/", "", r["url"]) for r in requests if r["font"]),
    }


def measure(host: str, port: int, langs: list[str]) -> dict[str, Any]:
    """Measure (a) and (b) for every page of page_paths(); return the numbers."""
    base_url = f"http://{host}:{port}"
    rows = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            browser_version = browser.version
            for lang, kind, path in page_paths(langs):
                rows.append(
                    {
                        "lang": lang,
                        "kind": kind,
                        "html": html_on_the_wire(host, port, path),
                        "visit": first_visit(browser, base_url, path),
                    }
                )
            translated_ti = None
            if "ti" in langs:
                path = f"/ti/plan/{STEP_SLUG}/"
                translated_ti = {
                    "lang": "ti",
                    "kind": "step, Tigrinya text injected",
                    "html": html_on_the_wire(host, port, path),
                    "visit": first_visit(browser, base_url, path, ethiopic=True),
                }
        finally:
            browser.close()
    return {"browser_version": browser_version, "pages": rows, "translated_ti": translated_ti}
