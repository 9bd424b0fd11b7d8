"""Privacy: remove patient-related text already copied into the audit trail (data only, no schema change)

Before this version the audit trail kept the values of outcome notes (feedback), wellbeing scores
and the note typed when a signposting follow-up was marked done. The trail now records only THAT
such a field changed, by whom and when (services/audit.py, PATIENT_FIELDS); this revision gives the
rows already written the same form, on SQLite and PostgreSQL alike: the values become
"(changed: not kept in the audit trail)" (a blank stays blank) and "follow-up done: <note>" becomes
"follow-up done". Freed space is overwritten on SQLite (secure_delete, set for every connection)
and the file is compacted by the next retention run.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-07
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0003'
branch_labels = None
depends_on = None

# Kept here (not imported from the app) so this revision keeps doing what it did when it was written.
PATIENT_FIELDS = frozenset({"experience_note", "patient_ref", "ons4_before", "ons4_after", "feedback",
                            "follow_up_note", "outcome_note"})
NOT_RECORDED = "(changed: not kept in the audit trail)"
FOLLOW_UP_DONE = "follow-up done"

audit_event = sa.table(
    "audit_event",
    sa.column("id", sa.Integer),
    sa.column("entity_type", sa.String),
    sa.column("changes", sa.JSON),
    sa.column("summary", sa.Text),
)


def _scrub(changes: Any) -> Any:
    if not isinstance(changes, dict):
        return changes
    out = {}
    for key, pair in changes.items():
        if key in PATIENT_FIELDS:
            values = list(pair) if isinstance(pair, (list, tuple)) else [None, pair]
            out[key] = [None if v in (None, "", []) else NOT_RECORDED for v in values]
        else:
            out[key] = pair
    return out


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql("PRAGMA secure_delete = ON")
    rows = bind.execute(sa.select(audit_event.c.id, audit_event.c.changes, audit_event.c.summary)
                        .where(audit_event.c.entity_type == "signposting")).all()
    for row_id, changes, summary in rows:
        new_changes = _scrub(changes)
        new_summary = summary
        if isinstance(summary, str) and summary.startswith(FOLLOW_UP_DONE + ":"):
            new_summary = FOLLOW_UP_DONE
        if new_changes != changes or new_summary != summary:
            bind.execute(sa.update(audit_event).where(audit_event.c.id == row_id)
                         .values(changes=new_changes, summary=new_summary))


def downgrade() -> None:
    # What was removed is gone for good, which is the point; there is nothing to put back.
    pass
