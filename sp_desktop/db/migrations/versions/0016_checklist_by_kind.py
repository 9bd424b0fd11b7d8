"""Checklist items by kind of organisation, and "does not apply" (issue 25 point 4)

``vetting_check_item.applies_to``: the kinds of organisation an item applies to (a JSON list of
registered_charity, scio, community_group, social_enterprise, public_body); NULL applies to all.
``vetting_evidence.not_applicable_reason``: why an item does not apply to this organisation (who and
when are the evidence's checked_by_id / checked_on).

For the default checklist: the public-register item applies to registered charities, SCIOs and
social enterprises (not to community groups or public bodies), and a community group's
"Constitution or governing document seen" is added after it.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

REGISTER_KINDS = ["registered_charity", "scio", "social_enterprise"]
CONSTITUTION = ("constitution", "Constitution or governing document seen",
                "A community group that is not a registered charity: see its constitution (or rules) and "
                "note who its office bearers are and when it was adopted.")


def upgrade() -> None:
    with op.batch_alter_table("vetting_check_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("applies_to", sa.JSON(), nullable=True))
    with op.batch_alter_table("vetting_evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("not_applicable_reason", sa.Text(), nullable=True))
    item = sa.table("vetting_check_item", sa.column("id", sa.Integer), sa.column("code", sa.String),
                    sa.column("label", sa.String), sa.column("guidance", sa.Text),
                    sa.column("mandatory", sa.Boolean), sa.column("has_expiry", sa.Boolean),
                    sa.column("sort_order", sa.Integer), sa.column("active", sa.Boolean),
                    sa.column("applies_to", sa.JSON), sa.column("version", sa.Integer),
                    sa.column("created_at", sa.DateTime), sa.column("updated_at", sa.DateTime))
    bind = op.get_bind()
    register = bind.execute(sa.select(item.c.id, item.c.sort_order).where(item.c.code == "register")).first()
    if register is None:
        return  # no default checklist yet: the first-run seed writes it with the kinds
    bind.execute(item.update().where(item.c.id == register.id).values(applies_to=REGISTER_KINDS))
    if bind.execute(sa.select(item.c.id).where(item.c.code == CONSTITUTION[0])).first() is None:
        code, label, guidance = CONSTITUTION
        now = datetime.now().replace(microsecond=0)
        bind.execute(item.insert().values(code=code, label=label, guidance=guidance, mandatory=True,
                                          has_expiry=False, sort_order=(register.sort_order or 0) + 5,
                                          active=True, applies_to=["community_group"], version=1,
                                          created_at=now, updated_at=now))


def downgrade() -> None:
    with op.batch_alter_table("vetting_evidence", schema=None) as batch_op:
        batch_op.drop_column("not_applicable_reason")
    with op.batch_alter_table("vetting_check_item", schema=None) as batch_op:
        batch_op.drop_column("applies_to")
