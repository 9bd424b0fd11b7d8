"""The demo directory's staff accounts and vetting records (as documented in the README)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import select

from sp_desktop.db.models import Organisation, VettingEvidence
from sp_desktop.demo.vetting import DEMO_ACCOUNTS, DEMO_PASSWORD
from sp_desktop.domain.enums import AppRole, VettingStatus
from sp_desktop.services.base import SYSTEM, ServiceContext
from sp_desktop.services.history import HistoryService
from sp_desktop.services.staff import Authenticator
from sp_desktop.services.vetting import DueKind, ReviewState, VettingService

README = Path(__file__).resolve().parents[2] / "README.md"


def test_demo_accounts_sign_in_with_the_documented_password(demo_db, clock):
    auth = Authenticator(ServiceContext(demo_db, clock, SYSTEM))
    roles = set()
    for name, role, _job in DEMO_ACCOUNTS:
        actor = auth.sign_in(name, DEMO_PASSWORD)
        assert actor.role is role
        roles.add(role)
    assert roles == set(AppRole)
    assert not auth.needs_first_administrator()
    readme = README.read_text(encoding="utf-8")
    assert "## Demo accounts" in readme
    section = readme.split("## Demo accounts", 1)[1].split("\n## ", 1)[0]
    for name, role, _job in DEMO_ACCOUNTS:
        assert name in section and role.label.lower() in section.lower()
    assert f"`{DEMO_PASSWORD}`" in section


def test_demo_has_a_realistic_mix_of_vetting_states(demo_db, clock):
    with demo_db.read() as s:
        states = Counter(o.vetting_status for o in s.scalars(select(Organisation)))
        evidence = list(s.scalars(select(VettingEvidence)))
        reasons = list(s.scalars(select(Organisation.vetting_reason).where(
            Organisation.vetting_status.in_([VettingStatus.SUSPENDED, VettingStatus.DECLINED]))))
        evidence_ok = all(e.checked_by_id and e.checked_on and e.notes for e in evidence if e.complete)
    assert states[VettingStatus.APPROVED] > sum(states.values()) / 2
    for status in VettingStatus:
        assert states[status] >= 2, status
    assert len(reasons) >= 4 and all(reasons)
    assert evidence and evidence_ok
    ctx = ServiceContext(demo_db, clock, SYSTEM)
    due = VettingService(ctx).reviews_due()
    kinds = Counter(d.kind for d in due)
    assert kinds[DueKind.OVERDUE] >= 3 and kinds[DueKind.DUE_SOON] >= 3
    assert any(d.expiring and d.expiring[0].label == "Public liability insurance" and d.days > 0 for d in due)
    # the expiring insurance brought those reviews forward
    forward = [d for d in due if d.expiring and d.review is ReviewState.DUE_SOON]
    assert forward and all(d.next_review_on == d.expiring[0].expires_on for d in forward)
    assert VettingService(ctx).overdue_count() == kinds[DueKind.OVERDUE]
    # every approved organisation has a consistent record
    with demo_db.read() as s:
        approved = list(s.scalars(select(Organisation.id)
                                  .where(Organisation.vetting_status == VettingStatus.APPROVED)))
    for org_id in approved[:20]:
        record = VettingService(ctx).record(org_id)
        assert record.approved_by and record.approved_on and record.next_review_on
        expired = [r for r in record.rows if r.expired(record.today)]
        assert not record.missing or expired, record.organisation_name
        history = HistoryService(ctx).for_organisation(org_id)
        vetting = [h for h in history if h.entity_type in ("organisation", "vetting_evidence")]
        assert vetting[0].text.startswith("Approved") and vetting[0].who == record.approved_by
