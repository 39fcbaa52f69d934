"""`vanban serve`: the web app for secretaries, a thin shell over the same library functions as the CLI.

Pages are rendered on the server in Vietnamese; a little JavaScript filters the unit list and follows the
progress of a batch. Safety: uploads are bounded in size and type and opened with the zip-bomb checks of
the library; client file names are never used as paths; plans and units are looked up by id among known
ones; uploaded plans may only use the registries shipped in the data folder; every request works in a
temporary folder of its own; errors are shown as Vietnamese messages, never as stack traces.

``app.py`` wires the app; one route module per part of the site (``plans``, ``units``, ``reports``,
``batch``, ``check``); ``common.py`` holds what they share. Every action calls ``generator.pipeline``.
"""

from __future__ import annotations

from .app import create_app
from .common import Job, Settings

__all__ = ["Job", "Settings", "create_app"]
