"""Leaflets and booklets through LeafletService: what goes on paper, the basket rules, warnings."""

from __future__ import annotations

import dataclasses
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from sp_desktop.db.models import AuditEvent, Category, Organisation, Service
from sp_desktop.domain.enums import AccessRoute, AppRole, OrganisationStatus, ServiceStatus, TrustNoteKind
from sp_desktop.leaflets import LeafletFormat
from sp_desktop.services.audit import AuditService
from sp_desktop.services.base import NotFound, PermissionDenied, ValidationFailed
from sp_desktop.services.directory import DirectoryService, service_details
from sp_desktop.services.leaflets import (
    BasketItem,
    LeafletRefused,
    LeafletService,
    default_file_name,
    practice_header,
)
from sp_desktop.services.relationships import TrustNoteService
from sp_desktop.services.settings import SettingsService
from sp_desktop.services.tasks import Cancelled
from tests.leaflet_support import TODAY, add_service, approve, pdf_text, squash


@pytest.fixture
def lead(ctx_as):
    return ctx_as(AppRole.VETTING_LEAD, "Lena Link")


@pytest.fixture
def desk(ctx_as):
    return ctx_as(AppRole.FRONT_DESK, "Rachel Reception")


@pytest.fixture
def doctor(ctx_as):
    return ctx_as(AppRole.CLINICIAN, "Dr Ada Khan")


@pytest.fixture
def approved(lead):
    org_id, service_id = add_service(lead)
    approve(lead, org_id)
    return org_id, service_id


def test_content_says_what_a_patient_needs_in_plain_words(ctx, approved):
    _, sid = approved
    content = LeafletService(ctx).content(sid)
    assert content.service_name == "Debt advice drop-in"
    assert content.organisation_name == "Cartvale Money Advice"
    assert content.description.startswith("An adviser goes through what you owe")
    assert content.who_for == "Anyone living in Renfrewshire. Aged 16 and over."
    assert content.cost == "Free"
    touch = " ".join(content.how_to_get_in_touch)
    assert "You can contact them yourself. You do not need a referral." in touch
    assert "You can just drop in at the times below." in touch
    assert "Ring the advice line or just come along." in touch
    assert "They can help in English and Polish." in touch
    assert content.phones == (("Advice line", "01632 960303"), ("Text", "07700 900146"))
    assert content.website == "https://cartvale.example.org/debt"
    assert content.email == "hello@cartvale.example.org"  # the organisation's, the service has none
    assert content.opening_times == ("Monday 10:00 to 12:30", "Thursday 13:30 to 16:00 (drop in)")
    assert content.opening_notes == "Closed on public holidays."
    (venue,) = content.venues
    assert venue.name == "Threadmill Centre"
    assert venue.address_lines == ("14 Threadmill Street", "Paisley", "PA1 1TQ")
    assert venue.accessibility == ("Step-free access", "Hearing loop")
    assert venue.transport_notes == "Buses 9 and 38 stop outside."
    assert content.remote_note == "You can also use this service by phone."
    assert content.last_verified == TODAY - timedelta(days=30)


def test_opening_times_read_like_people_say_them():
    from sp_desktop.services.directory import OpeningSlot
    from sp_desktop.services.leaflets import opening_lines

    week = [OpeningSlot(d, "10:00", "16:00", None) for d in range(5)]
    week.append(OpeningSlot(5, "10:00", "12:00", None))
    assert opening_lines(week) == ("Monday to Friday 10:00 to 16:00", "Saturday 10:00 to 12:00")
    pair = [OpeningSlot(2, "13:00", "15:00", "drop in"), OpeningSlot(1, "13:00", "15:00", "drop in")]
    assert opening_lines(pair) == ("Tuesday and Wednesday 13:00 to 15:00 (drop in)",)
    apart = [OpeningSlot(1, "10:00", "12:00", None), OpeningSlot(3, "10:00", "12:00", None)]
    assert opening_lines(apart) == ("Tuesday 10:00 to 12:00", "Thursday 10:00 to 12:00")
    split = [OpeningSlot(0, "09:00", "12:00", None), OpeningSlot(0, "13:00", "17:00", None),
             OpeningSlot(1, "09:00", "12:00", None)]
    assert opening_lines(split) == ("Monday 09:00 to 12:00", "Monday 13:00 to 17:00",
                                    "Tuesday 09:00 to 12:00")


def test_age_is_not_repeated_when_the_words_say_it(lead):
    org_id, sid = add_service(lead, eligibility="Anyone aged 16 or over in Renfrewshire", min_age=16)
    assert LeafletService(lead).content(sid).who_for == "Anyone aged 16 or over in Renfrewshire."


