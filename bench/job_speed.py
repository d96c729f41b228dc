"""A list of letters through the real server: from upload to downloaded PDF, timed over HTTP.

    .venv/bin/python -m bench.job_speed [--rows 1000] [--output pdf|zip]

Starts the portal as `make run` does (gunicorn with gunicorn.conf.py: two web workers and the
job worker), on a free port, private copies of content/ and translations/ and a throwaway
instance folder (the fault suite's harness, tests/server/harness.py). Uploads a list of
people in four languages (nl, ar, ti, en, in turn), follows the job to its end, downloads
the result, and samples the memory of every process of the server meanwhile. Prints JSON:
letters per second end to end, the seconds of each part, the result's size, and the peak
memory (the sum of every process's VmRSS, which counts pages shared after fork once per
process, and the sum of their PSS, which splits each shared page among its users).

Then, with the server stopped, in the same run and on the same cores, two references:
- the plain-letter baseline: the same people's letters as their words only (each page's
  filled-in text, no letterhead, address, pictograms or QR code, no stylesheet of ours but
  the fonts and A4), printed the way the job prints (chunks of PEOPLE_PER_DOCUMENT, one
  print worker per core, joined): what WeasyPrint costs for the words alone;
- the size of our letters for the first --one-document-rows people printed as one document,
  against the same people printed as the job does (chunks joined);
- where the CPU time of one chunk goes, by WeasyPrint phase (cProfile), for our letters and
  for the plain ones, in ms per letter.
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import threading
import time
from pathlib import Path

from pypdf import PdfReader
from weasyprint import CSS

from bench.merge_speed import make_app
from bench.print_speed import profile
from portal import content, letters, printing
from portal.i18n import languages
from portal.letters import Person, page_languages
from portal.markup import fill_placeholders
from portal.merge import check_list, read_table
from portal.texts import Letter
from tests.server.harness import (
    LETTER,
    LIST_PAGE,
    MUNICIPALITY,
    Server,
    csrf_token,
    is_job_worker,
    logged_in,
    vm_rss_mb,
)
from tests.server.test_jobs import list_csv, state_of

SAMPLE_SECONDS = 0.2
PROFILE_RUNS = 3  # chunks profiled (cProfile, garbage collector off) for each kind of letter
# One WeasyPrint document of 1,000 letters takes about 4 GB and minutes: by default the
# size comparison uses the first 100 (--one-document-rows changes it).
ONE_DOCUMENT_ROWS = 100
# The plain letter: A4 and the letter's font size, nothing else (every print also gets our
# fonts, print-fonts.css).
PLAIN_CSS = """
@page { size: A4; margin: 20mm; }
html { font-family: "Noto Sans", "Noto Sans Arabic", "Noto Sans Ethiopic"; font-size: 10.5pt; }
.page { break-after: page; }
"""


def processes(root: int) -> list[int]:
    """Return a process and all its descendants."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                todo += [int(child) for child in task.read_text(encoding="ascii").split()]
            except OSError:
                continue
    return found


def parent(pid: int) -> int:
    """Return the parent of a process (0 once it has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return 0
    return int(stat.rsplit(")", 1)[1].split()[1])


def process_kind(pid: int, master: int) -> str:
    """Name what a process of the server is: gunicorn's master or a web worker, the job
    worker (its supervisor, the consumer it forks, the print workers the consumer forks)."""
    if pid == master:
        return "gunicorn master"
    up = parent(pid)
    if up == master:
        return "job worker: supervisor" if is_job_worker(pid) else "web workers"
    if parent(up) == master:
        return "job worker: consumer"
    return "job worker: print workers"


def pss_mb(pid: int) -> float:
    """Return a process's proportional set size (shared pages split among their users), MB."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii").splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass  # the process ended meanwhile
    return 0.0


