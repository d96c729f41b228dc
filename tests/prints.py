"""Prints that a test module asks the app for once and then reads in many tests: a render costs
about half a second."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

from flask import Flask
from werkzeug.test import TestResponse

from tests.pdf_tools import pages_text

Key = TypeVar("Key", bound=Hashable)


class KeptPrints(Generic[Key]):
    """Keep the app's answer for each print, its PDF and the text of its pages.

    A key names one print; a subclass says in `request` how the app is asked for it.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client = app.test_client()
        self._responses: dict[Key, TestResponse] = {}
        self._pages: dict[Key, list[str]] = {}

    def request(self, key: Key) -> TestResponse:
        """Ask the app for the print named by `key` (for subclasses)."""
        raise NotImplementedError

    def explain(self, response: TestResponse) -> str:
        """Say what the app answered instead of a PDF, for the assertion message."""
        return response.get_data(as_text=True)[-3000:]

    def response_of(self, key: Key) -> TestResponse:
        """Return the app's answer for a print, asked for once."""
        if key not in self._responses:
            self._responses[key] = self.request(key)
        return self._responses[key]

    def pdf_of(self, key: Key) -> bytes:
        """Return the bytes of a print, after checking that the app answered with a PDF."""
        response = self.response_of(key)
        assert response.status_code == 200, (key, response.status_code, self.explain(response))
        assert response.mimetype == "application/pdf", (key, response.mimetype)
        return response.data

    def pages_of(self, key: Key) -> list[str]:
        """Return the text of each page of a print, read once."""
        if key not in self._pages:
            self._pages[key] = pages_text(self.pdf_of(key))
        return self._pages[key]
