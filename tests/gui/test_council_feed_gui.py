"""A council's feed in the window (issue 26): the wizard offers to leave out services without an
organisation and imports the rest; the detail pane and the edit dialog show plain words, "not stated" and
the publisher's assurance as the publisher's; saving an unrelated edit keeps cost and ages "not stated"."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QWizard
from sqlalchemy import func, select

from sp_desktop.db.models import Service
from sp_desktop.domain.enums import AccessRoute
from sp_desktop.services.directory import DirectoryService
from sp_desktop.ui.dialogs.edit_service_dialog import EditServiceDialog
from sp_desktop.ui.dialogs.import_wizard import PAGE_IMPORT, PAGE_PREVIEW
from sp_desktop.ui.widgets.detail_pane import DetailPane
from tests.gui.test_import_wizard import _choose, _next, answered, qtbot_button, wizard  # noqa: F401

sys.path.insert(0, str(Path(__file__).parents[1]))
import council_feeds as cf  # noqa: E402


def test_wizard_leaves_out_services_without_an_organisation_when_asked(
    qtbot,
    wizard,  # noqa: F811 (the import wizard tests' fixture)
    monkeypatch,
    tmp_path,
    ctx,
    answered,  # noqa: F811
):
    path = cf.write_json(tmp_path / "renfrewshire.json", cf.oruk_page(cf.services(20, without_org=3, orgs=6)))
    _choose(qtbot, wizard, monkeypatch, path)
    _next(qtbot, wizard)  # the categories page (the feed's taxonomy)
    while wizard.currentId() != PAGE_PREVIEW:
        _next(qtbot, wizard)
    page = wizard.preview_page
    assert "1 page, 20 services" in page.summary.text()
    assert "Repaired (each is listed below): 17 e-mail addresses, 17 phone numbers" in page.summary.text()
    assert (
        "must be fixed before importing" in page.blocked.text()
        and "leave those items out" in page.blocked.text()
    )
    assert (
        page.skip_bad.isVisible()
        and page.skip_bad.text() == "Leave out the items with errors (✗) and import the rest"
    )
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.grab().save(str(tmp_path / "feed-preview.png"))
    page.skip_bad.setChecked(True)
    qtbot.waitUntil(
        lambda: wizard.busy is None and wizard.button(QWizard.WizardButton.NextButton).isEnabled(),
        timeout=20000,
    )
    # nothing is assumed about how people get in, unless chosen here
    assert page.assume.isVisible() and page.assume.currentData() is None
    assert "17 services do not say how people get to them: left empty" in page.summary.text()
    page.assume.setCurrentIndex(page.assume.findText("Self-referral"))
    qtbot.waitUntil(lambda: wizard.busy is None and "as you chose" in page.summary.text(), timeout=20000)
    texts = [page.problems.item(r, 3).text() for r in range(page.problems.rowCount())]
    assert sum("does not say which organisation runs it" in t for t in texts) == 3
    assert any(t.startswith("repaired: “young.voice@example.gov.uk.”") for t in texts)
    _next(qtbot, wizard)
    assert wizard.currentId() == PAGE_IMPORT
    with qtbot.waitSignal(wizard.imported, timeout=20000) as got:
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), qtbot_button())
    assert got.args[0].services_added == 17
    [row, *_] = DirectoryService(ctx).search("Recovery Service 1").rows
    assert DirectoryService(ctx).get_service(row.id).access == (AccessRoute.SELF_REFERRAL,)
    with ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Service)) == 17


def _import_feed(ctx, tmp_path) -> int:
    from sp_desktop.services.imports import ImportService

    service = ImportService(ctx)
    path = cf.write_json(tmp_path / "feed.json", cf.oruk_page(cf.services(2, orgs=1)))
    service.commit(service.read_feed(service.open(path)))
    with ctx.db.read() as s:
        return int(s.scalar(select(Service.id).where(Service.source_id == "svc-0")))


def test_detail_pane_shows_plain_words_not_stated_and_the_publishers_word(qtbot, ctx, tmp_path):
    sid = _import_feed(ctx, tmp_path)
    pane = DetailPane()
    qtbot.addWidget(pane)
    pane.resize(520, 900)
    pane.show_service(DirectoryService(ctx).get_service(sid), date(2026, 11, 24))
    text = pane.toPlainText()
    assert "Struggling with Drug & Alcohol Addiction? Service 0 can help." in text
    assert "• One-to-one support" in text
    assert "Cost not stated" in text and "Age not stated" in text
    assert "Details never checked by the practice." in text
    assert "Assured by the publisher (feed) on 10 Dec 2024." in text
    assert "Free" not in text and "All ages" not in text and "&nbsp;" not in text
    pane.grab().save(str(tmp_path / "detail.png"))


def test_editing_another_field_keeps_cost_and_ages_not_stated(qtbot, ctx, tmp_path):
    sid = _import_feed(ctx, tmp_path)
    dialog = EditServiceDialog(ctx, None, sid)
    qtbot.addWidget(dialog)
    assert dialog.cost_not_stated.isChecked() and not dialog.free.isChecked()
    assert dialog.min_age.text() == "Not stated" and dialog.max_age.text() == "Not stated"
    assert "Never checked by the practice. Assured by the publisher" in dialog.last_checked_label.text()
    dialog.name.setText("Recovery Service 0 (Paisley)")
    saved = dialog.save_form(dialog.to_form())
    assert saved.name == "Recovery Service 0 (Paisley)"
    assert saved.cost == "Cost not stated" and saved.ages == "Age not stated"
    assert saved.last_verified_on is None  # an edit is not a check
    # once someone here knows, they say so
    dialog = EditServiceDialog(ctx, None, sid)
    qtbot.addWidget(dialog)
    dialog.free.setChecked(True)
    dialog.min_age.setValue(18)
    saved = dialog.save_form(dialog.to_form())
    assert saved.cost == "Free" and saved.ages == "Aged 18 and over"
