"""Confidence at the moment of choice (issue 18): "why this helps" notes, capacity, closures

``help_note``: a clinician-facing note for a category or a service, with its source, author and
date (never on leaflets). ``service_capacity``: whether a service is taking new people, when it
was confirmed and by whom (one row a service). ``service_closure``: dated closures with a reason.
``ix_leaflet_reference_service_service``: the track record counts one service's leaflets.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "help_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=120), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["category_id"], ["category.id"], ondelete="CASCADE",
                                name="fk_help_note_category_id_category"),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE",
                                name="fk_help_note_service_id_service"),
        sa.ForeignKeyConstraint(["author_id"], ["staff.id"], name="fk_help_note_author_id_staff"),
        sa.PrimaryKeyConstraint("id", name="pk_help_note"),
        sa.UniqueConstraint("category_id", name="uq_help_note_category_id"),
        sa.UniqueConstraint("service_id", name="uq_help_note_service_id"),
    )
    op.create_table(
        "service_capacity",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("wait_weeks", sa.Integer(), nullable=True),
        sa.Column("confirmed_on", sa.Date(), nullable=False),
        sa.Column("confirmed_by", sa.String(length=120), nullable=False),
        sa.Column("contact_event_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE",
                                name="fk_service_capacity_service_id_service"),
        sa.ForeignKeyConstraint(["contact_event_id"], ["contact_event.id"], ondelete="SET NULL",
                                name="fk_service_capacity_contact_event_id_contact_event"),
        sa.PrimaryKeyConstraint("service_id", name="pk_service_capacity"),
    )
    op.create_table(
        "service_closure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE",
                                name="fk_service_closure_service_id_service"),
        sa.PrimaryKeyConstraint("id", name="pk_service_closure"),
    )
    op.create_index("ix_service_closure_ends_on", "service_closure", ["ends_on"])
    op.create_index("ix_service_closure_service", "service_closure", ["service_id", "ends_on"])
    op.create_index("ix_leaflet_reference_service_service", "leaflet_reference_service", ["service_id"])


def downgrade() -> None:
    op.drop_index("ix_leaflet_reference_service_service", table_name="leaflet_reference_service")
    op.drop_index("ix_service_closure_service", table_name="service_closure")
    op.drop_index("ix_service_closure_ends_on", table_name="service_closure")
    op.drop_table("service_closure")
    op.drop_table("service_capacity")
    op.drop_table("help_note")
