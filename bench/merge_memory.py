"""One mail merge of many rows in a fresh process, for merge_speed.py to measure its memory.

`python -m bench.merge_memory 1000` makes the app and the list (as merge_speed.py does), merges
it the way the staff view does (`read_table` + `check_list` + `print_letters` in a test request
context) and prints two JSON lines. The first, at once after the merge: its time and the peak
resident set size of this process and of its largest print worker (`getrusage`; the workers
have ended by then). The parent samples /proc for the peak of the whole process tree until
that line appears. The second line comes after: the PDF's pages, counted with pypdf, which
takes memory of its own and so is left out of the peak.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile

from bench import merge_speed
from bench.print_speed import page_count

KIB = 1024  # ru_maxrss and /proc/<pid>/status are in KiB on Linux


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory(prefix="wegwijs-bench-") as instance:
        app = merge_speed.make_app(instance)
        data, counts = merge_speed.make_list(app, rows)
        rss_before = merge_speed.status_kb(os.getpid(), "VmRSS")
        run = merge_speed.merge_direct(app, data)
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    pdf = run.pop("pdf")
    merged = {
        "rows": rows,
        "languages": counts,
        "people": run["people"],
        "seconds": run["seconds"],
        "chunks": -(-run["people"] // merge_speed.letters.PEOPLE_PER_DOCUMENT),
        "bytes": len(pdf),
        "rss_before_bytes": rss_before * KIB,
        "ru_maxrss_self_bytes": own.ru_maxrss * KIB,
        "ru_maxrss_children_bytes": workers.ru_maxrss * KIB,
        "cpu_self_s": own.ru_utime + own.ru_stime,
        "cpu_children_s": workers.ru_utime + workers.ru_stime,
    }
    print(json.dumps(merged), flush=True)
    print(json.dumps({"pages": page_count(pdf)}), flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else merge_speed.BIG_ROWS)
