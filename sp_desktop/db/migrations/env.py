"""Alembic environment, driven from code (sp_desktop.db.migrate); no alembic.ini at run time."""

from __future__ import annotations

from alembic import context

from sp_desktop.db.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached by the `alembic` CLI during development
    from sqlalchemy import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///dev.sqlite3")
    connection = engine.connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
