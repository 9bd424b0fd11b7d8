"""Keep PostgreSQL's id sequences ahead of the rows (no-op on SQLite).

SQLite gives a new row max(id) + 1. PostgreSQL takes the next number from the table's
sequence, which does not move when rows are inserted with explicit ids (the demo generator,
migrate-to, imports that keep ids). Afterwards, `reset_sequences()` moves every sequence past
the highest id, so the next ordinary insert does not collide. Qt-free.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Integer, Table, func, select, text

from sp_desktop.db.models import Base


def reset_sequences(conn: Connection, tables: Iterable[Table] | None = None) -> int:
    """Move each table's id sequence past its highest id. Returns how many were set."""
    if conn.dialect.name != "postgresql":
        return 0
    done = 0
    for table in tables if tables is not None else Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer):
            continue
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                           {"t": table.name, "c": pk[0].name}).scalar()
        if seq:
            top = conn.execute(select(func.coalesce(func.max(pk[0]), 0))).scalar() or 0
            conn.execute(text("SELECT setval(CAST(:s AS regclass), :v, false)"),
                         {"s": seq, "v": int(top) + 1})
            done += 1
    return done
