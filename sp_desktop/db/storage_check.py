"""Refuse to keep a SQLite database on a network drive.

SQLite relies on the file locking of the disk it is on. Network file systems (Windows shared
folders / SMB, NFS...) do not lock reliably, and SQLite's own documentation warns that two
computers using one database file over a network share can corrupt it — and WAL mode, which
sp_desktop uses, does not work over a network at all. Several PCs should share one PostgreSQL
server instead (docs/administrator-guide.md, "Several PCs: a PostgreSQL server").

`check_location()` says whether a path is on a network drive:

- Windows: a UNC path (``\\\\server\\share\\...``) or a drive letter whose
  ``GetDriveTypeW`` is ``DRIVE_REMOTE`` (a mapped network drive);
- Linux: the file system type of the mount that holds the path, from ``/proc/mounts``;
- macOS: the same, from the output of ``mount``.

The mount table and the drive-type lookup are parameters (and module-level defaults that tests
replace), so a network path can be simulated. `refuse_network_sqlite()` raises
`NetworkStorageRefused` with a message for people unless the user passed
``--i-understand-network-risk``. Qt-free.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

#: File-system types that live on another computer.
NETWORK_FSTYPES = frozenset({
    "nfs", "nfs4", "nfsd", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "ncp", "afs", "openafs",
    "9p", "9p2000", "fuse.sshfs", "sshfs", "sshfs.fuse", "davfs", "davfs2", "fuse.davfs2", "webdav",
    "fuse.gvfsd-fuse", "fuse.rclone", "fuse.s3fs", "s3fs", "ceph", "fuse.ceph", "glusterfs",
    "fuse.glusterfs", "lustre", "gpfs", "beegfs", "orangefs", "afpfs", "fuse.afpfs", "coda",
    "fuse.cifs", "fuse.smbnetfs", "fuse.curlftpfs", "ftpfs",
})
DRIVE_REMOTE = 4  # GetDriveTypeW
_NAMES = {
    "nfs": "an NFS network share", "nfs4": "an NFS network share", "cifs": "a Windows (SMB) shared folder",
    "smb": "a Windows (SMB) shared folder", "smb2": "a Windows (SMB) shared folder",
    "smb3": "a Windows (SMB) shared folder", "smbfs": "a Windows (SMB) shared folder",
    "fuse.sshfs": "an SSH (sshfs) network folder", "sshfs": "an SSH (sshfs) network folder",
    "9p": "a 9P network file system",
}


@dataclass(frozen=True)
class StorageInfo:
    network: bool
    where: str  # for people: "a Windows (SMB) shared folder (//nas/office mounted at /mnt/office)"


class NetworkStorageRefused(RuntimeError):
    """The SQLite database is on a network drive; the message explains why and what to do."""


# ---------------------------------------------------------------- the platform lookups (replaceable)
def read_mount_table() -> str:
    """Linux: /proc/mounts; macOS and other BSDs: the output of `mount`. Empty if unavailable."""
    proc = Path("/proc/mounts")
    try:
        if proc.exists():
            return proc.read_text(encoding="utf-8", errors="replace")
        return subprocess.run(["mount"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def windows_drive_type(root: str) -> int:
    """GetDriveTypeW for a root such as "Z:\\" (0 = unknown elsewhere)."""
    if sys.platform != "win32":
        return 0
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))


#: Module-level defaults, replaced by tests to simulate a network drive.
mount_table: Callable[[], str] = read_mount_table
drive_type: Callable[[str], int] = windows_drive_type


# ---------------------------------------------------------------- parsing
def _unescape_mount(field: str) -> str:
    """/proc/mounts escapes space, tab, newline and backslash as octal (\\040...)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def parse_mounts(table: str) -> list[tuple[str, str, str]]:
    """(device, mount point, fstype) from /proc/mounts or macOS/BSD `mount` output."""
    mounts: list[tuple[str, str, str]] = []
    mac = re.compile(r"^(?P<dev>.+?) on (?P<mp>/.*?) \((?P<fs>[^,)]+)")
    for line in table.splitlines():
        line = line.rstrip("\n")
        if not line.strip():
            continue
        m = mac.match(line)
        if m and " on " in line and "(" in line:
            mounts.append((m.group("dev"), m.group("mp"), m.group("fs").strip().lower()))
            continue
        parts = line.split()
        if len(parts) >= 3:
            mounts.append((_unescape_mount(parts[0]), _unescape_mount(parts[1]), parts[2].lower()))
    return mounts


