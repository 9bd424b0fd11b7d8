"""Leaflets in the patient's language: the practice's own wording tables and service translations.

* A **wording table** holds every fixed phrase of a leaflet (`leaflets.LeafletWording`: headings,
  "How to get in touch", the checked lines, the footer, page numbers) in one language, typed by a
  person - sp_desktop ships no machine translation. Kept in the practice settings (one row per
  language, key ``leaflet_language:<code>``); changed by an administrator (`Permission.SETTINGS`),
  audited. A phrase left out is printed in English.
* A **service translation** is a service's name and description in one language (key
  ``service_translation:<service id>``), kept by anyone who may edit the directory, audited.
* Files: `export_file()` / `import_file()` write and read a table as JSON, so a table made by one
  practice (or a community interpreter) can be shared.

`LeafletService.build_leaflet(language=...)` uses both: a service with no translation is printed
in English and marked so ("in English: no translation yet", in the table's own words).
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sp_desktop.db.models import Service, Setting
from sp_desktop.domain.enums import AuditAction
from sp_desktop.domain.errors import BadInput
from sp_desktop.domain.text import strip_bidi
from sp_desktop.domain.validators import FieldError, optional_text
from sp_desktop.leaflets.content import ENGLISH, LeafletService, LeafletWording
from sp_desktop.services import audit
from sp_desktop.services.base import Actor, NotFound, Permission, PermissionDenied, ServiceContext
from sp_desktop.services.patient_facing import may_change_patient_facing

__all__ = ["FILE_FORMAT", "LanguageChoice", "LeafletLanguageService", "ServiceTranslation",
           "TranslationLocked", "apply_translation", "read_wording"]

FILE_FORMAT = "sp-desktop leaflet wording"
_LANGUAGE_KEY = "leaflet_language:"
_TRANSLATION_KEY = "service_translation:"
_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_MAX_PHRASE = 600


@dataclass(frozen=True)
class ServiceTranslation:
    """A service's name and description in one language, with the English for reference."""

    service_id: int
    code: str
    name: str
    description: str
    english_name: str
    english_description: str
    may_change: bool
    """Whether the acting person may change it (approved organisations: vetting leads and above)."""


class TranslationLocked(PermissionDenied):
    """The front desk tried to change what an approved organisation's leaflet says in a language."""

    def __init__(self, actor: Actor, label: str) -> None:
        PermissionError.__init__(
            self, f"\u201c{label}\u201d is approved, so what its leaflets say - in every language - is "
                  f"checked by the vetting lead. You are signed in as {actor.description}: ask the vetting "
                  "lead or an administrator to change the translation. Nothing was saved.")
        self.permission = Permission.VET


@dataclass(frozen=True)
class LanguageChoice:
    code: str
    name: str
    phrases: int
    """How many of the table's phrases have been typed (the rest print in English)."""


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _check_table(code: str, name: str, phrases: dict[str, Any]) -> dict[str, str]:
    code = (code or "").strip()
    if not _CODE.match(code):
        raise BadInput("code", f"\u201c{code}\u201d is not a language code.",
                       "Use a code such as pl, ur, pa, zh-Hans, uk or ti.", "the wording table")
    if code.lower().startswith("en"):
        raise BadInput("code", "English is built in and cannot be replaced.",
                       "Choose the code of another language.", "the wording table")
    if not (name or "").strip():
        raise BadInput("name", "The language has no name.", "Type its name, e.g. Polski (Polish).",
                       "the wording table")
    known = set(LeafletWording.keys())
    cleaned: dict[str, str] = {}
    for key, value in phrases.items():
        if key not in known:
            raise BadInput(key, f"\u201c{key}\u201d is not a phrase of the leaflet.",
                           f"Use only these names: {', '.join(LeafletWording.keys())}.", "the wording table")
        if not isinstance(value, str):
            raise BadInput(key, "The phrase is not text.", "Type the phrase as text.", "the wording table")
        text = " ".join(value.split())
        if not text:
            continue  # left out: printed in English
        if len(text) > _MAX_PHRASE:
            raise BadInput(key, f"The phrase is {len(text)} characters long.",
                           f"Shorten it to at most {_MAX_PHRASE}.", "the wording table")
        try:
            found = _placeholders(text)
        except ValueError as exc:
            raise BadInput(key, f"The phrase has a stray brace: {exc}.",
                           "Type { and } only around {date}, {page}, {total} or {name}.",
                           "the wording table") from exc
        wanted = _placeholders(str(getattr(ENGLISH, key)))
        if found != wanted:
            shown = ", ".join(f"{{{p}}}" for p in sorted(wanted)) or "none"
            raise BadInput(key, f"The phrase must keep the same blanks as the English one ({shown}).",
                           "Put each blank where it belongs in the sentence, spelt as in English.",
                           "the wording table")
        cleaned[key] = text
    return cleaned


