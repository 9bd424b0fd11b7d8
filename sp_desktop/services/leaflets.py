"""Patient leaflets and category booklets: from the directory to the renderer's content values.

Everything between the database and `sp_desktop.leaflets` (which only renders):

* `leaflet_content()` turns a `ServiceDetail` into the plain words a patient reads
  (`sp_desktop.leaflets.LeafletService`). It copies **only** public fields: description, who
  it is for, cost, how to get in touch, opening times, venues, last checked date. Nothing
  internal (trust notes, contact history, vetting evidence or reasons, staff names, contact
  people, referral records, import source ids) is ever read into a leaflet value.
* `LeafletService.check()` applies the basket rules for the person printing: whether each
  service may go on a leaflet (the ONE rule, `services.vetting.leaflet_eligibility`) and what
  they should be warned about (details not checked within the practice's review interval, an
  open concern about the organisation, temporarily closed...). Warnings are for the screen,
  never for the leaflet.
* `LeafletService.include_unapproved()` records a clinician's reason for putting a service that
  is not approved on a leaflet (audited; the reason must not identify the patient).
* `LeafletService.build_leaflet()` makes the `Leaflet` value (refusing what the rules refuse);
  `build_booklet()` / `booklet_pdf()` make a category booklet of approved services.
* `directory.service_details()` reads many services at once (a booklet's 150 in a dozen statements,
  not ~2,000): the same `ServiceDetail` values as `directory.service_detail`, one at a time.

Nothing about the patient is stored: the personal note goes on the paper and nowhere else.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sp_desktop.db.models import Category, Service, service_category
from sp_desktop.domain.accessibility import PATIENT_WORDING
from sp_desktop.domain.enums import AccessRoute, AuditAction, PhoneType, ProblemKind, VettingStatus
from sp_desktop.domain.errors import BadInput, Refused
from sp_desktop.domain.formatting import WEEKDAYS, show_age_range, show_date, show_opening
from sp_desktop.domain.locations import public_location
from sp_desktop.domain.validators import display_phone
from sp_desktop.leaflets import (  # the content only: the renderer (reportlab) loads when a PDF is made
    ENGLISH,
    Booklet,
    BookletSection,
    CheckedState,
    Leaflet,
    LeafletFormat,
    LeafletVenue,
    PracticeHeader,
)
from sp_desktop.leaflets import LeafletService as LeafletContent
from sp_desktop.services import audit
from sp_desktop.services.base import (
    NotFound,
    Permission,
    PermissionDenied,
    ServiceContext,
    can,
)
from sp_desktop.services.directory import (
    _CHUNK,
    LocationInfo,
    OpeningSlot,
    ServiceDetail,
    service_detail,
    service_details,
)
from sp_desktop.services.leaflet_languages import apply_translation, read_wording
from sp_desktop.services.problems import PROBLEM_REPORTED, open_problems_in
from sp_desktop.services.relationships import open_concerns_in
from sp_desktop.services.settings import PracticeSettings, read_settings
from sp_desktop.services.tasks import Cancelled, Progress, check
from sp_desktop.services.vetting import (
    Eligibility,
    add_months,
    leaflet_eligibility,
    record_leaflet_override,
)

__all__ = [
    "BasketItem",
    "BookletChoice",
    "BookletResult",
    "LeafletContent",
    "LeafletRefused",
    "LeafletService",
    "PreparedLeaflet",
    "ServiceCheck",
    "default_file_name",
    "leaflet_content",
    "opening_lines",
    "practice_header",
]


#: Venue accessibility codes in the words a patient reads (sp_desktop/domain/accessibility.py).
_ACCESSIBILITY_WORDS = PATIENT_WORDING

_PHONE_WORDS = {
    PhoneType.TEXT: "Text",
    PhoneType.TEXTPHONE: "Textphone",
    PhoneType.VIDEO: "Video call",
}


# --------------------------------------------------------------------------- content (pure)
def _text(value: str | None) -> str:
    return (value or "").strip()


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?:;)" else text + "."


def _accessibility(code: str) -> str:
    return _ACCESSIBILITY_WORDS.get(code, code.replace("_", " ").strip().capitalize())


def _venue(loc: LocationInfo) -> LeafletVenue:
    """The venue as the patient reads it: always the public view (`domain.locations.public_location`),
    so a confidential location (a refuge) says "Address given when you phone" and nothing more."""
    view = public_location(loc)
    return LeafletVenue(
        name=view.name,
        address_lines=view.address_lines,
        accessibility=tuple(_accessibility(c) for c in view.accessibility if _text(c)),
        accessibility_notes=view.accessibility_notes,
        transport_notes=view.transport_notes,
    )


def _who_for(d: ServiceDetail) -> str | None:
    parts: list[str] = []
    if _text(d.eligibility):
        parts.append(_sentence(_text(d.eligibility)))
    ages = [str(a) for a in (d.min_age, d.max_age) if a is not None]
    if ages and not all(a in " ".join(parts) for a in ages):  # unless the words already say it
        parts.append(_sentence(show_age_range(d.min_age, d.max_age)))
    elif not parts:
        parts.append(_sentence(d.ages))  # "All ages." only when the practice said so; else "Age not stated."
    area = _text(d.service_area)
    if area and area.casefold() not in " ".join(parts).casefold():
        parts.append(f"For people in {area.rstrip('.')}.")
    return " ".join(parts) or None


def _join_words(words: Sequence[str]) -> str:
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _how_to_get_in_touch(d: ServiceDetail, referred: bool) -> tuple[str, ...]:
    """At most three short paragraphs: how to start, their own words, languages."""
    access = set(d.access)
    how: list[str] = []
    if AccessRoute.SELF_REFERRAL in access:
        how.append("You can contact them yourself. You do not need a referral.")
    elif AccessRoute.PROFESSIONAL_REFERRAL in access and not referred:
        how.append("You need a referral from your GP or another professional. Ask at reception.")
    if AccessRoute.DROP_IN in access:
        how.append("You can just drop in at the times below.")
    if AccessRoute.APPOINTMENT in access and not _text(d.application_process):
        how.append("You need to book an appointment first.")
    lines = [" ".join(how)]
    lines.append(_sentence(_text(d.application_process)))
    speak: list[str] = []
    others = [x for x in d.languages if _text(x) and _text(x).casefold() != "english"]
    if others:
        speak.append(f"They can help in {_join_words(['English', *others])}.")
    if _text(d.interpretation):
        speak.append(_sentence(_text(d.interpretation)))
    if d.bsl:
        speak.append("British Sign Language (BSL) users are welcome.")
    lines.append(" ".join(speak))
    return tuple(x for x in lines if x)


def _phones(d: ServiceDetail) -> tuple[tuple[str, str], ...]:
    phones = d.phones or d.organisation.phones  # the organisation's public numbers when it has none
    out: list[tuple[str, str]] = []
    for p in phones:
        if p.type is PhoneType.FAX or not _text(p.number):
            continue
        label = _text(p.description) or _PHONE_WORDS.get(p.type, "")
        out.append((label, display_phone(p.number)))
    return tuple(out)


def _remote_note(d: ServiceDetail) -> str | None:
    ways = [w for w, on in (("by phone", d.by_phone), ("online", d.online)) if on]
    if not ways:
        return None
    how = " and ".join(ways)
    if d.locations:
        return f"You can also use this service {how}."
    return f"This service is {how}, so you do not need to travel."


def opening_lines(slots: Sequence[OpeningSlot]) -> tuple[str, ...]:
    """Opening times in plain words. Days in a row with the same hours share a line: three or more
    as "Monday to Friday 10:00 to 16:00", two as "Monday and Tuesday 09:30 to 16:30". Days with
    more than one session, and days not next to each other, keep a line each."""
    ordered = sorted(slots, key=lambda x: (x.weekday, x.opens or "", x.closes or ""))
    lines: list[str] = []
    i = 0
    while i < len(ordered):
        first = ordered[i]
        key = (first.opens, first.closes, first.note)
        j = i
        while (j + 1 < len(ordered) and ordered[j + 1].weekday == ordered[j].weekday + 1
               and (ordered[j + 1].opens, ordered[j + 1].closes, ordered[j + 1].note) == key
               and sum(1 for x in ordered if x.weekday == ordered[j + 1].weekday) == 1
               and sum(1 for x in ordered if x.weekday == first.weekday) == 1):
            j += 1
        text = show_opening(first.weekday, first.opens, first.closes, first.note)
        if j - i >= 1:
            last = WEEKDAYS[ordered[j].weekday] if 0 <= ordered[j].weekday < 7 else "?"
            joiner = " and " if j - i == 1 else " to "
            day = WEEKDAYS[first.weekday] if 0 <= first.weekday < 7 else "?"
            text = day + joiner + last + text[len(day):]
        lines.append(text)
        i = j + 1
    return tuple(lines)


def leaflet_content(d: ServiceDetail, referred: bool = False, closures: Sequence[str] = ()) -> LeafletContent:
    """What a patient reads about one service: public fields only, in plain words. `closures`:
    the service's dated closures in force or starting within four weeks (issue 18), printed first
    among the opening times so that every form of the leaflet (down to the SMS) carries them."""
    description = _text(d.description) or _text(d.organisation.description) or None
    return LeafletContent(
        service_name=d.name,
        organisation_name=d.organisation.name,
        description=description,
        who_for=_who_for(d),
        cost=_sentence(d.cost) if not d.is_free or d.cost_not_stated else "Free",
        how_to_get_in_touch=_how_to_get_in_touch(d, referred),
        phones=_phones(d),
        email=_text(d.email) or _text(d.organisation.email) or None,
        website=_text(d.url) or _text(d.organisation.website) or None,
        opening_times=tuple(closures) + opening_lines(d.schedule),
        opening_notes=_text(d.schedule_notes) or None,
        venues=tuple(_venue(loc) for loc in d.locations),
        remote_note=_remote_note(d),
        last_verified=d.last_verified_on,
        referred_by_practice=referred,
    )


def closure_lines(s: Session, service_ids: Sequence[int], made_on: date) -> dict[int, tuple[str, ...]]:
    """"Closed 22 Dec 2026 to 5 Jan 2027 (Christmas holidays)" per service, for a leaflet made on
    `made_on`: closures in force then or starting within four weeks (issue 18)."""
    from sp_desktop.domain.confidence import closures_for_leaflet
    from sp_desktop.services.confidence import closures_by_service

    return {sid: tuple(c.text for c in closures_for_leaflet(found, made_on))
            for sid, found in closures_by_service(s, service_ids, made_on).items()
            if closures_for_leaflet(found, made_on)}


# --------------------------------------------------------------------------- reading many services
def practice_header(settings: PracticeSettings) -> PracticeHeader:
    """The leaflet header from practice settings (a broken logo is left off, not fatal)."""
    logo: bytes | None = None
    if settings.practice_logo_png:
        try:
            logo = base64.b64decode(settings.practice_logo_png, validate=True)
        except (binascii.Error, ValueError):
            logo = None
    phone = _text(settings.practice_phone)
    if phone.startswith("+"):
        phone = display_phone(phone)
    return PracticeHeader(name=_text(settings.practice_name),
                          address_lines=settings.address_lines, phone=phone or None, logo_png=logo)


def default_file_name(kind: str, on: date) -> str:
    """``Support leaflet 24 Nov 2026.pdf``: no patient name, safe on every file system."""
    return f"Support {kind} {show_date(on)}.pdf"


# --------------------------------------------------------------------------- values
@dataclass(frozen=True)
class BasketItem:
    """One service chosen for a leaflet. Holds no patient data."""

    service_id: int
    override_reason: str = ""
    """A clinician's reason for including a service that is not approved (already recorded)."""
    referred: bool = False
    """The practice has referred the patient, so the leaflet says they will get in touch."""
    problem_reason: str = ""
    """Why a leaflet is made although a problem is reported with the service (never printed)."""


