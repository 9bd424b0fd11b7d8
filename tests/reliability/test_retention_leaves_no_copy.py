"""A purged patient reference and outcome note are gone for good: not in the database file, its -wal,
free pages, or ANY backup (daily/manual, before-restore, before-upgrade); and no backup outlives the
longest retention period. Retention runs by itself at start-up. Real files, real SQLite, grep."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from pathlib import Path

from sp_desktop.db.migrate import sqlite_backup
from sp_desktop.domain.enums import AccessRoute, AppRole, Experience, Outcome
from sp_desktop.paths import AppPaths
from sp_desktop.runtime import Runtime, open_runtime
from sp_desktop.services.backups import BackupService
from sp_desktop.services.base import SYSTEM, FixedClock
from sp_desktop.services.directory import DirectoryService, OrganisationForm, ServiceForm
from sp_desktop.services.retention import taken_at
from sp_desktop.services.settings import SettingsService
from sp_desktop.services.signposting import OutcomeForm, SignpostingForm, SignpostingService
from sp_desktop.services.staff import StaffForm, StaffService

D0 = datetime(2026, 1, 5, 10, 0, 0)
REFERENCE = b"ZQ7781"
NOTE = "She said SENTINEL-NOTE-9931 about her husband"


def _open(paths: AppPaths, when: datetime) -> Runtime:
    return open_runtime(argparse.Namespace(data_dir=str(paths.data_dir), demo=False, database_url=None),
                        FixedClock(when))


def _files_holding(root: Path, needle: bytes) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.is_file() and needle in p.read_bytes())


def test_purged_reference_and_note_are_in_no_file_and_old_backups_go(tmp_path: Path) -> None:
    paths = AppPaths(tmp_path / "data")
    rt = _open(paths, D0)
    admin_ctx = rt.context(SYSTEM)
    SettingsService(admin_ctx).update(allow_patient_reference=True, patient_reference_retention_days=30,
                                      outcome_note_retention_days=60, signposting_retention_days=60)
    gp = StaffService(admin_ctx).add(StaffForm("Dr Gordon Gill", "GP", AppRole.CLINICIAN,
                                               "three random words"))
    d = DirectoryService(admin_ctx)
    org = d.save_organisation(OrganisationForm(name="Renfrew Money Matters"))
    svc = d.save_service(ServiceForm(organisation_id=org.id, name="Debt advice drop-in",
                                     access=[AccessRoute.DROP_IN]))
    clinician = rt.context(gp.actor)
    record = SignpostingService(clinician).record(SignpostingForm([svc.id], patient_ref=REFERENCE.decode()))
    SignpostingService(clinician).record_outcome(record.items[0].id,
                                                 OutcomeForm(Outcome.ENGAGED, Experience.GOOD, NOTE))
    backups = BackupService(admin_ctx, paths)
    manual = backups.back_up_now().path  # "Back up now" into the backup folder
    clock = rt.clock
    assert isinstance(clock, FixedClock)
    clock.advance(days=1)
    daily = backups.automatic_backup()
    assert daily is not None
    upgrade = sqlite_backup(paths.database_file, paths.backup_dir /
                            f"before-upgrade-0003-to-0005-{clock.now():%Y%m%d-%H%M%S}.sqlite3")
    clock.advance(days=1)
    restored = backups.restore(manual)  # leaves a before-restore backup of the data it replaced
    rt.close()
    kinds = {manual.name, daily.path.name, upgrade.name, restored.previous_saved_to.name}
    assert {p.name for p in paths.backup_dir.iterdir()} == kinds
    # the grep finds them before retention (so finding nothing later means something)
    assert set(_files_holding(paths.data_dir, REFERENCE)) >= {f"backups/{k}" for k in kinds}
    assert set(_files_holding(paths.data_dir, b"SENTINEL-NOTE-9931")) >= {f"backups/{k}" for k in kinds}

    # 40 days on, just starting the app applies retention: the reference goes everywhere (backups too)
    rt = _open(paths, D0 + timedelta(days=40))
    try:
        detail = SignpostingService(rt.context(SYSTEM)).get(record.id)
        assert detail.patient_ref is None and detail.items[0].experience_note == NOTE  # notes: 60 days
        assert detail.items[0].outcome is Outcome.ENGAGED
    finally:
        rt.close()
    assert _files_holding(paths.data_dir, REFERENCE) == []
    assert {p.name for p in paths.backup_dir.iterdir()} == kinds  # cleaned, still there, still open
    for backup in paths.backup_dir.iterdir():
        BackupService(rt.context(SYSTEM), paths).inspect(backup)  # passes the restore checks

    # past the longest retention period (60 days): the record (with its note) is deleted, leaving no
    # copy in free pages (secure_delete, then VACUUM), and every older backup goes
    rt = _open(paths, D0 + timedelta(days=70))
    try:
        assert SignpostingService(rt.context(SYSTEM)).log().total == 0
    finally:
        rt.close()
    assert _files_holding(paths.data_dir, b"SENTINEL-NOTE-9931") == []
    oldest_allowed = D0 + timedelta(days=70) - timedelta(days=60)
    assert all(taken_at(p) >= oldest_allowed for p in paths.backup_dir.iterdir())
    assert not any(paths.backup_dir.iterdir())
    assert _files_holding(paths.data_dir, b"Debt advice drop-in") != []  # the directory itself is kept
