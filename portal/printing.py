"""WeasyPrint: one FontConfiguration, a URL fetcher that only reads our own files, a PDF cache,
the print templates rendered per language, and the worker processes that print long documents.
"""

from __future__ import annotations

import fcntl
import functools
import gc
import hashlib
import io
import multiprocessing
import os
import shutil
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from flask import Flask, Response, current_app, render_template, request
from flask_babel import force_locale
from markupsafe import Markup
from pypdf import PdfWriter
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse
from werkzeug.exceptions import ServiceUnavailable

from . import content
from .addresses import public_base_url
from .assets import AssetStore
from .textfiles import write_atomically

# Documents are rendered as if they lived on this address; the fetcher maps it to our files.
PRINT_BASE_URL = "https://print.invalid/"
PDF_MIMETYPE = "application/pdf"
# Asked for a public PDF while another is being made: try again after this many seconds.
PRINT_BUSY_RETRY_SECONDS = 5
MAX_PRINT_WORKERS = 4
# How much print workers give way to the web workers on the same cores (0 = not at all).
PRINT_NICENESS = 10
# The stylesheets in static/css/ a print can use, and the one with the fonts every print has.
STYLESHEETS = ("print", "letter")
FONTS_STYLESHEET = "print-fonts"
# A print worker's garbage collector: WeasyPrint makes millions of objects, and Python's
# default (a collection every 700 new objects) spent 10-20% of a letter's time looking
# through them (bench/README.md). A worker collects rarely while it lays out a document and
# fully after each one, when the document is garbage: as little memory as with the default.
WORKER_GC_THRESHOLD = (100_000, 50, 1000)


class PrintError(RuntimeError):
    """A document could not be printed, e.g. because a resource it names does not exist."""


class OwnFilesFetcher(URLFetcher):
    """Give WeasyPrint our static files and data: URLs, and nothing else.

    No network and no file:// outside static/: a document that names anything else fails
    instead of printing with a hole in it (fail_on_errors makes every error fatal).
    """

    def __init__(self, assets: AssetStore, static_dir: Path) -> None:
        super().__init__(fail_on_errors=True, allowed_protocols={"data", "https"})
        self.assets = assets
        self.static_dir = static_dir.resolve()

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        """Return the bytes of one of our files, or raise for anything else."""
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if not url.startswith(PRINT_BASE_URL):
            raise PrintError(f"a print may only use the portal's own files, not {url}")
        path = unquote(urlsplit(url).path)
        prefix = f"/static/{self.assets.version}/"
        if not path.startswith(prefix):
            raise PrintError(f"not a static file of this version: {url}")
        name = path.removeprefix(prefix)
        asset = self.assets.files.get(name)
        if asset is not None:
            return URLFetcherResponse(url, asset.body, {"Content-Type": asset.mimetype})
        # The print fonts are not served to browsers, so they are read from disk here.
        file = (self.static_dir / name).resolve()
        if file.parent != self.static_dir / "fonts" / "ttf" or not file.is_file():
            raise PrintError(f"no such static file: {name}")
        return URLFetcherResponse(url, file.read_bytes(), {"Content-Type": "font/ttf"})


class PrintBusy(ServiceUnavailable):
    """Another public PDF is being made: this one is not made now (503, try again)."""

    description = "busy"


class PdfCache:
    """Public PDFs on disk in the instance folder, shared by every worker and every restart.

    A folder per generation (content, code and static files): the first PDF of a new
    generation removes the older folders. Only for public documents: a personal plan or
    letter is never cached.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, generation: str, key: str) -> Path:
        """Return where a PDF of a generation is kept."""
        return self.folder / generation / f"{key}.pdf"

    def put(self, generation: str, key: str, pdf: bytes) -> None:
        """Keep a PDF (written whole or not at all); forget older generations."""
        target = self.path(generation, key)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, pdf)
        for old in self.folder.iterdir():
            if old.is_dir() and old.name != generation:
                shutil.rmtree(old, ignore_errors=True)

    @contextmanager
    def render_slot(self) -> Iterator[None]:
        """Hold the one right to render a public PDF, across every worker of this machine.

        Raise PrintBusy when another process renders: a web worker never waits for that, so
        a storm of PDF requests leaves the others free for pages.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "render.lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as busy:
                raise PrintBusy(retry_after=PRINT_BUSY_RETRY_SECONDS) from busy
            yield