@dataclass(frozen=True)
class ServiceCheck:
    """The basket rules for one service, for the person printing (never printed)."""

    service_id: int
    service_name: str
    organisation_name: str
    organisation_id: int | None
    allowed: bool
    needs_override: bool
    reason: str
    """Why it may not go on a leaflet as it is ("" when allowed)."""
    warnings: tuple[str, ...] = ()
    vetting_status: VettingStatus | None = None
    professional_referral_only: bool = False
    checked: CheckedState = CheckedState.NOT_CHECKED
    """What the leaflet may truthfully say about the practice's check (printed)."""
    temporarily_closed: bool = False
    concern: bool = False
    """An open concern about the organisation (never printed; a booklet asks before keeping it)."""
    problem: str = ""
    """"Problem reported: ..." while a reported problem is open: a leaflet needs a reason (never printed)."""

    @property
    def flagged(self) -> bool:
        """Printable, but a booklet lists it for the person to keep or leave out (a problem reported
        too: keeping it is the explicit choice, and it is then marked "please phone before you go")."""
        return self.allowed and (self.checked is not CheckedState.CHECKED or self.concern
                                 or bool(self.problem))

    @property
    def can_add(self) -> bool:
        return self.allowed or self.needs_override

    @property
    def label(self) -> str:
        if not self.organisation_name:
            return self.service_name
        return f"{self.service_name} — {self.organisation_name}"


