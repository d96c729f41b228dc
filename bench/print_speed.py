"""Speed and size of the PDFs the portal prints (WeasyPrint), measured in-process.

Everything runs in this one process on the app object, without a server: the portal's own
`Printer` (shared FontConfiguration, pre-parsed print stylesheet, image cache, own-files URL
fetcher, PdfCache) against a plain `weasyprint.HTML(string=...).write_pdf()` of the same
document, the whole staff POST through Flask's test client, and the public plan PDF from the
PdfCache. Every series is timed with time.perf_counter after a warm-up that is thrown away.

1. The one-page personal plan (nl, Tilburg, Z-route, now at the brede intake, two contacts
   and two appointments): its HTML is built once by personal_plan.personal_plan_html inside a test
   request context and `printer().render(html)` is timed; then the same form is POSTed to
   /staff/personal-plan/ through the test client (CSRF off) to show the full request.
2. The same HTML made standalone (`/static/<version>/` -> file:// paths into static/, and
   static/css/print-fonts.css and print.css linked in <head>, as printing.py passes them)
   through a fresh `weasyprint.HTML(string=..., base_url="file:///<root>/").write_pdf()` each time:
   default URL fetcher, no font_config, no cache.
3. `/nl/plan.pdf` through the test client: the first request renders, the next ones come
   from the PdfCache.
4. Sizes: the personal plan, /nl/, /ar/ and /ti/plan.pdf, and the Arabic and Tigrinya
   personal plans (their language plus Dutch: 2 pages) with their render times.

One render of the personal plan (ours and plain) is also run under cProfile and split by
WeasyPrint phase, to show where the time goes.
"""

from __future__ import annotations

import cProfile
import gc
import io
import math
import platform
import pstats
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FunctionType
from typing import Any

import pydyf
import pypdf
import weasyprint
from flask import Flask
from flask.testing import FlaskClient
from flask_login import login_user
from weasyprint.text.ffi import pango
from werkzeug.security import generate_password_hash

from portal import create_app, personal_plan, staff_forms
from portal.accounts import User, db
from portal.printing import FONTS_STYLESHEET, printer

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
CSS_DIR = STATIC / "css"
PLAIN_BASE_URL = ROOT.as_uri() + "/"

RUNS = 30  # timed runs of every series
WARMUP = 3  # runs before each series, not counted
PROFILE_RUNS = 3  # renders under cProfile, averaged
GC_PAUSE_MS = 5.0  # a run "had a GC pause" when the collector ran at least this long in it

KB = 1000
PERSONAL_PLAN_MS = 60.0
PLAIN_RATIO = 5.0
CACHED_PDF_MS = 5.0
ONE_PAGE_PDF_BYTES = 150 * KB

PERSONAL_PLAN_PATH = "/staff/personal-plan/"
# The staff pages need a login: this account lives in a throwaway instance folder only.
STAFF_EMAIL = "bench@tilburg.example"
STAFF_PASSWORD = "bench only, in a throwaway instance folder"  # noqa: S105
STAFF_MUNICIPALITIES = ("tilburg",)
PERSON = {
    "name": "Ali van der Berg",
    "language": "nl",
    "municipality": "tilburg",
    "route": "z-route",
    "current_step": "brede-intake",
    "contacts-0-name": "Mevrouw de Vries",
    "contacts-0-role": "klantregisseur",
    "contacts-0-phone": "013 123 4567",
    "contacts-1-name": "Meneer Jansen",
    "contacts-1-role": "taalcoach",
    "contacts-1-phone": "06 1234 5678",
    "appointments-0-what": "Brede intake",
    "appointments-0-date": "3-12-2026",
    "appointments-0-time": "9:30",
    "appointments-0-place": "Stadhuisplein 1, Tilburg",
    "appointments-1-what": "Gesprek met de taalcoach",
    "appointments-1-date": "10-12-2026",
    "appointments-1-time": "14:00",
    "appointments-1-place": "Bibliotheek LocHal, Tilburg",
}
OTHER_PERSONAL_LANGUAGES = ("ar", "ti")  # printed as their language plus Dutch:
EXPECTED_OTHER_PAGES = 2  # one sheet each
PUBLIC_PLAN_LANGUAGES = ("nl", "ar", "ti")


