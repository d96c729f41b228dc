"""Entry point for `flask --app app` and gunicorn (`app:app`)."""

import gc

from portal import create_app

app = create_app()
# Everything made at start-up lives as long as the worker: keep it out of the garbage
# collector's full passes, which otherwise pause a print for tens of milliseconds.
gc.freeze()
