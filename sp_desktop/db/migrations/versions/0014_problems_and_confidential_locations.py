"""Problems reported with a service, and confidential locations (refuges, safe houses)

``service_problem``: a problem someone at the practice reported with a service (its kind, the
reporter's words, who and when) and, once the vetting lead resolved it, who, when and how.
``location.confidential``: the venue's street, postcode and map position never leave the
practice and are not shown to the front desk. The search index (service_search_source, both back
ends) stops holding a confidential venue's postcode and name, so typing a refuge's postcode or
house name does not find it; its town still does. Marking a venue re-indexes its services.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'  # chained after 0013 (confidence at the moment of choice) on merging main
branch_labels = None
depends_on = None


# The search source (0001 for SQLite, 0002 for PostgreSQL) with a confidential venue's postcode and
# name left out of `place`. {agg} is group_concat (SQLite) or string_agg (PostgreSQL).
_PLACE = """sp_fold(coalesce((SELECT {agg}(coalesce(l.town, '') || ' ' ||
                                   CASE WHEN l.confidential THEN '' ELSE
                                        coalesce(l.postcode, '') || ' ' || coalesce(l.name, '') END, ' ')
                             FROM service_at_location sal JOIN location l ON l.id = sal.location_id
                             WHERE sal.service_id = s.id), '') || ' ' || coalesce(s.service_area, ''))"""
_OLD_PLACE = """sp_fold(coalesce((SELECT {agg}(coalesce(l.town, '') || ' ' || coalesce(l.postcode, '')
                                                 || ' ' || coalesce(l.name, ''), ' ')
                             FROM service_at_location sal JOIN location l ON l.id = sal.location_id
                             WHERE sal.service_id = s.id), '') || ' ' || coalesce(s.service_area, ''))"""
_VIEW = """CREATE VIEW service_search_source AS
    SELECT s.id AS service_id,
           sp_fold(s.name || ' ' || coalesce(s.alternate_name, '')) AS name,
           sp_fold(o.name || ' ' || coalesce(o.alternate_name, '')) AS organisation,
           sp_fold(coalesce(s.description, '') || ' ' || coalesce(s.eligibility, '') || ' '
                   || coalesce(o.description, '')) AS description,
           sp_fold(coalesce((SELECT {agg}(c.name, ' ') FROM service_category sc
                             JOIN category c ON c.id = sc.category_id
                             WHERE sc.service_id = s.id), '')) AS categories,
           {place}
               AS place
    FROM service s JOIN organisation o ON o.id = s.organisation_id"""
_SQLITE_REFRESH = ("DELETE FROM service_fts WHERE rowid IN ({ids});"
                   " INSERT INTO service_fts(rowid, name, organisation, description, categories, place) "
                   "SELECT service_id, name, organisation, description, categories, place FROM "
                   "service_search_source WHERE service_id IN ({ids});")
_LOC_IDS = "SELECT service_id FROM service_at_location WHERE location_id = NEW.id"


def _search_source(confidential_aware: bool) -> None:
    """Recreate the search source view and the venue trigger (with or without the confidential mark)."""
    bind = op.get_bind()
    columns = "town, postcode, name, confidential" if confidential_aware else "town, postcode, name"
    if bind.dialect.name == "sqlite":
        op.execute("DROP VIEW IF EXISTS service_search_source")
        place = (_PLACE if confidential_aware else _OLD_PLACE).format(agg="group_concat")
        op.execute(_VIEW.format(agg="group_concat", place=place))
        op.execute("DROP TRIGGER IF EXISTS service_fts_loc_au")
        op.execute(f"CREATE TRIGGER service_fts_loc_au AFTER UPDATE OF {columns} ON location BEGIN "
                   + _SQLITE_REFRESH.format(ids=_LOC_IDS) + " END")
    elif bind.dialect.name == "postgresql":
        op.execute(_VIEW.replace("CREATE VIEW", "CREATE OR REPLACE VIEW").format(
            agg="string_agg", place=(_PLACE if confidential_aware else _OLD_PLACE).format(agg="string_agg")))
        op.execute("DROP TRIGGER IF EXISTS service_search_loc_au ON location")
        op.execute(f"CREATE TRIGGER service_search_loc_au AFTER UPDATE OF {columns} ON location "
                   "FOR EACH ROW EXECUTE FUNCTION service_search_loc_au_fn()")


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
    _search_source(confidential_aware=True)  # every venue is public so far: nothing to re-index


def downgrade() -> None:
    op.drop_table("service_problem")
    with op.batch_alter_table("location") as batch:
        batch.drop_column("confidential")
    _search_source(confidential_aware=False)  # after the batch, which drops the triggers on location
