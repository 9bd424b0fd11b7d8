"""The demo's signposting history: enough, recent, varied and the same on every PC."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from sp_desktop.db.models import Signposting, SignpostingItem, Staff
from sp_desktop.demo.signposting import DEMO_STAFF
from sp_desktop.domain.enums import Experience, Outcome
from sp_desktop.services.base import SYSTEM, ServiceContext
from sp_desktop.services.reports import ReportService
from sp_desktop.services.signposting import SignpostingService


def test_demo_has_18_months_of_varied_signposting(demo_db, clock):
    today = clock.now().date()
    with demo_db.read() as s:
        dates = s.execute(select(func.min(Signposting.occurred_on), func.max(Signposting.occurred_on),
                                 func.count())).one()
        outcomes = dict(s.execute(select(SignpostingItem.outcome, func.count())
                                  .group_by(SignpostingItem.outcome)).all())
        experiences = dict(s.execute(select(SignpostingItem.experience, func.count())
                                     .group_by(SignpostingItem.experience)).all())
        shared = s.scalar(select(func.count()).select_from(SignpostingItem)
                          .where(SignpostingItem.share_feedback.is_(True)))
        with_refs = s.scalar(select(func.count()).select_from(Signposting)
                             .where(Signposting.patient_ref.is_not(None)))
        staff = set(s.scalars(select(Staff.name).join(Signposting, Signposting.staff_id == Staff.id)))
    first, last, count = dates
    assert count >= 300
    assert today - timedelta(days=560) <= first <= today - timedelta(days=500)  # about 18 months back
    assert today - timedelta(days=7) <= last <= today
    assert all(outcomes.get(o, 0) > 0 for o in Outcome) and outcomes.get(None, 0) > 0  # some still awaited
    assert experiences[Experience.GOOD] > experiences[Experience.MIXED] > 0
    assert experiences[Experience.POOR] > 0
    assert shared >= 10
    assert with_refs == 0  # patient references are off by default, in the demo too
    assert staff == {name for name, _role, _job in DEMO_STAFF}
    ctx = ServiceContext(demo_db, clock, SYSTEM)
    assert SignpostingService(ctx).count_follow_ups_due() >= 3
    report = ReportService(ctx).practice_report(date(today.year - 1, today.month, 1), today)
    assert report.ons4.pairs >= 20 and report.flagged_services
    assert all(m.records > 0 for m in report.by_month)


def test_demo_history_is_the_same_every_time(tmp_path, clock):
    from sp_desktop.db.engine import sqlite_url
    from sp_desktop.demo.seed import seed_demo
    from sp_desktop.services.bootstrap import open_database

    fingerprints = []
    for n in range(2):
        db, _ = open_database(sqlite_url(tmp_path / f"demo{n}.sqlite3"), clock, None)
        seed_demo(db, clock)
        with db.read() as s:
            q = (select(Signposting.occurred_on, Signposting.method, Signposting.follow_up_on,
                        SignpostingItem.service_id, SignpostingItem.outcome)
                 .join(SignpostingItem, SignpostingItem.signposting_id == Signposting.id)
                 .order_by(SignpostingItem.id))
            fingerprints.append(s.execute(q).all())
        db.dispose()
    assert fingerprints[0] == fingerprints[1]
