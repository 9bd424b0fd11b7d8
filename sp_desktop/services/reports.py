"""Practice reports and partner reports on signposting, aggregated in SQL.

Every figure comes from a GROUP BY query: the number of statements is fixed and the number of
rows fetched depends on the number of services, months and categories, never on the number of
signposting records, so a report over years of history stays quick.

Definitions (one place, so the window, the PDF and the CSV agree):
- a *record* is one signposting (one person, one occasion); it may name several services;
- *known outcome*: an outcome other than "not known" has been recorded;
- *share attended* = (attended and engaged + attended once) / items with a known outcome;
- *share poor experience* = poor / items with an experience recorded;
- rates over fewer than `SMALL_NUMBER` are shown as counts ("2 of 3"), not percentages;
- a service with `REPEATED_POOR` or more poor experiences in the period is highlighted;
- ONS4 change = after − before, averaged over records with both sets of scores.

Reports never include patient references. The partner report also leaves out staff names,
trust notes and any feedback the practice did not choose to share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, distinct, extract, func, literal_column, select
from sqlalchemy.orm import Session, aliased

from sp_desktop.db.engine import long_work
from sp_desktop.db.models import (
    Category,
    Organisation,
    Service,
    Signposting,
    SignpostingItem,
    Staff,
    signposting_reason,
)
from sp_desktop.domain import bounds
from sp_desktop.domain.enums import AuditAction, Experience, Outcome, SignpostingMethod
from sp_desktop.domain.errors import BadInput
from sp_desktop.domain.formatting import show_date
from sp_desktop.domain.scrub import Removed, scrub
from sp_desktop.output.report_rules import REPEATED_POOR, SMALL_NUMBER, Rate, experience_label, outcome_label
from sp_desktop.services import audit
from sp_desktop.services.base import NotFound, Permission, ServiceContext, ValidationFailed
from sp_desktop.services.settings import read_settings
from sp_desktop.services.signposting import ONS4_LOWER_IS_BETTER, ONS4_QUESTIONS

#: Categories drawn separately in the "per month by category" chart; the rest are "Other".
CHART_CATEGORIES = 5
NO_REASON = "No reason recorded"
OTHER = "Other"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: The order outcomes are listed in tables; None = not yet recorded.
OUTCOME_ORDER: tuple[Outcome | None, ...] = (*Outcome, None)


# --------------------------------------------------------------------------- figures
@dataclass(frozen=True)
class OutcomeCounts:
    """How the outcomes of a set of signposted services came out."""

    signposted: int
    engaged: int = 0
    attended_once: int = 0
    did_not_attend: int = 0
    not_suitable: int = 0
    service_full: int = 0
    declined: int = 0
    not_known: int = 0
    good: int = 0
    mixed: int = 0
    poor: int = 0

    @property
    def awaiting(self) -> int:
        recorded = (self.engaged + self.attended_once + self.did_not_attend + self.not_suitable
                    + self.service_full + self.declined + self.not_known)
        return self.signposted - recorded

    @property
    def known(self) -> int:
        return self.signposted - self.awaiting - self.not_known

    @property
    def attended(self) -> int:
        return self.engaged + self.attended_once

    @property
    def with_experience(self) -> int:
        return self.good + self.mixed + self.poor

    @property
    def attended_rate(self) -> Rate:
        return Rate(self.attended, self.known)

    @property
    def poor_rate(self) -> Rate:
        return Rate(self.poor, self.with_experience)

    @property
    def repeated_poor(self) -> bool:
        return self.poor >= REPEATED_POOR

    def count(self, outcome: Outcome | None) -> int:
        return self.awaiting if outcome is None else int(getattr(self, outcome.value))

    def outcome_mix(self) -> tuple[tuple[str, int], ...]:
        return tuple((outcome_label(o), self.count(o)) for o in OUTCOME_ORDER)

    def experience_mix(self) -> tuple[tuple[str, int], ...]:
        return (("Good", self.good), ("Mixed", self.mixed), ("Poor", self.poor),
                ("Not recorded", self.signposted - self.with_experience))


@dataclass(frozen=True)
class ServiceFigures:
    service_id: int
    service_name: str
    organisation_id: int
    organisation_name: str
    counts: OutcomeCounts

    @property
    def signposted(self) -> int:
        return self.counts.signposted


@dataclass(frozen=True)
class OrganisationFigures:
    organisation_id: int
    organisation_name: str
    records: int  # people signposted (a record naming two of its services counts once)
    counts: OutcomeCounts


@dataclass(frozen=True)
class CountRow:
    label: str
    records: int
    services: int = 0
    key: int | None = None  # the category or staff id, where there is one


@dataclass(frozen=True)
class MonthRow:
    year: int
    month: int
    records: int
    services: int

    @property
    def label(self) -> str:
        return f"{MONTHS[self.month - 1]} {self.year}"

    @property
    def short_label(self) -> str:
        return f"{MONTHS[self.month - 1]} {self.year % 100:02d}"


@dataclass(frozen=True)
class MonthCategoryTable:
    """Records per month (rows) by main reason (columns: the largest few categories, then Other,
    then No reason). Each record counts once, so a row adds up to the month's records."""

    categories: tuple[str, ...]
    months: tuple[MonthRow, ...]
    counts: tuple[tuple[int, ...], ...]  # counts[month index][category index]


