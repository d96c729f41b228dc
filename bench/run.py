"""Run every Wegwijs benchmark once and write the results into bench/README.md.

`make bench` runs this file. It first measures printing in this process (print_speed.py:
the app object and Flask's test client, no server), then the mail merge (merge_speed.py: the
same, plus one child process for the memory of a 1,000-row list). Then it starts its own gunicorn
(2 workers) on a free port of 127.0.0.1, waits for /healthz, measures the transferred size
of the pages (page_size.py) and the throughput of step pages (throughput.py), stops gunicorn
(also on an error or a timeout) and rewrites the part of bench/README.md between the result
markers. The raw numbers and gunicorn's log go to bench/out/ (not committed).

`--only print` runs the print benchmark alone, `--only merge` the mail merge alone and
`--only server` the two against gunicorn; each rewrites only its own part of the results in the
README.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from bench import merge_speed, page_size, print_speed, throughput
from tools.chromium import CHROMIUM

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
README = BENCH / "README.md"
START_MARKER = "<!-- results:start -->"
END_MARKER = "<!-- results:end -->"
# The print and merge results sit inside the results, between these, so `--only` can replace
# one part.
PRINT_START_MARKER = "<!-- print-results:start -->"
PRINT_END_MARKER = "<!-- print-results:end -->"
MERGE_START_MARKER = "<!-- merge-results:start -->"
MERGE_END_MARKER = "<!-- merge-results:end -->"
SUBPARTS = {
    "print": (PRINT_START_MARKER, PRINT_END_MARKER),
    "merge": (MERGE_START_MARKER, MERGE_END_MARKER),
}
PARTS = ("print", "merge", "server")
HOST = "127.0.0.1"
WORKERS = 2
COMMAND = "make bench  # runs: .venv/bin/python -m bench.run"
# The print benchmark and the server part must end within this many seconds, the mail merge
# within MERGE_LIMIT_SECONDS more (it is cut off after that alone); gunicorn and the merge's
# child process are stopped either way.
RUN_LIMIT_SECONDS = 235
MERGE_LIMIT_SECONDS = 300
HEALTH_TIMEOUT_SECONDS = 30

KB = 1000  # the targets are read strictly: 1 KB = 1,000 bytes
STEP_WITHOUT_FONTS_LIMIT = 30 * KB
TI_STEP_FIRST_VISIT_LIMIT = 150 * KB
STEP_PAGES_PER_SECOND = 1000


class RunTimeout(Exception):
    """The run took longer than its limit (run_limit)."""


def run_limit(parts: list[str]) -> int:
    """Return the seconds the parts may take together."""
    limit = RUN_LIMIT_SECONDS if set(parts) - {"merge"} else 0
    return limit + (MERGE_LIMIT_SECONDS if "merge" in parts else 0)


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise RunTimeout("the benchmark run took longer than its limit (see run_limit in bench/run.py)")


def _on_term(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def app_fingerprint() -> str:
    """Return a hash of what the pages are made of (code, templates, content, catalogs,
    static files), to notice when they change during a run."""
    digest = hashlib.sha256()
    for folder in ("portal", "content", "translations", "static"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def machine_load(seconds: float = 2.0) -> float:
    """Return how many cores other processes keep busy now (sampled before the run)."""
    busy, irq, _ = throughput.machine_seconds()
    time.sleep(seconds)
    busy_after, irq_after, _ = throughput.machine_seconds()
    return (busy_after - busy + irq_after - irq) / seconds


def free_port() -> int:
    """Return a TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_command(port: int) -> list[str]:
    """Return the gunicorn command line for the port."""
    return [
        ".venv/bin/gunicorn",
        "--no-control-socket",
        "--workers",
        str(WORKERS),
        "--bind",
        f"{HOST}:{port}",
        "app:app",
    ]


def start_server(port: int, log: Path) -> subprocess.Popen[bytes]:
    """Start gunicorn in the project root, its output into the log file."""
    with log.open("wb") as handle:
        return subprocess.Popen(
            server_command(port), cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT
        )


