"""A storm of public PDF requests against the real server, and how step pages fare meanwhile.

    .venv/bin/python -m bench.pdf_storm [--clients 8] [--seconds 30]

Starts the portal as `make run` does (tests/server/harness.py: gunicorn with gunicorn.conf.py,
two web workers and the job worker, a private instance folder, so an empty PDF cache, and no
PORTAL_PUBLIC_BASE_URL, so nothing is made ahead). Measures a step page's latency alone, then
while `--clients` threads each ask for every public PDF URL in a loop (starting at different
places in the list), then once more when every PDF is in the cache. Prints JSON: p50 and p99
of the step page in each phase, their ratio to the idle ones, and what the storm got (200s,
503s).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from pathlib import Path

from bench.merge_speed import make_app
from portal.prebuild import public_pdf_paths
from tests.server.harness import Browser, Server

STEP_PAGE = "/ar/plan/pip/"
IDLE_REQUESTS = 300


def percentile(values: list[float], share: float) -> float:
    """Return the value below which `share` of the values lie (nearest rank), in ms."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def step_latencies(port: int, until: float | None, count: int | None = None) -> list[float]:
    """Ask for the step page again and again; return the seconds each answer took."""
    browser = Browser(port)
    times: list[float] = []
    while (until is None or time.monotonic() < until) and (count is None or len(times) < count):
        began = time.perf_counter()
        reply = browser.get(STEP_PAGE)
        times.append(time.perf_counter() - began)
        if reply.status != 200:
            raise RuntimeError(f"the step page answered {reply.status}")
    return times


def storm(port: int, paths: list[str], clients: int, until: float, counts: dict[int, int]) -> None:
    """Let `clients` threads ask for every PDF in a loop until `until`; count the answers."""
    lock = threading.Lock()

    def client(number: int) -> None:
        browser = Browser(port)
        start = number * len(paths) // clients
        index = start
        while time.monotonic() < until:
            status = browser.get(paths[index % len(paths)], timeout=120).status
            with lock:
                counts[status] = counts.get(status, 0) + 1
            index += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def summary(times: list[float], idle: list[float]) -> dict[str, float]:
    """Return p50 and p99 in ms, and their ratios to the idle ones."""
    p50, p99 = percentile(times, 0.5), percentile(times, 0.99)
    return {
        "requests": len(times),
        "p50_ms": round(p50, 1),
        "p99_ms": round(p99, 1),
        "p50_over_idle": round(p50 / percentile(idle, 0.5), 2),
        "p99_over_idle": round(p99 / percentile(idle, 0.99), 2),
    }


def measure(clients: int, seconds: float) -> dict[str, object]:
    """Run the three phases against a fresh server; return what was measured."""
    with tempfile.TemporaryDirectory(prefix="wegwijs-bench-") as folder:
        app = make_app(str(Path(folder) / "paths"))
        with app.test_request_context():
            paths = public_pdf_paths()
        server = Server(Path(folder) / "server", {}).prepare(False)
        server.start()
        try:
            step_latencies(server.port, None, 20)  # warm up
            idle = step_latencies(server.port, None, IDLE_REQUESTS)
            results: dict[str, object] = {"pdf_urls": len(paths), "clients": clients}
            results["idle"] = summary(idle, idle)
            for phase in ("cold cache", "warm cache"):
                until = time.monotonic() + seconds
                counts: dict[int, int] = {}
                runner = threading.Thread(
                    target=storm, args=(server.port, paths, clients, until, counts)
                )
                runner.start()
                during = step_latencies(server.port, until)
                runner.join()
                results[phase] = summary(during, idle) | {"pdf_answers": counts}
                if phase == "cold cache":  # fill the cache before the warm phase
                    for path in paths:
                        while Browser(server.port).get(path, timeout=120).status == 503:
                            time.sleep(0.5)
            results["pdf_kept"] = len(list((server.instance / "pdf-cache").rglob("*.pdf")))
            return results
        finally:
            server.stop()


def main() -> None:
    """Run the measurement and print it as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    print(json.dumps(measure(args.clients, args.seconds), indent=1))


if __name__ == "__main__":
    main()