def make_app(instance_dir: str | None = None) -> Flask:
    """Return a portal app on the bundled content, CSRF off so the test client can POST.

    With `instance_dir`, its account database lives there instead of in instance/.
    """
    config = {"TESTING": True, "SECRET_KEY": "bench-secret", "WTF_CSRF_ENABLED": False}
    return create_app(config | ({"INSTANCE_DIR": instance_dir} if instance_dir else {}))


def staff_account(app: Flask) -> int:
    """Create the benchmark's staff account (once) in the app's database; return its id."""
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == STAFF_EMAIL))
        if user is None:
            user = User(
                email=STAFF_EMAIL,
                password_hash=generate_password_hash(STAFF_PASSWORD),
                role="staff",
                municipality_slugs=" ".join(STAFF_MUNICIPALITIES),
            )
            db.session.add(user)
            db.session.commit()
        return int(user.id)


def log_in_staff(client: FlaskClient) -> None:
    """Log the test client in as a staff member of Tilburg, as tests/conftest.py does."""
    user_id = staff_account(client.application)
    with client.application.app_context():
        session_id = db.session.get(User, user_id).get_id()  # the account and its token
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True


@contextmanager
def staff_request(app: Flask, *args: Any, **kwargs: Any) -> Iterator[None]:
    """A test request context with the benchmark's staff account logged in."""
    user_id = staff_account(app)
    with app.test_request_context(*args, **kwargs):
        login_user(db.session.get(User, user_id))
        yield


class Series(list[float]):
    """Seconds of every timed run, with the seconds Python's garbage collector took in each."""

    gc_seconds: list[float]


def summary(samples_s: Series) -> dict[str, Any]:
    """Return median, p90 (nearest rank), min and max in ms, the samples and the GC pauses."""
    ms = sorted(s * 1000 for s in samples_s)
    gc_ms = [s * 1000 for s in samples_s.gc_seconds]
    long_pauses = [pause for pause in gc_ms if pause >= GC_PAUSE_MS]
    return {
        "runs": len(ms),
        "median_ms": statistics.median(ms),
        "p90_ms": ms[max(math.ceil(0.9 * len(ms)) - 1, 0)],
        "min_ms": ms[0],
        "max_ms": ms[-1],
        "samples_ms": [round(s * 1000, 3) for s in samples_s],
        "gc_ms": [round(pause, 3) for pause in gc_ms],
        "runs_with_gc_pause": len(long_pauses),
        "gc_pause_range_ms": [min(long_pauses), max(long_pauses)] if long_pauses else None,
        "median_without_gc_pause_ms": statistics.median(
            [s * 1000 for s, pause in zip(samples_s, gc_ms, strict=True) if pause < GC_PAUSE_MS]
            or [math.nan]
        ),
    }


def timed(action: Callable[[], object], runs: int = RUNS, warmup: int = WARMUP) -> Series:
    """Run `action` warmup times untimed, then `runs` times; return the seconds of each run.

    The garbage collector stays on, as in a worker; how long it ran inside each timed run is
    recorded too (gc.callbacks), because its full collections set the p90.
    """
    for _ in range(warmup):
        action()
    samples = Series()
    samples.gc_seconds = []
    collecting: list[float] = []
    in_run = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collecting.append(time.perf_counter())
        elif collecting:
            in_run[0] += time.perf_counter() - collecting.pop()

    gc.callbacks.append(on_gc)
    try:
        for _ in range(runs):
            in_run[0] = 0.0
            began = time.perf_counter()
            action()
            samples.append(time.perf_counter() - began)
            samples.gc_seconds.append(in_run[0])
    finally:
        gc.callbacks.remove(on_gc)
    return samples


