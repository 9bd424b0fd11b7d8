"""Contact history, trust notes, relationship health and the network, through their services."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, select

from sp_desktop.db.engine import fold
from sp_desktop.db.models import AuditEvent, Contact, Organisation, Staff
from sp_desktop.domain.enums import AppRole, ContactKind, RelationshipHealth, TrustNoteKind, VettingStatus
from sp_desktop.services import relationships
from sp_desktop.services.audit import AuditService
from sp_desktop.services.base import SYSTEM, Actor, PermissionDenied, ServiceContext, ValidationFailed
from sp_desktop.services.directory import ContactForm, DirectoryService, OrganisationForm, ServiceForm
from sp_desktop.services.relationships import (
    NEVER_MET,
    NO_RECENT_CONTACT,
    PRIVATE_TEXT,
    WHO_KNOWS,
    WHO_KNOWS_HEADERS,
    ContactLogForm,
    ContactLogService,
    RelationshipService,
    TrustNoteService,
    health_for,
)

SENTINEL = "SENTINEL-TRUST-7f3a"


def add_org(ctx: ServiceContext, name: str, people: tuple[str, ...] = ("Heather McCallum",),
            service: str | None = None) -> tuple[int, list[int]]:
    d = DirectoryService(ctx)
    contacts = [ContactForm(p, "Worker") for p in people]
    org = d.save_organisation(OrganisationForm(name=name, contacts=contacts))
    if service:
        from sp_desktop.domain.enums import AccessRoute

        d.save_service(ServiceForm(organisation_id=org.id, name=service, access=[AccessRoute.SELF_REFERRAL]))
    return org.id, [c.id for c in org.contacts]


def set_vetting(ctx: ServiceContext, org_id: int, status: VettingStatus,
                next_review: date | None = None) -> None:
    with ctx.db.write(ctx.clock) as s:
        org = s.get(Organisation, org_id)
        org.vetting_status = status
        org.approved_on = ctx.today() - timedelta(days=400) if status is VettingStatus.APPROVED else None
        org.next_review_on = next_review


def log(ctx: ServiceContext, org_id: int, kind: ContactKind, when: datetime,
        summary: str = "Spoke about referrals",
        staff_ids: list[int] | None = None, **kw):
    return ContactLogService(ctx).log(ContactLogForm(organisation_id=org_id, summary=summary, kind=kind,
                                                     occurred_at=when, staff_ids=staff_ids or [], **kw))


# --------------------------------------------------------------------------- health
def test_health_follows_contacts_and_the_passing_of_time(ctx, ctx_as, clock):
    lena = ctx_as(AppRole.VETTING_LEAD, "Lena Link")
    rachel = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    org_id, _ = add_org(ctx, "Cartside Carers Centre")
    rel = RelationshipService(ctx)

    h = rel.health_of(org_id)
    assert h.level is RelationshipHealth.NONE and h.last_contact is None and h.contacts_last_12_months == 0
    assert h.text == "Relationship: None ○"

    # A phone call today: contact within 12 months but not face to face -> fading.
    t0 = clock.now()
    log(rachel, org_id, ContactKind.PHONE, t0 - timedelta(hours=1))
    h = rel.health_of(org_id)
    assert h.level is RelationshipHealth.FADING
    assert h.last_contact == t0 - timedelta(hours=1) and h.last_contact_kind is ContactKind.PHONE
    assert h.last_face_to_face is None and h.staff_met == () and h.contacts_last_12_months == 1
    assert h.text == "Relationship: Fading ◐"

    # A visit two months ago by Lena and Rachel -> strong, and both have met them.
    visit = t0 - timedelta(days=60)
    log(lena, org_id, ContactKind.VISIT, visit, staff_ids=[lena.actor.id, rachel.actor.id])
    h = rel.health_of(org_id)
    assert h.level is RelationshipHealth.STRONG and h.text == "Relationship: Strong ●"
    assert h.last_face_to_face == visit and h.last_contact_kind is ContactKind.PHONE  # the call is later
    assert {m.name for m in h.staff_met} == {"Lena Link", "Rachel Reception"}
    assert h.contacts_last_12_months == 2
    assert "last met in person" in h.describe() and "Lena Link" in h.describe()

    # Ten months on, the visit is more than 12 months old; the phone call is not -> fading.
    clock.advance(days=306)
    h = rel.health_of(org_id)
    assert h.level is RelationshipHealth.FADING and h.contacts_last_12_months == 1
    assert {m.name for m in h.staff_met} == {"Lena Link", "Rachel Reception"}  # they still met them once

    # Past 12 months since the call too -> none, but the history is kept.
    clock.advance(days=60)
    h = rel.health_of(org_id)
    assert h.level is RelationshipHealth.NONE and h.contacts_last_12_months == 0
    assert h.last_contact == t0 - timedelta(hours=1)

    # Logging a meeting at the practice brings it straight back to strong.
    log(ctx, org_id, ContactKind.MEETING_AT_PRACTICE, clock.now())
    assert rel.health_of(org_id).level is RelationshipHealth.STRONG


def test_twelve_months_boundary_is_inclusive(ctx, clock):
    org_id, _ = add_org(ctx, "Boundary Group")
    log(ctx, org_id, ContactKind.EVENT, datetime(2025, 11, 24, 9, 0))  # clock: 24 Nov 2026
    assert RelationshipService(ctx).health_of(org_id).level is RelationshipHealth.STRONG
    clock.current = datetime(2026, 11, 25, 8, 0)
    assert RelationshipService(ctx).health_of(org_id).level is RelationshipHealth.NONE


def test_health_for_many_organisations_is_a_few_queries(ctx, clock):
    ids = []
    for i in range(40):
        org_id, _ = add_org(ctx, f"Group {i:02d}", people=())
        ids.append(org_id)
        if i % 3 == 0:
            kind = ContactKind.VISIT if i % 2 else ContactKind.EMAIL
            log(ctx, org_id, kind, clock.now() - timedelta(days=i * 20))
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(ctx.db.engine, "before_cursor_execute", count)
    try:
        with ctx.db.read() as s:
            result = health_for(s, ids + [999999], clock.now().date())
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", count)
    assert len(statements) <= 4  # aggregated in SQL, not one query per organisation
    assert set(result) == set(ids) | {999999}
    assert result[ids[0]].level is RelationshipHealth.FADING  # e-mail today
    assert result[ids[3]].level is RelationshipHealth.STRONG  # visit 60 days ago
    assert result[ids[27]].level is RelationshipHealth.NONE  # visit 540 days ago
    assert result[ids[1]].last_contact is None and result[999999].level is RelationshipHealth.NONE


# --------------------------------------------------------------------------- contact log
def test_front_desk_logs_a_call_in_one_step_and_sees_the_timeline(ctx_as, ctx, clock):
    rachel = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    org_id, people = add_org(ctx, "Cartside Carers Centre", people=("Heather McCallum", "Jamie Lindsay"))
    svc = ContactLogService(rachel)
    entry = svc.log(ContactLogForm(org_id, "Heather rang: young carers group restarts in January",
                                   person_ids=[people[0]],
                                   follow_up_action="Add January dates to the leaflet",
                                   follow_up_due=date(2026, 12, 1)))
    # defaults: phone call, now, the person logging it, who also owns the follow-up
    assert entry.kind is ContactKind.PHONE and entry.occurred_at == clock.now()
    assert entry.staff_names == "Rachel Reception" and entry.people_names == "Heather McCallum"
    assert entry.follow_up_owner_name == "Rachel Reception" and entry.follow_up_open
    assert entry.author_name == "Rachel Reception"
    history = AuditService(ctx).history(organisation_id=org_id, entity_type="contact_event")
    assert history[0].staff_name == "Rachel Reception" and "Phone call" in history[0].entity_label


def test_timeline_is_newest_first_and_filters_by_kind_and_staff(ctx, ctx_as, clock):
    gill = ctx_as(AppRole.CLINICIAN, "Dr Gordon Gill")
    org_id, _ = add_org(ctx, "Linwood Men's Shed")
    other_id, _ = add_org(ctx, "Elsewhere")
    now = clock.now()
    log(ctx, org_id, ContactKind.PHONE, now - timedelta(days=30), "old call")
    log(gill, org_id, ContactKind.VISIT, now - timedelta(days=10), "visited the shed")
    log(ctx, org_id, ContactKind.EMAIL, now - timedelta(days=1), "emailed the rota")
    log(ctx, other_id, ContactKind.PHONE, now, "not this one")
    svc = ContactLogService(ctx)
    assert [e.summary for e in svc.timeline(org_id)] == ["emailed the rota", "visited the shed", "old call"]
    assert [e.summary for e in svc.timeline(org_id, kinds=[ContactKind.PHONE, ContactKind.EMAIL])] == \
        ["emailed the rota", "old call"]
    assert [e.summary for e in svc.timeline(org_id, staff_id=gill.actor.id)] == ["visited the shed"]


def test_bad_contacts_are_refused_with_reasons(ctx, clock):
    org_id, _ = add_org(ctx, "Group A")
    _, other_people = add_org(ctx, "Group B", people=("Someone Else",))
    svc = ContactLogService(ctx)
    with pytest.raises(ValidationFailed) as exc:
        svc.log(ContactLogForm(org_id, "   ", occurred_at=clock.now() + timedelta(days=2),
                               person_ids=other_people, follow_up_action="Ring back"))
    errors = exc.value.errors
    assert "one-line summary" in errors["summary"]
    assert "in the future" in errors["occurred_at"]
    assert "belong to Group A" in errors["person_ids"]
    assert "when the follow-up is due" in errors["follow_up_due"]
    assert svc.timeline(org_id) == []


def test_corrections_are_audited_and_limited_to_the_author_or_a_vetting_lead(ctx_as, ctx, clock):
    rachel = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    other_desk = ctx_as(AppRole.FRONT_DESK, "Fred Desk")
    lena = ctx_as(AppRole.VETTING_LEAD, "Lena Link")
    org_id, _ = add_org(ctx, "Cartside Carers Centre")
    entry = log(rachel, org_id, ContactKind.PHONE, clock.now(), "Rang about the carers grup")

    with pytest.raises(PermissionDenied) as exc:
        ContactLogService(other_desk).correct(entry.id, ContactLogForm(org_id, "Sabotage"))
    assert "Only the person who logged this contact (Rachel Reception)" in str(exc.value)
    assert "Fred Desk" in str(exc.value)
    assert ContactLogService(other_desk).can_correct(entry) is False

    fixed = ContactLogService(rachel).correct(
        entry.id, ContactLogForm(org_id, "Rang about the carers group", kind=ContactKind.VIDEO,
                                 occurred_at=entry.occurred_at, staff_ids=[rachel.actor.id, lena.actor.id]),
        expected_version=entry.version)
    assert fixed.summary == "Rang about the carers group" and fixed.kind is ContactKind.VIDEO
    assert ContactLogService(lena).can_correct(fixed)
    ContactLogService(lena).correct(fixed.id, ContactLogForm(
        org_id, "Rang about the carers group", kind=ContactKind.VIDEO, occurred_at=fixed.occurred_at,
        staff_ids=[lena.actor.id]))

    history = AuditService(ctx).history(entity_type="contact_event", entity_id=entry.id)
    assert [h.staff_name for h in history] == ["Lena Link", "Rachel Reception", "Rachel Reception"]
    first_fix = history[1]
    assert first_fix.changes["summary"] == ["Rang about the carers grup", "Rang about the carers group"]
    assert first_fix.changes["kind"] == ["phone", "video"]
    assert first_fix.changes["staff"] == [["Rachel Reception"], ["Lena Link", "Rachel Reception"]]
    assert history[0].changes["staff"] == [["Lena Link", "Rachel Reception"], ["Lena Link"]]
    assert "contact corrected" in first_fix.describe()


# --------------------------------------------------------------------------- trust notes
def test_front_desk_can_log_contacts_but_cannot_read_or_write_trust_notes(ctx_as, ctx, clock):
    gill = ctx_as(AppRole.CLINICIAN, "Dr Gordon Gill")
    rachel = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    org_id, _ = add_org(ctx, "Brocklaw Befrienders")
    TrustNoteService(gill).add(org_id, TrustNoteKind.POSITIVE, f"Very reliable. {SENTINEL}")
    log(rachel, org_id, ContactKind.PHONE, clock.now())  # allowed

    notes = TrustNoteService(rachel)
    assert notes.allowed is False
    for attempt in (lambda: notes.notes(org_id), lambda: notes.add(org_id, TrustNoteKind.GENERAL, "x")):
        with pytest.raises(PermissionDenied) as exc:
            attempt()
        message = str(exc.value)
        assert "Only a clinician, vetting lead or administrator can read or write trust notes" in message
        assert "Rachel Reception (Front desk)" in message
    assert [n.text for n in TrustNoteService(gill).notes(org_id)] == [f"Very reliable. {SENTINEL}"]


def test_concern_asks_to_bring_review_forward_and_safeguarding_to_suspend(ctx_as, ctx, clock):
    gill = ctx_as(AppRole.CLINICIAN, "Dr Gordon Gill")
    org_id, _ = add_org(ctx, "Talk It Out Men's Group", service="Tuesday group")
    set_vetting(ctx, org_id, VettingStatus.APPROVED, next_review=date(2027, 6, 1))
    svc = TrustNoteService(gill)

    positive = svc.add(org_id, TrustNoteKind.POSITIVE, "Patients like it.")
    assert not positive.ask_bring_review_forward and not positive.ask_suspend

    concern = svc.add(org_id, TrustNoteKind.CONCERN, f"Two patients said the group was cancelled. {SENTINEL}")
    assert concern.ask_bring_review_forward and not concern.ask_suspend
    assert svc.bring_review_forward(concern.note.id) == clock.now().date()
    assert DirectoryService(ctx).get_organisation(org_id).next_review_on == clock.now().date()

    safeguarding = svc.add(org_id, TrustNoteKind.SAFEGUARDING, f"Volunteer without PVG check. {SENTINEL}")
    assert safeguarding.ask_suspend and not safeguarding.ask_bring_review_forward  # review already today
    with pytest.raises(ValidationFailed):
        svc.suspend_for_safeguarding(safeguarding.note.id, "  ")
    with pytest.raises(ValidationFailed):
        svc.suspend_for_safeguarding(concern.note.id, "Not a safeguarding note")
    svc.suspend_for_safeguarding(safeguarding.note.id, "Safeguarding concern under review")
    org = DirectoryService(ctx).get_organisation(org_id)
    assert org.vetting_status is VettingStatus.SUSPENDED
    assert org.vetting_reason == "Safeguarding concern under review"

    history = AuditService(ctx).history(organisation_id=org_id)
    vetting = [h for h in history if h.entity_type == "organisation" and h.action.value == "vetting"]
    assert "suspended from leaflets after a safeguarding concern" in vetting[0].describe()
    assert vetting[0].changes["vetting_status"] == ["approved", "suspended"]
    assert "brought forward" in vetting[1].summary
    assert vetting[1].changes["next_review_on"] == ["2027-06-01", "2026-11-24"]
    # The audit trail (readable by everyone) records that notes were written, never what they say.
    with ctx.db.read() as s:
        for changes, summary, label in s.execute(select(AuditEvent.changes, AuditEvent.summary,
                                                        AuditEvent.entity_label)):
            assert SENTINEL not in f"{changes}{summary}{label}"
    note_rows = [h for h in history if h.entity_type == "trust_note"]
    assert len(note_rows) == 3 and note_rows[0].changes["text"] == [None, PRIVATE_TEXT]


def test_open_concerns_warn_without_revealing_the_note(ctx_as, ctx):
    gill = ctx_as(AppRole.CLINICIAN, "Dr Gordon Gill")
    rachel = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    a, _ = add_org(ctx, "Group A")
    b, _ = add_org(ctx, "Group B")
    c, _ = add_org(ctx, "Group C")
    notes = TrustNoteService(gill)
    notes.add(a, TrustNoteKind.SAFEGUARDING, SENTINEL)
    notes.add(a, TrustNoteKind.CONCERN, SENTINEL)
    resolved = notes.add(b, TrustNoteKind.CONCERN, SENTINEL)
    notes.add(c, TrustNoteKind.PATIENT_FEEDBACK, SENTINEL)
    notes.set_resolved(resolved.note.id)

    concerns = TrustNoteService(rachel).open_concerns([a, b, c])  # front desk may be warned
    assert set(concerns) == {a}
    warning = concerns[a].warning
    assert "Group A has an open safeguarding concern" in warning and SENTINEL not in warning
    assert concerns[a].concerns == 1 and concerns[a].safeguarding == 1


def test_only_author_or_vetting_lead_may_change_a_note(ctx_as, ctx):
    gill = ctx_as(AppRole.CLINICIAN, "Dr Gordon Gill")
    nurse = ctx_as(AppRole.CLINICIAN, "Nurse Nina")
    lena = ctx_as(AppRole.VETTING_LEAD, "Lena Link")
    org_id, _ = add_org(ctx, "Group A")
    saved = TrustNoteService(gill).add(org_id, TrustNoteKind.GENERAL, "Closes in August.")
    # the window asks the service the same rule the change is checked by (it offers Correct / Resolve)
    assert [TrustNoteService(c).may_change(saved.note) for c in (gill, nurse, lena)] == [True, False, True]
    with pytest.raises(PermissionDenied, match="Only the person who wrote this note"):
        TrustNoteService(nurse).correct(saved.note.id, TrustNoteKind.GENERAL, "Changed")
    fixed = TrustNoteService(gill).correct(saved.note.id, TrustNoteKind.GENERAL,
                                           "Closes for two weeks in August.")
    assert fixed.text == "Closes for two weeks in August."
    assert TrustNoteService(lena).set_resolved(saved.note.id).resolved


# --------------------------------------------------------------------------- the network
def test_network_answers_who_knows_the_carers_centre(ctx_as, ctx, clock):
    lena = ctx_as(AppRole.VETTING_LEAD, "Lena Link")
    gill = ctx_as(AppRole.CLINICIAN, "Dr Gordon Gill")
    rachel = ctx_as(AppRole.FRONT_DESK, "Rachel Reception")
    carers, _ = add_org(ctx, "Cartside Carers Centre")
    shed, _ = add_org(ctx, "Linwood Men's Shed", people=("Alex Dunlop",))
    quiet, _ = add_org(ctx, "Quiet Group", people=())
    now = clock.now()
    log(lena, carers, ContactKind.VISIT, datetime(2026, 10, 3, 14, 0))
    log(rachel, carers, ContactKind.PHONE, datetime(2026, 11, 20, 11, 0))
    log(gill, shed, ContactKind.TRAINING, now - timedelta(days=5))
    log(rachel, quiet, ContactKind.PHONE, now - timedelta(days=500))

    rel = RelationshipService(rachel)
    answer = rel.who_knows("carers")
    assert [(a.staff_name, a.organisation_name) for a in answer] == [
        ("Lena Link", "Cartside Carers Centre"), ("Rachel Reception", "Cartside Carers Centre")]
    assert answer[0].last_met == datetime(2026, 10, 3, 14, 0)
    assert answer[0].how_well == "Met in person 3 Oct 2026"
    assert answer[1].last_met is None and "phone or e-mail only" in answer[1].how_well
    carers_centre = [a.organisation_name for a in rel.who_knows("the carers' centre")]
    assert carers_centre == ["Cartside Carers Centre"] * 2
    # one of their people
    assert [a.staff_name for a in rel.who_knows("heather")] == ["Lena Link", "Rachel Reception"]
    assert rel.who_knows("allotment") == []
    assert {a.organisation_name for a in rel.who_knows()} == {"Cartside Carers Centre", "Linwood Men's Shed",
                                                              "Quiet Group"}

    assert [o.name for o in rel.never_met()] == ["Quiet Group"]
    for org in (carers, shed, quiet):
        set_vetting(ctx, org, VettingStatus.APPROVED)
    no_contact = rel.approved_without_contact()
    assert [o.name for o in no_contact] == ["Quiet Group"]
    assert no_contact[0].health.level is RelationshipHealth.NONE


def test_network_lists_show_each_organisations_last_contact_and_count_their_rows(ctx_as, ctx, clock):
    lena = ctx_as(AppRole.VETTING_LEAD, "Lena Link")
    now = clock.now()
    lapsed, _ = add_org(ctx, "Lapsed Lunch Club")  # met long ago, only a call since, over a year back
    calls, _ = add_org(ctx, "Phone Friends")  # recent calls and e-mails, never met
    silent, _ = add_org(ctx, "Silent Society")  # nothing at all
    unvetted, _ = add_org(ctx, "Unvetted Union")
    for org in (lapsed, calls, silent):
        set_vetting(ctx, org, VettingStatus.APPROVED)
    log(lena, lapsed, ContactKind.VISIT, now - timedelta(days=500), staff_ids=[lena.actor.id])
    log(ctx, lapsed, ContactKind.PHONE, now - timedelta(days=400))
    log(ctx, calls, ContactKind.EMAIL, now - timedelta(days=30))
    log(ctx, calls, ContactKind.PHONE, now - timedelta(days=2))
    log(ctx, calls, ContactKind.EMAIL, now - timedelta(days=2))  # same moment: the later entry counts

    rel = RelationshipService(ctx)
    never = rel.table(NEVER_MET)
    assert [row[0] for row in never.values] == ["Phone Friends", "Silent Society", "Unvetted Union"]
    assert never.values[0][2:] == (now - timedelta(days=2), ContactKind.EMAIL, 3)
    assert never.values[1][2:] == (None, None, 0) and never.display_row(1)[2] == "Never"
    assert [o.health for o in rel.never_met()] == [rel.health_of(o) for o in (calls, silent, unvetted)]

    quiet = rel.table(NO_RECENT_CONTACT)
    assert [row[0] for row in quiet.values] == ["Lapsed Lunch Club", "Silent Society"]
    assert quiet.values[0][3:] == (now - timedelta(days=400), ContactKind.PHONE, now - timedelta(days=500))
    assert quiet.organisation_ids == (lapsed, silent)
    lapsed_health = rel.approved_without_contact()[0].health
    assert lapsed_health == rel.health_of(lapsed)
    assert [m.name for m in lapsed_health.staff_met] == ["Lena Link"]

    assert rel.count(NEVER_MET) == 3 and rel.count(NO_RECENT_CONTACT) == 2
    with pytest.raises(ValueError):
        rel.count(WHO_KNOWS)


def test_who_knows_ignores_case_and_accents(ctx, clock):
    org_id, _ = add_org(ctx, "Còmhla Gaelic Choir", people=("Mòrag NicLeòid",))
    log(ctx, org_id, ContactKind.EVENT, clock.now() - timedelta(days=2))
    rel = RelationshipService(ctx)
    for text in ("comhla", "CÒMHLA gaelic", "morag", "choir"):
        assert [a.organisation_name for a in rel.who_knows(text)] == ["Còmhla Gaelic Choir"], text
    assert rel.who_knows("100%_") == []


def test_network_csv_exports_never_contain_trust_notes(ctx_as, ctx, clock, tmp_path):
    gill = ctx_as(AppRole.CLINICIAN, "Dr Gordon Gill")
    carers, _ = add_org(ctx, "Cartside Carers Centre", service="Young carers group")
    quiet, _ = add_org(ctx, "Quiet Group")
    set_vetting(ctx, quiet, VettingStatus.APPROVED)
    log(gill, carers, ContactKind.VISIT, clock.now() - timedelta(days=3), summary=f"Visit {SENTINEL}")
    for org in (carers, quiet):
        for kind in TrustNoteKind:
            TrustNoteService(gill).add(org, kind, f"{kind.label}: {SENTINEL}")
    rel = RelationshipService(gill)
    expected = {WHO_KNOWS: ("Cartside Carers Centre", "Dr Gordon Gill"), NEVER_MET: ("Quiet Group",),
                NO_RECENT_CONTACT: ("Quiet Group",)}
    for name, must_have in expected.items():
        path = tmp_path / f"{name}.csv"
        rows = rel.export_csv(name, path, text="" if name != WHO_KNOWS else "carers")
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # Excel-friendly UTF-8
        text = raw.decode("utf-8-sig")
        assert SENTINEL not in text
        table = list(csv.reader(text.splitlines()))
        assert len(table) == rows + 1 and rows >= 1
        for value in must_have:
            assert value in text
    who = list(csv.reader((tmp_path / f"{WHO_KNOWS}.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert who[0][:4] == ["Organisation", "Staff member", "Job role", "Last met in person"]
    assert who[1][3] == "2026-11-21"


def test_csv_cells_cannot_become_formulas(ctx, tmp_path, clock):
    org_id, _ = add_org(ctx, "=HYPERLINK(\"http://evil.example\")")
    log(ctx, org_id, ContactKind.PHONE, clock.now())
    RelationshipService(ctx).export_csv(WHO_KNOWS, tmp_path / "x.csv")
    text = (tmp_path / "x.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text


# --------------------------------------------------------------------------- who knows whom, page by page
#: What a click on each column header of "Who knows whom" sorts by (names ignoring case and
#: accents, a blank "Last met in person" before any date); rows equal in it keep the list's order.
COLUMN_KEYS = [lambda a: fold(a.organisation_name), lambda a: fold(a.staff_name), lambda a: fold(a.job_role),
               lambda a: (a.last_met is not None, a.last_met or datetime.min), lambda a: a.last_contact,
               lambda a: a.contacts_last_12_months, lambda a: a.contacts]


def read_in_pages(rel: RelationshipService, text: str = "", column: int = -1,
                  descending: bool = False) -> tuple[list, int]:
    rows, after, pages = [], None, 0
    while True:
        page = rel.who_knows_page(text, sort_column=column, descending=descending, after=after)
        rows += page.rows
        pages += 1
        if page.next is None:
            return rows, pages
        after = page.next


def test_who_knows_read_page_by_page_is_the_whole_list_in_the_same_order(demo_db, clock, monkeypatch):
    """The Network page reads "who knows whom" a page at a time from SQL, sorted by the database
    when a column header is clicked: the same rows in the same order as the whole list (sorted,
    as the table on screen sorted it, keeping the list's order between equal values)."""
    monkeypatch.setattr(relationships, "PAGE_ORGANISATIONS", 7)
    monkeypatch.setattr(relationships, "PAGE_ROWS", 11)
    rel = RelationshipService(ServiceContext(demo_db, clock, SYSTEM))
    for text in ("", "carers", "GROUP", "zzqx nobody"):
        everyone = rel.who_knows(text)
        assert rel.who_knows_count(text) == len(everyone)
        rows, pages = read_in_pages(rel, text)
        assert rows == everyone, text
        assert pages > 3 or len(everyone) < 50
        for column in range(len(WHO_KNOWS_HEADERS)):
            for descending in (False, True):
                expected = sorted(everyone, key=COLUMN_KEYS[column], reverse=descending)
                assert read_in_pages(rel, text, column, descending)[0] == expected, (text, column, descending)
    assert len(rel.who_knows()) >= 100  # the demo has enough pairs for many pages
    first = rel.who_knows_page()
    assert rel.who_knows_table(first.rows).values[0] == rel.table(WHO_KNOWS).values[0]
    with pytest.raises(ValueError):
        rel.who_knows_page(sort_column=len(WHO_KNOWS_HEADERS))


def test_organisations_with_the_same_name_are_never_split_between_pages(ctx_as, ctx, clock, monkeypatch):
    monkeypatch.setattr(relationships, "PAGE_ORGANISATIONS", 2)
    lena = ctx_as(AppRole.VETTING_LEAD, "Lena Link")
    ross = ctx_as(AppRole.CLINICIAN, "Dr Ross")
    now = clock.now()
    names = ("Alba Arts", "Bòrd Befriending", "BORD BEFRIENDING", "bord befriending", "Clyde Club")
    orgs = {name: add_org(ctx, name, people=())[0] for name in names}
    for days, (name, who) in enumerate([("Alba Arts", lena), ("Bòrd Befriending", lena),
                                        ("BORD BEFRIENDING", ross), ("bord befriending", lena),
                                        ("Clyde Club", ross), ("BORD BEFRIENDING", lena)]):
        log(who, orgs[name], ContactKind.VISIT if days % 2 else ContactKind.PHONE, now - timedelta(days=days))
    rel = RelationshipService(ctx)
    first = rel.who_knows_page()
    # Alba Arts and Bòrd Befriending, and the two other organisations folding to the same name
    assert {a.organisation_name for a in first.rows} == {"Alba Arts", "Bòrd Befriending", "BORD BEFRIENDING",
                                                         "bord befriending"}
    second = rel.who_knows_page(after=first.next)
    assert [a.organisation_name for a in second.rows] == ["Clyde Club"] and second.next is None
    assert [*first.rows, *second.rows] == rel.who_knows()
    # Met in person first, most recent first, across the three with the same name
    assert [(a.organisation_name, a.staff_name) for a in first.rows[1:]] == [
        ("Bòrd Befriending", "Lena Link"), ("bord befriending", "Lena Link"),
        ("BORD BEFRIENDING", "Lena Link"), ("BORD BEFRIENDING", "Dr Ross")]


def test_who_knows_search_matches_as_folded_names_do(demo_db, clock):
    """"Who knows…" finds organisations whose name, open services or people contain every word,
    ignoring case and accents (on SQLite, names in plain ASCII are matched without folding)."""
    with demo_db.read() as s:
        lead = s.scalars(select(Staff).where(Staff.app_role == AppRole.ADMINISTRATOR)).first()
        ctx = ServiceContext(demo_db, clock, Actor(lead.id, lead.name, lead.app_role))
    cafe, _ = add_org(ctx, "CAFÉ Ångström", people=("Zoë Straße",), service="Ørsted Øvelser")
    plain, _ = add_org(ctx, "Cafe Plain", people=("ZOE STRASSE",), service="Orsted")
    for org_id in (cafe, plain):
        log(ctx, org_id, ContactKind.PHONE, clock.now() - timedelta(days=3))
    with demo_db.read() as s:
        names: dict[int, list[str]] = {}
        for org in s.scalars(select(Organisation)):
            names[org.id] = [org.name, org.alternate_name or ""]
            names[org.id] += [sv.name for sv in org.services if sv.archived_at is None]
            names[org.id] += s.scalars(select(Contact.name).where(Contact.organisation_id == org.id)).all()
    rel = RelationshipService(ctx)
    everyone = rel.who_knows()
    for text in ("café", "CAFE angstrom", "zoe strasse", "ØRSTED", "ørsted ØVELSER", "carers centre", "orst"):
        words = fold(text).split()
        matching = {o for o, texts in names.items() if all(any(w in fold(t) for t in texts) for w in words)}
        expected = [a for a in everyone if a.organisation_id in matching]
        assert rel.who_knows(text) == expected, text
        assert expected, text
        assert read_in_pages(rel, text)[0] == expected and rel.who_knows_count(text) == len(expected)
    assert {a.organisation_id for a in rel.who_knows("øvelser")} == {cafe}


def test_organisations_no_one_has_met_list_the_longest_approved_first(ctx, clock):
    old, _ = add_org(ctx, "Zebra Crossing Club")
    new, _ = add_org(ctx, "Apple Growers")
    never_vetted, _ = add_org(ctx, "Aardvark Allotments")
    for org in (old, new):
        set_vetting(ctx, org, VettingStatus.APPROVED)
    with ctx.db.write(clock) as s:
        s.get(Organisation, old).approved_on = clock.now().date() - timedelta(days=700)
        s.get(Organisation, new).approved_on = clock.now().date() - timedelta(days=30)
    names = [o.name for o in RelationshipService(ctx).never_met()]
    assert names == ["Zebra Crossing Club", "Apple Growers", "Aardvark Allotments"]
    assert [row[0] for row in RelationshipService(ctx).table(NEVER_MET).values] == names
