"""SQLite on a network drive is refused (simulated mount tables and drive types), with a message
that says why and what to do; --i-understand-network-risk is the only way past."""

from __future__ import annotations

import io
import sys

import pytest

from sp_desktop.cli import build_parser, run_command
from sp_desktop.db import storage_check
from sp_desktop.db.storage_check import (
    DRIVE_REMOTE,
    NetworkStorageRefused,
    check_location,
    parse_mounts,
    refuse_network_sqlite,
)

LINUX_MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw,relatime 0 0
nas.local:/export/practice /mnt/practice nfs4 rw,relatime,vers=4.2 0 0
//nas/office\\040files /mnt/office\\040files cifs rw,vers=3.0 0 0
/dev/sdb1 /mnt/practice/local-cache ext4 rw 0 0
alex@server:/home/alex /home/alex/remote fuse.sshfs rw,nosuid 0 0
"""

MAC_MOUNTS = """\
/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)
/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse, protect)
map auto_home on /System/Volumes/Data/home (autofs, automounted, nobrowse)
//alex@nas._smb._tcp.local/Practice on /Volumes/Practice (smbfs, nodev, nosuid, mounted by alex)
nas:/exports/sp on /Volumes/sp (nfs, nodev, nosuid)
"""


def _linux(path, table=LINUX_MOUNTS):
    return check_location(path, platform="linux", mounts=lambda: table)


def test_linux_nfs_cifs_and_sshfs_mounts_are_network():
    nfs = _linux("/mnt/practice/sp_desktop/directory.sqlite3")
    assert nfs.network and "NFS" in nfs.where and "/mnt/practice" in nfs.where
    cifs = _linux("/mnt/office files/directory.sqlite3")
    assert cifs.network and "SMB" in cifs.where and "//nas/office files" in cifs.where
    assert _linux("/home/alex/remote/db.sqlite3").network


def test_linux_local_disks_are_fine_and_the_deepest_mount_wins():
    assert not _linux("/home/alex/.local/share/sp_desktop/directory.sqlite3").network
    assert not _linux("/mnt/practice/local-cache/directory.sqlite3").network  # ext4 inside the NFS mount
    assert not _linux("/mnt/practiceXYZ/directory.sqlite3").network  # a prefix of the name is not a parent


def test_a_symlink_into_a_network_mount_is_followed(tmp_path):
    real = tmp_path / "share"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    table = f"/dev/sda1 / ext4 rw 0 0\n//srv/share {real} cifs rw 0 0\n"
    assert _linux(tmp_path / "link" / "sp" / "directory.sqlite3", table).network
    assert not _linux(tmp_path / "elsewhere" / "directory.sqlite3", table).network


def test_macos_mount_output():
    rows = parse_mounts(MAC_MOUNTS)
    assert ("//alex@nas._smb._tcp.local/Practice", "/Volumes/Practice", "smbfs") in rows

    def mac(p):
        return check_location(p, platform="darwin", mounts=lambda: MAC_MOUNTS)

    assert mac("/Volumes/Practice/sp_desktop/directory.sqlite3").network
    assert mac("/Volumes/sp/directory.sqlite3").network
    assert not mac("/Users/alex/Library/Application Support/sp_desktop/directory.sqlite3").network


@pytest.mark.parametrize("path", [
    r"\\nas\practice\sp_desktop\directory.sqlite3",
    "//nas/practice/sp_desktop/directory.sqlite3",
    r"\\?\UNC\nas\practice\directory.sqlite3",
])
def test_windows_unc_paths_are_network(path):
    info = check_location(path, platform="win32", drive=lambda root: 3)
    assert info.network and "another computer" in info.where and "nas" in info.where


def test_windows_mapped_network_drive_uses_get_drive_type():
    asked = []

    def drive(root):
        asked.append(root)
        return DRIVE_REMOTE if root == "Z:\\" else 3  # DRIVE_FIXED

    z = check_location(r"Z:\sp_desktop\directory.sqlite3", platform="win32", drive=drive)
    assert z.network and "mapped network drive Z:" in z.where
    assert not check_location(r"C:\Users\alex\AppData\Local\sp_desktop\directory.sqlite3", platform="win32",
                              drive=drive).network
    assert not check_location(r"\\?\C:\data\directory.sqlite3", platform="win32", drive=drive).network
    assert asked == ["Z:\\", "C:\\", "C:\\"]


def test_refusal_message_says_why_and_what_to_do():
    with pytest.raises(NetworkStorageRefused) as exc:
        refuse_network_sqlite(r"\\nas\practice\directory.sqlite3", platform="win32", drive=lambda r: 3)
    text = str(exc.value)
    assert r"\\nas\practice" in text
    assert "network" in text and "damaged" in text and "SQLite documentation" in text
    assert "PostgreSQL" in text and "--database-url" in text and "migrate-to" in text
    assert "--i-understand-network-risk" in text
    info = refuse_network_sqlite(r"\\nas\practice\directory.sqlite3", allow=True, platform="win32",
                                 drive=lambda r: 3)
    assert info.network  # allowed, but still reported


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = run_command(build_parser().parse_args(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.skipif(sys.platform == "win32", reason="simulates a Linux mount table")
def test_start_up_on_a_simulated_network_share_is_refused_unless_the_risk_is_accepted(tmp_path, monkeypatch):
    share = tmp_path / "share"
    share.mkdir()
    monkeypatch.setattr(storage_check, "mount_table",
                        lambda: f"/dev/sda1 / ext4 rw 0 0\n//nas/practice {share} cifs rw,vers=3.0 0 0\n")
    code, out, err = _run(["info", "--data-dir", str(share / "sp")])
    assert code == 3
    assert "network" in err and "PostgreSQL" in err and "--i-understand-network-risk" in err
    assert not (share / "sp" / "directory.sqlite3").exists()  # nothing was created on the share

    code, out, err = _run(["info", "--data-dir", str(share / "sp"), "--i-understand-network-risk"])
    assert code == 0, err
    assert (share / "sp" / "directory.sqlite3").exists()

    code, out, err = _run(["info", "--data-dir", str(tmp_path / "local")])  # a local folder: no question
    assert code == 0, err
