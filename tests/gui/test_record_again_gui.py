"""Record signposting asks once whether it is another patient when the same person recorded the
same service today already (issue 25 point 7); the log then tells the two records apart by time."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from sp_desktop.db.models import Service, Staff
from sp_desktop.domain.enums import AppRole
from sp_desktop.services.base import Actor, ServiceContext
from sp_desktop.services.signposting import SignpostingService
from sp_desktop.ui import messages
from sp_desktop.ui.dialogs.record_signposting_dialog import RecordSignpostingDialog
from sp_desktop.ui.models.signposting_models import COL_DATE, SignpostingLogTableModel


@pytest.fixture
def gp(demo_db, clock) -> ServiceContext:
    with demo_db.write(clock) as s:
        staff = Staff(name="Dr Test Again", job_role="GP", app_role=AppRole.CLINICIAN)
        s.add(staff)
        s.flush()
        actor = Actor(staff.id, staff.name, AppRole.CLINICIAN)
    return ServiceContext(demo_db, clock, actor)


def _record(qtbot: Any, ctx: ServiceContext, sid: int) -> RecordSignpostingDialog:
    dialog = RecordSignpostingDialog(ctx, [sid])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog.record_button, Qt.Key.Key_Return)
    return dialog


def test_the_same_service_again_today_asks_once(qtbot: Any, gp, clock, monkeypatch) -> None:
    with gp.db.read() as s:
        sid = s.scalar(select(Service.id).order_by(Service.id).limit(1))
    mine = lambda: [r for r in SignpostingService(gp).log().rows if r.staff_name == "Dr Test Again"]  # noqa: E731
    assert _record(qtbot, gp, sid).saved is not None and len(mine()) == 1
    asked: list[str] = []
    monkeypatch.setattr(messages, "confirm",
                        lambda parent, title, text, yes="", no="": asked.append(text) or False)
    clock.advance(minutes=20)
    dialog = _record(qtbot, gp, sid)
    assert len(asked) == 1 and "Is this another patient?" in asked[0] and "10:00" in asked[0]
    assert dialog.saved is None and len(mine()) == 1  # "No, already recorded": nothing more
    monkeypatch.setattr(messages, "confirm",
                        lambda parent, title, text, yes="", no="": asked.append(text) or True)
    assert _record(qtbot, gp, sid).saved is not None and len(asked) == 2 and len(mine()) == 2
    rows = mine()
    model = SignpostingLogTableModel()
    model.set_rows(SignpostingService(gp).log().rows)
    shown = {model.index(i, COL_DATE).data() for i in range(model.rowCount())
             if model.row_at(i).item_id in {r.item_id for r in rows}}
    assert len(shown) == 2
    assert any(t.endswith("10:20") for t in shown) and any(t.endswith("10:00") for t in shown)
