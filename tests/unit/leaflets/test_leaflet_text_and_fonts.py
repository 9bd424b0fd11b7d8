"""Plain-text leaflets, the bundled font, and the content model's boundaries."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest

from sp_desktop.leaflets import (
    Booklet,
    BookletSection,
    Leaflet,
    LeafletFormat,
    LeafletService,
    LeafletVenue,
    PracticeHeader,
    format_date,
    leaflet_plain_text,
    missing_characters,
    register_fonts,
    sanitise_text,
)
from sp_desktop.leaflets.render import _styles
from sp_desktop.leaflets.sample import sample_leaflet, sample_services
from sp_desktop.paths import resource_path

# --- plain text -------------------------------------------------------------------------------


def test_plain_text_has_the_same_key_facts() -> None:
    text = leaflet_plain_text(sample_leaflet(3))
    for expected in (
        "Support that might help you", "Riverside Medical Practice", "Your doctor suggests you call them",
        "Dr A Patel", "Tuesday Lunch Club", "Run by Paisley Befriending Network", "Money and Debt Advice",
        "Health Walks", "Phone: 0141 496 0123", "Advice line: 0141 496 0456", "Text: 07700 900 456",
        "Tuesday 11:30 to 14:30", "Monday to Friday 09:00 to 17:00 by phone", "45 Causeyside Street",
        "Access: Step-free entrance; Accessible toilet; Hearing loop", "Getting there: Buses 9 and 38",
        "Email: hello@paisleybefriending.example.org",
        "Website: https://www.paisleybefriending.example.org/lunch-club", "We have referred you",
        "Checked by the practice on 12 Mar 2026", "Printed 24 Nov 2026",
    ):
        assert expected in text, expected
    assert "For:" not in text  # the write-in line is for paper only
    assert text.index("Tuesday Lunch Club") < text.index("Money and Debt Advice") < text.index("Health Walks")


def test_plain_text_keeps_unusual_text_but_drops_control_characters() -> None:
    svc = dataclasses.replace(sample_services()[0], description="Zażółć 😀 Καλημέρα\x07 <b>&amp;</b>\tend")
    text = leaflet_plain_text(Leaflet(sample_leaflet().practice, (svc,), date(2026, 11, 24)))
    assert "Zażółć 😀 Καλημέρα <b>&amp;</b> end" in text
    assert "\x07" not in text


def test_plain_text_without_signature() -> None:
    assert "Dr A Patel" not in leaflet_plain_text(sample_leaflet(1, signature=None))


# --- font -------------------------------------------------------------------------------------


def test_font_files_and_licence_are_bundled() -> None:
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVu-LICENSE.txt"):
        assert resource_path("fonts", name).is_file(), name
    licence = resource_path("fonts", "DejaVu-LICENSE.txt").read_text(encoding="utf-8")
    assert "Bitstream Vera" in licence and "Permission is hereby granted" in licence


def test_register_fonts_is_idempotent_and_thread_safe() -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: register_fonts(), range(32)))
    assert all(r is results[0] for r in results)
    covered = results[0].covered
    for ch in "AzĄłŻΩλЖщ€£é":
        assert ord(ch) in covered, ch


def test_sanitise_text_never_leaves_undrawable_characters() -> None:
    covered = register_fonts().covered
    sample = "Zażółć Ελληνικά Русский 😀👍🏽 ❤️ 👨‍👩‍👧 中文 \x00\x07\tx e\u0301 \U000e0067"
    cleaned = sanitise_text(sample)
    assert all(ord(ch) in covered or ch == "\n" for ch in cleaned)
    assert "Zażółć Ελληνικά Русский" in cleaned
    assert "?" in cleaned  # characters no font has stay visible as "?"
    assert "中文" in cleaned  # drawn by the Chinese fallback face
    assert "é" in cleaned  # combining accent composed
    assert "\x00" not in cleaned and "\x07" not in cleaned


def test_missing_characters_reports_what_will_not_print() -> None:
    assert missing_characters("Zażółć Καλημέρα") == frozenset()
    assert missing_characters("Hello 中文") == frozenset()  # the Chinese fallback face has them
    assert missing_characters("Hi \U0001F44D \u0378") == {"\U0001F44D", "\u0378"}


# --- content model and styles -----------------------------------------------------------------


def test_content_model_has_no_field_for_internal_data() -> None:
    """A leaflet cannot carry trust notes, contact history, vetting evidence or referrals: the
    content dataclasses simply have no such field. Adding one must be a deliberate decision."""
    allowed = {
        LeafletService: {"service_name", "organisation_name", "description", "who_for", "cost",
                         "how_to_get_in_touch", "phones", "email", "website", "opening_times",
                         "opening_notes", "venues", "remote_note", "last_verified", "referred_by_practice",
                         "checked", "english_fallback"},
        LeafletVenue: {"name", "address_lines", "accessibility", "accessibility_notes", "transport_notes"},
        PracticeHeader: {"name", "address_lines", "phone", "logo_png"},
        # reference: the leaflet's own random code ("quote K7M-2QX"), printed for the patient to quote
        Leaflet: {"practice", "services", "printed_on", "personal_note", "staff_signature", "title",
                  "language", "wording", "reference"},
        Booklet: {"practice", "title", "sections", "printed_on", "language", "introduction", "wording"},
        BookletSection: {"category_name", "services"},
    }
    for cls, names in allowed.items():
        assert {f.name for f in dataclasses.fields(cls)} == names, cls.__name__


def test_lists_become_tuples_and_values_are_frozen() -> None:
    svc = LeafletService("S", "O", phones=[["", "0141 496 0000"]], opening_times=["Mon"])  # type: ignore[arg-type]
    assert svc.phones == (("", "0141 496 0000"),)
    assert svc.opening_times == ("Mon",)
    with pytest.raises(dataclasses.FrozenInstanceError):
        svc.cost = "Free"  # type: ignore[misc]
    hash(svc)


def test_format_date_is_house_style() -> None:
    assert format_date(date(2026, 3, 12)) == "12 Mar 2026"
    assert format_date(date(2026, 11, 4)) == "4 Nov 2026"


@pytest.mark.parametrize("fmt", list(LeafletFormat))
def test_styles_follow_clear_print(fmt: LeafletFormat) -> None:
    from reportlab.lib.enums import TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    st = _styles(fmt)
    styles = {name: v for name, v in vars(st).items() if isinstance(v, ParagraphStyle)}
    for name, style in styles.items():
        assert style.fontSize >= fmt.min_body_pt, name
        assert "Italic" not in style.fontName and "Oblique" not in style.fontName, name
        assert style.alignment == (TA_RIGHT if name == "toc_page" else TA_LEFT), name  # never justified
        assert style.leading >= style.fontSize * 1.2, name
        assert style.textColor.hexval() == "0x000000", name
    # Clear Print: line spacing 1.25 times the size (a one-service leaflet fits one page)
    assert st.body.leading / st.body.fontSize == pytest.approx(1.25, abs=0.05)
    assert st.service_heading.fontName.endswith("Bold") and st.service_heading.fontSize > st.body.fontSize


def test_leaflets_package_does_not_import_qt_or_the_database() -> None:
    code = (
        "import sys, sp_desktop.leaflets as l; from sp_desktop.leaflets.sample import sample_leaflet; "
        "l.render_leaflet(sample_leaflet()); "
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'sqlalchemy', 'sp_desktop.db', "
        "'sp_desktop.services', 'sp_desktop.ui'))]; "
        "assert not bad, bad"
    )
    root = Path(__file__).resolve().parents[3]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root,
                   env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})
