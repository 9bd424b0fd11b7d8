"""Search: an index of the services the front desk never sees listed (SQLite); staff.must_change_password

``staff.must_change_password`` (both back ends, default false): set when an administrator sets
someone's password (a new account or a reset), cleared when they choose their own.

The front desk's Directory leaves out suspended and declined organisations' services as well as
the ones 0003's ``ix_service_fts_listing_hidden`` holds (archived, inactive, closed). Search
counts its matches as "all matches less the hidden ones"; this partial index lets it find the
hidden ones for the front desk as cheaply as 0003's does for everyone else. The expression is
the one services/directory.py writes out (``_HIDDEN_AT_DESK``), so SQLite can use the index.
PostgreSQL's search (0002) counts differently and needs nothing.

Revision ID: 0010
Revises: 0009 (chained in number order; written against 0003)
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'  # chained in number order on merging main (written against 0003)
branch_labels = None
depends_on = None


def upgrade() -> None:
    # staff.must_change_password (both back ends): a password an administrator set (a new account
    # or a reset) is changed by its owner at first sign-in. Existing accounts are not asked.
    # a plain ADD COLUMN on both (batch mode would rebuild staff, which other tables refer to)
    op.add_column("staff", sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE INDEX ix_service_fts_listing_hidden_at_desk ON service_fts_listing (id)"
               " WHERE (service_fts_listing.shown IS 0"
               " OR service_fts_listing.vetting_status IN ('suspended', 'declined'))")


def downgrade() -> None:
    op.drop_column("staff", "must_change_password")
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP INDEX IF EXISTS ix_service_fts_listing_hidden_at_desk")
