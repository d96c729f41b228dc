"""Write a benchmark's results into its own part of bench/README.md."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"


def write_results(name: str, heading: str, lines: list[str]) -> None:
    """Replace the part between `<!-- {name}:start -->` and `<!-- {name}:end -->` with
    `lines`, or add it at the end under `heading` the first time."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    part = "\n".join([start, *lines, end])
    text = README.read_text(encoding="utf-8")
    if start in text:
        before, rest = text.split(start, 1)
        text = before + part + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n## {heading}\n\n{part}\n"
    README.write_text(text, encoding="utf-8")
