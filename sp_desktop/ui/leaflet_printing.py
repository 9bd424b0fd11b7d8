"""Printing a patient leaflet from the window, without ever freezing it (issue 15).

Making a leaflet is slow the first time (reportlab and the fonts are loaded, the services read,
the pages laid out: about two seconds on a desk PC) and never quick. So `LeafletPrinter` does only
the checks that may need the person (a clinician's reason for a service not approved, the
practice's details) on the UI thread, then builds the leaflet, gives it its reference and renders
it on a worker with a progress dialog ("Preparing the leaflet…", Cancel), and only then asks about
warnings, shows the print dialog and prints (in the background too, ui/printing.py). The window
keeps painting and answering keys throughout (tests/gui/test_print_keeps_window_responsive.py).

Quick print (Ctrl+P on the Directory, Print in a service's view) uses it directly, so the Leaflet
basket page is not built just to print one service; the basket page uses it for its own Print.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QWidget

from sp_desktop.domain.enums import SignpostingMethod
from sp_desktop.domain.errors import Refused
from sp_desktop.leaflets import LeafletFormat
from sp_desktop.services.base import PermissionDenied, ServiceContext
from sp_desktop.services.leaflets import (
    PHONE_FIRST,
    BasketItem,
    LeafletService,
    PreparedLeaflet,
    ServiceCheck,
)
from sp_desktop.services.tasks import Cancelled, Progress, check
from sp_desktop.ui import messages

SIGNPOSTING_DIALOG = "sp_desktop.ui.dialogs.record_signposting_dialog"

#: What is told when a leaflet cannot be made (the service's own words follow).
CANNOT_MAKE = "The leaflet cannot be made"



def default_format(service: LeafletService) -> LeafletFormat:
    """The practice's default format for a leaflet of several services (Compact is for one)."""
    try:
        fmt = LeafletFormat(service.settings().default_leaflet_format)
    except ValueError:
        return LeafletFormat.STANDARD
    return LeafletFormat.STANDARD if fmt is LeafletFormat.COMPACT else fmt


def title_of(prepared: PreparedLeaflet) -> str:
    n = len(prepared.service_ids)
    return f"Leaflet — {prepared.fmt.label}, {n} service{'s' if n != 1 else ''}"


def method_for(prepared: PreparedLeaflet) -> SignpostingMethod:
    """How the signposting is recorded, as the leaflet tells it: when the leaflet says the practice
    referred the patient to every service on it ("they should get in touch with you"), the record
    says so too (a referral), not that a leaflet was handed over."""
    services = prepared.leaflet.services
    if services and all(s.referred_by_practice for s in services):
        return SignpostingMethod.REFERRAL_FORM
    return SignpostingMethod.LEAFLET


class _StatusProgress:
    """A progress bar and Cancel in the window's status bar while a leaflet is being made. They are
    no taller than the status bar's words, so the window's pages keep their size: nothing but the
    status bar is laid out or painted again while the worker is busy."""

    def __init__(self, window: Any, title: str) -> None:
        from PySide6.QtWidgets import QLabel, QProgressBar, QToolButton

        self.bar_owner = window.statusBar() if hasattr(window, "statusBar") else None
        self.label = QLabel(title)
        self.label.setObjectName("leaflet_progress_text")
        self.bar = QProgressBar()
        self.bar.setObjectName("leaflet_progress")
        self.bar.setAccessibleName(title.rstrip("…"))
        self.bar.setRange(0, 0)  # busy until the first step is reported
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(120)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setObjectName("leaflet_progress_cancel")
        self.cancel_button.setAccessibleName("Stop preparing the leaflet")
        self.cancel_button.setToolTip("Stop preparing the leaflet: nothing is printed")
        self.widgets = (self.label, self.bar, self.cancel_button)
        if self.bar_owner is not None:
            height = self.label.sizeHint().height()
            for widget in self.widgets:
                widget.setMaximumHeight(height)
                self.bar_owner.addPermanentWidget(widget)

    def progressed(self, done: int, total: int, text: str) -> None:
        self.bar.setRange(0, max(total, 0))
        self.bar.setValue(min(done, total) if total else 0)
        if text:
            self.label.setText(text)

    def close(self) -> None:
        for widget in self.widgets:
            if self.bar_owner is not None:
                self.bar_owner.removeWidget(widget)
            widget.deleteLater()