def page_count(pdf: bytes) -> int:
    """Return the number of pages of a PDF (read back with pypdf)."""
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def person(lang: str) -> dict[str, str]:
    """Return the form of the benchmark's person, printed in `lang`."""
    return PERSON | {"language": lang}


def personal_plan_html(app: Flask, lang: str) -> str:
    """Build the print HTML of the personal plan the way the staff view does."""
    with staff_request(app, PERSONAL_PLAN_PATH, method="POST", data=person(lang)):
        form = staff_forms.PersonalPlanForm()
        form.fill_choices()
        if not form.validate():
            raise RuntimeError(f"the benchmark's personal plan form is invalid: {form.errors}")
        return personal_plan.personal_plan_html(form.plan())


def render_ours(app: Flask, html: str, lang: str) -> tuple[bytes, Series]:
    """Time printer().render(html); return one PDF and the seconds of every timed run."""
    pdfs: list[bytes] = []
    with staff_request(app, PERSONAL_PLAN_PATH, method="POST", data=person(lang)):

        def render() -> None:
            pdfs.append(printer().render(html))

        samples = timed(render)
    return pdfs[-1], samples


def standalone(html: str, version: str, stylesheet: str = "print") -> str:
    """Make our print HTML a document a plain WeasyPrint call can print by itself.

    Our static URLs become file:// paths into static/, and the fonts and the print's
    stylesheet (which printing.py passes pre-parsed) are linked in <head>.
    """
    prefix = f"/static/{version}/"
    if prefix not in html:
        raise RuntimeError(f"no {prefix} URL in the print HTML: the rewrite would do nothing")
    document = html.replace(f'"{prefix}', f'"{STATIC.as_uri()}/')
    if "</head>" not in document:
        raise RuntimeError("the print HTML has no </head> to put the stylesheet link into")
    links = "".join(
        f'<link rel="stylesheet" href="{(CSS_DIR / f"{name}.css").as_uri()}">\n'
        for name in (FONTS_STYLESHEET, stylesheet)
    )
    document = document.replace("</head>", links + "</head>", 1)
    # Every resource must now be a file of static/ or a data: URL, nothing of the portal's.
    for url in re.findall(r'(?:src|href)="([^"]*)"', document):
        if not (url.startswith(("data:", STATIC.as_uri() + "/", "tel:", "mailto:", "http"))):
            raise RuntimeError(f"unexpected URL left in the standalone HTML: {url[:80]}")
    if prefix in document:
        raise RuntimeError(f"{prefix} left in the standalone HTML")
    return document


def render_plain(document: str) -> bytes:
    """The plain call: a fresh HTML and write_pdf, default fetcher, no font_config or cache."""
    pdf = weasyprint.HTML(string=document, base_url=PLAIN_BASE_URL).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


# Where a render spends its time, by WeasyPrint phase: the function whose cumulative time
# (cProfile) is the phase. They do not nest in one another.
def _phase_functions() -> list[tuple[str, FunctionType]]:
    from weasyprint.css import get_all_computed_styles
    from weasyprint.document import Page
    from weasyprint.formatting_structure.build import build_formatting_structure
    from weasyprint.layout import layout_document
    from weasyprint.pdf import generate_pdf
    from weasyprint.pdf.fonts import build_fonts_dictionary

    return [
        ("HTML parse (tinyhtml5, `HTML()`)", weasyprint.HTML.__init__),
        ("styles (cascade + computed values, `get_all_computed_styles`)", get_all_computed_styles),
        ("boxes (`build_formatting_structure`, images)", build_formatting_structure),
        ("layout (`layout_document`)", layout_document),
        ("drawing (`Page.paint`)", Page.paint),
        ("fonts: subset + embed (`build_fonts_dictionary`)", build_fonts_dictionary),
        ("other PDF objects (rest of `generate_pdf`)", generate_pdf),
        ("PDF writing (pydyf `PDF.write`, compression)", pydyf.PDF.write),
    ]


