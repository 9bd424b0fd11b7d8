"""Bad files, generated (hypothesis), through the import service as the wizard uses it: whatever
bytes arrive as a spreadsheet, an Open Referral JSON file or a data-package zip, the result is a
clear ImportFailed or a correct import — never another exception, never a partial write. Plus
zip bombs and path traversal in a data-package zip."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sp_desktop.db.engine import sqlite_url
from sp_desktop.services.base import SYSTEM, FixedClock, ServiceContext
from sp_desktop.services.bootstrap import open_database
from sp_desktop.services.imports import ImportFailed, ImportService

NOW = datetime(2026, 11, 24, 10, 0, 0)
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    folder = tmp_path_factory.mktemp("bad-files")
    db, _ = open_database(sqlite_url(folder / "directory.sqlite3"), FixedClock(NOW), None)
    yield db, folder
    db.dispose()


def _counts(folder: Path) -> tuple[int, ...]:
    con = sqlite3.connect(folder / "directory.sqlite3")
    try:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("organisation", "service", "location", "contact", "phone", "audit_event"))
    finally:
        con.close()


def _import(db, path: Path) -> object:  # noqa: ANN001
    """The wizard's steps; ImportFailed is the only acceptable refusal."""
    service = ImportService(ServiceContext(db, FixedClock(NOW), SYSTEM))
    loaded = service.open(path)
    feed = service.read_feed(loaded, skip_bad_rows=True)
    service.plan(feed)
    return service.commit(feed)


def _check(target, name: str, data: bytes) -> None:  # noqa: ANN001
    db, folder = target
    path = folder / name
    path.write_bytes(data)
    before = _counts(folder)
    try:
        _import(db, path)
    except ImportFailed as exc:
        assert str(exc).strip()
        assert _counts(folder) == before  # nothing half-written
    finally:
        path.unlink(missing_ok=True)


cell = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
HEADERS = ["Organisation", "Service", "Phone", "Email", "Opening times", "Categories", "Postcode", "Town",
           "How to get there", "Website"]


@SETTINGS
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=12), max_size=15),
       header=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_csv_spreadsheets(target, rows: list[list[str]], header: bool, encoding: str,  # noqa: ANN001
                          delimiter: str) -> None:
    import csv

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter)
    if header:
        writer.writerow(HEADERS)
    writer.writerows(rows)
    _check(target, "list.csv", buf.getvalue().encode(encoding, errors="replace"))


@SETTINGS
@given(st.binary(max_size=3000))
def test_random_bytes_in_every_format(target, data: bytes) -> None:  # noqa: ANN001
    for name in ("list.csv", "list.xlsx", "feed.json", "package.zip"):
        _check(target, name, data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | cell,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(cell, children, max_size=4),
    max_leaves=25)


@SETTINGS
@given(st.lists(st.fixed_dictionaries(
    {"name": json_values, "services": st.lists(st.fixed_dictionaries({"name": json_values}), max_size=3)},
    optional={"id": json_values, "phones": json_values, "locations": json_values, "email": json_values}),
    max_size=4) | json_values)
def test_open_referral_json(target, doc: object) -> None:  # noqa: ANN001
    _check(target, "feed.json", json.dumps(doc).encode())


@SETTINGS
@given(st.dictionaries(st.sampled_from(["organizations.csv", "services.csv", "locations.csv", "phones.csv",
                                        "datapackage.json", "service_at_locations.csv", "notes.txt"]),
                       st.binary(max_size=400) | cell.map(str.encode), max_size=5))
def test_data_package_zips(target, members: dict[str, bytes]) -> None:  # noqa: ANN001
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    _check(target, "package.zip", buf.getvalue())


def test_zip_bomb_is_refused_quickly(target) -> None:  # noqa: ANN001
    db, folder = target
    path = folder / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("organizations.csv", "w", force_zip64=True) as fh:
            chunk = b"0" * (1024 * 1024)
            for _ in range(1200):  # 1.2 GB of zeros, ~1 MB compressed
                fh.write(chunk)
    assert path.stat().st_size < 5 * 1024 * 1024
    before = _counts(folder)
    with pytest.raises(ImportFailed) as caught:
        _import(db, path)
    assert "bomb" in str(caught.value).lower() or "too big" in str(caught.value).lower() \
        or "compressed" in str(caught.value).lower()
    assert _counts(folder) == before


@pytest.mark.parametrize("name", ["../../evil.csv", "/etc/evil.csv", "C:/Windows/evil.csv",
                                  "a/../../evil.csv", "..\\..\\evil.csv"])
def test_path_traversal_in_a_data_package_is_refused(target, name: str) -> None:  # noqa: ANN001
    db, folder = target
    path = folder / "package.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("organizations.csv", "id,name\n1,Evil\n")
        zf.writestr(name, "id,name\n2,Evil\n")
    before = _counts(folder)
    with pytest.raises(ImportFailed) as caught:
        _import(db, path)
    assert "outside" in str(caught.value)
    assert _counts(folder) == before
    assert not (folder.parent / "evil.csv").exists() and not (folder.parent.parent / "evil.csv").exists()
