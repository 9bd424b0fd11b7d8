"""Reading zip files people were sent without trusting them.

Members are read into memory, never extracted, and the archive is refused with a plain message
when a name tries to leave the archive (``../``, absolute paths, drive letters), when there are
too many members, or when what it unpacks to is too big or suspiciously compressed (a zip bomb).
Limits are checked on the declared sizes first and again while reading, since headers can lie.
"""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sp_desktop.domain.errors import Refused


class UnsafeArchive(Refused, ValueError):
    """The zip file was refused; the message says why and what to do."""


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 2000
    max_member_bytes: int = 200 * 1024 * 1024
    max_total_bytes: int = 500 * 1024 * 1024
    max_ratio: float = 200.0  # uncompressed / compressed, for members bigger than `ratio_floor`
    ratio_floor: int = 1024 * 1024


DEFAULT_LIMITS = ZipLimits()
_DRIVE = re.compile(r"^[A-Za-z]:")


def _check_name(name: str, archive: str) -> None:
    norm = name.replace("\\", "/")
    parts = PurePosixPath(norm).parts
    if norm.startswith("/") or _DRIVE.match(norm) or ".." in parts or "\x00" in norm:
        raise UnsafeArchive(
            f"{archive} was not opened: it contains a file named “{name}” that points outside the "
            "archive. This is how some harmful zip files work. Ask the sender for a fresh copy."
        )


class SafeZip:
    """A zip archive checked on opening; `read(name)` enforces the size limits while unpacking."""

    def __init__(self, path: Path, limits: ZipLimits = DEFAULT_LIMITS) -> None:
        self.path = path
        self.limits = limits
        label = path.name
        try:
            self._zip = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise UnsafeArchive(
                f"{label} is not a readable zip file (it may be damaged or incomplete)."
            ) from None
        infos = self._zip.infolist()
        if len(infos) > limits.max_members:
            self._zip.close()
            raise UnsafeArchive(f"{label} was not opened: it holds {len(infos):,} files (at most "
                                f"{limits.max_members:,} are accepted).")
        total = 0
        try:
            for info in infos:
                _check_name(info.filename, label)
                mode = (info.external_attr >> 16) & 0xFFFF
                if stat.S_ISLNK(mode):
                    raise UnsafeArchive(
                        f"{label} was not opened: “{info.filename}” is a link to another file, "
                        "which a data package never needs."
                    )
                self._check_size(info, label)
                total += info.file_size
                if total > limits.max_total_bytes:
                    raise UnsafeArchive(f"{label} was not opened: it would unpack to more than "
                                        f"{limits.max_total_bytes // (1024 * 1024)} MB.")
        except UnsafeArchive:
            self._zip.close()
            raise
        self.names = [i.filename for i in infos if not i.is_dir()]

    def _check_size(self, info: zipfile.ZipInfo, label: str) -> None:
        lim = self.limits
        if info.file_size > lim.max_member_bytes:
            raise UnsafeArchive(
                f"{label} was not opened: “{info.filename}” would unpack to "
                f"{info.file_size // (1024 * 1024)} MB (at most {lim.max_member_bytes // (1024 * 1024)} "
                "MB per file)."
            )
        if info.file_size > lim.ratio_floor and info.file_size > lim.max_ratio * max(info.compress_size, 1):
            raise UnsafeArchive(
                f"{label} was not opened: “{info.filename}” is compressed far more than real data "
                "ever is (a “zip bomb”). Ask the sender for a fresh copy."
            )

    def read(self, name: str) -> bytes:
        info = self._zip.getinfo(name)
        limit = min(self.limits.max_member_bytes, max(info.file_size, 0))
        out = bytearray()
        with self._zip.open(info) as fh:
            while True:
                chunk = fh.read(1024 * 1024)
                if not chunk:
                    break
                out += chunk
                if len(out) > limit:
                    raise UnsafeArchive(f"{self.path.name} was not opened: “{name}” unpacks to more than its "
                                        "header says. The file is damaged or harmful.")
        return bytes(out)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
