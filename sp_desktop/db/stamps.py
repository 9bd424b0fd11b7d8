"""Stamp created/updated times from the session's clock on flush (so tests use a fixed clock)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from sp_desktop.db.models import Timestamped


@event.listens_for(Session, "before_flush")
def _stamp(session: Session, _ctx: Any, _instances: Any) -> None:
    clock = session.info.get("clock")
    if clock is None:
        return
    now = clock.now().replace(microsecond=0)
    for obj in session.new:
        if isinstance(obj, Timestamped):
            if obj.created_at is None:
                obj.created_at = now
            obj.updated_at = now
    for obj in session.dirty:
        if isinstance(obj, Timestamped) and session.is_modified(obj, include_collections=False):
            obj.updated_at = now
