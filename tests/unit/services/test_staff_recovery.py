"""`Authenticator.recover_administrator` (sp-desktop staff recover): on a database file on this PC an
administrator gets a new password without signing in (audited); on a practice server it is refused."""

from __future__ import annotations

import pytest

from sp_desktop.db.engine import Database
from sp_desktop.domain.enums import AppRole
from sp_desktop.services.audit import AuditService
from sp_desktop.services.base import NOT_SIGNED_IN, SYSTEM, NotSignedInContext, ServiceContext
from sp_desktop.services.staff import Authenticator, RecoveryRefused, StaffForm, StaffService

PW = "correct horse battery"


def test_recovery_works_on_a_local_file_and_is_refused_on_a_server(db: Database, clock, backend: str) -> None:
    StaffService(ServiceContext(db, clock, SYSTEM)).add(
        StaffForm("Mary Manager", "Practice manager", AppRole.ADMINISTRATOR, PW))
    auth = Authenticator(NotSignedInContext(db, clock, NOT_SIGNED_IN))
    if backend == "postgresql":
        with pytest.raises(RecoveryRefused, match="server"):
            auth.recover_administrator("Mary Manager", "a brand new phrase", "rachel")
        assert auth.sign_in("Mary Manager", PW).role is AppRole.ADMINISTRATOR  # nothing changed
        return
    actor = auth.recover_administrator("Mary Manager", "a brand new phrase", "rachel")
    assert auth.sign_in("Mary Manager", "a brand new phrase").id == actor.id
    entry = AuditService(ServiceContext(db, clock, SYSTEM)).history(entity_type="staff")[1]
    assert entry.staff_name == "local recovery on this PC (rachel)" and "staff recover" in entry.summary
