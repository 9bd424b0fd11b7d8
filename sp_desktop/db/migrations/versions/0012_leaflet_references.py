"""Leaflet references and their acknowledgements (closing the loop with organisations)

``leaflet_reference``: the random six-character code printed on each leaflet, when and how it
was issued, the services on it (``leaflet_reference_service``) and, when a signposting record
was made with it, that record (set to NULL if the record is purged). ``reference_acknowledgement``:
an organisation quoted the code back, with what it said happened. Nothing about the patient.

Revision ID: 0012
Revises: 0009 (chained in number order when merged: 0003, 0005, 0007, 0009, 0012)
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0009'  # chained in number order when merged: 0003, 0005, 0007, 0009, 0012
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leaflet_reference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("form", sa.String(length=16), nullable=False),
        sa.Column("signposting_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["issued_by_id"], ["staff.id"],
                                name="fk_leaflet_reference_issued_by_id_staff"),
        sa.ForeignKeyConstraint(["signposting_id"], ["signposting.id"], ondelete="SET NULL",
                                name="fk_leaflet_reference_signposting_id_signposting"),
        sa.PrimaryKeyConstraint("id", name="pk_leaflet_reference"),
        sa.UniqueConstraint("code", name="uq_leaflet_reference_code"),
    )
    op.create_index("ix_leaflet_reference_issued_at", "leaflet_reference", ["issued_at"])
    op.create_index("ix_leaflet_reference_signposting_id", "leaflet_reference", ["signposting_id"])
    op.create_table(
        "leaflet_reference_service",
        sa.Column("reference_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["reference_id"], ["leaflet_reference.id"], ondelete="CASCADE",
                                name="fk_leaflet_reference_service_reference_id_leaflet_reference"),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"],
                                name="fk_leaflet_reference_service_service_id_service"),
        sa.PrimaryKeyConstraint("reference_id", "service_id", name="pk_leaflet_reference_service"),
    )
    op.create_table(
        "reference_acknowledgement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["reference_id"], ["leaflet_reference.id"], ondelete="CASCADE",
                                name="fk_reference_acknowledgement_reference_id_leaflet_reference"),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"],
                                name="fk_reference_acknowledgement_service_id_service"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["staff.id"],
                                name="fk_reference_acknowledgement_recorded_by_id_staff"),
        sa.PrimaryKeyConstraint("id", name="pk_reference_acknowledgement"),
        sa.UniqueConstraint("reference_id", "service_id", name="uq_reference_acknowledgement_once"),
    )
    op.create_index("ix_reference_acknowledgement_reference_id", "reference_acknowledgement",
                    ["reference_id"])
    op.create_index("ix_reference_acknowledgement_service_id", "reference_acknowledgement", ["service_id"])
    op.create_index("ix_reference_acknowledgement_recorded_at", "reference_acknowledgement", ["recorded_at"])


def downgrade() -> None:
    op.drop_table("reference_acknowledgement")
    op.drop_table("leaflet_reference_service")
    op.drop_table("leaflet_reference")