def measure(rows: int, output: str) -> dict[str, object]:
    """Print a list of `rows` people through a fresh server; return what was measured."""
    with tempfile.TemporaryDirectory(prefix="wegwijs-bench-") as folder:
        server = Server(Path(folder) / "server", {}).prepare(False)
        server.start()
        try:
            staff = logged_in(
                server.port, server.account("bench@example.org", "staff", MUNICIPALITY)
            )
            peak = {"mb": 0.0, "pss_mb": 0.0}
            at_peak: dict[str, float] = {}  # the PSS of each kind of process at the peak
            stop = threading.Event()

            def sample() -> None:
                while not stop.wait(SAMPLE_SECONDS):
                    pids = processes(server.master)
                    total = sum(vm_rss_mb(pid) or 0.0 for pid in pids)
                    peak["mb"] = max(peak["mb"], total)
                    pss = {pid: pss_mb(pid) for pid in pids}
                    if sum(pss.values()) > peak["pss_mb"]:
                        peak["pss_mb"] = sum(pss.values())
                        at_peak.clear()
                        for pid, mb in pss.items():
                            kind = process_kind(pid, server.master)
                            at_peak[kind] = at_peak.get(kind, 0.0) + mb

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            page = staff.get(LIST_PAGE)
            fields = {"municipality": MUNICIPALITY, "csrf_token": csrf_token(page.text)}
            data = list_csv(rows)
            began = time.perf_counter()
            reply = staff.upload(
                LIST_PAGE, fields | {"output": output}, {"list": ("lijst.csv", data, "text/csv")}
            )
            answered = time.perf_counter() - began
            job_page = reply.location.split(f":{server.port}", 1)[-1]
            while (state := state_of(staff, job_page))["state"] not in ("done", "failed"):
                time.sleep(0.2)
            printed = time.perf_counter() - began
            result = staff.get(str(state["download"]), timeout=120)
            total = time.perf_counter() - began
            stop.set()
            sampler.join()
            return {
                "rows": rows,
                "output": output,
                "state": state["state"],
                "upload_answered_seconds": round(answered, 2),
                "printed_seconds": round(printed, 2),
                "downloaded_seconds": round(total, 2),
                "letters_per_second": round(rows / total, 1),
                "result_bytes": len(result.body),
                "peak_vmrss_sum_mb": round(peak["mb"]),
                "peak_pss_sum_mb": round(peak["pss_mb"]),
                "pss_at_peak_mb": {kind: round(mb) for kind, mb in sorted(at_peak.items())},
            }
        finally:
            server.stop()


def plain_pages(person: Person, letter: Letter) -> str:
    """Return a person's letter as its words only: each page's filled-in text."""
    pages = []
    for lang in page_languages(letter, person.lang):
        direction = languages()[lang].dir
        text = letter.text(lang)
        body = fill_placeholders(text.html, person.formatted(lang), lang, direction)
        pages.append(
            f'<div class="page" lang="{lang}" dir="{direction}"><p>{text.subject}</p>{body}</div>'
        )
    return "".join(pages)


def references(rows: int, one_document_rows: int) -> dict[str, object]:
    """Measure the plain-letter baseline and the one-document size (see the module's doc)."""
    with tempfile.TemporaryDirectory(prefix="wegwijs-bench-") as folder:
        app = make_app(folder)
        with app.test_request_context("/"):
            loaded = content.current()
            letter = loaded.letters[LETTER]
            municipality = loaded.municipalities[MUNICIPALITY]
            fields = letters.letter_fields(letter)
            people, problems = check_list(fields, read_table("lijst.csv", list_csv(rows)))
            if problems:
                raise RuntimeError(f"the benchmark's list has problems: {problems[:3]}")
            shared = printing.printer()
            shared.stylesheets["plain"] = CSS(string=PLAIN_CSS)
            per_document = letters.PEOPLE_PER_DOCUMENT
            groups = [people[i : i + per_document] for i in range(0, rows, per_document)]
            began = time.perf_counter()
            documents = [
                "<!doctype html><meta charset=utf-8>"
                + "".join(plain_pages(person, letter) for person in group)
                for group in groups
            ]
            plain_pdf = printing.print_in_parallel(documents, stylesheet="plain")
            plain_seconds = time.perf_counter() - began

            # Where the time of one chunk goes, ours against the plain letter's words.
            ours = letters.letters_html(letter, municipality, groups[0])
            profiles = {
                "ours": profile(lambda: shared.render(ours, stylesheet="letter"), PROFILE_RUNS),
                "plain": profile(
                    lambda: shared.render(documents[0], stylesheet="plain"), PROFILE_RUNS
                ),
            }

            first = people[:one_document_rows]
            one_document = shared.render(
                letters.letters_html(letter, municipality, first), stylesheet="letter"
            )
            joined = letters.print_letters(letter, municipality, first)
    return {
        "plain_letters_per_second": round(rows / plain_seconds, 1),
        "plain_seconds": round(plain_seconds, 2),
        "plain_pages": len(PdfReader(io.BytesIO(plain_pdf)).pages),
        "one_document_rows": len(first),
        "one_document_bytes": len(one_document),
        "joined_bytes": len(joined),
        "joined_over_one_document": round(len(joined) / len(one_document), 2),
        "profile_people": len(groups[0]),
        "profile_ms_per_letter": {
            name: {
                "all": round(result["profiled_ms"] / len(groups[0]), 1),
                **{
                    phase["phase"].split(" (")[0]: round(phase["ms"] / len(groups[0]), 1)
                    for phase in result["phases"]
                },
            }
            for name, result in profiles.items()
        },
    }


def main() -> None:
    """Run the measurement and print it as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--output", choices=("pdf", "zip"), default="pdf")
    parser.add_argument("--one-document-rows", type=int, default=ONE_DOCUMENT_ROWS)
    args = parser.parse_args()
    results = measure(args.rows, args.output)
    results |= references(args.rows, args.one_document_rows)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