@dataclass(frozen=True)
class Ons4Change:
    question: str
    lower_is_better: bool
    average_before: float
    average_after: float

    @property
    def change(self) -> float:
        return self.average_after - self.average_before

    @property
    def improved(self) -> bool:
        return self.change < 0 if self.lower_is_better else self.change > 0

    @property
    def change_text(self) -> str:
        if abs(self.change) < 0.05:
            return "no change"
        word = "better" if self.improved else "worse"
        return f"{self.change:+.1f} ({word})"


@dataclass(frozen=True)
class Ons4Summary:
    pairs: int  # records with both sets of scores
    changes: tuple[Ons4Change, ...]


@dataclass(frozen=True)
class PracticeReport:
    practice_name: str
    date_from: date
    date_to: date
    generated_at: datetime
    records: int
    services_signposted: int  # service mentions (a record with two services counts twice)
    distinct_services: int
    distinct_organisations: int
    totals: OutcomeCounts
    by_service: tuple[ServiceFigures, ...]
    by_organisation: tuple[OrganisationFigures, ...]
    by_category: tuple[CountRow, ...]
    by_month: tuple[MonthRow, ...]
    by_staff: tuple[CountRow, ...]
    by_method: tuple[CountRow, ...]
    month_category: MonthCategoryTable
    ons4: Ons4Summary

    @property
    def period_text(self) -> str:
        return f"{show_date(self.date_from)} to {show_date(self.date_to)}"

    @property
    def flagged_services(self) -> tuple[ServiceFigures, ...]:
        return tuple(f for f in self.by_service if f.counts.repeated_poor)

    @property
    def is_empty(self) -> bool:
        return self.records == 0


@dataclass(frozen=True)
class PartnerServiceFigures:
    service_name: str
    counts: OutcomeCounts


@dataclass(frozen=True)
class SharedFeedback:
    month: str  # "Mar 2026": the day is left out on purpose
    service_name: str
    experience: Experience | None
    text: str


@dataclass(frozen=True)
class PartnerReferences:
    service_name: str
    issued: int
    acknowledged: int


@dataclass(frozen=True)
class PartnerReport:
    """What a community organisation may see: counts, outcome mix and feedback the practice shares."""

    practice_name: str
    practice_address: tuple[str, ...]
    practice_phone: str
    organisation_id: int
    organisation_name: str
    date_from: date
    date_to: date
    generated_on: date
    people: int
    services: tuple[PartnerServiceFigures, ...]
    totals: OutcomeCounts
    feedback: tuple[SharedFeedback, ...]
    removed: tuple[Removed, ...] = ()
    """What was taken out of the shared feedback before printing (for the preview; never printed)."""
    references: tuple[PartnerReferences, ...] = ()
    """Per service: leaflet references given out in the period and how many they quoted back."""

    @property
    def period_text(self) -> str:
        return f"{show_date(self.date_from)} to {show_date(self.date_to)}"

    @property
    def references_issued(self) -> int:
        return sum(r.issued for r in self.references)

    @property
    def references_acknowledged(self) -> int:
        return sum(r.acknowledged for r in self.references)


@dataclass(frozen=True)
class OrganisationChoice:
    id: int
    name: str
    signposted: int  # in the period asked about


# --------------------------------------------------------------------------- SQL pieces
def _outcome_columns() -> list[Any]:
    def tally(condition: Any, name: str) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).label(name)

    cols: list[Any] = [func.count(SignpostingItem.id).label("signposted")]
    cols += [tally(SignpostingItem.outcome == o, o.value) for o in Outcome]
    cols += [tally(SignpostingItem.experience == e, e.value) for e in Experience]
    return cols