def read_wording(session: Session, code: str) -> LeafletWording:
    """The wording table for ``code`` (English phrases where none was typed). NotFound if none."""
    row = session.get(Setting, _LANGUAGE_KEY + code)
    if row is None:
        raise NotFound(f"There is no leaflet wording for the language \u201c{code}\u201d. "
                       "Add it in Settings, or import its file.")
    phrases = dict(row.value.get("phrases", {}))
    return replace(ENGLISH, language=code, **{k: v for k, v in phrases.items() if k in LeafletWording.keys()})


def apply_translation(session: Session, content: LeafletService, service_id: int,
                      code: str) -> LeafletService:
    """``content`` with the service's name and description in ``code``, or marked as printed in
    English when it has no translation."""
    row = session.get(Setting, _TRANSLATION_KEY + str(service_id))
    found = (row.value or {}).get(code) if row is not None else None
    if not found or not (found.get("name") or found.get("description")):
        return replace(content, english_fallback=True)
    return replace(content, service_name=found.get("name") or content.service_name,
                   description=found.get("description") or content.description)


class LeafletLanguageService:
    """Wording tables (administrators) and service translations (directory editors)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def languages(self) -> list[LanguageChoice]:
        with self.ctx.read(Permission.PRINT_LEAFLETS) as s:
            rows = s.scalars(select(Setting).where(Setting.key.like(_LANGUAGE_KEY + "%"))).all()
            return sorted((LanguageChoice(r.key[len(_LANGUAGE_KEY):], str(r.value.get("name", "")),
                                          len(r.value.get("phrases", {}))) for r in rows),
                          key=lambda c: c.name.casefold())

    def wording(self, code: str) -> LeafletWording:
        with self.ctx.read(Permission.PRINT_LEAFLETS) as s:
            return read_wording(s, code)

    def save_language(self, code: str, name: str, phrases: dict[str, Any]) -> LanguageChoice:
        """Add or replace the wording table for ``code``. Administrators; audited. Raises
        BadInput (nothing saved) for an unknown phrase name, a lost blank such as {date}, ..."""
        cleaned = _check_table(code, name, phrases)
        code, name = code.strip(), " ".join(name.split())
        with self.ctx.write(Permission.SETTINGS) as s:
            row = s.get(Setting, _LANGUAGE_KEY + code)
            value = {"name": name, "phrases": cleaned}
            before = row.value if row is not None else None
            if row is None:
                s.add(Setting(key=_LANGUAGE_KEY + code, value=value))
            else:
                row.value = value
            audit.record(s, self.ctx, AuditAction.SETTING, "setting", None, f"leaflet wording {code}",
                         {"leaflet_wording": [before, value]},
                         summary=f"leaflet wording for {name} ({code}): {len(cleaned)} phrases")
            s.flush()
        return LanguageChoice(code, name, len(cleaned))

    def export_file(self, code: str) -> str:
        """The table as a JSON file's text (every phrase name, English beside it for reference)."""
        with self.ctx.read(Permission.PRINT_LEAFLETS) as s:
            row = s.get(Setting, _LANGUAGE_KEY + code)
            if row is None:
                raise NotFound(f"There is no leaflet wording for \u201c{code}\u201d.")
            phrases = dict(row.value.get("phrases", {}))
            name = row.value.get("name", "")
        return json.dumps({"format": FILE_FORMAT, "version": 1, "code": code, "name": name,
                           "phrases": {k: phrases.get(k, "") for k in LeafletWording.keys()},
                           "english": {k: getattr(ENGLISH, k) for k in LeafletWording.keys()}},
                          ensure_ascii=False, indent=2) + "\n"

    def import_file(self, text: str) -> LanguageChoice:
        """Read a file made by `export_file` and save its table (BadInput says what is wrong)."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise BadInput("file", f"The file is not a leaflet wording file ({exc}).",
                           "Choose a file exported from sp_desktop's Settings.", "the chosen file") from exc
        if not isinstance(data, dict) or data.get("format") != FILE_FORMAT or not isinstance(
                data.get("phrases"), dict):
            raise BadInput("file", "The file is not a leaflet wording file.",
                           "Choose a file exported from sp_desktop's Settings.", "the chosen file")
        return self.save_language(str(data.get("code", "")), str(data.get("name", "")), data["phrases"])

    def translation(self, service_id: int, code: str) -> ServiceTranslation:
        """The service's name and description in ``code`` as kept (empty when there is none), with
        the English beside them."""
        with self.ctx.read(Permission.PRINT_LEAFLETS) as s:
            svc = s.get(Service, service_id)
            if svc is None:
                raise NotFound(f"Service {service_id} does not exist (it may have been deleted).")
            row = s.get(Setting, _TRANSLATION_KEY + str(service_id))
            found = ((row.value or {}).get(code) if row is not None else None) or {}
            org = svc.organisation
            return ServiceTranslation(
                service_id=service_id, code=code, name=str(found.get("name", "")),
                description=str(found.get("description", "")), english_name=svc.name,
                english_description=svc.description or "",
                may_change=may_change_patient_facing(self.ctx.actor, org.vetting_status if org else None))

    def set_translation(self, service_id: int, code: str, name: str, description: str) -> None:
        """A service's name and description in ``code`` (empty both: removed). Audited.

        Checked like the English fields (BadInput, nothing saved): at most 300 characters of name
        on one line and 20,000 of description, no control characters; direction overrides are
        removed. A translation is what the patient reads, so once the organisation is approved
        only a vetting lead or administrator changes it (as for the English)."""
        try:
            name = optional_text(name, "name", "translated name", 300, multiline=False) or ""
            name = " ".join(name.split())
            description = optional_text(description, "description", "translated description") or ""
        except FieldError as exc:
            raise BadInput(exc.field, exc.message, where=f"the translation into {code}") from None
        name, description = strip_bidi(name).strip(), strip_bidi(description).strip()
        with self.ctx.write(Permission.EDIT_DIRECTORY) as s:
            if s.get(Setting, _LANGUAGE_KEY + code) is None:
                raise NotFound(f"There is no leaflet wording for \u201c{code}\u201d: add the language first.")
            svc = s.get(Service, service_id)
            if svc is None:
                raise NotFound(f"Service {service_id} does not exist (it may have been deleted).")
            org = svc.organisation
            if not may_change_patient_facing(self.ctx.actor, org.vetting_status if org else None):
                raise TranslationLocked(self.ctx.actor, svc.name)
            row = s.get(Setting, _TRANSLATION_KEY + str(service_id))
            value = dict(row.value) if row is not None else {}
            before = value.get(code)
            if name or description:
                value[code] = {"name": name, "description": description}
            else:
                value.pop(code, None)
            if row is None:
                s.add(Setting(key=_TRANSLATION_KEY + str(service_id), value=value))
            else:
                row.value = value
            audit.record(s, self.ctx, AuditAction.UPDATE, "service", service_id, svc.name,
                         {f"translation_{code}": [before, value.get(code)]},
                         organisation_id=svc.organisation_id)
            s.flush()



