"""Read a directory feed file whatever its publisher's shape: Open Referral (HSDS 3.0 and the UK
profile, JSON or a tabular data package) or ALISS (Scotland's national directory, whose API pages
are translated to HSDS objects by interop/aliss.py). The one entry point the import service uses.

It sits above hsds.py and aliss.py so that neither imports the other both ways (aliss builds on
hsds; hsds knows nothing of aliss)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sp_desktop.interop import aliss, hsds
from sp_desktop.interop.records import Feed


def feed_from_pages(documents: list[tuple[str, Any]], source_name: str) -> Feed:
    """JSON documents (a file, or a folder or zip of an API's pages) as a feed: ALISS pages when every
    one looks like ALISS, otherwise Open Referral."""
    if documents and all(aliss.looks_like_aliss(data) for _, data in documents):
        if len(documents) == 1:
            return aliss.feed_from_aliss(documents[0][1], source_name)
        items = [i for _, data in documents
                 for i in ((data.get("data") or []) if isinstance(data, dict) else data)
                 for i in ([i] if isinstance(i, dict) else [])]
        return aliss.feed_from_aliss(items, source_name)
    return hsds.feed_from_pages(documents, source_name)


def read_feed(path: Path) -> Feed:
    """Read a feed file, folder or zip (see the module's docstring). Raises hsds.HsdsError."""
    return hsds.read_hsds(path, from_pages=feed_from_pages)