class LeafletPrinter:
    """The steps of printing a leaflet that the basket page and quick print share."""

    def __init__(self, ctx: ServiceContext, window: Any) -> None:
        self.ctx = ctx
        self.window = window
        self.service = LeafletService(ctx)
        self.busy = False  # a leaflet is being prepared or printed: a second Ctrl+P waits for it

    # ------------------------------------------------------------------ the person's part
    def say(self, text: str) -> None:
        if self.window is not None and hasattr(self.window, "statusBar"):
            self.window.statusBar().showMessage(text, 8000)

    def runner(self) -> Any:
        return getattr(self.window, "tasks", None)

    def practice_ready(self, then: Callable[[], None] | None = None) -> bool:
        """The practice's details are set (leaflets say who they are from). If not, an administrator
        is asked for them (and `then()` runs after they are saved); anyone else is told whom to ask."""
        ask = getattr(self.window, "ask_practice_details_if_missing", None)
        if callable(ask):
            return bool(ask(then or (lambda: None)))
        return not self.service.settings().needs_practice_details

    def checked_item(self, service_id: int, parent: QWidget) -> tuple[ServiceCheck, BasketItem] | None:
        """The rules for putting a service on a leaflet (a clinician gives a reason for one whose
        organisation is not approved); None when it may not go on one (the person was told why)."""
        try:
            (found,) = self.service.check([service_id])
        except PermissionDenied as exc:
            messages.warn(parent, "Cannot add to the leaflet", str(exc))
            return None
        item = BasketItem(service_id)
        if not found.can_add:
            messages.warn(parent, "Cannot go on a leaflet",
                          f"“{found.label}” cannot go on a leaflet. {found.reason}")
            return None
        if found.needs_override:
            if not self.service.may_override():
                messages.warn(parent, "Not approved",
                              f"“{found.label}”: {found.reason}\n\nOnly a clinician, vetting lead or "
                              "administrator can put a service that is not approved on a leaflet. Ask a "
                              "clinician, or choose an approved service.")
                return None
            from sp_desktop.ui.dialogs.leaflet_override_dialog import LeafletOverrideDialog

            reason = LeafletOverrideDialog.ask(found, parent)
            if not reason:
                return None
            try:
                found = self.service.include_unapproved(service_id, reason)
            except Refused as exc:
                messages.refused(parent, "Not added", exc)
                return None
            item = BasketItem(service_id, override_reason=reason)
        if found.problem:  # a problem is reported: a leaflet for it needs a reason (anyone; audited)
            from sp_desktop.ui.dialogs.report_problem_dialog import ProblemReasonDialog

            why = ProblemReasonDialog.ask(found, parent)
            if not why:
                return None
            try:
                self.service.include_despite_problem(service_id, why)
            except Refused as exc:
                messages.refused(parent, "Not added", exc)
                return None
            item = replace(item, problem_reason=why)
        return found, item

    def withdraw(self, prepared: PreparedLeaflet) -> None:
        """The leaflet did not leave after all: its reference is taken back."""
        if prepared.reference:
            from sp_desktop.services.references import ReferenceService

            ReferenceService(self.ctx).withdraw(prepared.reference)

    # ------------------------------------------------------------------ in the background
    def prepare(self, parent: QWidget, build: Callable[[], PreparedLeaflet], form: str,
                then: Callable[[PreparedLeaflet, bytes], None],
                on_fail: Callable[[], None] | None = None) -> None:
        """Build the leaflet (`build`, on a worker), give it its reference for `form` ("print",
        "pdf") and render it, behind a progress dialog; then `then(prepared, pdf)` on the UI thread.
        When it cannot be made the person is told why and `on_fail()` runs; Cancel takes the
        reference back and says so."""
        service = self.service

        def work(progress: Progress) -> tuple[PreparedLeaflet, bytes]:
            check(progress, 0, 3, "Reading the services…")
            # what printing needs next (QtPdf, QtPrintSupport) is loaded here, not on the UI thread
            printing = importlib.import_module("sp_desktop.ui.printing")
            prepared = build()
            check(progress, 1, 3, "Giving the leaflet its reference…")
            prepared = service.hand_over(prepared, form)
            try:
                check(progress, 2, 3, "Laying out the pages…")
                pdf = prepared.pdf()
                printing.measure(pdf)  # its pages counted here, not before the print dialog
                check(progress, 3, 3, "Ready.")
            except BaseException:
                self.withdraw(prepared)  # it never left: the reference is taken back
                raise
            return prepared, pdf

        def done(result: tuple[PreparedLeaflet, bytes]) -> None:
            self.busy = False
            then(*result)

        def failed(exc: BaseException, details: str = "") -> None:
            self.busy = False
            if on_fail is not None:
                on_fail()
            self.tell_failure(parent, exc, details)

        self.run(parent, "Preparing the leaflet…", work, done, failed)

    def render(self, parent: QWidget, prepared: PreparedLeaflet,
               then: Callable[[PreparedLeaflet, bytes], None]) -> None:
        """Render `prepared` again (after "please phone before you go" was added), in the background."""

        def work(progress: Progress) -> tuple[PreparedLeaflet, bytes]:
            check(progress, 0, 1, "Laying out the pages…")
            pdf = prepared.pdf()
            importlib.import_module("sp_desktop.ui.printing").measure(pdf)
            return prepared, pdf

        def done(result: tuple[PreparedLeaflet, bytes]) -> None:
            self.busy = False
            then(*result)

        def failed(exc: BaseException, details: str = "") -> None:
            self.busy = False
            self.withdraw(prepared)
            self.tell_failure(parent, exc, details)

        self.run(parent, "Preparing the leaflet…", work, done, failed)

    def run(self, parent: QWidget, title: str, work: Callable[[Progress], Any], done: Callable[[Any], None],
            failed: Callable[[BaseException, str], None]) -> None:
        """`work` on a worker; its progress in the status bar ("Preparing the leaflet…", a bar and
        Cancel), not in a modal dialog: a modal dialog would make the whole window repaint as
        inactive while the worker is busiest, and the window must keep answering."""
        runner = self.runner()
        self.busy = True
        if runner is None:  # no window (a page tested on its own): here and now
            try:
                result = work(lambda _d, _t, _text="": True)
            except Exception as exc:  # noqa: BLE001 (told to the person)
                failed(exc, "")
                return
            done(result)
            return
        indicator = _StatusProgress(self.window, title)

        def finished(result: Any) -> None:
            indicator.close()
            done(result)

        def stopped(exc: BaseException, details: str) -> None:
            indicator.close()
            failed(exc, details)

        task = runner.start(work, finished, stopped, indicator.progressed)
        indicator.cancel_button.clicked.connect(lambda _c=False: task.cancel())

    def tell_failure(self, parent: QWidget, exc: BaseException, details: str = "") -> None:
        if isinstance(exc, Cancelled):
            self.say("Not printed: you stopped preparing the leaflet.")
        elif isinstance(exc, Refused):  # not allowed, not found, not approved, cannot be drawn…
            messages.refused(parent, CANNOT_MAKE, exc)
        else:
            from sp_desktop.db.faults import explain

            fault = explain(exc, self.ctx.db.describe()) if isinstance(exc, Exception) else None
            if fault is not None:
                messages.warn(parent, fault.title, f"{CANNOT_MAKE}: {fault.message}")
            else:
                messages.error(parent, CANNOT_MAKE, f"Something went wrong: {exc}", details)

    # ------------------------------------------------------------------ on paper
    def print_prepared(self, prepared: PreparedLeaflet, pdf: bytes, parent: QWidget, ask_warnings: bool,
                       on_printed: Callable[[PreparedLeaflet], None],
                       on_not_printed: Callable[[], None] | None = None) -> None:
        """Warnings first (Enter prints with "please phone before you go"), then the print dialog
        and the pages in the background; `on_printed(prepared)` when they went to the printer."""
        if ask_warnings and prepared.warnings:
            text = ("Before this goes on paper:\n\n" + "\n".join(prepared.warnings)
                    + f"\n\nEnter prints it with this line at the top: “{PHONE_FIRST}”")
            choice = messages.choose(
                parent, "Check before printing", text,
                [("phone", "&Print with “please phone before you go”"), ("as_is", "Print &as it is"),
                 ("cancel", "Cancel")], default="phone", escape="cancel")
            if choice == "cancel":
                self.withdraw(prepared)
                self.say("Not printed.")
                if on_not_printed is not None:
                    on_not_printed()
                return
            if choice == "phone":
                phoned = prepared.with_phone_first()
                if phoned is not prepared:
                    self.render(parent, phoned, lambda p, data: self.print_prepared(
                        p, data, parent, False, on_printed, on_not_printed))
                    return

        def done(ok: bool) -> None:
            self.busy = False
            if not ok:
                self.withdraw(prepared)
                if on_not_printed is not None:
                    on_not_printed()
                else:
                    self.say("Not printed.")
                return
            on_printed(prepared)

        from sp_desktop.ui import printing

        self.busy = True
        printing.print_document(parent, self.runner(), pdf, title_of(prepared), done)

    def offer_signposting(self, service_ids: tuple[int, ...], method: SignpostingMethod,
                          reference: str | None = None) -> None:
        """The one-key "Record signposting?" after a leaflet went to the patient."""
        if importlib.util.find_spec(SIGNPOSTING_DIALOG) is None:
            return
        parent = self.window if isinstance(self.window, QWidget) else None
        names = ", ".join(c.service_name for c in self.service.check(list(service_ids)))
        if not messages.confirm(parent, "Record signposting?",
                                f"Record that you signposted someone to {names}?\n\n"
                                "Y records it (no patient details are needed); N or Esc skips.",
                                yes="&Yes, record it", no="&No"):
            return
        module = importlib.import_module(SIGNPOSTING_DIALOG)
        with module.RecordSignpostingDialog.for_leaflet(reference):  # "Copy for the record" names it
            saved = module.RecordSignpostingDialog.ask(self.ctx, list(service_ids), method, parent)
        if saved is not None and reference:  # the organisation's acknowledgement will find this record
            from sp_desktop.services.references import ReferenceService

            ReferenceService(self.ctx).link(reference, saved.id)
        if saved is not None:
            data_changed = getattr(self.window, "data_changed", None)
            if data_changed is not None:
                data_changed.emit("basket")
            self.say("Signposting recorded.")

    # ------------------------------------------------------------------ quick print
    def print_services(self, service_ids: list[int], parent: QWidget) -> None:
        """Quick print: a leaflet of exactly these services in the practice's default format; the
        leaflet basket is not touched (nor built)."""
        if self.busy:
            self.say("A leaflet is being prepared: wait for its print dialog.")
            return
        if not self.practice_ready(lambda: self.print_services(service_ids, parent)):
            return
        items: list[BasketItem] = []
        for sid in service_ids:
            found = self.checked_item(sid, parent)
            if found is None:
                return
            items.append(found[1])
        fmt = default_format(self.service)
        service = self.service

        def printed(prepared: PreparedLeaflet) -> None:
            ids = tuple(prepared.service_ids)
            self.say(f"Leaflet sent to the printer (reference {prepared.reference}).")
            self.offer_signposting(ids, SignpostingMethod.LEAFLET, prepared.reference)

        self.prepare(parent, lambda: service.build_leaflet(items, fmt=fmt), "print",
                     lambda prepared, pdf: self.print_prepared(prepared, pdf, parent, True, printed))


__all__ = ["LeafletPrinter", "default_format", "method_for", "title_of"]
