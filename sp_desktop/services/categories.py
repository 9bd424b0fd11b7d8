"""The practice's category list (a two-level taxonomy of needs)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sp_desktop.db.models import Category, service_category
from sp_desktop.domain.enums import AuditAction
from sp_desktop.domain.errors import Refused
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
        parent = Category(code=top["code"], name=top["name"], description=top.get("description"),
                          sort_order=i)
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
            per_category = select(service_category.c.category_id, func.count()).group_by(
                service_category.c.category_id)
            counts: dict[int, int] = {r[0]: r[1] for r in s.execute(per_category)}
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
                found = s.get(Category, category_id)
                if found is None:
                    raise NotFound("That category no longer exists.")
                cat = found
                cat.name = clean
                cat.description = description.strip() or None
                changes = audit.pending_changes(cat)
                s.flush()
                if changes:
                    audit.record(s, self.ctx, AuditAction.UPDATE, "category", cat.id, cat.name, changes)
            return CategoryNode(cat.id, cat.code, cat.name, cat.description, cat.parent_id, cat.archived, 0)

    def import_taxonomy(self, path: Path) -> TaxonomyImportResult:
        """A taxonomy file's terms as categories (see `import_taxonomy`)."""
        return import_taxonomy(self.ctx, path)

    def set_archived(self, category_id: int, archived: bool) -> None:
        with self.ctx.write(Permission.EDIT_CATEGORIES) as s:
            cat = s.get(Category, category_id)
            if cat is None:
                raise NotFound("That category no longer exists.")
            if cat.archived != archived:
                cat.archived = archived
                audit.record(s, self.ctx, AuditAction.ARCHIVE if archived else AuditAction.RESTORE,
                             "category", cat.id, cat.name)


# --------------------------------------------------------------------------- a taxonomy file as categories
@dataclass(frozen=True)
class TaxonomyImportResult:
    source_name: str
    added: tuple[str, ...]  # "Parent › Child" or "Top"
    already_there: tuple[str, ...]
    left_out: tuple[str, ...]  # "term 12: has no name"

    def describe(self) -> str:
        parts = [f"{len(self.added)} categor{'y' if len(self.added) == 1 else 'ies'} added"]
        if self.already_there:
            parts.append(f"{len(self.already_there)} already in the list")
        if self.left_out:
            parts.append(f"{len(self.left_out)} left out")
        return f"Imported categories from {self.source_name}: " + "; ".join(parts) + "."


class TaxonomyFileError(Refused, ValueError):
    """The file is not a taxonomy sp_desktop can read; the message says what it is and what to do."""


def read_taxonomy_terms(path: Path) -> list[dict[str, object]]:
    """The taxonomy terms of an HSDS 3.0 / ORUK taxonomy file (a list, an API list response or one term)."""
    from sp_desktop.interop.spreadsheet import decode_text

    path = Path(path)
    try:
        data = json.loads(decode_text(path.read_bytes())[0])
    except (OSError, json.JSONDecodeError) as exc:
        raise TaxonomyFileError(f"{path.name} could not be read as JSON ({exc}).") from None
    items: Any = [data]
    if isinstance(data, list):
        items = data
    elif isinstance(data, dict):
        for key in ("contents", "content"):  # an HSDS 3.0 list response, or an ORUK page
            if isinstance(data.get(key), list):
                items = data[key]
                break
    terms = [t for t in items if isinstance(t, dict)]
    only_about = {"id", "name", "description", "uri", "version"}
    if terms and all(set(t) <= only_about and "version" in t for t in terms):
        raise TaxonomyFileError(f"{path.name} describes a taxonomy (its name and version) but holds no "
                                "terms. Choose the file of its terms (taxonomy_terms.json or a taxonomy_term "
                                "list).")
    if not terms or any(k in t for t in terms for k in ("services", "organization", "service_at_locations")):
        raise TaxonomyFileError(f"{path.name} is not a taxonomy: it holds organisations or services. Import "
                                "it with “Import…” in the File menu instead.")
    return terms


def _import_taxonomy(s: Session, ctx: ServiceContext, terms: list[dict[str, object]],
                     source: str) -> TaxonomyImportResult:
    by_id = {str(t["id"]): t for t in terms if t.get("id")}
    left_out: list[str] = []

    def name_of(t: dict[str, object]) -> str:
        return " ".join(str(t.get("name") or "").split())[:200]

    def top_of(t: dict[str, object]) -> dict[str, object] | None:
        """The first-level ancestor (the practice's list has two levels), or None for a first-level term."""
        seen: set[str] = set()
        parent = by_id.get(str(t.get("parent_id") or ""))
        if parent is None:
            return None
        while parent.get("parent_id") and str(parent["parent_id"]) in by_id and str(parent["id"]) not in seen:
            seen.add(str(parent["id"]))
            parent = by_id[str(parent["parent_id"])]
        return parent

    existing = {(c.parent_id, c.name.casefold()): c for c in s.scalars(select(Category))}
    codes = {c.code for c in existing.values()}
    added: list[str] = []
    already: list[str] = []
    made: dict[str, Category] = {}

    def ensure(t: dict[str, object], parent: Category | None) -> Category | None:
        name = name_of(t)
        key = (parent.id if parent else None, name.casefold())
        label = f"{parent.name} › {name}" if parent else name
        if key in existing:
            if label not in already:
                already.append(label)
            return existing[key]
        code = _slug(name)
        while code in codes:
            code += "-x"
        codes.add(code)
        desc = " ".join(str(t.get("description") or "").split()) or None
        cat = Category(code=code, name=name, description=desc if desc != name else None,
                       parent_id=parent.id if parent else None, sort_order=999)
        s.add(cat)
        s.flush()
        existing[key] = cat
        added.append(label)
        audit.record(s, ctx, AuditAction.CREATE, "category", cat.id, cat.name,
                     summary=f"added from the taxonomy {source}")
        return cat

    for i, t in enumerate(terms, start=1):
        if not name_of(t):
            left_out.append(f"term {t.get('id') or i}: has no name")
            continue
        top = top_of(t)
        if top is None:
            made[str(t.get("id") or i)] = ensure(t, None)  # type: ignore[assignment]
            continue
        if not name_of(top):
            left_out.append(f"“{name_of(t)}”: its parent has no name")
            continue
        parent = made.get(str(top["id"])) or ensure(top, None)
        made[str(top["id"])] = parent  # type: ignore[assignment]
        ensure(t, parent)
    return TaxonomyImportResult(source, tuple(added), tuple(already), tuple(left_out))


def import_taxonomy(ctx: ServiceContext, path: Path) -> TaxonomyImportResult:
    """Add a taxonomy file's terms to the practice's categories (two levels; deeper terms go under their
    first-level ancestor), in one transaction. Terms already in the list (same name, same parent) are kept."""
    terms = read_taxonomy_terms(path)
    with ctx.write(Permission.EDIT_CATEGORIES) as s:
        return _import_taxonomy(s, ctx, terms, Path(path).name)

