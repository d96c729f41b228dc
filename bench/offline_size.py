"""What saving a language for offline costs a reader's data, through the real server.

    .venv/bin/python -m bench.offline_size

Starts the portal as `make run` does (tests/server/harness.py: gunicorn with gunicorn.conf.py,
two web workers, a private instance folder), and for every language, in general and in every
municipality's view, does what the save button does: asks for the bundle's list
(`offline.json`) and then for every file on it, accepting gzip as browsers do. Prints JSON:
per bundle the files, the bytes of the bodies as received, the same with the response
headers, and whether the bodies stay within the budget (400 KB, 1 KB = 1,000 bytes).
"""

from __future__ import annotations

import gzip
import json
import tempfile
import time
from pathlib import Path

from tests.server.harness import Browser, Reply, Server

BUDGET_BYTES = 400_000
LANGUAGES = ("nl", "en", "ar", "ti")
MUNICIPALITIES = ("goirle", "oisterwijk", "tilburg")


def get(browser: Browser, path: str) -> Reply:
    """GET a path as a browser that accepts gzip; wait while a PDF is being made (503)."""
    reply = browser.get(path, headers={"Accept-Encoding": "gzip"}, timeout=120)
    while reply.status == 503:
        time.sleep(1)
        reply = browser.get(path, headers={"Accept-Encoding": "gzip"}, timeout=120)
    if reply.status != 200:
        raise RuntimeError(f"{path} answered {reply.status}")
    return reply


def header_bytes(reply: Reply) -> int:
    """Return the size of a response's status line and headers, as sent."""
    return len("HTTP/1.1 200 OK\r\n\r\n") + sum(len(k) + len(v) + 4 for k, v in reply.headers)


def measure_bundle(browser: Browser, bundle: str) -> dict[str, object]:
    """Save one bundle as offline.js does; return what it cost."""
    answer = get(browser, bundle)
    gzipped = answer.header("Content-Encoding") == "gzip"
    listed = json.loads(gzip.decompress(answer.body) if gzipped else answer.body)
    bodies, headers, pdf = 0, 0, 0
    for file in listed["files"]:
        reply = get(browser, file["url"])
        bodies += len(reply.body)
        headers += header_bytes(reply)
        if file["url"].endswith(".pdf"):
            pdf = len(reply.body)
    return {
        "files": len(listed["files"]),
        "listed_kb": round(listed["size"] / 1000, 1),
        "bodies_kb": round(bodies / 1000, 1),
        "with_headers_kb": round((bodies + headers) / 1000, 1),
        "of_which_pdf_kb": round(pdf / 1000, 1),
        "within_budget": bodies <= BUDGET_BYTES,
    }


def measure() -> dict[str, object]:
    """Measure every bundle against a fresh server."""
    with tempfile.TemporaryDirectory(prefix="wegwijs-bench-") as folder:
        server = Server(Path(folder) / "server", {}).prepare(False)
        server.start()
        try:
            browser = Browser(server.port)
            results: dict[str, object] = {"budget_kb": BUDGET_BYTES / 1000}
            for lang in LANGUAGES:
                results[f"/{lang}/offline.json"] = measure_bundle(browser, f"/{lang}/offline.json")
                for place in MUNICIPALITIES:
                    bundle = f"/{lang}/gemeente/{place}/offline.json"
                    results[bundle] = measure_bundle(browser, bundle)
            return results
        finally:
            server.stop()


def main() -> None:
    """Run the measurement and print it as JSON."""
    print(json.dumps(measure(), indent=1))


if __name__ == "__main__":
    main()