class Printer:
    """Everything a worker shares between prints: fonts, fetcher, cache and code version."""

    def __init__(self, app: Flask, assets: AssetStore) -> None:
        self.font_config = FontConfiguration()
        self.fetcher = OwnFilesFetcher(assets, Path(app.config["STATIC_DIR"]))
        # Parsed once, the fonts too: letters have a stylesheet of their own (cheap to lay
        # out, see letter.css), everything else uses print.css.
        self.fonts = self.parse(assets, FONTS_STYLESHEET)
        self.stylesheets = {name: self.parse(assets, name) for name in STYLESHEETS}
        self.cache = PdfCache(Path(app.config["INSTANCE_DIR"]) / "pdf-cache")
        # Pictograms and QR-free images are the same in every print: parse each once.
        self.image_cache: dict[str, object] = {}
        self.code_version = code_version(Path(app.root_path))

    def parse(self, assets: AssetStore, name: str) -> CSS:
        """Parse static/css/<name>.css, loading the fonts it declares into our font config."""
        return CSS(
            string=assets.files[f"css/{name}.css"].body.decode("utf-8"),
            base_url=f"{PRINT_BASE_URL}static/{assets.version}/css/{name}.css",
            url_fetcher=self.fetcher,
            font_config=self.font_config,
        )

    def render(self, html: str, *, stylesheet: str = "print", fillable: bool = False) -> bytes:
        """Turn our own HTML into PDF bytes; raise PrintError when anything fails to load.

        `stylesheet` names one of STYLESHEETS. With `fillable`, the form fields of the HTML
        become fields to fill in on a computer.
        """
        document = HTML(string=html, base_url=PRINT_BASE_URL, url_fetcher=self.fetcher)
        try:
            pdf = document.write_pdf(
                stylesheets=[self.fonts, self.stylesheets[stylesheet]],
                font_config=self.font_config,
                cache=self.image_cache,
                pdf_forms=fillable,
            )
        except FatalURLFetchingError as error:
            # WeasyPrint's error is a BaseException: as a PrintError (an Exception) it reaches
            # Flask's friendly error page instead of ending the request without an answer.
            raise PrintError(str(error.__cause__ or error)) from error
        if not isinstance(pdf, bytes):
            raise PrintError("WeasyPrint returned no PDF")
        return pdf


def code_version(package_dir: Path) -> str:
    """Return a hash of the code and templates, so a new release never serves an old PDF."""
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*")):
        if path.suffix in (".py", ".html"):
            digest.update(path.relative_to(package_dir).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def render_print_template(template: str, **context: object) -> str:
    """Render a template for a print: pictograms and icons come as PNG, not as drawings.

    The print templates share the public pages' macros, which read the content.
    """
    return render_template(template, printing=True, content=content.current(), **context)


def render_in(lang: str, template: str, **context: object) -> Markup:
    """Render a piece of a print in one language, e.g. the Dutch half of a bilingual print."""
    with force_locale(lang):
        return Markup(render_print_template(template, **context))  # noqa: S704 - our template


def printer() -> Printer:
    """Return the printer of the running app."""
    shared: Printer = current_app.extensions["wegwijs_printer"]
    return shared


def pdf_response(pdf: bytes, filename: str, *, attachment: bool = False) -> Response:
    """Send a personal PDF to open in the browser (or, as an attachment, to save); nobody
    may store it. Public PDFs go out with public_pdf_response."""
    response = Response(pdf, mimetype=PDF_MIMETYPE)
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def cached_public_pdf(key_parts: list[str], render_html: Callable[[], str]) -> Path:
    """Return the file of a public PDF in the cache, rendering it when it is not there.

    `key_parts` must name what goes into the document besides the content, the code, the
    static files and the public address (added here): language, municipality, variant.
    One PDF is rendered at a time on this machine: a request that finds another one
    rendering gets PrintBusy (503) instead of waiting.
    """
    shared = printer()
    assets: AssetStore = current_app.extensions["wegwijs_assets"]
    generation_text = "|".join([content.current().version, shared.code_version, assets.version])
    generation = hashlib.sha256(generation_text.encode("utf-8")).hexdigest()[:16]
    # The QR codes and links lead to the public address: part of what goes into the PDF.
    key_text = "|".join([*key_parts, public_base_url()])
    key = hashlib.sha256(key_text.encode("utf-8")).hexdigest()
    kept = shared.cache.path(generation, key)
    if not kept.is_file():
        with shared.cache.render_slot():
            if not kept.is_file():  # made meanwhile by whoever held the slot
                shared.cache.put(generation, key, shared.render(render_html()))
    return kept


def public_pdf_response(path: Path, filename: str) -> Response:
    """Send a public PDF from the cache, and "not modified" to a browser that has it already.

    The ETag is where the PDF is kept: its generation (content, code, static files) and the
    hash of the rest that went into it, so a changed text is never answered "not modified".
    """
    response = Response(path.read_bytes(), mimetype=PDF_MIMETYPE)
    response.set_etag(f"{path.parent.name}-{path.stem}")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['PUBLIC_MAX_AGE']}"
    response.make_conditional(request)
    return response


