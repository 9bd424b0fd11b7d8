"""Covering indexes for the signposting report (issue 16: a five-year report at 50,000 records in
under 2 s)

Every figure of the practice report joins the signposting items of a period to their records. With
``ix_signposting_period`` (occurred_on, id, staff_id, method) the period, the month and the staff and
method columns are read from the index alone, and with ``ix_signposting_item_report``
(signposting_id, service_id, outcome, experience) each record's items and outcomes are too: the
report's queries stop visiting the tables' rows. Measured at 50,000 records over five years, the
figures took 1.12 s of CPU instead of 1.87 s (tests/benchmarks/test_five_year_report.py). The same
indexes on SQLite and PostgreSQL.

Revision ID: 0006
Revises: 0005 (re-chained in number order: 0003, 0005, 0006, 0012)
Create Date: 2026-12-07
"""
from __future__ import annotations

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_signposting_period", "signposting", ["occurred_on", "id", "staff_id", "method"])
    op.create_index("ix_signposting_item_report", "signposting_item",
                    ["signposting_id", "service_id", "outcome", "experience"])


def downgrade() -> None:
    op.drop_index("ix_signposting_item_report", table_name="signposting_item")
    op.drop_index("ix_signposting_period", table_name="signposting")
