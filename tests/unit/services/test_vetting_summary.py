"""The printable vetting summary: a real PDF, read back with pypdf."""

from __future__ import annotations

import io
from datetime import date

import pypdf
import pytest

from sp_desktop.domain.enums import AccessRoute, AppRole
from sp_desktop.services.directory import DirectoryService, OrganisationForm, PhoneForm, ServiceForm
from sp_desktop.services.vetting import EvidenceForm, VettingService
from sp_desktop.services.vetting_summary import (
    INTERNAL_NOTE,
    build_vetting_summary,
    default_file_name,
    render_vetting_summary,
    write_vetting_summary,
)


def _text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def approved_org(ctx, ctx_as):
    d = DirectoryService(ctx)
    org = d.save_organisation(OrganisationForm(name="Còmhla Café Club", phones=[PhoneForm("01632 960111")],
                                               email="hello@comhla.example.org"))
    d.save_service(ServiceForm(organisation_id=org.id, name="Tuesday lunch club", description="Lunch.",
                               access=[AccessRoute.DROP_IN]))
    lead = VettingService(ctx_as(AppRole.VETTING_LEAD, "Lena Link"))
    forms = []
    for item in lead.checklist():
        if item.code == "complaints":
            continue
        forms.append(EvidenceForm(item.id, True, f"EVIDENCE-{item.code}",
                                  date(2027, 3, 31) if item.has_expiry else None))
    lead.save_evidence(org.id, forms)
    return org.id, lead


def test_summary_lists_status_evidence_and_history(ctx, approved_org):
    org_id, lead = approved_org
    data = render_vetting_summary(build_vetting_summary(ctx, org_id))
    assert data.startswith(b"%PDF")
    text = _flat(_text(data))
    assert "Vetting summary: Còmhla Café Club" in text
    assert "In review" in text and "Never approved" in text
    assert "Still to do" in text and "Complaints procedure" in text
    for code in ("register", "safeguarding", "pvg", "insurance", "met", "referral_pathway"):
        assert f"EVIDENCE-{code}" in text
    assert "31 Mar 2027" in text and "Lena Link" in text
    assert "Ticked “Public liability insurance” (expires 31 Mar 2027)" in text
    assert "printed 24 Nov 2026 10:00 by Alex Admin" in text
    assert "Not for patients" in text and "Page 1 of" in text

    complaints = next(i for i in lead.checklist() if i.code == "complaints")
    lead.save_evidence(org_id, [EvidenceForm(complaints.id, True, "Procedure on their website")])
    lead.approve(org_id)
    text = _flat(_text(render_vetting_summary(build_vetting_summary(ctx, org_id))))
    assert "Approved ✓" in text
    assert "24 Nov 2026 by Lena Link" in text
    assert "Next review 31 Mar 2027" in text
    assert "Every mandatory item is complete" in text
    assert text.index("Approved; next review 31 Mar 2027") < text.index("Review started")  # newest first


def test_write_is_atomic_and_adds_pdf_suffix(ctx, approved_org, tmp_path):
    org_id, _ = approved_org
    target = tmp_path / "out" / default_file_name("Còmhla Café Club", ctx.now())
    assert target.name == "Vetting summary - Còmhla Café Club - 2026-11-24.pdf"
    written = write_vetting_summary(ctx, org_id, target)
    assert written == target and target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary file left
    assert write_vetting_summary(ctx, org_id, tmp_path / "plain").name == "plain.pdf"
    assert INTERNAL_NOTE.startswith("Internal")