def wait_healthy(server: subprocess.Popen[bytes], port: int, log: Path) -> dict[str, Any]:
    """Poll /healthz until it says ok; fail when gunicorn exits or takes too long."""
    import http.client

    deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
    last = "no answer"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with {server.returncode}:\n{log.read_text()[-2000:]}"
            )
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            body = response.read()
            conn.close()
            if response.status == 200:
                health: dict[str, Any] = json.loads(body)
                if health.get("status") == "ok":
                    return health
            last = f"{response.status} {body[:200]!r}"
        except OSError as error:
            last = str(error)
        time.sleep(0.2)
    raise RuntimeError(f"/healthz not ok after {HEALTH_TIMEOUT_SECONDS} s: {last}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn (SIGTERM: graceful), killing it when it does not end in time."""
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=5)


def machine_basics() -> dict[str, str]:
    """Describe the machine and Python."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": str(len(os.sched_getaffinity(0))),
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def machine() -> dict[str, str]:
    """Describe the machine and the tools the server numbers depend on."""
    chromium = subprocess.run(
        [CHROMIUM, "--version"], capture_output=True, text=True, timeout=20
    ).stdout.strip()
    gunicorn = subprocess.run(
        [str(ROOT / ".venv/bin/gunicorn"), "--version"], capture_output=True, text=True
    ).stdout.strip()
    return machine_basics() | {
        "chromium": chromium,
        "wrk": throughput.wrk_version(),
        "gunicorn": gunicorn,
    }


def kb(size: float) -> str:
    """Format bytes as KB (1,000 bytes)."""
    return f"{size / KB:.1f} KB"


def verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**FAIL**"


def render(results: dict[str, Any]) -> str:
    """Return the Markdown of the results section."""
    info = results["machine"]
    sizes = results["page_size"]
    speed = results["throughput"]
    pages = sizes["pages"]
    steps = [p for p in pages if p["kind"] == "step"]
    worst_step = max(steps, key=lambda p: p["visit"]["non_font_body_bytes"])
    ti_step = next(p for p in steps if p["lang"] == "ti")
    translated = sizes["translated_ti"]
    median = speed["median_requests_per_second"]

    lines = [
        f"Measured {results['date']} in {results['seconds']:.0f} s with `{results['command']}`.",
        "",
        f"- Machine: {info['nproc']} CPUs (nproc), {info['cpu']}, {info['os']}",
        f"- Python {info['python']}; {info['chromium']} (Playwright reports "
        f"{sizes['browser_version']}); {info['wrk']}; {info['gunicorn']}",
        f"- Server: `{' '.join(results['server_command'])}` (cwd: project root), "
        "started and stopped by `bench/run.py`",
        "- wrk and gunicorn share the same 2 cores, so the req/s below are lower than the "
        "server alone would reach.",
        f"- Before the run, other processes kept {results['load_before_cores']:.2f} of the "
        f"{info['nproc']} cores busy (2 s sample of `/proc/stat`).",
        "- Sizes: 1 KB = 1,000 bytes. *Bodies* are encoded response bodies as received "
        '(Playwright `request.sizes()["responseBodySize"]`); *+ headers* adds the response '
        "headers (`responseHeadersSize`). Targets are checked on bodies.",
        "",
        "#### Targets",
        "",
        "| target | measured | result |",
        "|---|---|---|",
        f"| step page ≤ 30 KB without fonts (HTML + CSS + images, first visit), every language "
        f"| largest: {worst_step['lang']} {kb(worst_step['visit']['non_font_body_bytes'])} "
        f"| {verdict(worst_step['visit']['non_font_body_bytes'] <= STEP_WITHOUT_FONTS_LIMIT)} |",
        f"| first visit of the Tigrinya step page ≤ 150 KB, everything (as the portal serves "
        f"it now) | {kb(ti_step['visit']['body_bytes'])}, fonts: "
        f"{', '.join(ti_step['visit']['fonts']) or 'none loaded'} "
        f"| {verdict(ti_step['visit']['body_bytes'] <= TI_STEP_FIRST_VISIT_LIMIT)} |",
    ]
    if translated and not ti_step["visit"]["fonts"]:
        lines.append(
            f"| the same with Tigrinya text in the page (simulated, see below) "
            f"| {kb(translated['visit']['body_bytes'])}, fonts: "
            f"{', '.join(translated['visit']['fonts']) or 'none loaded'} "
            f"| {verdict(translated['visit']['body_bytes'] <= TI_STEP_FIRST_VISIT_LIMIT)} |"
        )
    lines += [
        f"| ≥ 1,000 step pages per second (gunicorn, 2 workers; median of "
        f"{len(speed['runs'])} runs) | {median:,.0f} req/s "
        f"| {verdict(median >= STEP_PAGES_PER_SECOND)} |",
        "",
        "#### Transferred size",
        "",
        "HTML = the page alone as sent with `Accept-Encoding: gzip` (gzip bytes on the wire; "
        "in brackets the size after decoding). First visit = chromium 360×740, empty cache, "
        "every request the page made.",
        "",
        "| page | HTML gzip (decoded) | requests | bodies | + headers | fonts | without fonts "
        "| fonts loaded | target |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    rows = list(pages) + ([translated] if translated else [])
    for page in rows:
        html, visit = page["html"], page["visit"]
        targets = []
        if page["kind"] == "step":
            ok = visit["non_font_body_bytes"] <= STEP_WITHOUT_FONTS_LIMIT
            targets.append(f"≤ 30 KB w/o fonts: {verdict(ok)}")
        if page["lang"] == "ti" and page["kind"] != "plan":
            ok = visit["body_bytes"] <= TI_STEP_FIRST_VISIT_LIMIT
            targets.append(f"≤ 150 KB all: {verdict(ok)}")
        name = f"`{html['path']}`" + (" + Tigrinya text" if page is translated else "")
        lines.append(
            f"| {name} | {html['wire_body_bytes']:,} B ({html['decoded_body_bytes']:,} B) "
            f"| {visit['request_count']} | {kb(visit['body_bytes'])} "
            f"| {kb(visit['body_and_header_bytes'])} | {kb(visit['font_body_bytes'])} "
            f"| {kb(visit['non_font_body_bytes'])} | {', '.join(visit['fonts']) or '—'} "
            f"| {'; '.join(targets) or '—'} |"
        )
    if not ti_step["visit"]["fonts"]:
        lines += [
            "",
            "The Tigrinya step page loads **no Ethiopic font** today: its visible text is not "
            "Tigrinya (the step text falls back to Dutch and the interface strings show in "
            "English), and the only Ethiopic characters are in the pictogram's `alt`, which is "
            "not drawn. The `unicode-range` of the font faces then keeps the font away. So the "
            "first row for `/ti/plan/brede-intake/` says little about a translated page.",
        ]
    if translated:
        lines += [
            "",
            "Simulated Tigrinya page: after loading `/ti/plan/brede-intake/` the benchmark "
            "puts the page's own Tigrinya text (the pictogram's alt text "
            f"“{translated['visit']['injected_text']}”) into the bold `h1` and the regular "
            "lead paragraph, in the browser only, and counts what chromium then fetches "
            "through the portal's own CSS: the Ethiopic font in the weights a translated page "
            "needs.",
        ]
    lines += [
        "",
        "#### Throughput of step pages",
        "",
        f"`{speed['runs'][0]['command']}`: {len(speed['paths'])} step pages "
        f"({len(speed['paths']) // max(len(results['languages']), 1)} steps × "
        f"{', '.join(results['languages'])}) round robin with `Accept-Encoding: gzip`; "
        f"a {speed['warmup_seconds']} s warm-up run is not counted.",
        "",
        "| run | req/s | requests | latency p50 | p90 | p99 | max | errors | bytes/response "
        "| CPU cores: gunicorn / wrk / kernel irq / other | pages per gunicorn CPU-second |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    named = [("warm-up (not counted)", speed["warmup"])]
    named += [(str(n), run) for n, run in enumerate(speed["runs"], 1)]
    for name, run in named:
        lat, cpu = run["latency_ms"], run["cpu_cores"]
        lines.append(
            f"| {name} | {run['requests_per_second']:,.0f} | {run['requests']:,} "
            f"| {lat['p50']:.1f} ms | {lat['p90']:.1f} ms | {lat['p99']:.1f} ms "
            f"| {lat['max']:.1f} ms | {run['errors']} | {run['bytes_per_response']:,.0f} "
            f"| {cpu['gunicorn']:.2f} / {cpu['wrk']:.2f} / {cpu['irq']:.2f} "
            f"/ {cpu['other']:.2f} "
            f"| {run['pages_per_gunicorn_cpu_second']:,.0f} |"
        )
    efficiency = speed["median_pages_per_gunicorn_cpu_second"]
    lines.append(
        f"| **median** | **{median:,.0f}** | | | | | | | | | **{efficiency:,.0f}** |",
    )
    lines += [
        "",
        "*errors* counts connect/read/write errors, timeouts and non-2xx/3xx answers; "
        "*bytes/response* (headers + gzip body, as read by wrk) shows the pages went out "
        "compressed. *CPU cores* is CPU time per second of the run, from `/proc`: gunicorn's "
        "master and workers, wrk, the kernel's interrupt work (mostly the loopback traffic "
        "itself) and everything else on the machine (other = all other busy time). "
        "*Pages per gunicorn CPU-second* does not depend on how the cores were shared.",
    ]
    other = max(run["cpu_cores"]["other"] for run in speed["runs"])
    if other >= 0.1:
        lines += [
            "",
            f"Other processes on the machine used up to {other:.2f} cores during the measured "
            "runs; runs with more other load serve fewer pages per second.",
        ]
    if results["app_fingerprint"][0] != results["app_fingerprint"][1]:
        lines += [
            "",
            "**Warning:** the app's code, content, catalogs or static files changed during this "
            "run, so its numbers may mix two versions. Run `make bench` again.",
        ]
    return "\n".join(lines)


def render_print(results: dict[str, Any]) -> str:
    """Return the Markdown of the print results, with the run they come from."""
    measured = results["print"]
    info = results["machine"]
    heading = (
        f"Measured {results['date']} in {measured['seconds']:.0f} s with `{results['command']}` "
        f"({'before the server part, ' if 'server' in results['parts'] else ''}"
        f"{info['nproc']} CPUs, {info['cpu']}; before the run other processes kept "
        f"{results['load_before_cores']:.2f} cores busy)."
    )
    section = print_speed.render(measured, heading)
    if results["app_fingerprint"][0] != results["app_fingerprint"][1]:
        section += (
            "\n\n**Warning:** the app's code, content, catalogs or static files changed during "
            "this run, so its numbers may mix two versions. Run the benchmark again."
        )
    return section


def render_merge(results: dict[str, Any]) -> str:
    """Return the Markdown of the mail merge results, with the run they come from."""
    measured = results["merge"]
    info = results["machine"]
    heading = (
        f"Measured {results['date']} in {measured['seconds']:.0f} s with `{results['command']}` "
        f"({'before the server part, ' if 'server' in results['parts'] else ''}"
        f"{info['nproc']} CPUs, {info['cpu']}; before the run other processes kept "
        f"{results['load_before_cores']:.2f} cores busy)."
    )
    section = merge_speed.render(measured, heading)
    if results["app_fingerprint"][0] != results["app_fingerprint"][1]:
        section += (
            "\n\n**Warning:** the app's code, content, catalogs or static files changed during "
            "this run, so its numbers may mix two versions. Run the benchmark again."
        )
    return section


def split_results(text: str) -> tuple[str, dict[str, str]]:
    """Split the results text of the README into the server part and the marked parts
    (print, merge), each without its markers."""
    parts: dict[str, str] = {}
    for part, (start_marker, end_marker) in SUBPARTS.items():
        start = text.find(start_marker)
        end = text.find(end_marker)
        if start < 0 or end < start:
            continue
        parts[part] = text[start + len(start_marker) : end].strip()
        text = text[:start] + text[end + len(end_marker) :]
    return text.strip(), parts


def write_readme(server_section: str | None, sections: dict[str, str | None]) -> None:
    """Replace the text between the result markers of bench/README.md.

    `sections` holds the print and merge parts. A part that was not measured in this run
    (None) keeps its text from the README.
    """
    text = README.read_text(encoding="utf-8")
    start = text.find(START_MARKER)
    end = text.find(END_MARKER)
    if start < 0 or end < start:
        raise RuntimeError(f"{README} lacks the markers {START_MARKER} ... {END_MARKER}")
    old_server, old_parts = split_results(text[start + len(START_MARKER) : end])
    server = old_server if server_section is None else server_section
    blocks = [server] if server else []
    for part, (start_marker, end_marker) in SUBPARTS.items():
        new = sections.get(part)
        kept = old_parts.get(part) if new is None else new
        if kept:
            blocks.append(f"{start_marker}\n{kept}\n{end_marker}")
    section = "\n\n".join(blocks)
    new = text[: start + len(START_MARKER)] + "\n" + section + "\n" + text[end:]
    README.write_text(new, encoding="utf-8")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description="Run the Wegwijs benchmarks and write the results into bench/README.md.",
    )
    parser.add_argument(
        "--only",
        choices=PARTS,
        help="run one part only: 'print' (PDFs, in-process, no server), 'merge' (mail merge "
        "of a list, in-process plus one child process for memory) or 'server' (page sizes "
        "and throughput against gunicorn); default: everything",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    parts = list(PARTS) if args.only is None else [args.only]
    command = ".venv/bin/python -m bench.run" + (f" --only {args.only}" if args.only else "")
    OUT.mkdir(exist_ok=True)
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGTERM, _on_term)
    signal.alarm(run_limit(parts))
    began = time.monotonic()
    started = dt.datetime.now(dt.UTC)
    fingerprint_before = app_fingerprint()
    load_before = machine_load()
    results: dict[str, Any] = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "command": COMMAND if args.only is None else command,
        "parts": parts,
        "load_before_cores": load_before,
        "machine": machine_basics(),
    }
    try:
        if "print" in parts:
            # In this process, before gunicorn starts, so nothing else runs beside it.
            print("measuring printing (WeasyPrint, in-process) ...", flush=True)
            results["print"] = print_speed.measure()
        if "merge" in parts:
            # Also before gunicorn starts: the merge's workers should have the cores to themselves.
            print("measuring the mail merge (letters for a list) ...", flush=True)
            results["merge"] = merge_speed.measure()
        if "server" in parts:
            port = free_port()
            log = OUT / "gunicorn.log"
            server = start_server(port, log)
            try:
                health = wait_healthy(server, port, log)
                languages = list(health["languages"])
                print(f"gunicorn up on {HOST}:{port}; languages {', '.join(languages)}", flush=True)
                results["machine"] = machine()
                print("measuring transferred size (chromium) ...", flush=True)
                sizes = page_size.measure(HOST, port, languages)
                print("measuring throughput (wrk) ...", flush=True)
                speed = throughput.measure(HOST, port, languages, server.pid)
            finally:
                stop_server(server)
            results |= {
                "server_command": server_command(port),
                "languages": languages,
                "page_size": sizes,
                "throughput": speed,
            }
    finally:
        signal.alarm(0)
    results["seconds"] = time.monotonic() - began
    results["app_fingerprint"] = [fingerprint_before, app_fingerprint()]
    raw = json.dumps(results, indent=2, ensure_ascii=False)
    if "server" in parts:
        (OUT / "results.json").write_text(raw)
    if "print" in parts:
        (OUT / "print.json").write_text(raw)
    if "merge" in parts:
        (OUT / "merge.json").write_text(raw)
    server_section = render(results) if "server" in parts else None
    print_section = render_print(results) if "print" in parts else None
    merge_section = render_merge(results) if "merge" in parts else None
    write_readme(server_section, {"print": print_section, "merge": merge_section})
    for section in (server_section, print_section, merge_section):
        if section:
            print(section, end="\n\n")
    print(f"results written to {README.relative_to(ROOT)}; raw numbers in bench/out/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
