"""Work-arounds for known problems in the Qt bindings, in one place.

PySide6 6.12 on Python 3.11: every call of a Qt method that returns nothing (``setEnabled``,
``processEvents``...) drops one reference to ``None`` and never gives it back. Python 3.12 made
``None`` immortal, so there it is harmless; on 3.11 the count eventually reaches zero and the
interpreter aborts ("Fatal Python error: none_dealloc") — after a few thousand calls in a small
script, or a long day at the front desk. The project prefers Python 3.12+ (the Makefile picks it
when present). On 3.11 we add a large, permanent number to None's reference count once at start
(None is never freed anyway, so this only stops the count from reaching zero). A list of
references would not do: it is freed at exit, and the interpreter then aborts while finalizing.
"""

from __future__ import annotations

import ctypes
import sys

RESERVE = 1 << 40
_done = False


def protect_none_refcount() -> bool:
    """Returns True if the work-around was applied (CPython 3.11 only, once per process)."""
    global _done
    if _done or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    # ob_refcnt is the first field of every object in CPython 3.11 (Py_ssize_t).
    ctypes.c_ssize_t.from_address(id(None)).value += RESERVE
    _done = True
    return True
