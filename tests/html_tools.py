"""Read pages in tests: the text of each element by its id, the inputs of a form, <html>."""

from __future__ import annotations

import re
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


class StaffPage(ElementTexts):
    """Read a staff page: inputs by id, <select> options, and the text of elements by id."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.inputs: dict[str, dict[str, str]] = {}
        self.options: dict[str, list[str]] = {}
        self.selected: dict[str, str] = {}
        self.feed(html)

    def start(self, tag: str, values: dict[str, str]) -> None:
        if tag in ("input", "textarea", "select") and "id" in values:
            self.inputs[values["id"]] = values
        if tag == "select":
            self._select = values.get("id", "")
            self.options[self._select] = []
        elif tag == "option" and self._select is not None:
            self.options[self._select].append(values.get("value", ""))
            if "selected" in values:
                self.selected[self._select] = values.get("value", "")


class FormValues(HTMLParser):
    """Collect what a page's form would send: name -> value of its inputs and textareas."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "input" and "name" in values:
            self.values[values["name"]] = values.get("value", "")
        if tag == "textarea" and "name" in values:
            self.textarea = values["name"]
            self.values[self.textarea] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.values[self.textarea] += data


def html_tag(page: str) -> str:
    """Return the opening <html> tag of a page."""
    found = re.search(r"<html[^>]*>", page)
    assert found, "page has no <html> tag"
    return found.group(0)