def _code_key(function: FunctionType) -> tuple[str, int, str]:
    code = function.__code__
    return (code.co_filename, code.co_firstlineno, code.co_name)


def _function_name(key: tuple[str, int, str]) -> str:
    """Name a cProfile entry briefly: package/file.py:line(function), or a built-in's name."""
    filename, line, name = key
    if filename == "~":  # built-in functions and methods
        return name.strip("<>")
    return f"{Path(filename).parent.name}/{Path(filename).name}:{line}({name})"


def profile(action: Callable[[], object], runs: int = PROFILE_RUNS) -> dict[str, Any]:
    """Run `action` under cProfile; return ms per render by phase and the top own-time calls.

    The garbage collector is off while profiling: a collection would be charged to whatever
    function happened to run, and the timed series above already show its cost.
    """
    action()
    profiler = cProfile.Profile()
    gc.collect()
    gc.disable()
    try:
        began = time.perf_counter()
        for _ in range(runs):
            profiler.runcall(action)
        wall = (time.perf_counter() - began) / runs
    finally:
        gc.enable()
    stats = pstats.Stats(profiler)
    table: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]

    def cumulative(function: FunctionType) -> float:
        entry = table.get(_code_key(function))
        return entry[3] / runs if entry else 0.0

    functions = _phase_functions()
    total = sum(entry[2] for entry in table.values()) / runs  # all own time = profiled time
    phases: list[dict[str, Any]] = []
    for name, function in functions:
        seconds = cumulative(function)
        if function.__name__ == "generate_pdf":
            seconds -= cumulative(functions[4][1]) + cumulative(functions[5][1])
        phases.append({"phase": name, "ms": seconds * 1000})
    phases.append({"phase": "everything else", "ms": total * 1000 - sum(p["ms"] for p in phases)})
    for phase in phases:
        phase["share"] = phase["ms"] / (total * 1000)
    top = sorted(table.items(), key=lambda item: item[1][2], reverse=True)[:8]
    return {
        "runs": runs,
        "profiled_ms": total * 1000,
        "wall_ms_with_profiler": wall * 1000,
        "phases": phases,
        "top_own_time": [
            {
                "function": _function_name(key),
                "own_ms": value[2] / runs * 1000,
                "calls": value[1] / runs,
            }
            for key, value in top
        ],
    }


