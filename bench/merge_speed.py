"""Speed and memory of a mail merge: one letter printed for a whole list of people.

A list is made up in memory (CSV as Excel writes it: `;`, UTF-8 with BOM) for the letter
`uitnodiging-brede-intake` on Tilburg's letterhead, with the languages of the region mixed in
(38% Arabic, 37% Tigrinya, 15% Dutch, 10% English) and invented names and addresses: no real
personal data. Then, in this process on the app object (no server):

1. A 200-row merge the way the staff view does it: `merge.read_table` + `merge.check_list` +
   `letters.print_letters` (chunks of people, HTML made here, PDFs rendered by forked
   workers, joined with pypdf), called directly inside `app.test_request_context()`; and the
   whole `POST /staff/letters/<letter>/list` through Flask's test client, logged in as a staff
   account (CSRF off). 3 timed runs each after one untimed one-chunk warm-up merge; the median
   gives letters per second (people / seconds). Light wrappers in the direct runs split the
   time into reading the list, making the HTML, the workers' rendering and the joining.
2. The same letters through plain `weasyprint.HTML(string=...).write_pdf()` calls, one letter
   (one person: Dutch page, then their language) per call, the HTML made standalone as in
   print_speed.py. 20 of the 200 calls are timed (the same language mix) and extrapolated.
3. The peak memory of a 1,000-row merge, in a child process of its own (`bench/merge_memory.py`)
   so that nothing of this process is counted: its own and its workers' peak RSS
   (`getrusage`), and the peak of the sum of VmRSS over the process tree, sampled from /proc.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pypdf
import weasyprint
from flask import Flask
from flask.testing import FlaskClient

from bench.print_speed import log_in_staff, page_count, render_plain, standalone
from bench.throughput import machine_seconds
from portal import content, create_app, letters, merge, printing

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"

LETTER = "uitnodiging-brede-intake"
MUNICIPALITY = "tilburg"
MERGE_PATH = f"/staff/letters/{LETTER}/list"
LIST_FILENAME = "deelnemers-brede-intake.csv"
ROWS = 200
BIG_ROWS = 1000  # the most one list may have (merge.MAX_ROWS)
# The warm-up merges one chunk (letters.PEOPLE_PER_DOCUMENT rows): it is rendered in this
# process, so fonts and templates are loaded once, as in a worker that has printed before.
RUNS = 3
PLAIN_TIMED = 20  # of the ROWS plain calls, this many are timed and extrapolated
SEED = 2026
# The languages of the people on a list, as in the region.
LANGUAGE_MIX = (("ar", 0.38), ("ti", 0.37), ("nl", 0.15), ("en", 0.10))

KB = 1000
MB = 1000 * 1000  # the targets are read strictly: 1 MB = 1,000,000 bytes
LETTERS_PER_SECOND = 40.0
PEAK_MEMORY_BYTES = 500 * MB
ISSUE_PLAIN_LETTERS_PER_SECOND = 3.0  # what the issue says plain calls manage
MEMORY_SAMPLE_SECONDS = 0.2
MEMORY_TIMEOUT_SECONDS = 170
OTHER_LOAD_NOTE_CORES = 0.1  # say so when other processes used more than this meanwhile

# Invented people. First names and surnames are combined at random, so no one real is meant.
NAMES = {
    "ar": (
        "Ahmad Mohammed Omar Khaled Yusuf Samir Bilal Hassan Karim Tarek Fatima Rasha Lina Nour "
        "Hiba Yara Amal Rania Layla Huda",
        "Haddad Khalil Mansour Nasser Saleh Darwish Jaber Hamdan Kassab Othman Suleiman Abboud "
        "Al-Hassan Al-Khatib Zaher Barakat Qasem Shami Halabi Najjar",
    ),
    "ti": (
        "Yonas Dawit Filmon Mehari Semere Habtom Tesfay Biniam Amanuel Robel Selam Senait Rahwa "
        "Helen Saba Luwam Feven Hiwet Eden Winta",
        "Tekle Gebremedhin Haile Kidane Berhane Woldu Negash Asmerom Tesfamariam Mebrahtu Habte "
        "Yohannes Andemariam Ghirmay Kahsay Okbazghi Tewelde Zerai Fitwi Mesfin",
    ),
    "en": (
        "Amina Grace Daniel Farid Mariam Joseph Esther Samuel Halima Abdi Olena Patrick",
        "Yusuf Achieng Okello Ahmadi Hakimi Mensah Nkosi Warsame Farah Kovalenko Osei Nyambura",
    ),
}
# Dutch-reading people: half have a Dutch family name (with its tussenvoegsel), as after a
# marriage or for people who came as children; the others have names like the groups above.
DUTCH_NAMES = (
    "Jan Sanne Pieter Anouk Daan Lotte Bram Femke Ruud Ingrid Kees Marloes Noor Sem",
    (
        ("van", "Berg"),
        ("de", "Vries"),
        ("van", "Dijk"),
        ("van den", "Heuvel"),
        ("van der", "Linden"),
        ("van den", "Broek"),
        ("ter", "Veen"),
        ("van de", "Laar"),
        ("van der", "Wiel"),
        ("van 't", "Hof"),
        ("de", "Jong"),
        ("in 't", "Veld"),
        ("den", "Hartog"),
        ("van", "Gils"),
        ("", "Jansen"),
        ("", "Bakker"),
        ("", "Smits"),
        ("", "Kuijpers"),
    ),
)
# How staff write the language column (language_named accepts codes and names).
LANGUAGE_WRITTEN = {
    "ar": ("ar", "Arabisch", "arabisch", "Arabic"),
    "ti": ("ti", "Tigrinya", "Tigrinisch", "tigrinya"),
    "nl": ("nl", "Nederlands", "Dutch"),
    "en": ("en", "Engels", "English"),
}
# Invented addresses in the municipality of Tilburg: (town, first and last postcode digits).
TOWNS = (
    ("Tilburg", 5011, 5049, 90),
    ("Berkel-Enschot", 5056, 5057, 7),
    ("Udenhout", 5071, 5074, 3),
)
STREETS = (
    "Kastanjelaan Merelstraat Lijsterstraat Beukenlaan Molenstraat Nieuwstraat Zonnebloemstraat "
    "Populierenlaan Vlierstraat Esdoornstraat Klaverstraat Wilgenhof Akkerweg Distelstraat "
    "Heidestraat Ringweg-Noord Lindeplein Eikenlaan Jasmijnstraat Kievitstraat"
).split()
LOCATIONS = (
    "Stadskantoor, Voorbeeldplein 1, kamer 2.14",
    "Stadskantoor, Voorbeeldplein 1, kamer 3.02",
    "Wijkcentrum Noord, Akkerweg 12",
    "Servicepunt Berkel-Enschot, Molenstraat 40",
)
STAFF = (
    "mevrouw El Amrani",
    "meneer Van Dongen",
    "mevrouw Tesfaye",
    "meneer De Wit",
    "mevrouw Kaya",
    "meneer Hendriks",
)
SLOTS = (
    ("9:00", "10:30"),
    ("9:30", "11:00"),
    ("11:00", "12:30"),
    ("13:30", "15:00"),
    ("15:00", "16:30"),
)


def language_counts(rows: int) -> dict[str, int]:
    """Split `rows` over LANGUAGE_MIX by the largest remainder: 200 -> 76 ar, 74 ti, 30, 20."""
    exact = {lang: rows * share for lang, share in LANGUAGE_MIX}
    counts = {lang: int(value) for lang, value in exact.items()}
    by_remainder = sorted(exact, key=lambda lang: exact[lang] - counts[lang], reverse=True)
    for lang in by_remainder[: rows - sum(counts.values())]:
        counts[lang] += 1
    return counts


def people_rows(fields: list[str], rows: int, seed: int = SEED) -> list[dict[str, str]]:
    """Return `rows` invented people with the letter's values, languages mixed and shuffled."""
    rng = random.Random(seed)
    languages = [lang for lang, count in language_counts(rows).items() for _ in range(count)]
    rng.shuffle(languages)
    people = []
    for number, lang in enumerate(languages):
        tussenvoegsel = ""
        if lang == "nl" and rng.random() < 0.5:
            first = rng.choice(DUTCH_NAMES[0].split())
            tussenvoegsel, last = rng.choice(DUTCH_NAMES[1])
        else:
            group = lang if lang != "nl" else rng.choice(("ar", "ti", "en"))
            first = rng.choice(NAMES[group][0].split())
            last = rng.choice(NAMES[group][1].split())
        town, low, high, _weight = rng.choices(TOWNS, weights=[t[3] for t in TOWNS])[0]
        letters_ = "SA"
        while letters_ in ("SA", "SD", "SS"):  # never given out as Dutch postcodes
            letters_ = "".join(rng.choices("ABCDEGHJKLMNPRSTVWXZ", k=2))
        postcode = f"{rng.randint(low, high)}{letters_}"
        if rng.random() < 0.6:  # staff type postcodes either way
            postcode = f"{postcode[:4]} {postcode[4:]}"
        house = str(rng.randint(1, 180)) + (
            rng.choice(("a", "b", "-2", " bis")) if rng.random() < 0.15 else ""
        )
        day = 11 + number % 15  # weekdays and weekends alike: the letter does not care
        start, end = SLOTS[number % len(SLOTS)]
        date = rng.choice((f"{day}-1-2027", f"2027-01-{day:02d}", f"{day:02d}/01/2027"))
        adviser = rng.choice(STAFF)
        values = {
            "voornaam": first,
            "tussenvoegsel": tussenvoegsel,
            "achternaam": last,
            "straat": rng.choice(STREETS),
            "huisnummer": house,
            "postcode": postcode,
            "plaats": town,
            "taal": rng.choice(LANGUAGE_WRITTEN[lang]),
            "datum": date,
            "tijd": start,
            "eindtijd": end,
            "locatie": rng.choice(LOCATIONS),
            "klantregisseur": adviser,
            "contactpersoon": adviser,
            "telefoon": f"013 000 {rng.randint(100, 999):03d}{rng.randint(0, 9)}",
            "email": "inburgering@tilburg.voorbeeld.nl",
        }
        missing = set(fields) - set(values)
        if missing:
            raise RuntimeError(f"the benchmark's list lacks the letter's fields {sorted(missing)}")
        people.append({"lang": lang} | {name: values[name] for name in fields})
    return people


