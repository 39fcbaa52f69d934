"""Where the web app does its CPU work: in worker processes, so the event loop stays free.

Rendering and checking a document holds the GIL for tens of milliseconds; done in the server's threads, 20
concurrent downloads starved the event loop and the stylesheet took seconds. A pool of worker processes
(one per core but one, by default) does that work instead, each keeping the plans it loaded warm; the server
process only awaits their answers. ``processes=0`` runs the work in a thread instead (tests, one-off use).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from starlette.concurrency import run_in_threadpool

WORKERS_ENV = "VANBAN_WORKERS"


def default_processes() -> int:
    """One per core but one: the server process keeps a core for the pages, the stylesheet and the queue
    (measured on 2 cores by bench/load.py: with a worker on each core the stylesheet's p95 was 0.8 s, with
    one worker 0.1 s, and the downloads no slower)."""
    given = os.environ.get(WORKERS_ENV)
    if given is not None and given.strip().isdigit():
        return int(given)
    return max(1, (os.cpu_count() or 1) - 1)


class Workers:
    def __init__(self, processes: int | None = None):
        self.processes = default_processes() if processes is None else processes
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: the server process runs threads (uvicorn, the thread pool) that fork would copy
            # in whatever state they are in
            self._pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"))
        return self._pool

    async def run(self, function: Callable[..., Any], *args, **kwargs) -> Any:
        """``function(*args, **kwargs)`` in a worker process (module-level function, picklable arguments);
        its exception, a VanbanError with a Vietnamese message, comes back as raised."""
        if self.processes == 0:
            return await run_in_threadpool(function, *args, **kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor(), _call, function, args, kwargs)

    def call(self, function: Callable[..., Any], *args, **kwargs) -> Any:
        """The same from a plain thread (the job runner): blocks until the worker answers."""
        if self.processes == 0:
            return function(*args, **kwargs)
        return self._executor().submit(_call, function, args, kwargs).result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _call(function: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    return function(*args, **kwargs)
