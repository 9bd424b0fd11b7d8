"""The practice's category list (a two-level taxonomy of needs)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sp_desktop.db.models import Category, service_category
from sp_desktop.domain.enums import AuditAction
from sp_desktop.domain.validators import require_text
from sp_desktop.paths import resource_path
from sp_desktop.services import audit
from sp_desktop.services.base import NotFound, Permission, ServiceContext, ValidationFailed


@dataclass(frozen=True)
class CategoryNode:
    id: int
    code: str
    name: str
    description: str | None
    parent_id: int | None
    archived: bool
    service_count: int
    children: tuple[CategoryNode, ...] = ()

    @property
    def label(self) -> str:
        return self.name


def default_taxonomy_file() -> Path:
    return resource_path("taxonomy", "default.json")


def seed_taxonomy(session: Session, path: Path | None = None) -> int:
    """Load the default taxonomy into an empty category table. Returns how many were added."""
    if session.scalar(select(func.count()).select_from(Category)):
        return 0
    data = json.loads((path or default_taxonomy_file()).read_text(encoding="utf-8"))
    added = 0
    for i, top in enumerate(data["categories"]):
        parent = Category(code=top["code"], name=top["name"], description=top.get("description"), sort_order=i)
        session.add(parent)
        added += 1
        for j, child in enumerate(top.get("children", [])):
            session.add(Category(code=child["code"], name=child["name"], description=child.get("description"),
                                 parent=parent, sort_order=j))
            added += 1
    session.flush()
    return added


def _slug(name: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:70] or "category"


class CategoryService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def tree(self, include_archived: bool = False) -> list[CategoryNode]:
        with self.ctx.read() as s:
            counts: dict[int, int] = {r[0]: r[1] for r in s.execute(select(service_category.c.category_id, func.count())
                                    .group_by(service_category.c.category_id))}
            cats = s.scalars(select(Category).order_by(Category.sort_order, Category.name)).all()
            by_parent: dict[int | None, list[Category]] = {}
            for c in cats:
                if c.archived and not include_archived:
                    continue
                by_parent.setdefault(c.parent_id, []).append(c)

            def node(c: Category) -> CategoryNode:
                kids = tuple(node(k) for k in by_parent.get(c.id, []))
                return CategoryNode(c.id, c.code, c.name, c.description, c.parent_id, c.archived,
                                    counts.get(c.id, 0) + sum(k.service_count for k in kids), kids)

            return [node(c) for c in by_parent.get(None, [])]

    def flat(self) -> list[CategoryNode]:
        out: list[CategoryNode] = []
        for top in self.tree():
            out.append(top)
            out.extend(top.children)
        return out

    def save(self, name: str, description: str = "", parent_id: int | None = None,
             category_id: int | None = None) -> CategoryNode:
        clean = require_text(name, "name", "category name", 200)
        with self.ctx.write(Permission.EDIT_CATEGORIES) as s:
            clash = s.scalar(select(Category).where(func.lower(Category.name) == clean.lower(),
                                                    Category.parent_id.is_(parent_id) if parent_id is None
                                                    else Category.parent_id == parent_id))
            if clash is not None and clash.id != category_id:
                raise ValidationFailed({"name": f"There is already a category called “{clean}” here."})
            if category_id is None:
                code = _slug(clean)
                while s.scalar(select(Category.id).where(Category.code == code)):
                    code += "-x"
                cat = Category(code=code, name=clean, description=description.strip() or None,
                               parent_id=parent_id, sort_order=999)
                s.add(cat)
                s.flush()
                audit.record(s, self.ctx, AuditAction.CREATE, "category", cat.id, cat.name)
            else:
                cat = s.get(Category, category_id)
                if cat is None:
                    raise NotFound("That category no longer exists.")
                cat.name = clean
                cat.description = description.strip() or None
                changes = audit.pending_changes(cat)
                s.flush()
                if changes:
                    audit.record(s, self.ctx, AuditAction.UPDATE, "category", cat.id, cat.name, changes)
            return CategoryNode(cat.id, cat.code, cat.name, cat.description, cat.parent_id, cat.archived, 0)

    def set_archived(self, category_id: int, archived: bool) -> None:
        with self.ctx.write(Permission.EDIT_CATEGORIES) as s:
            cat = s.get(Category, category_id)
            if cat is None:
                raise NotFound("That category no longer exists.")
            if cat.archived != archived:
                cat.archived = archived
                audit.record(s, self.ctx, AuditAction.ARCHIVE if archived else AuditAction.RESTORE,
                             "category", cat.id, cat.name)
