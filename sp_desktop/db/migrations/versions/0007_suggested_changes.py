"""Suggested changes and "changed since last checked"

- ``change_suggestion``: corrections the front desk suggests to an approved organisation's or
  service's patient-facing details, for a vetting lead to accept or reject field by field.
- ``service.changed_since_checked_at``: set when a patient-facing field changes without anyone
  saying they checked the details; Reviews due lists such services. The last-checked date itself
  now moves only when someone ticks that they checked.

Plain tables and a nullable column: the same on SQLite and PostgreSQL. The SQLite search listing
(0003) does not show the new column, so its triggers are untouched.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'  # re-chained in number order: 0003, 0005, 0006, 0007, 0009, 0012
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN (not a batch table copy): SQLite keeps the search triggers on `service`
    op.add_column('service', sa.Column('changed_since_checked_at', sa.DateTime(), nullable=True))
    op.create_table(
        'change_suggestion',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entity_type', sa.String(length=40), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=False),
        sa.Column('entity_label', sa.String(length=300), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('suggested_at', sa.DateTime(), nullable=False),
        sa.Column('suggested_by_id', sa.Integer(), nullable=True),
        sa.Column('suggested_by', sa.String(length=120), nullable=False),
        sa.Column('base_version', sa.Integer(), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('accepted', sa.JSON(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decided_by', sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(['suggested_by_id'], ['staff.id'],
                                name=op.f('fk_change_suggestion_suggested_by_id_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_change_suggestion')),
    )
    op.create_index(op.f('ix_change_suggestion_organisation_id'), 'change_suggestion', ['organisation_id'])
    op.create_index(op.f('ix_change_suggestion_state'), 'change_suggestion', ['state'])


def downgrade() -> None:
    op.drop_index(op.f('ix_change_suggestion_state'), table_name='change_suggestion')
    op.drop_index(op.f('ix_change_suggestion_organisation_id'), table_name='change_suggestion')
    op.drop_table('change_suggestion')
    op.drop_column('service', 'changed_since_checked_at')  # SQLite 3.35+ drops a column in place
