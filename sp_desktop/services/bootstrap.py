"""Opening a database for use: connect, back up and migrate, then seed what a new practice needs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from sp_desktop.db.engine import Clock, Database, sqlite_url
from sp_desktop.db.migrate import MigrationResult, migrate, refuse_if_too_new
from sp_desktop.services.categories import seed_taxonomy
from sp_desktop.services.vetting import seed_vetting_checklist

#: Steps run in one transaction after every migration; each must be idempotent (do nothing
#: when its data is already there). Later features add their defaults here.
SEEDERS: list[Callable[[Session], object]] = [seed_taxonomy, seed_vetting_checklist]


def database_url(data_file: Path, url: str | None) -> URL:
    return make_url(url) if url else sqlite_url(data_file)


def open_database(url: str | URL, clock: Clock, backup_dir: Path | None) -> tuple[Database, MigrationResult]:
    """Open, migrate (with a backup first) and seed. Raises DatabaseTooNew / MigrationFailed."""
    url = make_url(url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        refuse_if_too_new(Path(str(url.database)))  # before connecting: a connection switches it to WAL
    db = Database.open(url)
    try:
        if not db.is_sqlite:  # one bounded attempt: a server that does not answer is reported at once
            with db.engine.connect():
                pass
        result = migrate(db, backup_dir, clock.now())
        with db.write(clock) as session:
            for seed in SEEDERS:
                seed(session)
    except BaseException:
        db.dispose()
        raise
    return db, result