def test_referral_only_and_remote_services_are_explained(lead):
    org_id, sid = add_service(lead, access=[AccessRoute.PROFESSIONAL_REFERRAL],
                              location_ids=[], online=True, by_phone=True, application_process="",
                              languages=["English"], min_age=None, eligibility="")
    approve(lead, org_id)
    service = LeafletService(lead)
    content = service.content(sid)
    assert content.how_to_get_in_touch == (
        "You need a referral from your GP or another professional. Ask at reception.",)
    assert content.remote_note == "This service is by phone and online, so you do not need to travel."
    assert content.who_for == "All ages."
    referred = service.content(sid, referred=True)
    assert referred.referred_by_practice and referred.how_to_get_in_touch == ()
    assert service.check([sid])[0].professional_referral_only


def test_leaflet_pdf_has_the_practice_header_names_phones_and_times(ctx, approved):
    SettingsService(ctx).update(practice_name="Lindenbrae Medical Practice",
                                practice_address="2 Lindenbrae Road\nPaisley\nPA2 7HN",
                                practice_phone="0141 496 0000")
    _, sid = approved
    prepared = LeafletService(ctx).build_leaflet([BasketItem(sid)], note="Call them this week.")
    text = squash(pdf_text(prepared.pdf()))
    for expected in ("Lindenbrae Medical Practice", "2 Lindenbrae Road", "0141 496 0000",
                     "Support that might help you", "Call them this week.", "Debt advice drop-in",
                     "Run by Cartvale Money Advice", "01632 960303", "Monday 10:00 to 12:30",
                     "Thursday 13:30 to 16:00 (drop in)", "14 Threadmill Street", "Step-free access",
                     "Checked by the practice on 25 Oct 2026", "Printed 24 Nov 2026"):
        assert squash(expected) in text, expected
    plain = prepared.text()
    assert "01632 960303" in plain and "Monday 10:00 to 12:30" in plain and "Call them this week." in plain


def test_practice_header_comes_from_settings_and_survives_a_broken_logo(ctx):
    settings = dataclasses.replace(SettingsService(ctx).get(), practice_name="Riverside Surgery",
                                   practice_address="1 Mill Lane\n\nPaisley ", practice_phone="+441414960000",
                                   practice_logo_png="not base64!")
    header = practice_header(settings)
    assert header.name == "Riverside Surgery"
    assert header.address_lines == ("1 Mill Lane", "Paisley")
    assert header.phone == "0141 496 0000"
    assert header.logo_png is None


def test_signature_only_when_chosen(ctx, doctor, approved):
    _, sid = approved
    service = LeafletService(doctor)
    assert service.build_leaflet([BasketItem(sid)]).leaflet.staff_signature is None
    signed = service.build_leaflet([BasketItem(sid)], note="See you soon", sign=True)
    assert signed.leaflet.staff_signature == "Dr Ada Khan"
    assert "Dr Ada Khan" in pdf_text(signed.pdf())


def test_unapproved_service_refused_for_front_desk(ctx, desk, lead):
    _, sid = add_service(lead)  # not vetted
    service = LeafletService(desk)
    (check,) = service.check([sid])
    assert not check.allowed and check.needs_override and check.can_add
    assert "has not been vetted" in check.reason
    with pytest.raises(LeafletRefused, match="has not been vetted by the practice yet"):
        service.build_leaflet([BasketItem(sid)])
    with pytest.raises(PermissionDenied, match="Only a clinician"):
        service.include_unapproved(sid, "Best local option for this need")
    with pytest.raises(PermissionDenied):
        service.build_leaflet([BasketItem(sid, override_reason="Best local option")])
    assert not service.may_override()


def test_clinician_includes_unapproved_service_with_an_audited_reason(ctx, doctor, lead):
    org_id, sid = add_service(lead)
    service = LeafletService(doctor)
    with pytest.raises(ValidationFailed):
        service.include_unapproved(sid, "  ")
    check = service.include_unapproved(sid, "Only local debt service open this week")
    assert check.needs_override
    history = AuditService(ctx).history(entity_type="service", entity_id=sid)
    override = [h for h in history if "put on a patient leaflet" in h.summary]
    assert len(override) == 1
    assert override[0].staff_name == "Dr Ada Khan"
    assert "Only local debt service open this week" in override[0].summary
    reason = "Only local debt service open this week"
    prepared = service.build_leaflet([BasketItem(sid, override_reason=reason)])
    assert prepared.pdf().startswith(b"%PDF")
    assert any("is not approved" in w and "recorded reason" in w for w in prepared.warnings)
    # the warning is for the person printing, never on the paper
    assert "recorded reason" not in pdf_text(prepared.pdf())