def people_csv(fields: list[str], people: list[dict[str, str]]) -> bytes:
    """Write the people as CSV the way Excel saves it in the Netherlands: ';' and UTF-8 BOM."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(fields)
    for person in people:
        writer.writerow([person[name] for name in fields])
    return out.getvalue().encode("utf-8-sig")


def letter_field_names(app: Flask) -> list[str]:
    """Return the columns of the letter's list: its fields, in order."""
    with app.test_request_context(MERGE_PATH):
        template = content.current().letters[LETTER]
        if template is None:
            raise RuntimeError(f"no letter {LETTER} in content/letters/")
        return [field.name for field in letters.letter_fields(template)]


def make_list(app: Flask, rows: int) -> tuple[bytes, dict[str, int]]:
    """Return the CSV of `rows` people for the letter, and how many of each language."""
    fields = letter_field_names(app)
    people = people_rows(fields, rows)
    counts = {lang: sum(p["lang"] == lang for p in people) for lang, _share in LANGUAGE_MIX}
    return people_csv(fields, people), counts


def make_app(instance_dir: str) -> Flask:
    """Return a portal app; its account database and secret key live in `instance_dir`."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-secret",
            "WTF_CSRF_ENABLED": False,
            "INSTANCE_DIR": instance_dir,
            # The job runs inside the POST, so that it is timed with it (the real job worker
            # does the same work in its own process).
            "JOBS_IMMEDIATE": True,
        }
    )


def children_cpu_seconds() -> float:
    """Return the CPU seconds of every child process that has ended (the print workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine_busy_seconds() -> float:
    """Return the CPU seconds all cores have been busy since boot (processes and interrupts)."""
    busy, irq, _steal = machine_seconds()
    return busy + irq


class Load:
    """How many cores everything else on the machine kept busy while a measurement ran:
    all busy CPU time (/proc/stat) minus this process's and its ended children's."""

    def __init__(self) -> None:
        self.began = time.perf_counter()
        self.machine = machine_busy_seconds()
        self.ours = time.process_time() + children_cpu_seconds()

    def other_cores(self, extra_ours_s: float = 0.0) -> float:
        wall = time.perf_counter() - self.began
        machine = machine_busy_seconds() - self.machine
        ours = time.process_time() + children_cpu_seconds() - self.ours + extra_ours_s
        return max(0.0, (machine - ours) / wall)


def merge_direct(app: Flask, data: bytes) -> dict[str, Any]:
    """Merge a list the way the staff view does, calling the functions; return the numbers."""
    with app.test_request_context(MERGE_PATH, method="POST"):
        load = Load()
        cpu, cpu_workers = time.process_time(), children_cpu_seconds()
        began = time.perf_counter()
        template = content.current().letters[LETTER]
        municipality = content.current().municipalities[MUNICIPALITY]
        if template is None:
            raise RuntimeError(f"no letter {LETTER}")
        fields = letters.letter_fields(template)
        table = merge.read_table(LIST_FILENAME, data)
        people, problems = merge.check_list(fields, table)
        if problems:
            shown = "; ".join(f"row {p.row} {p.column}: {p.message}" for p in problems[:5])
            raise RuntimeError(f"the benchmark's list has {len(problems)} problems: {shown}")
        pdf = letters.print_letters(template, municipality, people)
        seconds = time.perf_counter() - began
        return {
            "people": len(people),
            "seconds": seconds,
            "cpu_parent_s": time.process_time() - cpu,
            "cpu_workers_s": children_cpu_seconds() - cpu_workers,
            "other_cores": load.other_cores(),
            "pdf": pdf,
        }


def merge_post(client: FlaskClient, data: bytes) -> dict[str, Any]:
    """POST the list to the staff merge page; return the seconds and the PDF."""
    load = Load()
    began = time.perf_counter()
    started = client.post(
        MERGE_PATH,
        data={"municipality": MUNICIPALITY, "list": (io.BytesIO(data), LIST_FILENAME)},
        content_type="multipart/form-data",
    )
    if started.status_code != 303:
        raise RuntimeError(f"POST {MERGE_PATH}: {started.status} (no job started)")
    job = client.get(started.headers["Location"], headers={"Accept": "application/json"})
    response = client.get(job.get_json()["download"])
    seconds = time.perf_counter() - began
    if response.status_code != 200 or response.mimetype != "application/pdf":
        raise RuntimeError(
            f"POST {MERGE_PATH}: {response.status} {response.mimetype} "
            f"{response.get_data(as_text=True)[:300]!r}"
        )
    if response.headers.get("Cache-Control") != "no-store":
        raise RuntimeError("the merged letters were sent without Cache-Control: no-store")
    return {"seconds": seconds, "other_cores": load.other_cores(), "pdf": response.data}


def series(runs: list[dict[str, Any]], people: int) -> dict[str, Any]:
    """Summarise timed merges: median seconds, letters per second, each run, the PDF."""
    seconds = [run["seconds"] for run in runs]
    median = statistics.median(seconds)
    pdf = runs[-1]["pdf"]
    result: dict[str, Any] = {
        "runs": len(runs),
        "people": people,
        "median_s": median,
        "min_s": min(seconds),
        "max_s": max(seconds),
        "samples_s": [round(s, 3) for s in seconds],
        "letters_per_second": people / median,
        "bytes": len(pdf),
        "pages": page_count(pdf),
        "same_pages_every_run": len({page_count(run["pdf"]) for run in runs}) == 1,
        "other_cores": [round(run["other_cores"], 2) for run in runs],
    }
    if "cpu_parent_s" in runs[0]:
        result["cpu_parent_ms_per_letter"] = statistics.median(
            run["cpu_parent_s"] * 1000 / people for run in runs
        )
        result["cpu_workers_ms_per_letter"] = statistics.median(
            run["cpu_workers_s"] * 1000 / people for run in runs
        )
    return result


# --- The instrumented run: where the time of one 200-row merge goes. -----------------------


class RenderedChunk(bytes):
    """A chunk's PDF as a worker returns it, with when and how long the worker rendered it."""

    pid: int
    began: float
    ended: float
    cpu_s: float


_original_render_in_worker = printing.render_in_worker


def _timed_render_in_worker(html: str, stylesheet: str) -> bytes:
    """Render a chunk in a worker like printing.render_in_worker, noting its times.

    perf_counter is CLOCK_MONOTONIC on Linux: the same clock in the workers as here.
    """
    cpu = time.process_time()
    began = time.perf_counter()
    pdf = _original_render_in_worker(html, stylesheet)
    chunk = RenderedChunk(pdf)
    chunk.pid, chunk.began, chunk.ended = os.getpid(), began, time.perf_counter()
    chunk.cpu_s = time.process_time() - cpu
    return chunk


# The pool pickles the function by its name in portal.printing: it must be found there.
_timed_render_in_worker.__module__ = printing.__name__
_timed_render_in_worker.__qualname__ = _timed_render_in_worker.__name__ = "render_in_worker"


@contextmanager
def instrumented(app: Flask) -> Iterator[dict[str, list[Any]]]:
    """Wrap letters_html, render_in_worker, join_pdfs and qr_code to note their times."""
    notes: dict[str, list[Any]] = {"html": [], "qr": [], "chunks": [], "join": []}
    original_html = letters.letters_html
    original_join = printing.join_pdfs
    original_qr: Callable[[str], str] = app.jinja_env.globals["qr_code"]  # type: ignore[assignment]

    def letters_html(*args: Any, **kwargs: Any) -> str:
        began = time.perf_counter()
        html = original_html(*args, **kwargs)
        notes["html"].append((began, time.perf_counter(), len(html)))
        return html

    def qr_code(url: str) -> str:
        began = time.perf_counter()
        image = original_qr(url)
        notes["qr"].append(time.perf_counter() - began)
        return image

    def join_pdfs(pdfs: list[bytes]) -> bytes:
        notes["chunks"].extend(pdfs)
        began = time.perf_counter()
        joined = original_join([bytes(pdf) for pdf in pdfs])
        notes["join"].append((began, time.perf_counter()))
        return joined

    letters.letters_html = letters_html
    printing.render_in_worker = _timed_render_in_worker
    printing.join_pdfs = join_pdfs
    app.jinja_env.globals["qr_code"] = qr_code
    try:
        yield notes
    finally:
        letters.letters_html = original_html
        printing.render_in_worker = _original_render_in_worker
        printing.join_pdfs = original_join
        app.jinja_env.globals["qr_code"] = original_qr


def where_time_goes(app: Flask, data: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run one merge with timing wrappers; return the run and its time split into parts."""
    with instrumented(app) as notes:
        began = time.perf_counter()
        run = merge_direct(app, data)
    people = run["people"]
    chunks: list[RenderedChunk] = notes["chunks"]
    if not chunks or not all(isinstance(chunk, RenderedChunk) for chunk in chunks):
        raise RuntimeError("the instrumented merge did not render its chunks in workers")
    html_began, html_ended = notes["html"][0][0], notes["html"][-1][1]
    html_s = sum(end - start for start, end, _ in notes["html"])
    render_began = min(chunk.began for chunk in chunks)
    render_ended = max(chunk.ended for chunk in chunks)
    join_began, join_ended = notes["join"][0]
    processes = len({chunk.pid for chunk in chunks})  # more than the pool with maxtasksperchild
    workers = max(
        sum(other.began <= chunk.began < other.ended for other in chunks) for chunk in chunks
    )  # the most chunks rendered at once: the pool's size
    busy = sum(chunk.ended - chunk.began for chunk in chunks)
    render_wall = render_ended - render_began
    phases = [
        ("read and check the list (`read_table`, `check_list`)", html_began - began, None),
        (
            f"make the HTML of the {len(chunks)} chunks (`letters_html`, this process, "
            "before the pool starts)",
            html_ended - html_began,
            html_s,
        ),
        (
            f"start the pool: fork {workers} workers, send the first chunks",
            render_began - html_ended,
            None,
        ),
        (
            f"render the chunks (WeasyPrint in {workers} workers; CPU = their render time)",
            render_wall,
            sum(chunk.cpu_s for chunk in chunks),
        ),
        ("PDFs back to this process, pool closed", join_began - render_ended, None),
        ("join the chunk PDFs (pypdf `PdfWriter`)", join_ended - join_began, None),
    ]
    chunk_pages = [page_count(bytes(chunk)) for chunk in chunks]
    joined_pages = page_count(run["pdf"])
    return run, {
        "people": people,
        "seconds": run["seconds"],
        "letters_per_second": people / run["seconds"],
        "workers": workers,
        "worker_processes": processes,
        "chunks": len(chunks),
        "people_per_chunk": letters.PEOPLE_PER_DOCUMENT,
        "phases": [
            {
                "phase": name,
                "s": wall,
                "ms_per_letter": wall * 1000 / people,
                "share": wall / run["seconds"],
                "cpu_ms_per_letter": None if cpu is None else cpu * 1000 / people,
            }
            for name, wall, cpu in phases
        ],
        "html_bytes_per_chunk": statistics.median(size for *_, size in notes["html"]),
        "qr_codes": len(notes["qr"]),
        "qr_ms_per_letter": sum(notes["qr"]) * 1000 / people,
        "qr_share_of_html": sum(notes["qr"]) / html_s if html_s else 0.0,
        "render_s_per_chunk": statistics.median(c.ended - c.began for c in chunks),
        "worker_busy_share": busy / (workers * render_wall),
        # CPU time ÷ wall time of the chunks: how much of a core a rendering worker got.
        "worker_cpu_share": sum(c.cpu_s for c in chunks) / sum(c.ended - c.began for c in chunks),
        "cpu_parent_ms_per_letter": run["cpu_parent_s"] * 1000 / people,
        "cpu_workers_ms_per_letter": run["cpu_workers_s"] * 1000 / people,
        "chunk_pages": chunk_pages,
        "odd_chunks_before_last": sum(pages % 2 for pages in chunk_pages[:-1]),
        # Blank pages the join added, so that every chunk starts on the front of a sheet.
        "blank_pages_added": joined_pages - sum(chunk_pages),
        "pages": joined_pages,
        "other_cores": run["other_cores"],
    }


# --- The plain calls. ----------------------------------------------------------------------


def plain_calls(app: Flask, data: bytes, counts: dict[str, int]) -> dict[str, Any]:
    """Time PLAIN_TIMED plain one-letter calls (the list's language mix); extrapolate to all."""
    version = app.extensions["wegwijs_assets"].version
    with app.test_request_context(MERGE_PATH, method="POST"):
        template = content.current().letters[LETTER]
        assert template is not None
        municipality = content.current().municipalities[MUNICIPALITY]
        people, problems = merge.check_list(
            letters.letter_fields(template), merge.read_table(LIST_FILENAME, data)
        )
        if problems:
            raise RuntimeError(f"the benchmark's list has {len(problems)} problems")
        total = len(people)
        sample_counts = {
            lang: count for lang, count in language_counts(PLAIN_TIMED).items() if count
        }
        sample = []
        for lang, wanted in sample_counts.items():
            of_lang = [person for person in people if person.lang == lang]
            sample += [(lang, person) for person in of_lang[:wanted]]
        # One letter per document, as the single-letter view prints it, made standalone.
        documents = [
            (
                lang,
                standalone(
                    letters.letters_html(template, municipality, [person]), version, "letter"
                ),
            )
            for lang, person in sample
        ]
    render_plain(documents[0][1])  # the first call of a process loads what every call needs
    load = Load()
    calls: list[dict[str, Any]] = []
    for lang, document in documents:
        cpu = time.process_time()
        began = time.perf_counter()
        pdf = render_plain(document)
        calls.append(
            {
                "lang": lang,
                "s": time.perf_counter() - began,
                "cpu_s": time.process_time() - cpu,
                "bytes": len(pdf),
                "pages": page_count(pdf),
            }
        )
    by_lang: dict[str, dict[str, Any]] = {}
    for lang in sample_counts:
        mine = [call for call in calls if call["lang"] == lang]
        by_lang[lang] = {
            "timed": len(mine),
            "in_list": counts.get(lang, 0),
            "mean_s": statistics.fmean(call["s"] for call in mine),
            "mean_cpu_s": statistics.fmean(call["cpu_s"] for call in mine),
            "pages": mine[0]["pages"],
            "bytes": statistics.median(call["bytes"] for call in mine),
        }
    estimate_s = sum(entry["mean_s"] * entry["in_list"] for entry in by_lang.values())
    estimate_cpu_s = sum(entry["mean_cpu_s"] * entry["in_list"] for entry in by_lang.values())
    timed_s = sum(call["s"] for call in calls)
    other_cores = load.other_cores()
    return {
        "other_cores": round(other_cores, 2),
        "people": total,
        "timed_calls": len(calls),
        "timed_s": timed_s,
        "timed_letters_per_second": len(calls) / timed_s,
        "estimated_s": estimate_s,
        "letters_per_second": total / estimate_s,
        "cpu_ms_per_letter": estimate_cpu_s * 1000 / total,
        "pages": sum(entry["pages"] * entry["in_list"] for entry in by_lang.values()),
        "bytes": sum(entry["bytes"] * entry["in_list"] for entry in by_lang.values()),
        "by_lang": by_lang,
        "calls": [call | {"s": round(call["s"], 4)} for call in calls],
    }


# --- Peak memory of a 1,000-row merge, in a child process. ---------------------------------


def process_tree(root: int) -> list[int]:
    """Return the pid `root` and every process descending from it (from /proc/*/stat)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as file:
                stat = file.read()
        except OSError:
            continue  # ended meanwhile
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


def status_kb(pid: int, key: str) -> int:
    """Return a kB value of /proc/<pid>/status (VmRSS, VmHWM), 0 when the process is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as file:
            for line in file:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_kb(pid: int) -> int:
    """Return the proportional set size of a process (shared pages split among sharers)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as file:
            for line in file:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_memory(rows: int = BIG_ROWS) -> dict[str, Any]:
    """Run a `rows`-row merge in `bench/merge_memory.py`; sample its process tree's memory."""
    OUT.mkdir(exist_ok=True)
    log = OUT / "merge_memory.log"
    command = [sys.executable, "-m", "bench.merge_memory", str(rows)]
    samples: list[tuple[float, int, int, int]] = []  # seconds, processes, RSS kB, PSS kB
    peak_parts: list[int] = []  # VmRSS kB of each process at the highest sum: merging first
    with log.open("wb") as stderr, tempfile.TemporaryFile() as stdout:
        load = Load()  # counts the child and its workers as ours once it has been waited for
        began = time.monotonic()
        # A session of its own, so that it and its print workers can be stopped together.
        child = subprocess.Popen(
            command, cwd=ROOT, stdout=stdout, stderr=stderr, start_new_session=True
        )
        try:
            while child.poll() is None:
                if time.monotonic() - began > MEMORY_TIMEOUT_SECONDS:
                    raise RuntimeError(
                        f"the {rows}-row merge took longer than {MEMORY_TIMEOUT_SECONDS} s"
                    )
                # Until the child reports its merge done: what comes after is not the merge.
                if not os.fstat(stdout.fileno()).st_size:
                    tree = process_tree(child.pid)  # the child first, then its workers
                    parts = [status_kb(pid, "VmRSS") for pid in tree]
                    pss = sum(pss_kb(pid) for pid in tree)
                    if sum(parts) > sum(peak_parts):
                        peak_parts = parts
                    samples.append((time.monotonic() - began, len(tree), sum(parts), pss))
                time.sleep(MEMORY_SAMPLE_SECONDS)
        finally:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGKILL)  # the child's own session: it and its workers
                child.wait()
        other_cores = load.other_cores()
        stdout.seek(0)
        output = stdout.read().decode()
    if child.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited with {child.returncode}:\n{log.read_text()[-2000:]}"
        )
    merged, counted = output.strip().splitlines()[-2:]
    result: dict[str, Any] = json.loads(merged) | json.loads(counted)
    peak = max(samples, key=lambda sample: sample[2])
    result |= {
        "command": " ".join(["python", *command[1:]]),
        "sample_seconds": MEMORY_SAMPLE_SECONDS,
        "samples": len(samples),
        "peak_tree_rss_bytes": peak[2] * 1024,
        "peak_tree_rss_processes": peak[1],
        "peak_tree_rss_parts_bytes": [kb * 1024 for kb in peak_parts],
        "peak_tree_rss_at_s": peak[0],
        "peak_tree_pss_bytes": max(sample[3] for sample in samples) * 1024,
        "most_processes": max(sample[1] for sample in samples),
        "wall_s": time.monotonic() - began,
        "other_cores": round(other_cores, 2),
        "timeline": [
            [round(t, 1), n, rss * 1024, pss * 1024]
            for t, n, rss, pss in samples[:: max(1, len(samples) // 60)]
        ],
    }
    return result


# --- Everything. ---------------------------------------------------------------------------


def measure() -> dict[str, Any]:
    """Run every merge measurement once; return the numbers."""
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="wegwijs-bench-") as instance:
        app = make_app(instance)
        data, counts = make_list(app, ROWS)
        warmup_rows = letters.PEOPLE_PER_DOCUMENT
        warmup_data, _ = make_list(app, warmup_rows)

        print(f"  warm-up: {warmup_rows}-row merge (not counted) ...", flush=True)
        merge_direct(app, warmup_data)

        print(f"  {ROWS}-row merge, functions called directly: {RUNS} runs ...", flush=True)
        timed = [where_time_goes(app, data) for _ in range(RUNS)]
        direct = series([run for run, _ in timed], ROWS)
        # Where the time goes: the parts of the run with the median time.
        profile = sorted(timed, key=lambda pair: pair[0]["seconds"])[len(timed) // 2][1]

        print(f"  {ROWS}-row merge, POST {MERGE_PATH} (test client): {RUNS} runs ...", flush=True)
        client = app.test_client()
        log_in_staff(client)
        post = series([merge_post(client, data) for _ in range(RUNS)], ROWS)

        print(f"  plain weasyprint calls: {PLAIN_TIMED} of {ROWS} timed ...", flush=True)
        plain = plain_calls(app, data, counts)

    print(f"  {BIG_ROWS}-row merge in a child process (memory) ...", flush=True)
    memory = peak_memory(BIG_ROWS)

    ratio = direct["letters_per_second"] / plain["letters_per_second"]
    return {
        "seconds": time.monotonic() - began,
        "versions": {
            "weasyprint": weasyprint.__version__,
            "pypdf": pypdf.__version__,
            "python": sys.version.split()[0],
        },
        "letter": LETTER,
        "municipality": MUNICIPALITY,
        "rows": ROWS,
        "languages": counts,
        "list_bytes": len(data),
        "people_per_chunk": letters.PEOPLE_PER_DOCUMENT,
        "warmup_rows": warmup_rows,
        "print_workers": profile["workers"],
        "direct": direct,
        "post": post,
        "profile": profile,
        "plain": plain,
        "ours_over_plain": ratio,
        "post_over_plain": post["letters_per_second"] / plain["letters_per_second"],
        "memory": memory,
        "targets": {
            "letters_per_second": direct["letters_per_second"] >= LETTERS_PER_SECOND
            and post["letters_per_second"] >= LETTERS_PER_SECOND,
            "peak_memory": memory["peak_tree_rss_bytes"] < PEAK_MEMORY_BYTES
            and memory["ru_maxrss_self_bytes"] < PEAK_MEMORY_BYTES,
        },
    }


def _verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**FAIL**"


def _mb(size: float) -> str:
    return f"{size / MB:,.0f} MB" if size >= 10 * MB else f"{size / MB:.2f} MB"


def _ms(value: float) -> str:
    return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def _s(value: float) -> str:
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def render(results: dict[str, Any], heading: str) -> str:
    """Return the Markdown of the merge results (the part inside the merge markers)."""
    direct, post, plain = results["direct"], results["post"], results["plain"]
    profile, memory = results["profile"], results["memory"]
    targets = results["targets"]
    rows = results["rows"]
    workers = results["print_workers"]
    mix = ", ".join(f"{count} {lang}" for lang, count in results["languages"].items())

    def loads(values: list[float]) -> str:
        return " / ".join(f"{value:.2f}" for value in values)

    lines = [
        "#### Mail merge (letters for a list)",
        "",
        heading,
        "",
        f"- Letter `{results['letter']}` on the letterhead of {results['municipality']}; a list "
        f"of {rows} invented people ({mix}; CSV with `;` and a UTF-8 BOM, "
        f"{results['list_bytes'] / KB:.1f} KB). WeasyPrint {results['versions']['weasyprint']}, "
        f"pypdf {results['versions']['pypdf']}, Python {results['versions']['python']}.",
        f"- `print_letters` cuts the list into chunks of {results['people_per_chunk']} people, "
        f"makes their HTML in this process and renders them in {workers} forked worker "
        "processes (one per core, at most 4), then joins the PDFs with pypdf. Letters per "
        f"second = people ÷ seconds of the median of {direct['runs']} runs, after one untimed "
        f"{results['warmup_rows']}-row warm-up merge (one chunk).",
        "",
        "| target | measured | result |",
        "|---|---|---|",
        f"| ≥ {LETTERS_PER_SECOND:.0f} letters per second, {rows}-row merge (median of "
        f"{direct['runs']}) | {direct['letters_per_second']:.1f} letters/s called directly, "
        f"{post['letters_per_second']:.1f} letters/s as a POST "
        f"| {_verdict(targets['letters_per_second'])} |",
        f"| peak memory of a {memory['rows']:,}-row merge < {PEAK_MEMORY_BYTES // MB} MB "
        f"(the process and its print workers) | {_mb(memory['peak_tree_rss_bytes'])} sum of "
        f"VmRSS ({memory['peak_tree_rss_processes']} processes); merging process alone "
        f"{_mb(memory['ru_maxrss_self_bytes'])} | {_verdict(targets['peak_memory'])} |",
        "",
        "| what | letters/s | median | min | max | pages | PDF size | other processes "
        "(cores, each run) |",
        "|---|---|---|---|---|---|---|---|",
        f"| {rows} rows: `read_table` + `check_list` + `print_letters` (called directly) "
        f"| **{direct['letters_per_second']:.1f}** | {_s(direct['median_s'])} "
        f"| {_s(direct['min_s'])} | {_s(direct['max_s'])} | {direct['pages']} "
        f"| {_mb(direct['bytes'])} ({direct['bytes']:,} B) | {loads(direct['other_cores'])} |",
        f"| {rows} rows: whole `POST {MERGE_PATH}` (test client, logged in) "
        f"| **{post['letters_per_second']:.1f}** | {_s(post['median_s'])} | {_s(post['min_s'])} "
        f"| {_s(post['max_s'])} | {post['pages']} | {_mb(post['bytes'])} ({post['bytes']:,} B) "
        f"| {loads(post['other_cores'])} |",
        f"| {rows} plain `weasyprint.HTML(string=…).write_pdf()` calls, one letter each "
        f"(**estimated** from {plain['timed_calls']} timed) "
        f"| **{plain['letters_per_second']:.1f}** | {_s(plain['estimated_s'])} (all {rows}) "
        f"| | | {plain['pages']} (sum) | {_mb(plain['bytes'])} (sum) "
        f"| {plain['other_cores']:.2f} |",
        f"| {memory['rows']:,} rows: called directly, in a child process (1 run, for memory) "
        f"| {memory['people'] / memory['seconds']:.1f} | {_s(memory['seconds'])} | | "
        f"| {memory['pages']} | {_mb(memory['bytes'])} | {memory['other_cores']:.2f} |",
        "",
        f"**Ours ÷ plain: {results['ours_over_plain']:.1f}×** in letters per second (called "
        f"directly; {results['post_over_plain']:.1f}× as a POST). The issue says plain calls "
        f"manage about {ISSUE_PLAIN_LETTERS_PER_SECOND:.0f} letters per second; here they "
        f"managed {plain['letters_per_second']:.1f} (estimated for all {plain['people']}; "
        f"{plain['timed_letters_per_second']:.1f} in the {plain['timed_calls']} timed calls). "
        f"The plain calls run one after another in one process, ours in {workers} workers, so "
        "part of the lead is only the second core. CPU time per letter: ours "
        f"{_ms(direct['cpu_parent_ms_per_letter'] + direct['cpu_workers_ms_per_letter'])} "
        f"({_ms(direct['cpu_parent_ms_per_letter'])} in the merging process, "
        f"{_ms(direct['cpu_workers_ms_per_letter'])} in the workers), plain "
        f"{_ms(plain['cpu_ms_per_letter'])}.",
        "",
        f"Plain calls: {plain['timed_calls']} of the {plain['people']} letters are timed, "
        "chosen in the list's language mix ("
        + ", ".join(
            f"{entry['timed']} {lang}: {_ms(entry['mean_s'] * 1000)} each, {entry['pages']} "
            f"page{'s' if entry['pages'] != 1 else ''}"
            for lang, entry in plain["by_lang"].items()
        )
        + "); the mean time of each language × its number of letters in the list gives the "
        "estimate. Each call gets one person's letter as the single-letter page prints it "
        "(`letters_html` with one person), made standalone as in the print benchmark (static "
        "URLs as `file://` paths, `print-fonts.css` and `letter.css` linked), a fresh `HTML()` "
        "each time, the default "
        "URL fetcher, no `font_config` or cache; one untimed call first. Making that HTML is "
        "not timed for the plain calls (it is for ours).",
        "",
        f"Where the time of a {rows}-row merge goes (the median one of the {direct['runs']} "
        f"direct runs, {profile['seconds']:.2f} s; light wrappers around `letters_html`, "
        "`render_in_worker`, `join_pdfs` and `qr_code` note when each part starts and ends, "
        "and the workers' times come back with their PDFs; the POST runs have no wrappers):",
        "",
        "| part | seconds | ms per letter | share | CPU ms per letter |",
        "|---|---|---|---|---|",
    ]
    for phase in profile["phases"]:
        cpu = phase["cpu_ms_per_letter"]
        lines.append(
            f"| {phase['phase']} | {phase['s']:.2f} | {_ms(phase['ms_per_letter'])} "
            f"| {phase['share']:.0%} | {'' if cpu is None else _ms(cpu)} |"
        )
    lines.append(
        f"| **total** | **{profile['seconds']:.2f}** "
        f"| **{_ms(profile['seconds'] * 1000 / profile['people'])}** | | "
        f"**{_ms(profile['cpu_parent_ms_per_letter'] + profile['cpu_workers_ms_per_letter'])}** "
        "(all processes) |"
    )
    html_phase, render_phase = profile["phases"][1], profile["phases"][3]
    qr_note = (
        f"Of that HTML time, {profile['qr_share_of_html']:.0%} is the {profile['qr_codes']} QR "
        f"codes (one per page, {_ms(profile['qr_ms_per_letter'])} per letter)"
    )
    if profile["qr_share_of_html"] >= 0.25:
        qr_note += ", though a letter's QR code depends only on the person's language"
    processes = profile.get("worker_processes", profile["workers"])
    lines += [
        "",
        f"- The HTML of all {profile['chunks']} chunks is made first, in the merging process, "
        f"and only then are the workers forked: for {html_phase['share']:.0%} of the time no "
        f"worker exists yet. {qr_note}.",
        f"- While rendering, the {profile['workers']} workers"
        + (
            f" (at a time; {processes} worker processes in all, as the pool replaces a worker "
            "after some chunks)"
            if processes != profile["workers"]
            else ""
        )
        + " had a chunk in hand "
        f"{profile['worker_busy_share']:.0%} of the time and were on a core "
        f"{profile['worker_cpu_share']:.0%} of it (their CPU time ÷ the wall time of their "
        f"chunks). A chunk of {profile['people_per_chunk']} people takes "
        f"{profile['render_s_per_chunk']:.2f} s (median). WeasyPrint's CPU time alone is "
        f"{_ms(render_phase['cpu_ms_per_letter'])} per letter: even with every core rendering "
        f"all the time that allows at most "
        f"{1000 * profile['workers'] / render_phase['cpu_ms_per_letter']:.0f} letters per "
        f"second on {profile['workers']} cores, before any HTML or joining.",
    ]
    if profile["odd_chunks_before_last"] > profile["blank_pages_added"]:
        lines.append(
            f"- {profile['odd_chunks_before_last']} of the first {profile['chunks'] - 1} chunks "
            f"have an odd number of pages ({', '.join(map(str, profile['chunk_pages']))}) and "
            f"the join added {profile['blank_pages_added']} blank pages: in double-sided "
            "printing a person's letter can start on the back of the previous person's sheet."
        )
    elif profile["blank_pages_added"]:
        lines.append(
            f"- The join added {profile['blank_pages_added']} blank pages after chunks with "
            "an odd number of pages, so every chunk's first letter starts on a new sheet."
        )
    lines += [
        "",
        f"Memory of the {memory['rows']:,}-row merge (`{memory['command']}`: a fresh process "
        "makes the app and the list, then calls `read_table` + `check_list` + `print_letters` "
        f"in a test request context; {memory['people']:,} letters in {memory['chunks']} "
        f"chunks, {_s(memory['seconds'])}):",
        "",
        "| measure | peak |",
        "|---|---|",
        "| `getrusage(RUSAGE_SELF).ru_maxrss` at the end: the merging process "
        f"| {_mb(memory['ru_maxrss_self_bytes'])} |",
        "| `getrusage(RUSAGE_CHILDREN).ru_maxrss` at the end: the largest print worker "
        f"| {_mb(memory['ru_maxrss_children_bytes'])} |",
        f"| sum of `VmRSS` over the process tree, sampled every {memory['sample_seconds']} s "
        f"from `/proc/<pid>/status` | **{_mb(memory['peak_tree_rss_bytes'])}** "
        f"({memory['peak_tree_rss_processes']} processes, {memory['peak_tree_rss_at_s']:.0f} s "
        f"after the start: merging process {_mb(memory['peak_tree_rss_parts_bytes'][0])}, "
        f"workers {' and '.join(_mb(p) for p in memory['peak_tree_rss_parts_bytes'][1:])}) |",
        "| for information: sum of `Pss` over the tree (`/proc/<pid>/smaps_rollup`), same "
        f"samples | {_mb(memory['peak_tree_pss_bytes'])} |",
        "| for information: the process before merging (app loaded, list made) "
        f"| {_mb(memory['rss_before_bytes'])} |",
        "",
        "The workers are forked, so they share the merging process's pages until one of them "
        "writes to a page: the sum of VmRSS counts such shared pages once per process. It is "
        "the cautious number, and the target is checked on it (and on the merging process's "
        "own peak); Pss divides shared pages among the processes sharing them. Sampling every "
        f"{memory['sample_seconds']} s can miss a peak shorter than that; `ru_maxrss` cannot. "
        "1 MB = 1,000,000 bytes.",
    ]
    busiest = max(
        [*direct["other_cores"], *post["other_cores"], plain["other_cores"], memory["other_cores"]]
    )
    if busiest >= OTHER_LOAD_NOTE_CORES:
        lines += [
            "",
            f"**Note:** other processes on the machine kept up to {busiest:.2f} of its cores "
            "busy during these measurements (all busy CPU time in `/proc/stat` minus this "
            "benchmark's own processes), so the times above are longer, and the letters per "
            "second lower, than on a quiet machine. Run it again when nothing else runs.",
        ]
    return "\n".join(lines)
