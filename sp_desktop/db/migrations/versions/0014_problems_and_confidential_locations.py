"""Problems reported with a service, and confidential locations (refuges, safe houses)

``service_problem``: a problem someone at the practice reported with a service (its kind, the
reporter's words, who and when) and, once the vetting lead resolved it, who, when and how.
``location.confidential``: the venue's street, postcode and map position never leave the
practice and are not shown to the front desk.

Revision ID: 0014
Revises: 0012 (the integrator chains it after the other migrations of this round)
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN: a batch (copy-and-move) would drop the search triggers on location
    op.add_column("location",
                  sa.Column("confidential", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "service_problem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("reported_by", sa.String(length=120), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=120), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], name="fk_service_problem_service_id_service"),
        sa.ForeignKeyConstraint(["reported_by_id"], ["staff.id"],
                                name="fk_service_problem_reported_by_id_staff"),
        sa.PrimaryKeyConstraint("id", name="pk_service_problem"),
    )
    op.create_index("ix_service_problem_service_id", "service_problem", ["service_id"])
    op.create_index("ix_service_problem_resolved_at", "service_problem", ["resolved_at"])


def downgrade() -> None:
    op.drop_table("service_problem")
    with op.batch_alter_table("location") as batch:
        batch.drop_column("confidential")