def test_command_line_style_records_the_override_with_the_leaflet(ctx, doctor, lead):
    _, sid = add_service(lead)
    before = _audit_count(ctx)
    LeafletService(doctor).build_leaflet([BasketItem(sid, override_reason="Nothing else nearby")],
                                         record_overrides=True)
    assert _audit_count(ctx) == before + 1


def test_archived_closed_and_inactive_services_can_never_be_added(ctx, doctor, lead):
    org_id, archived = add_service(lead)
    _, inactive = add_service(lead, service_name="Old clinic", organisation_id=org_id,
                              status=ServiceStatus.INACTIVE)
    approve(lead, org_id)
    DirectoryService(ctx).set_archived("service", archived, True, "merged")
    closed_org, closed = add_service(lead, "Gone Away Trust", "Closed service")
    approve(lead, closed_org)
    with ctx.db.write(ctx.clock) as s:
        s.get(Organisation, closed_org).status = OrganisationStatus.CLOSED
    service = LeafletService(doctor)
    for sid, words in ((archived, "archived"), (inactive, "no longer running"), (closed, "has closed")):
        (check,) = service.check([sid])
        assert not check.can_add and words in check.reason
        with pytest.raises(LeafletRefused, match=words):
            service.build_leaflet([BasketItem(sid, override_reason="please")])
        with pytest.raises(ValidationFailed):
            service.include_unapproved(sid, "Really needed for this person")


def test_warnings_for_stale_details_and_open_concerns_are_never_printed(ctx, doctor, lead):
    org_id, sid = add_service(lead, last_verified=TODAY - timedelta(days=500))
    approve(lead, org_id)
    TrustNoteService(doctor).add(org_id, TrustNoteKind.CONCERN, "Volunteer was rude to a patient")
    prepared = LeafletService(doctor).build_leaflet([BasketItem(sid)])
    joined = " ".join(prepared.warnings)
    assert "last checked on 12 Jul 2025, more than 12 months ago" in joined
    assert "Cartvale Money Advice has an open concern" in joined
    text = pdf_text(prepared.pdf())
    assert "more than 12 months" not in text and "open concern" not in text
    assert "Volunteer was rude" not in joined + text + prepared.text()
    # a shorter review interval makes a recent check stale too
    SettingsService(ctx).update(review_interval_months=1)
    _, fresh = add_service(lead, service_name="Budgeting class", organisation_id=org_id,
                           last_verified=TODAY - timedelta(days=45))
    assert any("more than 1 months" in w for w in LeafletService(doctor).check([fresh])[0].warnings)


def test_compact_is_for_one_service_and_formats_set_page_size(ctx, approved, lead):
    org_id, sid = approved
    _, second = add_service(lead, service_name="Budgeting class", organisation_id=org_id)
    service = LeafletService(ctx)
    with pytest.raises(LeafletRefused, match="Compact"):
        service.build_leaflet([BasketItem(sid), BasketItem(second)], fmt=LeafletFormat.COMPACT)
    widths = ((LeafletFormat.STANDARD, 595), (LeafletFormat.LARGE, 595), (LeafletFormat.COMPACT, 419))
    for fmt, width in widths:
        pdf = service.build_leaflet([BasketItem(sid)], fmt=fmt).pdf()
        assert int(PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width) == width


@pytest.mark.parametrize("fmt", list(LeafletFormat))
def test_text_sizes_fonts_and_pages_of_a_real_service_leaflet(ctx, approved, lead, fmt):
    from tests.unit.leaflets.leaflet_pdf import embedded_fonts, text_runs

    org_id, sid = approved
    _, second = add_service(lead, service_name="Budgeting class", organisation_id=org_id)
    items = [BasketItem(sid)] if fmt is LeafletFormat.COMPACT else [BasketItem(sid), BasketItem(second)]
    pdf = LeafletService(ctx).build_leaflet(items, fmt=fmt, note="Ring them this week", sign=True).pdf()
    runs = text_runs(pdf)
    assert runs and min(r.size for r in runs) >= fmt.min_body_pt
    fonts = embedded_fonts(pdf)
    assert fonts and all(fonts.values())
    reader = PdfReader(io.BytesIO(pdf))
    size = (round(float(reader.pages[0].mediabox.width)), round(float(reader.pages[0].mediabox.height)))
    assert size == ((420, 595) if fmt is LeafletFormat.COMPACT else (595, 842))
    names = " and ".join(["Debt advice drop-in", "Budgeting class"][:len(items)])
    assert reader.metadata.title == f"Support that might help you: {names}"  # the title names its services