def _counts(row: Any) -> OutcomeCounts:
    m = row._mapping
    return OutcomeCounts(
        signposted=int(m["signposted"] or 0),
        **{o.value: int(m[o.value] or 0) for o in Outcome},
        **{e.value: int(m[e.value] or 0) for e in Experience})


def _in_period(date_from: date, date_to: date) -> Any:
    return and_(Signposting.occurred_on >= date_from, Signposting.occurred_on <= date_to)


def _items_in_period(date_from: date, date_to: date) -> Any:
    return (select().select_from(SignpostingItem)
            .join(Signposting, Signposting.id == SignpostingItem.signposting_id)
            .where(_in_period(date_from, date_to)))


def _year_month() -> tuple[Any, Any]:
    return (extract("year", Signposting.occurred_on).label("y"),
            extract("month", Signposting.occurred_on).label("m"))


def _months_between(date_from: date, date_to: date) -> list[tuple[int, int]]:
    out = []
    y, m = date_from.year, date_from.month
    while (y, m) <= (date_to.year, date_to.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def check_period(date_from: date | None, date_to: date | None) -> None:
    errors = {}
    if date_from is None:
        errors["date_from"] = "Choose the first day of the period."
    if date_to is None:
        errors["date_to"] = "Choose the last day of the period."
    if date_from and date_to and date_from > date_to:
        errors["date_to"] = (f"The period ends ({show_date(date_to)}) before it starts "
                             f"({show_date(date_from)}): swap the dates.")
    if date_from and date_to and not errors:
        try:  # years the app keeps, and at most ten years (a report stays quick)
            bounds.check_period(date_from, date_to)
        except BadInput as exc:
            errors[exc.field] = f"{exc.message} {exc.what_to_do}".strip()
    if errors:
        raise ValidationFailed(errors)


# --------------------------------------------------------------------------- the service
class ReportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def practice_report(self, date_from: date, date_to: date) -> PracticeReport:
        """Every figure for the practice meeting, for signposting dated date_from..date_to inclusive."""
        check_period(date_from, date_to)
        with long_work("report"), self.ctx.read(Permission.VIEW) as s:
            settings = read_settings(s)
            period = _in_period(date_from, date_to)
            records = int(s.scalar(select(func.count()).select_from(Signposting).where(period)) or 0)
            totals_row = s.execute(
                _items_in_period(date_from, date_to).add_columns(
                    *_outcome_columns(),
                    func.count(distinct(SignpostingItem.service_id)).label("services"),
                    func.count(distinct(Service.organisation_id)).label("orgs"))
                .join(Service, Service.id == SignpostingItem.service_id)).one()
            by_month = self._by_month(s, date_from, date_to)
            by_category = self._by_category(s, date_from, date_to)
            return PracticeReport(
                practice_name=settings.practice_name, date_from=date_from, date_to=date_to,
                generated_at=self.ctx.now(), records=records,
                services_signposted=int(totals_row.signposted or 0),
                distinct_services=int(totals_row.services or 0),
                distinct_organisations=int(totals_row.orgs or 0),
                totals=_counts(totals_row),
                by_service=self._by_service(s, date_from, date_to),
                by_organisation=self._by_organisation(s, date_from, date_to),
                by_category=by_category,
                by_month=by_month,
                by_staff=self._by_staff(s, date_from, date_to),
                by_method=self._by_method(s, date_from, date_to),
                month_category=self._month_category(s, date_from, date_to, by_month, by_category),
                ons4=self._ons4(s, date_from, date_to))

    # ---- pieces of the practice report
    def _by_service(self, s: Session, date_from: date, date_to: date) -> tuple[ServiceFigures, ...]:
        q = (_items_in_period(date_from, date_to)
             .add_columns(Service.id, Service.name, Organisation.id.label("org_id"),
                          Organisation.name.label("org_name"), *_outcome_columns())
             .join(Service, Service.id == SignpostingItem.service_id)
             .join(Organisation, Organisation.id == Service.organisation_id)
             .group_by(Service.id, Service.name, Organisation.id, Organisation.name)
             .order_by(func.count(SignpostingItem.id).desc(), Service.name))
        return tuple(ServiceFigures(r.id, r.name, r.org_id, r.org_name, _counts(r)) for r in s.execute(q))

    def _by_organisation(self, s: Session, date_from: date, date_to: date) -> tuple[OrganisationFigures, ...]:
        q = (_items_in_period(date_from, date_to)
             .add_columns(Organisation.id, Organisation.name,
                          func.count(distinct(Signposting.id)).label("records"), *_outcome_columns())
             .join(Service, Service.id == SignpostingItem.service_id)
             .join(Organisation, Organisation.id == Service.organisation_id)
             .group_by(Organisation.id, Organisation.name)
             .order_by(func.count(distinct(Signposting.id)).desc(), Organisation.name))
        return tuple(OrganisationFigures(r.id, r.name, int(r.records), _counts(r)) for r in s.execute(q))

    def _top_category(self) -> tuple[Any, Any, Any]:
        parent = aliased(Category)
        top_id = func.coalesce(parent.id, Category.id)
        top_name = func.coalesce(parent.name, Category.name)
        return parent, top_id, top_name

    def _by_category(self, s: Session, date_from: date, date_to: date) -> tuple[CountRow, ...]:
        """Records per top-level reason; a record with reasons in two categories counts in both."""
        parent, top_id, top_name = self._top_category()
        q = (select(top_id.label("id"), top_name.label("name"),
                    func.count(distinct(Signposting.id)).label("records"))
             .select_from(Signposting)
             .join(signposting_reason, signposting_reason.c.signposting_id == Signposting.id)
             .join(Category, Category.id == signposting_reason.c.category_id)
             .outerjoin(parent, parent.id == Category.parent_id)
             .where(_in_period(date_from, date_to))
             .group_by(top_id, top_name)
             .order_by(func.count(distinct(Signposting.id)).desc(), top_name))
        rows = [CountRow(r.name, int(r.records), key=int(r.id)) for r in s.execute(q)]
        none = int(s.scalar(select(func.count()).select_from(Signposting).where(
            _in_period(date_from, date_to),
            ~select(signposting_reason.c.signposting_id)
            .where(signposting_reason.c.signposting_id == Signposting.id).exists())) or 0)
        if none:
            rows.append(CountRow(NO_REASON, none))
        return tuple(rows)

    def _by_month(self, s: Session, date_from: date, date_to: date) -> tuple[MonthRow, ...]:
        y, m = _year_month()
        q = (select(y, m, func.count(distinct(Signposting.id)).label("records"),
                    func.count(SignpostingItem.id).label("services"))
             .select_from(Signposting)
             .outerjoin(SignpostingItem, SignpostingItem.signposting_id == Signposting.id)
             .where(_in_period(date_from, date_to))
             .group_by(y, m))
        found = {(int(r.y), int(r.m)): (int(r.records), int(r.services)) for r in s.execute(q)}
        # Every month of the period appears, including quiet ones (a gap in a chart is information).
        return tuple(MonthRow(yy, mm, *found.get((yy, mm), (0, 0)))
                     for yy, mm in _months_between(date_from, date_to))

    def _by_staff(self, s: Session, date_from: date, date_to: date) -> tuple[CountRow, ...]:
        q = (select(Staff.name, func.count(distinct(Signposting.id)).label("records"),
                    func.count(SignpostingItem.id).label("services"))
             .select_from(Signposting)
             .join(Staff, Staff.id == Signposting.staff_id)
             .outerjoin(SignpostingItem, SignpostingItem.signposting_id == Signposting.id)
             .where(_in_period(date_from, date_to))
             .group_by(Staff.id, Staff.name)
             .order_by(func.count(distinct(Signposting.id)).desc(), Staff.name))
        return tuple(CountRow(r.name, int(r.records), int(r.services)) for r in s.execute(q))

    def _by_method(self, s: Session, date_from: date, date_to: date) -> tuple[CountRow, ...]:
        q = (select(Signposting.method, func.count().label("records"))
             .where(_in_period(date_from, date_to))
             .group_by(Signposting.method))
        found = {SignpostingMethod(r.method): int(r.records) for r in s.execute(q)}
        return tuple(CountRow(mth.label, found[mth]) for mth in SignpostingMethod if found.get(mth))

    def _month_category(self, s: Session, date_from: date, date_to: date, months: tuple[MonthRow, ...],
                        by_category: tuple[CountRow, ...]) -> MonthCategoryTable:
        """Records per month by main reason: each record counts once, under the first of its
        categories in the order of `by_category` (so a month's bars add up to its records)."""
        top = [c for c in by_category if c.key is not None][:CHART_CATEGORIES]
        parent, top_id, _top_name = self._top_category()
        # Ids and ranks are inlined (integers from the database), so the grouped expressions carry
        # no bound parameters (PostgreSQL matches GROUP BY expressions against the SELECT list).
        other = len(top)
        rank = case(*[(top_id == literal_column(str(int(c.key))), literal_column(str(i)))
                      for i, c in enumerate(top) if c.key is not None],
                    else_=literal_column(str(other))) if top else literal_column(str(other))
        main = (select(Signposting.id.label("sid"), func.min(rank).label("rank"))
                .join(signposting_reason, signposting_reason.c.signposting_id == Signposting.id)
                .join(Category, Category.id == signposting_reason.c.category_id)
                .outerjoin(parent, parent.id == Category.parent_id)
                .where(_in_period(date_from, date_to))
                .group_by(Signposting.id)).subquery()
        y, m = _year_month()
        bucket = func.coalesce(main.c.rank, literal_column("-1"))
        q = (select(y, m, bucket.label("bucket"), func.count().label("records"))
             .select_from(Signposting)
             .outerjoin(main, main.c.sid == Signposting.id)
             .where(_in_period(date_from, date_to))
             .group_by(y, m, bucket))
        names = {i: c.label for i, c in enumerate(top)} | {other: OTHER, -1: NO_REASON}
        found = {(int(r.y), int(r.m), names[int(r.bucket)]): int(r.records) for r in s.execute(q)}
        columns = [c.label for c in top]
        if any(k[2] == OTHER for k in found):
            columns.append(OTHER)
        if any(k[2] == NO_REASON for k in found):
            columns.append(NO_REASON)
        counts = tuple(tuple(found.get((mr.year, mr.month, c), 0) for c in columns) for mr in months)
        return MonthCategoryTable(tuple(columns), months, counts)

    def _ons4(self, s: Session, date_from: date, date_to: date) -> Ons4Summary:
        before = [Signposting.ons4_before[i].as_integer() for i in range(4)]
        after = [Signposting.ons4_after[i].as_integer() for i in range(4)]
        cols = [func.count().label("pairs")]
        for i in range(4):
            cols.append(func.avg(before[i]).label(f"b{i}"))
            cols.append(func.avg(after[i]).label(f"a{i}"))
        q = select(*cols).where(_in_period(date_from, date_to), *[c.is_not(None) for c in before + after])
        r = s.execute(q).one()
        pairs = int(r.pairs or 0)
        if not pairs:
            return Ons4Summary(0, ())
        return Ons4Summary(pairs, tuple(
            Ons4Change(ONS4_QUESTIONS[i], ONS4_LOWER_IS_BETTER[i], float(getattr(r, f"b{i}")),
                       float(getattr(r, f"a{i}"))) for i in range(4)))

    # ---- partner report
    def organisations_signposted(self, date_from: date, date_to: date) -> list[OrganisationChoice]:
        """Organisations the practice signposted to in the period, most first (for choosing a partner)."""
        check_period(date_from, date_to)
        with long_work("report"), self.ctx.read(Permission.VIEW) as s:
            q = (_items_in_period(date_from, date_to)
                 .add_columns(Organisation.id, Organisation.name,
                              func.count(distinct(Signposting.id)).label("n"))
                 .join(Service, Service.id == SignpostingItem.service_id)
                 .join(Organisation, Organisation.id == Service.organisation_id)
                 .group_by(Organisation.id, Organisation.name)
                 .order_by(Organisation.name))
            return [OrganisationChoice(r.id, r.name, int(r.n)) for r in s.execute(q)]

    def find_organisation(self, text: str) -> OrganisationChoice:
        """An organisation by id or (part of) its name; a clear error if none or several match."""
        text = (text or "").strip()
        with long_work("report"), self.ctx.read(Permission.VIEW) as s:
            if text.isdigit():
                row = s.execute(select(Organisation.id, Organisation.name)
                                .where(Organisation.id == int(text))).first()
                if row:
                    return OrganisationChoice(row.id, row.name, 0)
            exact = s.execute(select(Organisation.id, Organisation.name)
                              .where(func.lower(Organisation.name) == text.lower())).all()
            if len(exact) == 1:
                return OrganisationChoice(exact[0].id, exact[0].name, 0)
            like = s.execute(select(Organisation.id, Organisation.name)
                             .where(func.lower(Organisation.name).like(f"%{text.lower()}%"))
                             .order_by(Organisation.name).limit(11)).all()
        if len(like) == 1:
            return OrganisationChoice(like[0].id, like[0].name, 0)
        if not like:
            raise NotFound(f"No organisation is called “{text}”. Check the spelling, or give its number "
                           "(shown by `sp-desktop search`).")
        names = "; ".join(f"{r.name} (number {r.id})" for r in like[:10])
        raise NotFound(f"“{text}” matches several organisations: {names}. "
                       "Give more of the name, or the number.")

    def partner_report(self, organisation_id: int, date_from: date, date_to: date) -> PartnerReport:
        """The report for one organisation. Managers and above (`Permission.PARTNER_REPORT`): it
        leaves the practice. Feedback is only what the person recording it ticked as shareable,
        with phone numbers, e-mail addresses, NHS and CHI numbers, postcodes, staff names and
        titled names removed (`domain.scrub`; listed in `removed`). Audited, in one transaction."""
        check_period(date_from, date_to)
        with long_work("report"), self.ctx.write(Permission.PARTNER_REPORT) as s:
            settings = read_settings(s)
            org = s.get(Organisation, organisation_id)
            if org is None:
                raise NotFound("That organisation no longer exists.")
            of_org = Service.organisation_id == organisation_id
            base = (_items_in_period(date_from, date_to)
                    .join(Service, Service.id == SignpostingItem.service_id).where(of_org))
            per_service = [PartnerServiceFigures(r.name, _counts(r)) for r in s.execute(
                base.add_columns(Service.id, Service.name, *_outcome_columns())
                .group_by(Service.id, Service.name)
                .order_by(func.count(SignpostingItem.id).desc(), Service.name))]
            totals_row = s.execute(base.add_columns(func.count(distinct(Signposting.id)).label("people"),
                                                    *_outcome_columns())).one()
            y, m = _year_month()
            staff_names = list(s.scalars(select(Staff.name)))
            rows = list(s.execute(
                                 base.add_columns(y, m, Service.name, SignpostingItem.experience,
                                                  SignpostingItem.experience_note)
                                 .where(SignpostingItem.share_feedback.is_(True),
                                        SignpostingItem.experience_note.is_not(None),
                                        func.trim(SignpostingItem.experience_note) != "")
                                 .order_by(Signposting.occurred_on, SignpostingItem.id)))
            shared: list[SharedFeedback] = []
            removed: list[Removed] = []
            for r in rows:
                text, found = scrub(r.experience_note.strip(), staff_names)
                removed += found
                month = f"{MONTHS[int(r.m) - 1]} {int(r.y)}"
                shared.append(SharedFeedback(month, r.name, r.experience, text))
            feedback = tuple(shared)
            audit.record(s, self.ctx, AuditAction.REPORT, "organisation", org.id, org.name,
                         {"partner_report": [None, f"{show_date(date_from)} to {show_date(date_to)}"]},
                         summary=(f"made a partner report for {org.name}, {show_date(date_from)} to "
                                  f"{show_date(date_to)}: {len(feedback)} shared feedback, "
                                  f"{len(removed)} identifying detail(s) removed"),
                         organisation_id=org.id)
            return PartnerReport(
                practice_name=settings.practice_name, practice_address=settings.address_lines,
                practice_phone=settings.practice_phone, organisation_id=org.id, organisation_name=org.name,
                date_from=date_from, date_to=date_to, generated_on=self.ctx.today(),
                people=int(totals_row.people or 0), services=tuple(per_service), totals=_counts(totals_row),
                feedback=feedback, removed=tuple(removed),
                references=self._partner_references(organisation_id, date_from, date_to))

    def _partner_references(self, organisation_id: int, date_from: date,
                            date_to: date) -> tuple[PartnerReferences, ...]:
        from sp_desktop.services.references import ReferenceService

        counts = ReferenceService(self.ctx).acknowledged_counts(date_from, date_to,
                                                                 organisation_id=organisation_id)
        return tuple(PartnerReferences(c.service_name, c.issued, c.acknowledged) for c in counts)


__all__ = [
    "CHART_CATEGORIES",
    "NO_REASON",
    "OTHER",
    "REPEATED_POOR",
    "SMALL_NUMBER",
    "CountRow",
    "MonthCategoryTable",
    "MonthRow",
    "Ons4Change",
    "Ons4Summary",
    "OrganisationChoice",
    "OrganisationFigures",
    "OutcomeCounts",
    "PartnerReferences",
    "PartnerReport",
    "PartnerServiceFigures",
    "PracticeReport",
    "Rate",
    "ReportService",
    "ServiceFigures",
    "SharedFeedback",
    "check_period",
    "experience_label",
    "outcome_label",
]
