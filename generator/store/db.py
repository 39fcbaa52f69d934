"""Connecting to the store: SQLite in the workplace folder by default, PostgreSQL through
``VANBAN_DATABASE_URL``; the Alembic migrations run to head on every connect, so nothing needs setting up."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import InputError
from .files import FileStore

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DATABASE_FILE = "vanban.db"
ENVIRONMENT_URL = "VANBAN_DATABASE_URL"
_MIGRATION_LOCK = 1_762_017  # PostgreSQL advisory lock: two servers starting at once migrate one after the other


class Store:
    """One database and one file store. ``session()`` is the unit of work: it commits when the block ends
    normally and rolls back on an exception. Objects stay readable after the block (no expiry on commit)."""

    def __init__(self, engine: Engine, files: FileStore):
        self.engine = engine
        self.files = files
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()


def database_url(url: str | None, folder: Path) -> str:
    url = url or os.environ.get(ENVIRONMENT_URL) or ""
    if not url:
        return f"sqlite:///{Path(folder).resolve() / DATABASE_FILE}"
    for plain in ("postgresql://", "postgres://"):  # the usual form names no driver: psycopg 3 is the one we ship
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # the web app's threads share the pool; each connection is used by one thread at a time
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql"):
        return create_engine(url, pool_pre_ping=True)
    raise InputError(f"không dùng được cơ sở dữ liệu «{url.split(':', 1)[0]}» (chỉ SQLite hoặc PostgreSQL)",
                     hint=f"xem biến môi trường {ENVIRONMENT_URL}")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine) -> None:
    """Bring the database to the newest revision (nothing happens when it is there already)."""
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def connect(url: str | None = None, *, folder: Path) -> Store:
    """The store of a workplace ``folder``: ``url``, else ``VANBAN_DATABASE_URL``, else ``folder/vanban.db``;
    the files always go to ``folder/files``."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        files = FileStore(folder / "files")
    except OSError as exc:
        raise InputError(f"không tạo được thư mục làm việc {folder} ({exc.strerror or exc})") from None
    url = database_url(url, folder)
    try:
        engine = make_engine(url)
    except SQLAlchemyError as exc:  # a URL SQLAlchemy cannot read
        raise InputError(f"địa chỉ cơ sở dữ liệu không đúng ({exc})", hint=f"xem {ENVIRONMENT_URL}") from None
    try:
        migrate(engine)
    except SQLAlchemyError as exc:  # server down, wrong password, a file that is not a database
        engine.dispose()
        first_line = str(getattr(exc, "orig", None) or exc).strip().splitlines()[:1]
        raise InputError(f"không mở được cơ sở dữ liệu {engine.url.render_as_string(hide_password=True)}"
                         f" ({first_line[0] if first_line else type(exc).__name__})") from exc
    return Store(engine, files)
