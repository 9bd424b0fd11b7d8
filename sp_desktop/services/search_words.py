"""The practice's own search words: synonym lines the vetting lead adds to the shipped list.

The shipped list (resources/search/synonyms.txt) holds the sector's everyday words; a practice
adds its own lines in Settings -> Search words ("sanctuary, night shelter"). Both are used by
every search on every PC (the practice's lines live in the database). Changing them needs the
vetting lead's permission and is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from sp_desktop.db.models import Setting
from sp_desktop.db.search_terms import Synonyms, parse_synonyms, shipped_synonyms, shipped_synonyms_path
from sp_desktop.domain.enums import AuditAction
from sp_desktop.domain.errors import BadInput
from sp_desktop.services import audit
from sp_desktop.services.base import Permission, ServiceContext

SETTING_KEY = "search_synonyms"
MAX_CHARACTERS = 20_000
MAX_LINE = 400


def practice_synonyms_text(s: Session) -> str:
    row = s.get(Setting, SETTING_KEY)
    return str(row.value) if row is not None and isinstance(row.value, str) else ""


def synonyms_in(s: Session) -> Synonyms:
    """The shipped synonym lines plus the practice's own, for a search."""
    return Synonyms(shipped_synonyms() + parse_synonyms(practice_synonyms_text(s)))


@dataclass(frozen=True)
class SearchWords:
    shipped: str  # the shipped list, as a read-only reference
    practice: str  # the practice's own lines, as saved


def check_lines(text: str) -> str:
    """The practice's lines, tidied (spaces, blank lines), or BadInput saying which line is wrong."""
    if len(text) > MAX_CHARACTERS:
        raise BadInput("Search words",
                       f"The list is {len(text):,} characters long; the most is {MAX_CHARACTERS:,}.",
                       "Remove lines you no longer need, then save again.")
    kept = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = " ".join(raw.split())
        if not line:
            continue
        if any(ord(ch) < 32 for ch in line):
            raise BadInput("Search words", f"Line {number} has a control character in it.",
                           "Retype the line, then save again.", where=f"line {number}")
        if len(line) > MAX_LINE:
            raise BadInput("Search words",
                           f"Line {number} is {len(line)} characters long; the most is {MAX_LINE}.",
                           "Split it into shorter lines of words that mean the same.", where=f"line {number}")
        if not line.startswith("#"):
            members = [m.strip() for m in line.split("#", 1)[0].split(",") if m.strip()]
            if len(members) < 2:
                raise BadInput("Search words",
                               f"Line {number} (\u201c{line}\u201d) has only one word or phrase.",
                               "Put two or more words that mean the same on a line, separated by commas, "
                               "for example: sanctuary, night shelter.", where=f"line {number}")
        kept.append(line)
    return "\n".join(kept)


class SearchWordsService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def get(self) -> SearchWords:
        with self.ctx.read() as s:
            practice = practice_synonyms_text(s)
        return SearchWords(shipped_synonyms_path().read_text(encoding="utf-8"), practice)

    def save(self, text: str) -> SearchWords:
        """Replace the practice's own lines (vetting lead and above). Nothing is saved if a line is wrong."""
        tidy = check_lines(text)
        with self.ctx.write(Permission.VET) as s:
            row = s.get(Setting, SETTING_KEY)
            old = practice_synonyms_text(s)
            if old != tidy:
                if row is None:
                    s.add(Setting(key=SETTING_KEY, value=tidy))
                else:
                    row.value = tidy
                audit.record(s, self.ctx, AuditAction.SETTING, "setting", None, SETTING_KEY,
                             {SETTING_KEY: [old, tidy]}, summary="Search words changed")
            s.flush()
        return self.get()