def measure() -> dict[str, Any]:
    """Run every print measurement once; return the numbers."""
    began = time.monotonic()
    # A throwaway instance folder for the staff account the POSTs log in with.
    instance = tempfile.TemporaryDirectory(prefix="wegwijs-bench-")
    app = make_app(instance.name)
    version = app.extensions["wegwijs_assets"].version
    client = app.test_client()
    log_in_staff(client)

    # 1. The one-page personal plan, rendered by our Printer.
    print("  personal plan (nl): printer().render ...", flush=True)
    html = personal_plan_html(app, "nl")
    ours_pdf, ours_samples = render_ours(app, html, "nl")
    ours = summary(ours_samples) | {"bytes": len(ours_pdf), "pages": page_count(ours_pdf)}

    print("  personal plan (nl): POST through the test client ...", flush=True)
    posted: list[bytes] = []

    def post() -> None:
        response = client.post(PERSONAL_PLAN_PATH, data=person("nl"))
        if response.status_code != 200 or response.mimetype != "application/pdf":
            raise RuntimeError(f"POST {PERSONAL_PLAN_PATH}: {response.status} {response.mimetype}")
        if response.headers.get("Cache-Control") != "no-store":
            raise RuntimeError("the personal plan was sent without Cache-Control: no-store")
        posted.append(response.data)

    post_summary = summary(timed(post))
    post_summary |= {"bytes": len(posted[-1]), "pages": page_count(posted[-1])}

    # 2. The same document through a plain WeasyPrint call.
    print("  personal plan (nl): plain weasyprint.HTML().write_pdf() ...", flush=True)
    document = standalone(html, version)
    plain_pdfs: list[bytes] = []
    plain_samples = timed(lambda: plain_pdfs.append(render_plain(document)))
    plain = summary(plain_samples) | {
        "bytes": len(plain_pdfs[-1]),
        "pages": page_count(plain_pdfs[-1]),
    }

    # Where one render spends its time (ours, then plain), under cProfile.
    print("  profiling one render of each ...", flush=True)
    with app.test_request_context(PERSONAL_PLAN_PATH):
        profile_ours = profile(lambda: printer().render(html))
    profile_plain = profile(lambda: render_plain(document))

    # 3. and 4. Public plan PDFs: the first request renders, the next ones are cached.
    public: dict[str, Any] = {}
    for lang in PUBLIC_PLAN_LANGUAGES:
        path = f"/{lang}/plan.pdf"
        print(f"  {path}: first request, then cached ...", flush=True)
        first_began = time.perf_counter()
        response = client.get(path)
        first_ms = (time.perf_counter() - first_began) * 1000
        if response.status_code != 200 or response.mimetype != "application/pdf":
            raise RuntimeError(f"GET {path}: {response.status} {response.mimetype}")
        pdf = response.data
        entry: dict[str, Any] = {
            "path": path,
            "first_request_ms": first_ms,
            "bytes": len(pdf),
            "pages": page_count(pdf),
        }
        if lang == "nl":

            def cached(path: str = path, pdf: bytes = pdf) -> None:
                again = client.get(path)
                if again.status_code != 200 or again.data != pdf:
                    raise RuntimeError(f"GET {path} again did not give the same PDF")

            entry["cached"] = summary(timed(cached))
        public[lang] = entry

    # 4. The two-page personal plans (their language plus Dutch).
    others: dict[str, Any] = {}
    for lang in OTHER_PERSONAL_LANGUAGES:
        print(f"  personal plan ({lang}): printer().render ...", flush=True)
        other_pdf, other_samples = render_ours(app, personal_plan_html(app, lang), lang)
        others[lang] = summary(other_samples) | {
            "bytes": len(other_pdf),
            "pages": page_count(other_pdf),
            "expected_pages": EXPECTED_OTHER_PAGES,
        }

    instance.cleanup()
    ratio = plain["median_ms"] / ours["median_ms"]
    cached_median = public["nl"]["cached"]["median_ms"]
    return {
        "seconds": time.monotonic() - began,
        "runs": RUNS,
        "warmup": WARMUP,
        "versions": {
            "python": platform.python_version(),
            "weasyprint": weasyprint.__version__,
            "pydyf": pydyf.__version__,
            "pango": _pango_version(),
            "pypdf": pypdf.__version__,
        },
        "person": PERSON,
        "plain_call": (
            f'weasyprint.HTML(string=<standalone HTML>, base_url="{PLAIN_BASE_URL}").write_pdf()'
        ),
        "personal_nl": ours,
        "personal_nl_post": post_summary,
        "personal_nl_plain": plain,
        "plain_over_ours": ratio,
        "personal_other": others,
        "public": public,
        "profile": {"ours": profile_ours, "plain": profile_plain},
        "targets": {
            "personal_plan_ms": ours["median_ms"] <= PERSONAL_PLAN_MS,
            "plain_ratio": ratio >= PLAIN_RATIO and plain["pages"] == ours["pages"],
            "cached_pdf_ms": cached_median <= CACHED_PDF_MS,
            "one_page_pdf_kb": ours["bytes"] <= ONE_PAGE_PDF_BYTES and ours["pages"] == 1,
        },
    }


