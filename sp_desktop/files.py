"""Writing a file so that it is never half-written: the one helper every writer uses.

The data goes to a temporary file in the same folder, is flushed to the disk, and then replaces
the target in one rename (`os.replace`, atomic on Windows and POSIX alike). A failure at any
point removes the temporary file and leaves the old target, if any, untouched. Qt-free.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def write_atomically(path: str | os.PathLike[str], data: bytes | str, *, encoding: str = "utf-8",
                     private: bool = False, make_folder: bool = True) -> Path:
    """Write `data` (text is encoded with `encoding`) to `path` through a temporary file and an
    atomic rename. `private`: readable by this user only (POSIX; Windows keeps the folder's rights).
    `make_folder`: create the missing parent folders first. Returns the path written."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if make_folder:
        folder.mkdir(parents=True, exist_ok=True)
    payload = data.encode(encoding) if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        if private and os.name != "nt":
            os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


@contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """For writers that need a path rather than bytes (a streamed JSON file, a SQLite copy): a
    temporary path beside `out` that replaces `out` when the block ends, and is deleted if the block
    fails or is cancelled, so `out` is either complete or as it was before, never half-written."""
    tmp = out.with_name(out.name + ".part")
    try:
        yield tmp
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


__all__ = ["atomic_path", "write_atomically"]
