"""The page budget (issue 14, point 1) over every service of the demo directory.

The demo directory is built by sp_desktop's own seeder (``seed_demo``, the ``demo_db`` fixture),
each service's leaflet content is read by ``LeafletService`` as the window reads it, and every
leaflet is made in the hardest case the issue names: practice header with a logo, a personal
note with a signature, the leaflet reference and the QR code. The real PDFs are read back with
pypdf: the number of pages, the size of every piece of text, and that the service's last words
(its checked line) are on the page.
"""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import pytest
from leaflet_pdf import page_texts, squash, text_runs
from PIL import Image
from sqlalchemy import select

from sp_desktop.db.engine import Database
from sp_desktop.db.models import Service
from sp_desktop.domain.enums import AppRole
from sp_desktop.leaflets import CheckedState, Leaflet, LeafletFormat, LeafletService, render_leaflet
from sp_desktop.leaflets.render import checked_line, page_budget
from sp_desktop.leaflets.sample import SAMPLE_PRACTICE
from sp_desktop.services.base import Actor, FixedClock, ServiceContext
from sp_desktop.services.leaflets import LeafletService as Leaflets

PRINTED = date(2026, 11, 24)
DEMO_SERVICES = 170


def _logo() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (600, 300), "navy").save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def demo_services(demo_db: Database, clock: FixedClock) -> list[LeafletService]:
    """Every demo service's leaflet content, as the window reads it (checked on 1 Oct 2026)."""
    ctx = ServiceContext(demo_db, clock, Actor(None, "Test", AppRole.ADMINISTRATOR))
    with demo_db.read() as s:
        ids = list(s.scalars(select(Service.id).order_by(Service.id)))
    assert len(ids) == DEMO_SERVICES, "the demo directory changed: check the page budget text in the docs"
    return [dataclasses.replace(c, checked=CheckedState.CHECKED, last_verified=date(2026, 10, 1))
            for c in Leaflets(ctx).contents(ids)]


def _hardest(svc: LeafletService) -> Leaflet:
    practice = dataclasses.replace(SAMPLE_PRACTICE, logo_png=_logo())
    return Leaflet(practice=practice, services=(svc,), printed_on=PRINTED,
                   personal_note="Your doctor suggests you call them this week.",
                   staff_signature="Dr A Patel", reference="K7M-2QX")


def _check_budget(services: list[LeafletService], fmt: LeafletFormat) -> None:
    over: list[str] = []
    for svc in services:
        pdf = render_leaflet(_hardest(svc), fmt)
        pages = page_texts(pdf)
        if len(pages) > page_budget(fmt, 1):
            over.append(f"{svc.service_name}: {len(pages)} pages")
            continue
        text = squash(" ".join(pages))
        # Nothing cut: the name, the end of the description and the checked line are printed.
        assert squash(svc.service_name) in text, svc.service_name
        last_words = " ".join((svc.description or "").split()[-3:])
        assert squash(last_words) in text, (svc.service_name, last_words)
        assert squash(checked_line(svc)) in text, svc.service_name
        # Clear Print: no text smaller than the format's minimum (14 pt, 18 pt large print).
        smallest = min(r.size for r in text_runs(pdf))
        assert smallest >= fmt.min_body_pt, (svc.service_name, smallest)
    assert not over, f"over the {fmt.label} page budget: " + "; ".join(over)


def test_every_demo_service_fits_one_standard_a4_page(demo_services: list[LeafletService]) -> None:
    _check_budget(demo_services, LeafletFormat.STANDARD)


@pytest.mark.slow
def test_every_demo_service_fits_two_large_print_pages(demo_services: list[LeafletService]) -> None:
    _check_budget(demo_services, LeafletFormat.LARGE)


@pytest.mark.slow
def test_every_demo_service_fits_both_sides_of_the_compact_card_at_14_pt(
        demo_services: list[LeafletService]) -> None:
    assert LeafletFormat.COMPACT.min_body_pt == 14  # Clear Print, not the 12 pt it used to be
    _check_budget(demo_services, LeafletFormat.COMPACT)
