"""Report figures: hand-computed on a small history, and checked against a brute-force count on
a generated history of thousands of records (aggregated in SQL, a fixed number of queries)."""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from datetime import date

import pytest
from signposting_cases import (
    EXPECTED,
    OUT_OF_RANGE_NOTE,
    PATIENT_REF_SENTINEL,
    PERIOD,
    SHARED_GOOD,
    SHARED_POOR,
    STAFF_ONLY_SENTINEL,
    TRUST_NOTE_SENTINEL,
    build_small_history,
)
from sqlalchemy import event, select

from sp_desktop.db.models import Service, Signposting, SignpostingItem
from sp_desktop.demo.seed import demo_file, load_directory
from sp_desktop.demo.signposting import generate_signposting
from sp_desktop.domain.enums import Experience, Outcome
from sp_desktop.services.base import NotFound, ValidationFailed
from sp_desktop.services.reports import Rate, ReportService

SENTINELS = (PATIENT_REF_SENTINEL, STAFF_ONLY_SENTINEL, TRUST_NOTE_SENTINEL)


@pytest.fixture
def small(db, clock, ctx, ctx_as):
    return build_small_history(db, clock, ctx_as, ctx)


def test_rates_over_small_numbers_are_counts_not_percentages():
    assert Rate(0, 0).text == "—"
    assert Rate(3, 4).text == "3 of 4" and Rate(3, 4).percent is None
    assert Rate(1, 1).short_text == "1 of 1"
    assert Rate(3, 5).text == "60% (3 of 5)" and Rate(3, 5).short_text == "60%"
    assert Rate(2, 3).small and not Rate(2, 5).small


def test_practice_report_matches_hand_computed_figures(small, ctx):
    r = ReportService(ctx).practice_report(*PERIOD)
    assert (r.records, r.services_signposted) == (EXPECTED["records"], EXPECTED["items"])
    assert (r.distinct_services, r.distinct_organisations) == (3, 2)
    assert [(f.service_name, f.signposted) for f in r.by_service] == EXPECTED["by_service"]
    assert {f.service_name: f.counts.attended_rate.text for f in r.by_service} == EXPECTED["attended_text"]
    assert {f.service_name: f.counts.poor_rate.text for f in r.by_service} == EXPECTED["poor_text"]
    assert [f.service_name for f in r.flagged_services] == EXPECTED["flagged"]
    assert [(o.organisation_name, o.records) for o in r.by_organisation] == EXPECTED["by_organisation"]
    assert [(c.label, c.records) for c in r.by_category] == EXPECTED["by_category"]
    assert [(m.label, m.records, m.services) for m in r.by_month] == EXPECTED["by_month"]
    assert [(c.label, c.records, c.services) for c in r.by_staff] == EXPECTED["by_staff"]
    assert [(c.label, c.records) for c in r.by_method] == EXPECTED["by_method"]
    t = r.totals
    assert {k: getattr(t, k) for k in EXPECTED["totals"]} == EXPECTED["totals"]
    assert r.ons4.pairs == EXPECTED["ons4_pairs"]
    assert [round(c.change, 2) for c in r.ons4.changes] == EXPECTED["ons4_change"]
    assert [c.improved for c in r.ons4.changes] == [True, True, True, True]  # anxiety fell: better
    assert r.ons4.changes[3].change_text == "-2.5 (better)"
    # The stacked chart table: every month, main reasons as columns; each record counted once
    # (R2 has reasons in money and physical activity: it counts under money, the larger).
    mc = r.month_category
    assert mc.categories == ("Money, debt and benefits", "Loneliness and social connection",
                             "Physical activity", "No reason recorded")
    assert [m.label for m in mc.months] == ["Sep 2026", "Oct 2026", "Nov 2026"]
    assert mc.counts == ((2, 0, 0, 0), (1, 0, 0, 1), (7, 1, 0, 0))
    assert [sum(row) for row in mc.counts] == [m.records for m in r.by_month]


def test_reports_never_carry_patient_references_or_private_notes(small, ctx):
    svc = ReportService(ctx)
    dumped = repr(svc.practice_report(date(2020, 1, 1), date(2026, 11, 30)))
    dumped += repr(svc.partner_report(small.money_id, date(2020, 1, 1), date(2026, 11, 30)))
    for sentinel in SENTINELS:
        assert sentinel not in dumped


def test_partner_report_counts_outcomes_and_only_shared_feedback(small, ctx):
    p = ReportService(ctx).partner_report(small.money_id, *PERIOD)
    assert p.organisation_name == "Renfrew Money Matters" and p.people == 12
    assert [(s.service_name, s.counts.signposted) for s in p.services] == [("Benefits check", 7),
                                                                           ("Debt advice drop-in", 5)]
    debt = p.services[1].counts
    assert dict(debt.outcome_mix())["Attended and engaged"] == 2
    assert dict(debt.outcome_mix())["Not suitable"] == 1
    assert p.totals.signposted == 12 and p.totals.awaiting == 1
    assert [(f.month, f.service_name, f.experience, f.text) for f in p.feedback] == [
        ("Sep 2026", "Debt advice drop-in", Experience.GOOD, SHARED_GOOD),
        ("Sep 2026", "Debt advice drop-in", Experience.POOR, SHARED_POOR)]
    # The August note is shared too, but outside the period.
    wider = ReportService(ctx).partner_report(small.money_id, date(2026, 8, 1), date(2026, 11, 30))
    assert OUT_OF_RANGE_NOTE in [f.text for f in wider.feedback]
    walkers = ReportService(ctx).partner_report(small.walkers_id, *PERIOD)
    assert walkers.people == 1 and walkers.feedback == ()