def _existing(path: Path) -> Path:
    """The path with symlinks resolved, via its nearest existing ancestor (it may not exist yet)."""
    p = Path(os.path.abspath(path))
    missing: list[str] = []
    while not p.exists() and p != p.parent:
        missing.append(p.name)
        p = p.parent
    resolved = Path(os.path.realpath(p))
    for name in reversed(missing):
        resolved = resolved / name
    return resolved


def _posix_check(path: Path, table: str) -> StorageInfo:
    target = PurePosixPath(_existing(path).as_posix())
    best: tuple[str, str, str] | None = None
    for dev, mp, fs in parse_mounts(table):
        mount_point = PurePosixPath(mp)
        if target == mount_point or mount_point in target.parents:
            if best is None or len(mp) >= len(best[1]):
                best = (dev, mp, fs)  # the last, longest match wins (later mounts hide earlier ones)
    if best is None:
        return StorageInfo(False, "a local disk")
    dev, mp, fs = best
    if fs in NETWORK_FSTYPES or fs.startswith(("nfs", "smb", "cifs")):
        kind = _NAMES.get(fs, f"a network file system ({fs})")
        return StorageInfo(True, f"{kind} ({dev} mounted at {mp})")
    return StorageInfo(False, f"a local disk ({fs} at {mp})")


def _windows_check(path: str, lookup: Callable[[str], int]) -> StorageInfo:
    text = path.replace("/", "\\")
    upper = text.upper()
    if upper.startswith("\\\\?\\UNC\\"):
        return StorageInfo(True, "a shared folder on another computer (" + "\\\\" + text[8:] + ")")
    if upper.startswith(("\\\\?\\", "\\\\.\\")):
        text = text[4:]
    elif text.startswith("\\\\"):
        share = "\\".join(text.split("\\")[:4])
        return StorageInfo(True, f"a shared folder on another computer ({share})")
    drive = PureWindowsPath(text).drive
    if len(drive) == 2 and drive[1] == ":":
        root = drive.upper() + "\\"
        if lookup(root) == DRIVE_REMOTE:
            return StorageInfo(True, f"the mapped network drive {drive.upper()}")
        return StorageInfo(False, f"the local drive {drive.upper()}")
    return StorageInfo(False, "a local disk")


def check_location(path: Path | str, *, platform: str | None = None, mounts: Callable[[], str] | None = None,
                   drive: Callable[[str], int] | None = None) -> StorageInfo:
    """Is `path` (a file or folder, existing or not) on a network drive?"""
    platform = platform or sys.platform
    if platform == "win32":
        lookup = drive or drive_type
        info = _windows_check(str(path), lookup)
        if not info.network and sys.platform == "win32":
            try:  # a mapped drive or a link can resolve to a UNC path
                resolved = os.path.realpath(path)
            except OSError:
                resolved = str(path)
            if resolved != str(path):
                again = _windows_check(resolved, lookup)
                info = again if again.network else info
        return info
    return _posix_check(Path(path), (mounts or mount_table)())


def refusal_message(path: Path | str, info: StorageInfo) -> str:
    return (f"The database {path} is on {info.where}. sp_desktop will not keep its SQLite database on a "
            "network drive: SQLite cannot lock a file reliably over a network, so when two PCs use it at "
            "once the directory can be silently damaged (the SQLite documentation warns about exactly "
            "this).\n\n"
            "What to do:\n"
            "- For one PC: keep the database on this PC's own disk (the default), or choose a local "
            "folder with --data-dir.\n"
            "- For several PCs sharing one directory: set up a PostgreSQL server and start every copy with "
            "--database-url postgresql+psycopg://… (or File > Connect to practice server…); see "
            "\"Several PCs: a PostgreSQL server\" in the administrator guide (docs/administrator-guide.md). "
            "`sp-desktop migrate-to URL` moves this "
            "directory onto the server.\n"
            "- Only if you are sure no other PC will ever open this file: start with "
            "--i-understand-network-risk.")


def refuse_network_sqlite(path: Path | str, *, allow: bool = False, platform: str | None = None,
                          mounts: Callable[[], str] | None = None,
                          drive: Callable[[str], int] | None = None) -> StorageInfo:
    """Raise NetworkStorageRefused if `path` is on a network drive (unless `allow`)."""
    info = check_location(path, platform=platform, mounts=mounts, drive=drive)
    if info.network and not allow:
        raise NetworkStorageRefused(refusal_message(path, info))
    return info
