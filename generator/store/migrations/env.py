"""Alembic environment of the workplace store.

``generator.store.connect`` passes its connection in ``config.attributes["connection"]``. Without one (a
developer writing a new revision) the engine comes from the config's ``sqlalchemy.url``. A new revision:
change ``models.py``, then ``alembic.command.revision(config, message, autogenerate=True)`` on a database at
head, and read what it wrote (``UTCDateTime`` is written as ``sa.DateTime(timezone=True)``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from generator.store.models import Base, UTCDateTime

target_metadata = Base.metadata


def _render_item(kind: str, value: object, autogen_context) -> str | bool:
    if kind == "type" and isinstance(value, UTCDateTime):  # the migration needs no vanban import
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite changes tables by copying them
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=context.config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run()