def test_periods_and_organisations_are_checked(small, ctx):
    svc = ReportService(ctx)
    with pytest.raises(ValidationFailed) as e:
        svc.practice_report(date(2026, 11, 30), date(2026, 9, 1))
    assert "swap the dates" in e.value.errors["date_to"]
    assert svc.find_organisation("money matters").id == small.money_id
    assert svc.find_organisation(str(small.walkers_id)).name == "Paisley Walkers"
    with pytest.raises(NotFound, match="No organisation"):
        svc.find_organisation("Nonexistent Trust")
    with pytest.raises(NotFound, match="several organisations"):
        svc.find_organisation("a")
    choices = svc.organisations_signposted(*PERIOD)
    assert [(c.name, c.signposted) for c in choices] == [("Paisley Walkers", 1),
                                                         ("Renfrew Money Matters", 12)]


def test_an_empty_period_gives_an_empty_report(ctx):
    r = ReportService(ctx).practice_report(date(2026, 1, 1), date(2026, 3, 31))
    assert r.is_empty and r.by_service == () and r.ons4.pairs == 0
    assert [m.label for m in r.by_month] == ["Jan 2026", "Feb 2026", "Mar 2026"]
    assert all(m.records == 0 for m in r.by_month)


# --------------------------------------------------------------------------- a generated history
@pytest.fixture
def history(db, clock, ctx):
    """The demo directory plus a generated history of 2,400 signposting records."""
    with db.write(clock) as s:
        load_directory(s, json.loads(demo_file().read_text(encoding="utf-8")), clock)
        made = generate_signposting(s, clock, random.Random(7), count=2400, patient_refs=True)
    return made


def _count_statements(db, fn):
    seen: list[str] = []

    def before(conn, cursor, statement, params, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return len(seen)


def test_generated_history_aggregates_match_a_brute_force_count(db, ctx, history):
    assert history.records == 2400 and history.items > 2400
    start, end = date(2025, 6, 1), date(2026, 11, 30)
    started = time.perf_counter()
    r = ReportService(ctx).practice_report(start, end)
    elapsed = time.perf_counter() - started
    with db.read() as s:
        rows = s.execute(select(SignpostingItem.service_id, SignpostingItem.outcome,
                                SignpostingItem.experience, Signposting.id, Signposting.ons4_before,
                                Signposting.ons4_after)
                         .join(Signposting, Signposting.id == SignpostingItem.signposting_id)
                         .where(Signposting.occurred_on.between(start, end))).all()
        names = dict(s.execute(select(Service.id, Service.name)).all())
    assert r.records == len({row[3] for row in rows}) and r.services_signposted == len(rows)
    per_service = Counter(row[0] for row in rows)
    assert {f.service_id: f.signposted for f in r.by_service} == dict(per_service)
    attended = Counter(row[0] for row in rows if row[1] in (Outcome.ENGAGED, Outcome.ATTENDED_ONCE))
    known = Counter(row[0] for row in rows if row[1] not in (None, Outcome.NOT_KNOWN))
    poor = Counter(row[0] for row in rows if row[2] is Experience.POOR)
    for f in r.by_service:
        expected = Rate(attended[f.service_id], known[f.service_id])
        assert f.counts.attended_rate == expected, names[f.service_id]
        assert f.counts.poor == poor[f.service_id]
    assert {f.service_id for f in r.flagged_services} == {sid for sid, n in poor.items() if n >= 2}
    assert sum(m.records for m in r.by_month) == r.records
    assert [sum(row) for row in r.month_category.counts] == [m.records for m in r.by_month]
    pairs = {row[3]: (row[4], row[5]) for row in rows if row[4] and row[5]}
    assert r.ons4.pairs == len(pairs)
    life = sum(a[0] - b[0] for b, a in pairs.values()) / len(pairs)
    assert r.ons4.changes[0].change == pytest.approx(life)
    assert elapsed < 3.0, f"the report took {elapsed:.2f}s over 2,400 records"


def test_number_of_queries_does_not_grow_with_the_number_of_records(db, clock, ctx, history):
    svc = ReportService(ctx)
    period = (date(2025, 6, 1), date(2026, 11, 30))
    before = _count_statements(db, lambda: svc.practice_report(*period))
    with db.write(clock) as s:
        generate_signposting(s, clock, random.Random(8), count=1500)
    after = _count_statements(db, lambda: svc.practice_report(*period))
    assert before == after
    assert svc.practice_report(*period).records > 3000
    org = svc.organisations_signposted(*period)[0]
    # (+2 since the partner report reads staff names to remove them, and writes its audit row;
    # +2 for the leaflet references given out and quoted back, one aggregate in its own transaction)
    assert _count_statements(db, lambda: svc.partner_report(org.id, *period)) <= 10
