"""The content an app serves, read the way the portal reads it: through content.current()."""

from __future__ import annotations

from flask import Flask

from portal import content
from portal.texts import Content


def content_of(app: Flask) -> Content:
    """Return the content that `app` serves now."""
    with app.app_context():
        return content.current()
