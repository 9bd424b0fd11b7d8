"""Shared directories between neighbouring practices (issue 19, point 5)

``organisation.shared_vetting``: what a neighbouring practice said about an organisation in the shared
directory it exported (vetted by that practice on a date, its review due date, the names and dates of its
checklist items; never evidence, notes or names of staff). Shown in words as the neighbour's, never as this
practice's approval. NULL for organisations that did not come from a shared directory.

Revision ID: 0015
Revises: 0014 (chained in number order on merging main)
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'  # chained after 0014 on merging main (written against 0012)
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shared_vetting", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("shared_vetting")
