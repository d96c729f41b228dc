"""Lighthouse (mobile, simulated slow 4G: its defaults) on the public pages of the real server.

    .venv/bin/python -m bench.lighthouse [--pages /ar/plan/ ...]

Installs Lighthouse 12.2.3 into bench/.lighthouse/ when it is not there (the last version
that runs on Debian's Node 20; needs npm), starts the portal as `make run` does
(tests/server/harness.py) and runs Lighthouse with Debian's chromium on every kind of public
page in every language: the chooser, home, plan, a step, a municipality's plan and the offline
page. Prints JSON: the four category scores of each page, the audits below 1 that pull a
score down, and whether every score is at least 0.99 (the goal).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

from tests.server.harness import Server

HERE = Path(__file__).resolve().parent
LIGHTHOUSE_DIR = HERE / ".lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
VERSION = "12.2.3"
CATEGORIES = "performance,accessibility,best-practices,seo"
GOAL = 0.99
ATTEMPTS = 3
LANGUAGES = ("nl", "en", "ar", "ti")


def default_pages() -> list[str]:
    """Return one page of every kind in every language, and the chooser."""
    pages = ["/language/"]
    for lang in LANGUAGES:
        pages += [f"/{lang}/", f"/{lang}/plan/", f"/{lang}/plan/brede-intake/"]
        pages += [f"/{lang}/gemeente/tilburg/plan/", f"/{lang}/offline/"]
    return pages


def install() -> None:
    """Install Lighthouse next to this file when it is missing."""
    if LIGHTHOUSE.exists():
        return
    LIGHTHOUSE_DIR.mkdir(exist_ok=True)
    command = ["npm", "install", "--no-audit", "--no-fund", "-E", f"lighthouse@{VERSION}"]
    subprocess.run(command, cwd=LIGHTHOUSE_DIR, check=True)


def audit(url: str, report: Path) -> dict[str, object]:
    """Run Lighthouse on one page; return its scores and what pulls them down."""
    command = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={report}", "--quiet"]
    command += [f"--only-categories={CATEGORIES}", "--chrome-flags=--headless=new --no-sandbox"]
    env = os.environ | {"CHROME_PATH": "/usr/bin/chromium"}
    for attempt in range(1, ATTEMPTS + 1):
        # Lighthouse sometimes fails to record a trace (NO_NAVSTART): run it again.
        if subprocess.run(command, env=env, timeout=300).returncode == 0:
            break
        if attempt == ATTEMPTS:
            raise RuntimeError(f"Lighthouse failed {ATTEMPTS} times on {url}")
    found = json.loads(report.read_text(encoding="utf-8"))
    scores = {name: category["score"] for name, category in found["categories"].items()}
    weak = {
        name: result.get("displayValue") or result["score"]
        for name, result in found["audits"].items()
        if isinstance(result.get("score"), (int, float))
        and result["score"] < 1
        and result.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    }
    return {"scores": scores, "below_1": weak}


def measure(pages: list[str]) -> dict[str, object]:
    """Audit every page against a fresh server."""
    install()
    with tempfile.TemporaryDirectory(prefix="wegwijs-bench-") as folder:
        server = Server(Path(folder) / "server", {}).prepare(False)
        server.start()
        try:
            results: dict[str, object] = {}
            for page in pages:
                report = Path(folder) / "report.json"
                results[page] = audit(f"http://127.0.0.1:{server.port}{page}", report)
        finally:
            server.stop()
    lowest = min(
        score
        for result in results.values()
        for score in result["scores"].values()  # type: ignore[index]
    )
    return {"pages": results, "lowest_score": lowest, "goal_met": lowest >= GOAL}


def main() -> None:
    """Run the audits and print them as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="*", default=None)
    args = parser.parse_args()
    print(json.dumps(measure(args.pages or default_pages()), indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
