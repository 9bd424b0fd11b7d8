"""Open Referral feeds as councils publish them: the publisher's word kept apart, "not stated" kept, and
rich text already stored repaired once

- ``service.publisher_assured_on``, ``publisher_assured_by``, ``publisher_modified_on``: what a feed's
  publisher said (HSDS ``assured_date``, ``assured_by`` / ``assurer_email``, ``last_modified``), kept
  apart from the practice's own "last checked" (``last_verified_on``).
- ``service.cost_not_stated`` and ``service.age_not_stated``: the source said nothing about cost or ages,
  so the app shows "Cost not stated" / "Age not stated" rather than inventing "Free" / "All ages".
- ``location.country``: the country a source gave for a venue, kept (an import no longer turns US into GB);
  empty when the source said none.
- Repairs, once: text fields that hold HTML from a feed ("<p>Drug &amp; Alcohol ...&nbsp;</p>") become
  plain text keeping paragraphs and bullets (``sp_desktop.interop.richtext.plain_text``), and a feed's
  ``assured_date`` that earlier versions stored as the practice's "last checked" (services from an Open
  Referral feed whose check has no checker's name: the practice's own checks always record who) moves to
  ``publisher_assured_on``. One line in the audit trail says how many records were repaired.

Works on SQLite and PostgreSQL (added columns with a server default; updates by primary key).

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

from sp_desktop.interop.richtext import has_markup, plain_text

revision = "0009"
down_revision = "0007"  # written as '0003'; chained in number order when merged: 0005, 0007, 0009
branch_labels = None
depends_on = None

#: table -> its free-text columns (what a feed or a pasted spreadsheet cell can fill with HTML)
TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    "organisation": ("name", "alternate_name", "description", "legal_status"),
    "service": (
        "name",
        "alternate_name",
        "description",
        "eligibility",
        "application_process",
        "fee_description",
        "interpretation",
        "schedule_notes",
        "service_area",
    ),
    "location": (
        "name",
        "address_1",
        "address_2",
        "town",
        "region",
        "accessibility_notes",
        "transport_notes",
    ),
    "contact": ("name", "role"),
    "phone": ("description",),
    "schedule": ("note",),
}
#: columns that may not be empty (a name that was nothing but markup keeps its text without tags)
_REQUIRED = {("organisation", "name"), ("service", "name"), ("contact", "name")}
_VERSIONED = {"organisation", "service", "location", "contact"}


def _limit(table: sa.Table, column: str) -> int | None:
    length = getattr(table.c[column].type, "length", None)
    return int(length) if length else None


def repair_text(conn: sa.Connection) -> dict[str, int]:
    """Clean every stored text field that holds markup. Returns table -> rows repaired."""
    meta = sa.MetaData()
    repaired: dict[str, int] = {}
    for name, columns in TEXT_COLUMNS.items():
        table = sa.Table(name, meta, autoload_with=conn)
        present = [c for c in columns if c in table.c]
        if not present:
            continue
        like = sa.or_(*(sa.or_(table.c[c].like("%<%"), table.c[c].like("%&%")) for c in present))
        rows = conn.execute(sa.select(table.c.id, *(table.c[c] for c in present)).where(like)).all()
        count = 0
        for row in rows:
            values: dict[str, object] = {}
            for c in present:
                old = row._mapping[c]
                if not isinstance(old, str) or not has_markup(old):
                    continue
                new = plain_text(old)
                if new is None and (name, c) in _REQUIRED:
                    new = "(no name)"
                limit = _limit(table, c)
                if new is not None and limit and len(new) > limit:
                    new = new[: limit - 1].rstrip() + "…"
                if new != old:
                    values[c] = new
            if values:
                if name in _VERSIONED and "version" in table.c:
                    values["version"] = table.c.version + 1
                conn.execute(sa.update(table).where(table.c.id == row.id).values(**values))
                count += 1
        if count:
            repaired[name] = count
    return repaired


def move_publisher_dates(conn: sa.Connection) -> int:
    """A feed's assured_date, stored by earlier versions as the practice's "last checked", moves to
    publisher_assured_on. The practice's own checks record who checked; these have no checker."""
    service = sa.table(
        "service",
        sa.column("id"),
        sa.column("source_feed"),
        sa.column("last_verified_on"),
        sa.column("last_verified_by"),
        sa.column("publisher_assured_on"),
        sa.column("version"),
    )
    where = sa.and_(
        service.c.source_feed.is_not(None),
        service.c.last_verified_on.is_not(None),
        service.c.last_verified_by.is_(None),
    )
    count = conn.execute(sa.select(sa.func.count()).select_from(service).where(where)).scalar_one()
    if count:
        conn.execute(
            sa.update(service)
            .where(where)
            .values(
                publisher_assured_on=service.c.last_verified_on,
                last_verified_on=None,
                version=service.c.version + 1,
            )
        )
    return int(count)


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy: on SQLite that would rebuild ``service`` under its search views).
    op.add_column("service", sa.Column("publisher_assured_on", sa.Date(), nullable=True))
    op.add_column("service", sa.Column("publisher_assured_by", sa.String(length=320), nullable=True))
    op.add_column("service", sa.Column("publisher_modified_on", sa.Date(), nullable=True))
    op.add_column(
        "service", sa.Column("cost_not_stated", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column(
        "service", sa.Column("age_not_stated", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("location", sa.Column("country", sa.String(length=60), nullable=True))
    conn = op.get_bind()
    repaired = repair_text(conn)
    moved = move_publisher_dates(conn)
    if not repaired and not moved:
        return
    parts = []
    labels = {
        "organisation": "organisation",
        "service": "service",
        "location": "venue",
        "contact": "contact",
        "phone": "phone number",
        "schedule": "opening time",
    }
    for table, n in repaired.items():
        parts.append(f"{n} {labels[table]}{'' if n == 1 else 's'}")
    summary = ""
    if parts:
        summary = (
            "Upgrade 0009: web markup (HTML tags and entities) taken out of the text of "
            + ", ".join(parts)
            + "; paragraphs and bullet points kept."
        )
    if moved:
        summary += (" " if summary else "Upgrade 0009: ") + (
            f"{moved} service{'' if moved == 1 else 's'} from Open Referral feeds had the publisher's "
            "assured date stored as the practice's “last checked”; it is now kept as “assured by the "
            "publisher” and the practice's “last checked” is empty until someone here checks."
        )
    audit = sa.table(
        "audit_event",
        sa.column("at", sa.DateTime()),
        sa.column("staff_id"),
        sa.column("staff_name"),
        sa.column("action"),
        sa.column("entity_type"),
        sa.column("entity_id"),
        sa.column("entity_label"),
        sa.column("organisation_id"),
        sa.column("changes", sa.JSON),
        sa.column("summary"),
    )
    conn.execute(
        sa.insert(audit).values(
            at=datetime.now().replace(microsecond=0),
            staff_id=None,
            staff_name="sp_desktop upgrade",
            action="update",
            entity_type="directory",
            entity_id=None,
            entity_label="Directory text repaired",
            organisation_id=None,
            changes={"repaired": repaired, "publisher_dates_moved": moved},
            summary=summary,
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_column("country")
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_column("age_not_stated")
        batch_op.drop_column("cost_not_stated")
        batch_op.drop_column("publisher_modified_on")
        batch_op.drop_column("publisher_assured_by")
        batch_op.drop_column("publisher_assured_on")
