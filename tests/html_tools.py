"""Read the pages of the staff area in tests: the text of each element by its id."""

from __future__ import annotations

from html.parser import HTMLParser

# Elements that are never closed, so they never hold text.
VOID_ELEMENTS = ("input", "br", "img", "meta", "link", "hr")


class ElementTexts(HTMLParser):
    """Collect the text inside every element that has an id (icons' <title>s left out).

    Subclasses read their own start tags in `start` (inputs, options...); `_select` is the
    <select> being read, if any.
    """

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, str] = {}
        self._select: str | None = None
        self._open: list[tuple[str, str]] = []  # (tag, id) of the open elements with an id
        self._svg = 0  # inside an icon: its <title> is not part of any message

    def start(self, tag: str, values: dict[str, str]) -> None:
        """Read one start tag (for subclasses)."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.start(tag, values)
        if tag == "svg":
            self._svg += 1
        if "id" in values and tag not in VOID_ELEMENTS:
            self._open.append((tag, values["id"]))
            self.texts.setdefault(values["id"], "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "svg":
            self._svg -= 1
        if self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._svg:
            return
        for _tag, element in self._open:
            self.texts[element] += data

    def text(self, element: str) -> str:
        """Return the text of the element with this id, white space folded."""
        return " ".join(self.texts.get(element, "").split())