def _pango_version() -> str:
    number = int(pango.pango_version())  # e.g. 15010 for 1.50.10
    return f"{number // 10000}.{number // 100 % 100}.{number % 100}"


def _verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**FAIL**"


def _kb(size: float) -> str:
    return f"{size / KB:.1f} KB"


def _ms(value: float) -> str:
    return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def gc_note(series: dict[str, Any], what: str) -> str:
    """Say how much of a series' spread is Python's garbage collector."""
    if not series["runs_with_gc_pause"]:
        return f"No garbage collection of {GC_PAUSE_MS:.0f} ms or more ran during the {what}."
    low, high = series["gc_pause_range_ms"]
    return (
        f"The garbage collector stays on, as in a worker: in {series['runs_with_gc_pause']} of "
        f"the {series['runs']} {what} a collection took {low:.0f}–{high:.0f} ms "
        f"(`gc.callbacks`), which is what sets the p90; the median of the other runs is "
        f"{_ms(series['median_without_gc_pause_ms'])}."
    )


def render(results: dict[str, Any], heading: str) -> str:
    """Return the Markdown of the print results (the part inside the print markers)."""
    ours = results["personal_nl"]
    post = results["personal_nl_post"]
    plain = results["personal_nl_plain"]
    ratio = results["plain_over_ours"]
    public = results["public"]
    cached = public["nl"]["cached"]
    targets = results["targets"]
    versions = results["versions"]
    pages_match = plain["pages"] == ours["pages"]

    lines = [
        "#### Printing (PDF, in-process)",
        "",
        heading,
        "",
        f"- WeasyPrint {versions['weasyprint']}, pydyf {versions['pydyf']}, Pango "
        f"{versions['pango']}, Python {versions['python']}; pages counted with pypdf "
        f"{versions['pypdf']}.",
        f"- {results['runs']} timed runs per series after {results['warmup']} warm-up runs; "
        "median and p90 (nearest rank) of `time.perf_counter`. One process, no server: "
        "the app object, `printer().render(html)` and Flask's test client.",
        "",
        "| target | measured | result |",
        "|---|---|---|",
        f"| personal plan (nl, 1 page) `printer().render` median ≤ {PERSONAL_PLAN_MS:.0f} ms "
        f"| {_ms(ours['median_ms'])} (p90 {_ms(ours['p90_ms'])}) "
        f"| {_verdict(targets['personal_plan_ms'])} |",
        f"| ≥ {PLAIN_RATIO:.0f}× faster than the plain `weasyprint.HTML(string=…).write_pdf()` "
        f"(ratio of medians, same run) | {ratio:.2f}× ({_ms(plain['median_ms'])} / "
        f"{_ms(ours['median_ms'])})"
        + ("" if pages_match else f"; **page counts differ: {plain['pages']} vs {ours['pages']}**")
        + f" | {_verdict(targets['plain_ratio'])} |",
        f"| cached plan PDF (`/nl/plan.pdf` from the PdfCache, test client) median ≤ "
        f"{CACHED_PDF_MS:.0f} ms | {_ms(cached['median_ms'])} (p90 {_ms(cached['p90_ms'])}) "
        f"| {_verdict(targets['cached_pdf_ms'])} |",
        f"| one-page personal plan PDF ≤ {ONE_PAGE_PDF_BYTES // KB} KB "
        f"| {_kb(ours['bytes'])} ({ours['bytes']:,} B), {ours['pages']} page"
        f"{'s' if ours['pages'] != 1 else ''} | {_verdict(targets['one_page_pdf_kb'])} |",
        "",
        "| what | median | p90 | min | max | PDF size | pages |",
        "|---|---|---|---|---|---|---|",
    ]

    def row(name: str, s: dict[str, Any]) -> str:
        pages = str(s["pages"])
        if s.get("expected_pages", s["pages"]) != s["pages"]:
            pages = f"**{s['pages']} (expected {s['expected_pages']})**"
        return (
            f"| {name} | {_ms(s['median_ms'])} | {_ms(s['p90_ms'])} | {_ms(s['min_ms'])} "
            f"| {_ms(s['max_ms'])} | {_kb(s['bytes'])} | {pages} |"
        )

    lines += [
        row("personal plan nl: `printer().render(html)`", ours),
        row(f"personal plan nl: whole `POST {PERSONAL_PLAN_PATH}` (test client)", post),
        row("personal plan nl: plain `weasyprint.HTML(string=…).write_pdf()`", plain),
    ]
    for lang, other in results["personal_other"].items():
        lines.append(row(f"personal plan {lang} (+ nl): `printer().render(html)`", other))
    lines.append(
        f"| `/nl/plan.pdf` cached (PdfCache, test client) | {_ms(cached['median_ms'])} "
        f"| {_ms(cached['p90_ms'])} | {_ms(cached['min_ms'])} | {_ms(cached['max_ms'])} "
        f"| {_kb(public['nl']['bytes'])} | {public['nl']['pages']} |"
    )
    for entry in public.values():
        lines.append(
            f"| `{entry['path']}` first request (renders; 1 run) "
            f"| {_ms(entry['first_request_ms'])} | | | | {_kb(entry['bytes'])} "
            f"| {entry['pages']} |"
        )
    person = results["person"]
    lines += [
        "",
        f"The personal plan: “{person['name']}”, {person['municipality']}, "
        f"{person['route']}, now at {person['current_step']}, two contacts and two "
        "appointments. Its HTML is built once (`personal_plan_html` in a test request "
        "context); only the PDF is timed. The Arabic and Tigrinya plans print the person's "
        "language and then Dutch, meant to be one sheet each. The POST row adds the form, its "
        "checks and the HTML to the render. The plain call gets the same HTML made standalone "
        "(static "
        "URLs as `file://` paths, `print-fonts.css` and `print.css` linked in `<head>`), "
        "`base_url="
        f'"{PLAIN_BASE_URL}"`, the default URL fetcher and no `font_config` or cache, fresh '
        "each run. 1 KB = 1,000 bytes.",
        "",
        gc_note(ours, "renders of the nl personal plan"),
    ]
    wrong = [
        f"{lang} ({other['pages']} pages)"
        for lang, other in results["personal_other"].items()
        if other["pages"] != other["expected_pages"]
    ]
    if wrong:
        lines += [
            "",
            f"**Note:** the personal plan of {', '.join(wrong)} does not fit its language and "
            f"Dutch on {EXPECTED_OTHER_PAGES} sheets with this person (two contacts, two "
            "appointments, Tilburg's contact box): a page of it runs over onto an extra sheet.",
        ]
    lines += [
        "",
        "Where one render of the nl personal plan spends its time (cProfile, "
        f"{results['profile']['ours']['runs']} renders averaged; the profiler slows everything "
        "down, so read the shares):",
        "",
        "| phase | ours | share | plain call | share |",
        "|---|---|---|---|---|",
    ]
    ours_profile, plain_profile = results["profile"]["ours"], results["profile"]["plain"]
    for mine, theirs in zip(ours_profile["phases"], plain_profile["phases"], strict=True):
        lines.append(
            f"| {mine['phase']} | {_ms(mine['ms'])} | {mine['share']:.0%} "
            f"| {_ms(theirs['ms'])} | {theirs['share']:.0%} |"
        )
    lines.append(
        f"| **total under cProfile** | **{_ms(ours_profile['profiled_ms'])}** | "
        f"| **{_ms(plain_profile['profiled_ms'])}** | |"
    )
    lines += [
        "",
        "Most own time in our render (cProfile): "
        + "; ".join(
            f"`{t['function']}` {_ms(t['own_ms'])}" for t in ours_profile["top_own_time"][:5]
        )
        + ".",
    ]
    return "\n".join(lines)