@pytest.mark.backends("sqlite")  # reads the database file itself
def test_nothing_about_the_patient_is_stored(ctx, approved, app_paths):
    _, sid = approved
    before = _audit_count(ctx)
    note = "UNIQUENOTE Mrs Example should ring on Monday"
    prepared = LeafletService(ctx).build_leaflet([BasketItem(sid)], note=note, sign=True)
    prepared.pdf()
    prepared.text()
    assert _audit_count(ctx) == before
    ctx.db.dispose()
    raw = app_paths.database_file.read_bytes()
    wal = app_paths.database_file.with_name(app_paths.database_file.name + "-wal")
    raw += wal.read_bytes() if wal.exists() else b""
    assert b"UNIQUENOTE" not in raw


def test_booklet_holds_approved_services_by_category_with_progress(ctx, lead):
    money_org, debt = add_service(lead, category_codes=("debt-advice",))
    approve(lead, money_org)
    walk_org, walk = add_service(lead, "Paisley Walkers", "Canal walk", category_codes=("walking-groups",))
    approve(lead, walk_org)
    _, unvetted = add_service(lead, "Not Yet Checked", "Mystery group", category_codes=("walking-groups",))
    service = LeafletService(ctx)
    choices = {c.name: c for c in service.booklet_choices()}
    money_top = next(c for c in choices.values() if c.parent_id is None and c.approved_services
                     and "Money" in c.name)
    assert money_top.approved_services == 1
    seen: list[tuple[int, int]] = []
    result = service.booklet_pdf(None, lambda d, t, text="": seen.append((d, t)) or True)
    assert result.service_count == 2
    assert seen and seen[-1][0] == seen[-1][1]
    text = squash(pdf_text(result.pdf))
    assert squash("Debt advice drop-in") in text and squash("Canal walk") in text
    assert squash("Mystery group") not in text
    assert squash("Index of organisations") in text and squash("Contents") in text
    # chosen categories only
    only = service.booklet_pdf([money_top.id])
    assert only.service_count == 1 and squash("Canal walk") not in squash(pdf_text(only.pdf))


def test_booklet_can_be_cancelled_and_refuses_empty_categories(ctx, lead):
    org, _ = add_service(lead)
    approve(lead, org)
    service = LeafletService(ctx)
    with pytest.raises(Cancelled):
        service.booklet_pdf(None, lambda d, t, text="": d < 1)
    with ctx.db.read() as s:
        empty = s.scalar(select(Category.id).where(Category.code == "walking-groups"))
    with pytest.raises(LeafletRefused, match="no approved services"):
        service.booklet_pdf([empty])


def test_services_read_together_are_the_same_as_one_at_a_time(demo_db, clock):
    # Booklets and leaflets read their services together (a dozen statements for hundreds of
    # services); what they read is exactly what the Directory shows for each one.
    from sp_desktop.services.base import SYSTEM, ServiceContext

    ctx = ServiceContext(demo_db, clock, SYSTEM)
    with demo_db.read() as s:
        ids = list(s.scalars(select(Service.id).order_by(Service.id)))
        together = service_details(s, [*reversed(ids), 999_999, ids[0]])  # any order; unknown ids left out
    directory = DirectoryService(ctx)
    assert len(ids) > 20 and set(together) == set(ids)
    assert all(together[sid] == directory.get_service(sid) for sid in ids)
    contents = LeafletService(ctx).contents(ids[:3])
    assert [c.service_name for c in contents] == [together[sid].name for sid in ids[:3]]
    with pytest.raises(NotFound):
        LeafletService(ctx).contents([ids[0], 999_999])


def test_default_file_names_hold_no_patient_data():
    assert default_file_name("leaflet", TODAY) == "Support leaflet 24 Nov 2026.pdf"
    assert default_file_name("booklet", TODAY) == "Support booklet 24 Nov 2026.pdf"


def test_unusual_text_renders(ctx, lead):
    long = "Zażółć gęślą jaźń. Ελληνικά κείμενα. Кириллица. Café naïve – “quotes” & <tags> 🙂 " * 40
    org_id, sid = add_service(lead, "Łódź Polish Centre", "Porady finansowe 🙂 Ελλάδα", description=long,
                              eligibility="Für alle – ❤ ☃")
    approve(lead, org_id)
    prepared = LeafletService(ctx).build_leaflet([BasketItem(sid)], note="Zadzwoń w poniedziałek 📞")
    for fmt in LeafletFormat:
        pdf = dataclasses.replace(prepared, fmt=fmt).pdf()
        assert "Łódź Polish Centre" in pdf_text(pdf)
    assert "Zadzwoń" in prepared.text()


def _audit_count(ctx) -> int:
    with ctx.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)

