"""sp_desktop/files.py: every file the app writes is complete or as it was, never half-written."""

from __future__ import annotations

import os
import stat

import pytest

from sp_desktop.files import atomic_path, write_atomically


def test_writes_bytes_and_text_and_replaces_the_old_file(tmp_path):
    target = tmp_path / "new" / "report.csv"
    assert write_atomically(target, b"first") == target
    write_atomically(target, "zweite Fassung — second", encoding="utf-8-sig")
    assert target.read_bytes() == "zweite Fassung — second".encode("utf-8-sig")
    assert [p.name for p in target.parent.iterdir()] == ["report.csv"]  # no temporary file left


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "settings.json"
    target.write_text("old")
    with pytest.raises(TypeError):
        write_atomically(target, 12345)  # type: ignore[arg-type]
    with pytest.raises(UnicodeEncodeError):
        write_atomically(target, "café", encoding="ascii")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_a_missing_folder_is_an_error_when_not_to_be_made(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_atomically(tmp_path / "absent" / "x.pdf", b"%PDF", make_folder=False)
    assert not (tmp_path / "absent").exists()


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_private_files_are_readable_by_their_owner_only(tmp_path):
    target = write_atomically(tmp_path / "local-settings.json", "{}", private=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_atomic_path_replaces_only_when_the_block_finishes(tmp_path):
    target = tmp_path / "export.json"
    target.write_text("before")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("cancelled")
    assert target.read_text() == "before" and not tmp.exists()
    with atomic_path(target) as tmp:
        tmp.write_text("after")
    assert target.read_text() == "after" and not tmp.exists()
