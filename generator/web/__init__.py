"""`vanban serve`: the web app for secretaries, a thin shell over the same library functions as the CLI.

Pages are rendered on the server in Vietnamese; a little JavaScript filters the unit list and follows the
progress of a batch. The province's workplace (accounts, plans, units' documents, reports) lives in the
store (``generator/store``) through ``generator.workplace``. Safety: login beyond loopback, sessions and
CSRF (``auth.py``); body size, security headers and error texts (``guards.py``); uploads bounded in size
and type and opened with the library's zip and YAML bounds; client file names never used as paths; CPU
work in worker processes (``workers.py``) and long jobs in a bounded queue kept in the store (``jobs.py``).

``app.py`` wires the app; one route module per part of the site (``plans``, ``units``, ``reports``,
``batch``, ``check``, ``workplace``); ``common.py`` holds what they share. Every action calls
``generator.pipeline`` or ``generator.workplace``.
"""

from __future__ import annotations

from .app import create_app
from .common import Settings

__all__ = ["Settings", "create_app"]
