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
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from pathlib import Path

from tests.server.harness import LIST_PAGE, MUNICIPALITY, Server, csrf_token, logged_in, vm_rss_mb
from tests.server.test_jobs import list_csv, state_of

SAMPLE_SECONDS = 0.2


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
            stop = threading.Event()

            def sample() -> None:
                while not stop.wait(SAMPLE_SECONDS):
                    pids = processes(server.master)
                    total = sum(vm_rss_mb(pid) or 0.0 for pid in pids)
                    peak["mb"] = max(peak["mb"], total)
                    peak["pss_mb"] = max(peak["pss_mb"], sum(pss_mb(pid) for pid in pids))

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
            }
        finally:
            server.stop()


def main() -> None:
    """Run the measurement and print it as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--output", choices=("pdf", "zip"), default="pdf")
    args = parser.parse_args()
    print(json.dumps(measure(args.rows, args.output), indent=1))


if __name__ == "__main__":
    main()