class LeafletRefused(Refused, ValueError):
    """A service may not go on this leaflet. The message says which and why; `problems` maps
    service id -> reason."""

    def __init__(self, problems: dict[int, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class PreparedLeaflet:
    """A leaflet ready to render, with the warnings for the person printing."""

    leaflet: Leaflet
    fmt: LeafletFormat
    warnings: tuple[str, ...]
    service_ids: tuple[int, ...]
    missing: tuple[str, ...] = ()
    """Characters no leaflet font can draw, one line per place: service, character, code point
    (``render.undrawable``). They show as "?" on paper: the person printing chooses to go on."""

    def pdf(self) -> bytes:
        from sp_desktop.leaflets.render import render_leaflet

        return render_leaflet(self.leaflet, self.fmt)

    def text(self) -> str:
        from sp_desktop.leaflets.render import leaflet_plain_text

        return leaflet_plain_text(self.leaflet)

    def html(self) -> str:
        """The accessible version: headings, lists and links for a screen reader (leaflets/accessible.py)."""
        from sp_desktop.leaflets.accessible import leaflet_html

        return leaflet_html(self.leaflet)

    def sms(self) -> str:
        """The short form for a text message: at most three SMS segments."""
        from sp_desktop.leaflets.render import leaflet_sms_text

        return leaflet_sms_text(self.leaflet)

    @property
    def reference(self) -> str | None:
        return self.leaflet.reference

    def with_reference(self, code: str) -> PreparedLeaflet:
        return replace(self, leaflet=replace(self.leaflet, reference=code))

    def with_phone_first(self) -> PreparedLeaflet:
        """The same leaflet with PHONE_FIRST at the top of the note: what the person printing chooses
        when a warning says the details may be out of date."""
        note = self.leaflet.personal_note or ""
        if PHONE_FIRST in note:
            return self
        note = f"{PHONE_FIRST}\n\n{note}" if note else PHONE_FIRST
        return replace(self, leaflet=replace(self.leaflet, personal_note=note))


#: Why no leaflet is made before the practice's details are entered (the window asks for them first).
NO_PRACTICE = ("The practice's name is not set yet, so the leaflet would not say which practice it is from. "
               "An administrator enters the practice's name, address and phone number in Settings (the app "
               "asks for them when an administrator first starts it).")

#: The line a leaflet carries when its details may be out of date and the person printing chose to
#: print it anyway (the default when warned).
PHONE_FIRST = ("Please phone before you go: these details may have changed since the practice last "
               "checked them.")


@dataclass(frozen=True)
class BookletChoice:
    """A category a booklet can be made of, with how many approved services it has."""

    id: int
    name: str
    approved_services: int
    parent_id: int | None = None


@dataclass(frozen=True)
class BookletResult:
    pdf: bytes
    booklet: Booklet
    service_count: int
    section_names: tuple[str, ...] = field(default_factory=tuple)


def _problem_reason_words(reason: str) -> str:
    words = " ".join((reason or "").split())
    if len(words) < 5:
        raise BadInput("reason", "A problem has been reported with this service: say in a few words why a "
                       "leaflet is right anyway.", "Do not name the patient.")
    return words


def _record_problem_reason(s: Session, ctx: ServiceContext, c: ServiceCheck, reason: str) -> None:
    words = _problem_reason_words(reason)
    audit.record(s, ctx, AuditAction.UPDATE, "service", c.service_id, c.service_name,
                 {"leaflet_despite_problem": [None, words]},
                 summary=f"put on a patient leaflet although a problem is reported: {words}",
                 organisation_id=c.organisation_id)


# --------------------------------------------------------------------------- the service
class LeafletService:
    """Leaflets and booklets for the acting staff member. Printing needs `PRINT_LEAFLETS`;
    including a service that is not approved needs `OVERRIDE_LEAFLET` and a recorded reason."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # ---- reading
    def settings(self) -> PracticeSettings:
        with self.ctx.db.read() as s:  # everyone may read practice settings
            return read_settings(s)

    def practice_header(self) -> PracticeHeader:
        return practice_header(self.settings())

    def may_override(self) -> bool:
        return can(self.ctx.actor, Permission.OVERRIDE_LEAFLET)

    def check(self, service_ids: Sequence[int]) -> list[ServiceCheck]:
        """The basket rules for each service, in the order given."""
        with self.ctx.read(Permission.PRINT_LEAFLETS) as s:
            return self._check(s, service_ids)

    def _check(self, s: Session, service_ids: Sequence[int]) -> list[ServiceCheck]:
        today = self.ctx.today()
        settings = read_settings(s)
        ids = list(dict.fromkeys(service_ids))
        rules = leaflet_eligibility(s, ids, today)
        rows = {r.id: r for r in s.execute(
            select(Service.id, Service.organisation_id, Service.last_verified_on,
                   Service.publisher_assured_on, Service.source_feed,
                   Service.access_self_referral, Service.access_professional_referral,
                   Service.access_drop_in, Service.access_appointment)
            .where(Service.id.in_(ids)))} if ids else {}
        concerns = open_concerns_in(s, sorted({r.organisation_id for r in rows.values()}))
        reported = open_problems_in(s, ids)
        out: list[ServiceCheck] = []
        for sid in ids:
            e: Eligibility = rules[sid]
            row = rows.get(sid)
            warnings: list[str] = []
            checked = CheckedState.NOT_CHECKED
            if e.allowed and row is not None:
                fresh = (row.last_verified_on is not None
                         and add_months(row.last_verified_on, settings.review_interval_months) >= today
                         and "overdue" not in e.warning)
                checked = CheckedState.CHECKED if fresh else CheckedState.STALE
            concern = None
            if row is not None and (e.allowed or e.overridable):
                name = e.service_name
                if e.warning:
                    warnings.append(f"! {name}: {_sentence(e.warning)}")
                if row.last_verified_on is None and row.publisher_assured_on is not None:
                    feed = f"“{row.source_feed}”" if row.source_feed else "the feed"
                    warnings.append(
                        f"! {name}: the details have never been checked by the practice (the publisher of "
                        f"{feed} assured them on {show_date(row.publisher_assured_on)}). Check them with the "
                        "organisation before giving this leaflet.")
                elif row.last_verified_on is None:
                    warnings.append(f"! {name}: the details have never been checked. Check them with "
                                    "the organisation before giving this leaflet.")
                elif add_months(row.last_verified_on, settings.review_interval_months) < today:
                    warnings.append(
                        f"! {name}: the details were last checked on {show_date(row.last_verified_on)}, "
                        f"more than {settings.review_interval_months} months ago. They may be out of date.")
                concern = concerns.get(row.organisation_id)
                if concern is not None:
                    warnings.append(concern.warning)
            problem = ""
            if row is not None and sid in reported:
                p = reported[sid]
                problem = (f"{PROBLEM_REPORTED}: {ProblemKind(p.kind).label} "
                           f"({show_date(p.reported_at.date())}, {p.reported_by})")
                warnings.append(f"! {e.service_name}: {problem}. A leaflet for it needs your reason until "
                                "the vetting lead resolves it.")
            professional_only = bool(row is not None and row.access_professional_referral
                                     and not (row.access_self_referral or row.access_drop_in
                                              or row.access_appointment))
            out.append(ServiceCheck(
                service_id=sid, service_name=e.service_name or f"Service {sid}",
                organisation_name=e.organisation_name,
                organisation_id=row.organisation_id if row is not None else None,
                allowed=e.allowed, needs_override=e.needs_override, reason=e.reason,
                warnings=tuple(warnings), vetting_status=e.vetting_status,
                professional_referral_only=professional_only, checked=checked,
                temporarily_closed="temporarily closed" in e.warning, concern=concern is not None,
                problem=problem))
        return out

    def include_despite_problem(self, service_id: int, reason: str) -> ServiceCheck:
        """Record (audited) that the acting member of staff puts a service with an open reported
        problem on a leaflet, and why (any role that may print). Raises BadInput (no reason)."""
        with self.ctx.write(Permission.PRINT_LEAFLETS) as s:
            check_ = self._check(s, [service_id])[0]
            if check_.problem:
                _record_problem_reason(s, self.ctx, check_, reason)
            return check_

    # ---- the override
    def include_unapproved(self, service_id: int, reason: str) -> ServiceCheck:
        """Record (audited, in one transaction) that the acting clinician puts a service whose
        organisation is not approved on a leaflet, and why. The reason must not identify the
        patient. Raises PermissionDenied (front desk), ValidationFailed (no reason, or a service
        that can never be printed)."""
        if not self.may_override():
            raise PermissionDenied(self.ctx.actor, Permission.OVERRIDE_LEAFLET)
        with self.ctx.write(Permission.OVERRIDE_LEAFLET) as s:
            record_leaflet_override(s, self.ctx, service_id, reason)
            return self._check(s, [service_id])[0]

    # ---- leaflets
    def content(self, service_id: int, referred: bool = False) -> LeafletContent:
        with self.ctx.read(Permission.PRINT_LEAFLETS) as s:
            return leaflet_content(self._detail(s, service_id), referred,
                                   closure_lines(s, [service_id], self.ctx.today()).get(service_id, ()))

    def contents(self, service_ids: Sequence[int], referred: bool = False) -> list[LeafletContent]:
        """`content()` of many services, in the order given, read together (`service_details`)."""
        with self.ctx.read(Permission.PRINT_LEAFLETS) as s:
            details = self._details(s, service_ids)
            closed = closure_lines(s, service_ids, self.ctx.today())
            return [leaflet_content(details[sid], referred, closed.get(sid, ())) for sid in service_ids]

    @staticmethod
    def _detail(s: Session, service_id: int) -> ServiceDetail:
        svc = s.get(Service, service_id, options=[selectinload(Service.categories),
                                                  selectinload(Service.schedules)])
        if svc is None:
            raise NotFound(f"Service {service_id} does not exist (it may have been deleted).")
        return service_detail(s, svc)

    @staticmethod
    def _details(s: Session, service_ids: Sequence[int]) -> dict[int, ServiceDetail]:
        details = service_details(s, service_ids)
        missing = [sid for sid in service_ids if sid not in details]
        if missing:
            raise NotFound(f"Service {missing[0]} does not exist (it may have been deleted).")
        return details

    def build_leaflet(self, items: Sequence[BasketItem], *, fmt: LeafletFormat = LeafletFormat.STANDARD,
                      note: str | None = None, sign: bool = False,
                      record_overrides: bool = False, language: str | None = None) -> PreparedLeaflet:
        """The leaflet for the chosen services, in the order given.

        Services that are not approved need `item.override_reason` and an actor with
        `OVERRIDE_LEAFLET`; with `record_overrides` (the command line) the reasons are recorded
        here, in one transaction with the checks; the window records them when the service is
        added (`include_unapproved`). Archived or closed services are always refused.
        Raises LeafletRefused / PermissionDenied; nothing is recorded then.
        """
        ids = [i.service_id for i in items]
        if not ids:
            raise LeafletRefused({0: "The leaflet has no services. Add at least one service to the basket."})
        if len(set(ids)) != len(ids):
            raise LeafletRefused({0: "A service is in the basket twice. Remove one of them."})
        if fmt.max_services is not None and len(ids) > fmt.max_services:
            raise LeafletRefused({0: f"The {fmt.label} format holds one service, but the basket has "
                                     f"{len(ids)}. Choose Standard or Large print, or remove services."})
        if self.settings().needs_practice_details:
            raise LeafletRefused({0: NO_PRACTICE})
        if record_overrides and any(i.override_reason.strip() or i.problem_reason.strip() for i in items):
            context = self.ctx.write(Permission.PRINT_LEAFLETS)
        else:
            context = self.ctx.read(Permission.PRINT_LEAFLETS)
        with context as s:
            checks = {c.service_id: c for c in self._check(s, ids)}
            problems: dict[int, str] = {}
            for item in items:
                c = checks[item.service_id]
                if c.allowed:
                    continue
                if not c.needs_override:
                    problems[c.service_id] = _sentence(c.reason)
                elif not item.override_reason.strip():
                    problems[c.service_id] = _sentence(c.reason)
                elif not self.may_override():
                    raise PermissionDenied(self.ctx.actor, Permission.OVERRIDE_LEAFLET)
            for item in items:
                c = checks[item.service_id]
                if c.problem and item.service_id not in problems:
                    if not item.problem_reason.strip():
                        problems[c.service_id] = (f"{c.problem}. Give a reason to make a leaflet for it "
                                                  "anyway (until the vetting lead resolves the problem).")
                    else:
                        _problem_reason_words(item.problem_reason)  # BadInput when too short
            if problems:
                raise LeafletRefused(problems)
            if record_overrides:
                for item in items:
                    if checks[item.service_id].needs_override:
                        record_leaflet_override(s, self.ctx, item.service_id, item.override_reason)
                    if checks[item.service_id].problem:
                        _record_problem_reason(s, self.ctx, checks[item.service_id], item.problem_reason)
            details = self._details(s, ids)
            closed = closure_lines(s, ids, self.ctx.today())
            services = tuple(replace(leaflet_content(details[i.service_id], i.referred,
                                                     closed.get(i.service_id, ())),
                                     checked=checks[i.service_id].checked) for i in items)
            wording = ENGLISH
            if language:  # the practice's own wording and translations; English where there are none
                wording = read_wording(s, language)
                services = tuple(apply_translation(s, content, i.service_id, language)
                                 for content, i in zip(services, items, strict=True))
            header = practice_header(read_settings(s))
        warnings: list[str] = []
        for item in items:
            c = checks[item.service_id]
            if c.needs_override:
                warnings.append(f"! {c.service_name}: {c.organisation_name} is not approved "
                                f"({c.vetting_status.label if c.vetting_status else 'not checked'}); "
                                "included on a clinician's recorded reason.")
            warnings.extend(c.warnings)
        signature = self.ctx.actor.name if sign and self.ctx.actor.id is not None else None
        leaflet = Leaflet(practice=header, services=services, printed_on=self.ctx.today(),
                          personal_note=(note or "").strip() or None, staff_signature=signature,
                          language=wording.language, wording=wording)
        from sp_desktop.leaflets.render import undrawable

        missing = undrawable(leaflet)
        warnings += [f"! Cannot be printed, shows as \u201c?\u201d: {line}" for line in missing]
        return PreparedLeaflet(leaflet, fmt, tuple(dict.fromkeys(warnings)), tuple(ids), missing)

    def hand_over(self, prepared: PreparedLeaflet, form: str = "print", *,
                  signposting_id: int | None = None) -> PreparedLeaflet:
        """The leaflet is leaving the practice (printed, saved as PDF, copied as text or as a text
        message): give it its own reference, stored with the date and its services, and return
        it with the reference on it. A leaflet handed over twice (print, then copy) keeps its
        first reference. Nothing about the patient is stored."""
        if prepared.reference:
            return prepared
        from sp_desktop.services.references import ReferenceService

        code = ReferenceService(self.ctx).issue(prepared.service_ids, form, signposting_id=signposting_id)
        return prepared.with_reference(code)

    # ---- booklets
    def booklet_choices(self) -> list[BookletChoice]:
        """Top-level categories (and their sub-categories) with their approved service counts."""
        with self.ctx.read(Permission.PRINT_LEAFLETS) as s:
            cats = s.scalars(select(Category).where(Category.archived.is_(False))
                             .order_by(Category.sort_order, Category.name)).all()
            approved = self._approved_by_category(s, [c.id for c in cats])
            out: list[BookletChoice] = []
            for top in (c for c in cats if c.parent_id is None):
                out.append(BookletChoice(top.id, top.name, len(approved.get(top.id, ()))))
                for child in (c for c in cats if c.parent_id == top.id):
                    out.append(BookletChoice(child.id, child.name, len(approved.get(child.id, ())), top.id))
            return out

    def _approved_by_category(self, s: Session, category_ids: Sequence[int]) -> dict[int, list[int]]:
        """category id -> printable service ids in it or, for a top-level category, in any of its
        sub-categories. Printable = allowed by `leaflet_eligibility` as it is (no override), the
        one rule; booklets never include services that would need a clinician's reason."""
        if not category_ids:
            return {}
        parents: dict[int, int | None] = {
            r.id: r.parent_id for r in s.execute(select(Category.id, Category.parent_id))}
        links = s.execute(select(service_category.c.category_id, service_category.c.service_id)).all()
        candidates = sorted({sid for _, sid in links})
        rules = leaflet_eligibility(s, candidates, self.ctx.today())
        allowed = {sid for sid, e in rules.items() if e.allowed}
        wanted = set(category_ids)
        out: dict[int, list[int]] = {}
        for cat_id, sid in links:
            if sid not in allowed:
                continue
            for target in (cat_id, parents.get(cat_id)):
                if target is not None and target in wanted:
                    ids = out.setdefault(target, [])
                    if sid not in ids:
                        ids.append(sid)
        return out

    def booklet_flagged(self, category_ids: Sequence[int] | None = None) -> list[ServiceCheck]:
        """The services a booklet of these categories would hold that need a decision first:
        details not confirmed within the review interval, vetting review overdue, or an open
        concern about the organisation. Kept ones are marked "please phone before you go";
        the rest are left out (`build_booklet(keep_flagged=...)`)."""
        with self.ctx.read(Permission.PRINT_LEAFLETS) as s:
            chosen = self._chosen_categories(s, category_ids)
            members = self._approved_by_category(s, [c.id for c in chosen])
            ids = sorted({sid for sids in members.values() for sid in sids})
            return sorted((c for c in self._check(s, ids) if c.flagged and not c.temporarily_closed),
                          key=lambda c: (c.service_name.casefold(), c.organisation_name.casefold()))

    def _chosen_categories(self, s: Session, category_ids: Sequence[int] | None) -> list[Category]:
        cats = s.scalars(select(Category).where(Category.archived.is_(False))
                         .order_by(Category.sort_order, Category.name)).all()
        by_id = {c.id: c for c in cats}
        if category_ids is None:
            return [c for c in cats if c.parent_id is None]
        missing = [i for i in category_ids if i not in by_id]
        if missing:
            raise NotFound("One of the chosen categories no longer exists. Choose again.")
        return [by_id[i] for i in dict.fromkeys(category_ids)]

    def build_booklet(self, category_ids: Sequence[int] | None = None, progress: Progress | None = None,
                      title: str = "Support in your community", *,
                      keep_flagged: Collection[int] = ()) -> Booklet:
        """A booklet of approved services, one section per category (all top-level categories
        when `category_ids` is None), services in alphabetical order within each.

        Temporarily closed services are left out; so are flagged ones (`booklet_flagged`) unless
        their id is in `keep_flagged`, when they are marked "please phone before you go". The
        introduction's words about checking are true of every entry."""
        if self.settings().needs_practice_details:
            raise LeafletRefused({0: NO_PRACTICE})
        with self.ctx.read(Permission.PRINT_LEAFLETS) as s:
            chosen = self._chosen_categories(s, category_ids)
            members = self._approved_by_category(s, [c.id for c in chosen])
            checks = {c.service_id: c for c in self._check(
                s, sorted({sid for ids in members.values() for sid in ids}))}
            keep = set(keep_flagged)
            printable = {sid for sid, c in checks.items()
                         if not c.temporarily_closed and (not c.flagged or sid in keep)}
            members = {cat: [sid for sid in sids if sid in printable] for cat, sids in members.items()}
            all_ids = sorted(printable)
            total = len(all_ids)
            contents: dict[int, LeafletContent] = {}
            for n in range(0, total, _CHUNK):  # read together, a few hundred at a time
                check(progress, n, total, f"Gathering services ({n + 1} of {total})…")
                chunk = all_ids[n:n + _CHUNK]
                details = self._details(s, chunk)
                closed = closure_lines(s, chunk, self.ctx.today())
                for sid in chunk:
                    state = CheckedState.STALE if checks[sid].flagged else CheckedState.CHECKED
                    contents[sid] = replace(leaflet_content(details[sid], closures=closed.get(sid, ())),
                                            checked=state)
            check(progress, total, total, "Gathered the services.")
            header = practice_header(read_settings(s))
            sections = tuple(BookletSection(c.name, tuple(contents[sid] for sid in members.get(c.id, [])))
                             for c in chosen)
        every_checked = all(c.checked is CheckedState.CHECKED for c in contents.values())
        checked = (f"{header.name} has checked each of them." if every_checked else
                   f"{header.name} has checked each of them, except where an entry says "
                   "\u201cPlease phone before you go\u201d.")
        intro = ("These local groups and services can help with money, company, health and more. "
                 f"{checked} Ask at reception if you would like help to get in touch with any of them.")
        return Booklet(practice=header, title=title, sections=sections, printed_on=self.ctx.today(),
                       introduction=intro)

    def booklet_pdf(self, category_ids: Sequence[int] | None = None, progress: Progress | None = None,
                    fmt: LeafletFormat = LeafletFormat.STANDARD, *,
                    keep_flagged: Collection[int] = ()) -> BookletResult:
        """Build and render a booklet (see `build_booklet` for what it holds).
        `progress(done, total, text)` returning False cancels (raises `Cancelled`; nothing is
        produced)."""
        booklet = self.build_booklet(category_ids, progress, keep_flagged=keep_flagged)
        if booklet.service_count == 0:
            raise LeafletRefused({0: "There are no approved services in the chosen categories, so there is "
                                     "nothing to put in a booklet. Choose other categories."})
        total = booklet.service_count
        stopped = False

        def on_progress(done: int, _total: int) -> None:
            nonlocal stopped
            if progress is not None and not progress(done, total, f"Laying out service {done} of {total}…"):
                stopped = True

        from sp_desktop.leaflets.render import BookletCancelled, render_booklet

        try:
            pdf = render_booklet(booklet, on_progress, lambda: stopped, fmt=fmt)
        except BookletCancelled as exc:
            raise Cancelled("The booklet was cancelled; no file was made.") from exc
        return BookletResult(pdf, booklet, total,
                             tuple(s.category_name for s in booklet.sections if s.services))
