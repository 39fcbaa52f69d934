"""Alembic migrations of the workplace store (run by generator.store.connect)."""
