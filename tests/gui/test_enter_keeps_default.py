"""Enter keeps its meaning in every dialog (issue 25 point 1).

Runs offscreen with the suite, and on a real X display too:
    QT_QPA_PLATFORM=xcb xvfb-run -a .venv/bin/python -m pytest tests/gui/test_enter_keeps_default.py

Every dialog class of the app is opened on the demo directory with the main window's default-button
keeper installed (as the app runs). Each of its buttons that does not close it (outside the
button box) is given the focus the way a mouse click gives it; the dialog's default button must
stay the default, so Enter still does the dialog's main action. A meta-test checks that the list
below really holds every QDialog subclass under sp_desktop/ui, so a new dialog cannot be missed.
Then Record signposting is driven for real: click "2 weeks", press Enter, and the signposting is
recorded.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QPushButton, QWidget
from sqlalchemy import func, select

import sp_desktop.ui as ui_package
from sp_desktop.db.models import Service, Signposting
from sp_desktop.runtime import Runtime
from sp_desktop.services.concurrency import ConflictView, FieldComparison, organisation_form_from
from sp_desktop.services.directory import DirectoryService
from sp_desktop.services.leaflets import BasketItem, LeafletService
from sp_desktop.services.reports import OrganisationChoice
from sp_desktop.services.signposting import SignpostingService
from sp_desktop.services.staff import Authenticator
from sp_desktop.services.vetting import VettingService
from sp_desktop.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: Any, demo_runtime: Runtime) -> MainWindow:
    actor = Authenticator(demo_runtime.sign_in_context()).sign_in("Mary Manager", "demo")
    w = MainWindow(demo_runtime, demo_runtime.context(actor))
    qtbot.addWidget(w)
    return w


def _ids(w: MainWindow) -> tuple[int, int]:
    with w.ctx.db.read() as s:
        sid, oid = s.execute(select(Service.id, Service.organisation_id).order_by(Service.id).limit(1)).one()
    return sid, oid


def _factories(w: MainWindow) -> dict[str, Any]:
    from sp_desktop.services.followups import FollowUpService
    from sp_desktop.ui import data_menu, server_wait
    from sp_desktop.ui.dialogs import (
        about_dialog,
        acknowledge_dialog,
        archive_dialog,
        booklet_dialog,
        capacity_dialog,
        change_password_dialog,
        checklist_dialog,
        closures_dialog,
        conflict_dialog,
        edit_organisation_dialog,
        edit_service_dialog,
        help_dialog,
        help_note_dialog,
        history_dialog,
        import_wizard,
        leaflet_override_dialog,
        leaflet_preview_dialog,
        leaflet_translation_dialog,
        log_contact_dialog,
        new_organisation_dialog,
        open_organisation_dialog,
        organisation_relationship_dialog,
        outcome_dialog,
        partner_report_dialog,
        practice_details_dialog,
        problems_dialog,
        record_signposting_dialog,
        report_problem_dialog,
        server_dialog,
        service_detail_dialog,
        sign_in_dialog,
        suggestion_dialog,
        trust_note_dialog,
        vetting_dialog,
    )
    from sp_desktop.ui.pages import followups_page, staff_page

    ctx, sid, oid = w.ctx, *_ids(w)
    item_id = SignpostingService(ctx).log(limit=1).rows[0].item_id
    leaflets = LeafletService(ctx)
    pdf = leaflets.build_leaflet([BasketItem(sid)]).pdf()
    view = ConflictView("organisation", oid, "An organisation", "Changed by someone else.", "Someone",
                        datetime(2026, 11, 24, 9, 0), 2, (FieldComparison("Name", "Mine", "Theirs", "Old"),),
                        organisation_form_from(DirectoryService(ctx).get_organisation(oid)), True)
    return {
        "AboutDialog": lambda: about_dialog.AboutDialog(w.runtime, w),
        "AcknowledgeDialog": lambda: acknowledge_dialog.AcknowledgeDialog(ctx, w),
        "ArchiveDialog": lambda: archive_dialog.ArchiveDialog(DirectoryService(ctx).get_service(sid), w),
        "BookletDialog": lambda: booklet_dialog.BookletDialog(ctx, w.tasks, w),
        "ChangePasswordDialog": lambda: change_password_dialog.ChangePasswordDialog(ctx, w),
        "CheckItemDialog": lambda: checklist_dialog.CheckItemDialog(None, w),
        "ChecklistDialog": lambda: checklist_dialog.ChecklistDialog(ctx, w),
        "ConflictDialog": lambda: conflict_dialog.ConflictDialog(view, w),
        "EditOrganisationDialog": lambda: edit_organisation_dialog.EditOrganisationDialog(ctx, w),
        "EditServiceDialog": lambda: edit_service_dialog.EditServiceDialog(ctx, w),
        "HistoryDialog": lambda: history_dialog.HistoryDialog(ctx, "History", organisation_id=oid, parent=w),
        "ImportWizard": lambda: import_wizard.ImportWizard(ctx, w.tasks, w),
        "LeafletOverrideDialog": lambda: leaflet_override_dialog.LeafletOverrideDialog(
            leaflets.check([sid])[0], w),
        "LeafletPreviewDialog": lambda: leaflet_preview_dialog.LeafletPreviewDialog(pdf, "Leaflet", "x.pdf",
                                                                                     w),
        "LogContactDialog": lambda: log_contact_dialog.LogContactDialog(ctx, oid, "An organisation",
                                                                         parent=w),
        "NewOrganisationDialog": lambda: new_organisation_dialog.NewOrganisationDialog(ctx, w),
        "OpenOrganisationDialog": lambda: open_organisation_dialog.OpenOrganisationDialog(ctx, w),
        "OrganisationRelationshipDialog":
            lambda: organisation_relationship_dialog.OrganisationRelationshipDialog(ctx, oid, parent=w),
        "OutcomeDialog": lambda: outcome_dialog.OutcomeDialog(ctx, item_id, w),
        "PartnerReportDialog": lambda: partner_report_dialog.PartnerReportDialog(
            [OrganisationChoice(oid, "An organisation", 3)], "November 2026", w),
        "RecordSignpostingDialog": lambda: record_signposting_dialog.RecordSignpostingDialog(ctx, [sid],
                                                                                             parent=w),
        "ServerDialog": lambda: server_dialog.ServerDialog(w.runtime.paths, w),
        "SignInDialog": lambda: sign_in_dialog.SignInDialog(ctx, demo=True, parent=w),
        "FirstAdministratorDialog": lambda: sign_in_dialog.FirstAdministratorDialog(ctx, w),
        "TrustNoteDialog": lambda: trust_note_dialog.TrustNoteDialog(ctx, oid, "An organisation", parent=w),
        "ReasonDialog": lambda: vetting_dialog.ReasonDialog("Suspend", "Why?", w),
        "ApproveDialog": lambda: vetting_dialog.ApproveDialog(VettingService(ctx).record(oid), "Someone", w),
        "VettingDialog": lambda: vetting_dialog.VettingDialog(ctx, oid, w),
        "StaffDialog": lambda: staff_page.StaffDialog(None, w),
        "ExportDialog": lambda: data_menu.ExportDialog(w),
        "WaitingDialog": lambda: server_wait.WaitingDialog(w, lambda: None),
        "KeyboardShortcutsDialog": lambda: help_dialog.KeyboardShortcutsDialog(w),
        "UserGuideDialog": lambda: help_dialog.UserGuideDialog(w),
        "PracticeDetailsDialog": lambda: practice_details_dialog.PracticeDetailsDialog(ctx, w),
        "ServiceDetailDialog": lambda: service_detail_dialog.ServiceDetailDialog(
            DirectoryService(ctx).get_service(sid), ctx.today(), w.page("directory").detail_sections, w,
            may_print=True, may_edit=True),
        "SuggestionDialog": lambda: suggestion_dialog.SuggestionDialog(ctx, _suggestion(ctx, sid), w),
        "MarkDoneDialog": lambda: followups_page.MarkDoneDialog(FollowUpService(ctx).items()[0], w),
        "NewPasswordDialog": lambda: staff_page.NewPasswordDialog("Someone", w),
        "LeafletTranslationDialog": lambda: leaflet_translation_dialog.LeafletTranslationDialog(ctx, sid, w),
        "ProblemsDialog": lambda: problems_dialog.ProblemsDialog(ctx, w),
        "ReportProblemDialog": lambda: report_problem_dialog.ReportProblemDialog(ctx, sid, "A service", w),
        "ProblemReasonDialog": lambda: report_problem_dialog.ProblemReasonDialog(leaflets.check([sid])[0], w),
        "CapacityDialog": lambda: capacity_dialog.CapacityDialog(ctx, sid, "A service", w),
        "ClosuresDialog": lambda: closures_dialog.ClosuresDialog(ctx, sid, "A service", w),
        "HelpNoteDialog": lambda: help_note_dialog.HelpNoteDialog(ctx, sid, w),
    }


def _suggestion(ctx: Any, sid: int) -> Any:
    from dataclasses import replace

    from sp_desktop.services.concurrency import service_form_from
    from sp_desktop.services.suggestions import SuggestionService

    form = service_form_from(DirectoryService(ctx).get_service(sid))
    return SuggestionService(ctx).suggest_service_change(sid, replace(form, name=form.name + " (new name)"))


def _all_dialog_classes() -> set[str]:
    found: set[str] = set()
    for info in pkgutil.walk_packages(ui_package.__path__, "sp_desktop.ui."):
        module = importlib.import_module(info.name)
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if (issubclass(obj, QDialog) and obj.__module__ == module.__name__
                    and not issubclass(obj, QMessageBox) and not inspect.isabstract(obj)):
                found.add(name)
    return found


def _closes(button: QPushButton, dialog: QDialog) -> bool:
    parent: QWidget | None = button.parentWidget()
    while parent is not None and parent is not dialog:
        if isinstance(parent, QDialogButtonBox):
            return True
        parent = parent.parentWidget()
    return False


def test_the_walk_covers_every_dialog_of_the_app(window: MainWindow) -> None:
    abstract = {"EditDialog"}  # the base of the edit dialogs, never shown itself
    assert _all_dialog_classes() - abstract <= set(_factories(window))


def test_no_button_that_leaves_the_dialog_open_takes_enter_away(qtbot: Any, window: MainWindow) -> None:
    walked = 0
    for name, make in _factories(window).items():
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()  # on a real display the focus goes only to the active window
        qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
        defaults = [b for b in dialog.findChildren(QPushButton) if b.isDefault()]
        others = [b for b in dialog.findChildren(QPushButton)
                  if b.isVisible() and b.isEnabled() and not b.isDefault() and not _closes(b, dialog)]
        for button in others:
            button.setFocus(Qt.FocusReason.MouseFocusReason)  # as a click gives it
            qtbot.waitUntil(button.hasFocus, timeout=2000)
            now = [b for b in dialog.findChildren(QPushButton) if b.isDefault()]
            assert now == defaults, (f"{name}: “{button.text()}” took Enter from "
                                     f"{[b.text() for b in defaults]} to {[b.text() for b in now]}")
            walked += 1
        dialog.done(0)
    assert walked >= 10  # the walk really met buttons that stay in their dialog


def test_clicking_two_weeks_then_enter_records_the_signposting(qtbot: Any, window: MainWindow) -> None:
    from sp_desktop.ui.dialogs.record_signposting_dialog import RecordSignpostingDialog

    sid, _ = _ids(window)
    with window.ctx.db.read() as s:
        before = s.scalar(select(func.count()).select_from(Signposting))
    dialog = RecordSignpostingDialog(window.ctx, [sid], parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    two_weeks = dialog.findChild(QPushButton, "follow_up_14")
    qtbot.mouseClick(two_weeks, Qt.MouseButton.LeftButton)
    assert dialog.follow_up.isChecked()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=3000)
    with window.ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Signposting)) == before + 1