@functools.lru_cache(maxsize=256)
def qr_code(url: str) -> str:
    """Return a QR code that leads to `url`, as a PNG data: URL for an <img>.

    Cached: the addresses are public (a step or plan in a language), and a list of letters
    repeats the same few hundreds of times.
    """
    # A PNG, not an SVG: WeasyPrint places an image at once but draws an SVG square by square.
    return str(segno.make(url, error="m").png_data_uri(scale=8, border=2, dark="#000000"))


# One square of a QR code that carries a personal plan: a cheap phone's camera reads squares of
# half a millimetre from paper (and zbarimg from a 150 dpi scan, see the tests).
PERSONAL_QR_MODULE_MM = 0.5


def personal_qr_code(url: str) -> tuple[str, float]:
    """Return a QR code that carries personal data (a plan in a link's fragment) as a PNG
    data: URL, and its printed width in mm. Never cached, unlike qr_code: the data lives only
    while its page is made."""
    code = segno.make(url, error="m")
    width_mm = code.symbol_size(border=2)[0] * PERSONAL_QR_MODULE_MM
    # 8 pixels per square: letter.css sizes a letter's appointment code by this (406.4 dpi).
    return str(code.png_data_uri(scale=8, border=2, dark="#000000")), width_mm


def print_in_parallel(
    documents: list[str],
    progress: Callable[[int], None] | None = None,
    stylesheet: str = "print",
) -> bytes:
    """Print several HTML documents by a worker process per core, joined into one PDF."""
    return join_pdfs(print_each(documents, progress, stylesheet))


def print_each(
    documents: list[str],
    progress: Callable[[int], None] | None = None,
    stylesheet: str = "print",
) -> list[bytes]:
    """Print several HTML documents by a worker process per core; return the PDFs in order.

    `progress` hears how many documents are printed so far, after each one. The HTML goes
    to the workers through a pipe: personal data never touches the disk.
    """
    if len(documents) == 1:
        pdf = printer().render(documents[0], stylesheet=stylesheet)
        if progress:
            progress(1)
        return [pdf]
    global _worker_printer
    _worker_printer = printer()  # the forked workers inherit it, fonts and stylesheet loaded
    workers = min(os.cpu_count() or 1, MAX_PRINT_WORKERS, len(documents))
    # A fresh worker every few documents gives back the memory WeasyPrint holds on to.
    context = multiprocessing.get_context("fork")
    pdfs = []
    render = functools.partial(render_in_worker, stylesheet=stylesheet)
    with context.Pool(workers, initializer=start_print_worker, maxtasksperchild=1) as pool:
        for pdf in pool.imap(render, documents, chunksize=1):
            pdfs.append(pdf)
            if progress:
                progress(len(pdfs))
    return pdfs


_worker_printer: Printer | None = None


def start_print_worker() -> None:
    """Set up a print worker: it ends on SIGTERM (a gunicorn worker's own handler only sets
    a flag, and a worker that inherited it would never stop when the pool is closed), and it
    gives way to web requests: a long print must not make the public pages slow.

    What it inherited from its parent is frozen: the collector never looks through it again
    (less work, and the memory pages stay shared with the parent instead of being copied)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.nice(PRINT_NICENESS)
    gc.freeze()
    gc.set_threshold(*WORKER_GC_THRESHOLD)


def render_in_worker(html: str, stylesheet: str) -> bytes:
    """Render one document in a worker process."""
    if _worker_printer is None:
        raise RuntimeError("print workers are forked after _worker_printer is set")
    pdf = _worker_printer.render(html, stylesheet=stylesheet)
    gc.collect()
    return pdf


def join_pdfs(pdfs: list[bytes]) -> bytes:
    """Join PDFs into one, in order, in memory; each part ends on the back of a sheet.

    Every part starts its first page on a front page, so a part with an odd number of
    pages gets a blank back page: the next part starts on a new sheet too. What the parts
    share (pictograms, QR codes, the letterhead) is kept once: 100 letters in 5 parts went
    from 1.55x to 1.25x the size of one document (fonts are subset per part, so they stay).
    """
    if len(pdfs) == 1:
        return pdfs[0]
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(io.BytesIO(pdf))
        if len(writer.pages) % 2:
            writer.add_blank_page()
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def init_app(app: Flask) -> None:
    """Create the app's printer (after the asset store it reads from)."""
    app.extensions["wegwijs_printer"] = Printer(app, app.extensions["wegwijs_assets"])
    app.jinja_env.globals["qr_code"] = qr_code
