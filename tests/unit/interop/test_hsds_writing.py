"""Writing Open Referral files a piece at a time gives exactly the text of the whole-document form."""

from __future__ import annotations

import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest

from sp_desktop.domain.enums import PhoneType
from sp_desktop.interop import hsds
from sp_desktop.interop.records import ContactRec, LocationRec, OrgRec, PhoneRec, ServiceRec, SlotRec, TermRec


def _orgs(n: int) -> tuple[list[dict[str, Any]], dict[str, TermRec]]:
    parent = TermRec(hsds.derived_id("category", "money"), "Money", code="money")
    child = TermRec(hsds.derived_id("category", "debt"), "Debt advice", code="debt", parent_id=parent.id)
    terms = {child.id: child, parent.id: parent}
    out = []
    for i in range(n):
        venue = LocationRec(f"loc-{i}", "Church hall – Ströme", "1 High St", postcode="PA1 1AA")
        org = OrgRec(f"Org {i} “quoted” £", id=str(uuid.uuid4()) if i % 2 else f"org-{i}",
                     phones=[PhoneRec("+441632960123", PhoneType.VOICE)],
                     contacts=[ContactRec("Ann", "Volunteer", "+441632960999", "ann@example.org", f"c-{i}")],
                     locations=[venue])
        org.services = [ServiceRec(f"Service {i}.{k}", id=f"svc-{i}-{k}", languages=["English", "BSL"],
                                   schedule=[SlotRec(0, "10:00", "12:00", id=f"slot-{i}-{k}")],
                                   term_ids=[child.id], location_ids=[venue.id or ""],
                                   phones=[PhoneRec("+441632960123")])
                        for k in range(2)]
        out.append(hsds.organization_object(org, terms, include_contacts=True))
    return out, terms


@pytest.mark.parametrize("n", [0, 1, 3])
def test_json_written_an_organisation_at_a_time_is_the_whole_document(tmp_path, n):
    orgs, _ = _orgs(n)
    whole = json.dumps(hsds.page_object(orgs), indent=2, ensure_ascii=False).encode("utf-8")
    hsds.write_json(iter(orgs), tmp_path / "a.json", total=n)
    hsds.write_json(orgs, tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == whole
    assert (tmp_path / "b.json").read_bytes() == whole


def test_json_with_the_wrong_count_is_not_left_behind(tmp_path):
    orgs, _ = _orgs(2)
    (tmp_path / "a.json").write_text("earlier", encoding="utf-8")
    with pytest.raises(hsds.HsdsError, match="changed while it was being exported"):
        hsds.write_json(iter(orgs), tmp_path / "a.json", total=3)
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]
    assert (tmp_path / "a.json").read_text(encoding="utf-8") == "earlier"


@pytest.mark.parametrize("name", ["package.zip", "package"])
def test_data_package_written_an_organisation_at_a_time_is_the_same(tmp_path, name):
    orgs, terms = _orgs(3)
    tables = hsds.tables_from_objects(orgs)
    hsds.add_parent_terms(tables, terms.values())
    (tmp_path / "whole").mkdir()
    (tmp_path / "stream").mkdir()
    hsds.write_tabular(tables, tmp_path / "whole" / name, "Title")
    hsds.write_tabular_stream(iter(orgs), tmp_path / "stream" / name, "Title", more_terms=terms.values)
    whole, stream = _files(tmp_path / "whole" / name), _files(tmp_path / "stream" / name)
    assert list(whole) == list(stream) == ["datapackage.json"] + [p for p, _ in hsds.RESOURCES.values()]
    assert whole == stream
    # heading, the category, its parent and the "for all ages" detail (the services give no ages)
    assert stream["taxonomy_terms.csv"].count(b"\r\n") == 4
    assert [p.name for p in (tmp_path / "stream").iterdir()] == [name]  # no temporary files left


def _files(path: Path) -> dict[str, bytes]:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            return {n: zf.read(n) for n in zf.namelist()}
    order = ["datapackage.json"] + [p for p, _ in hsds.RESOURCES.values()]
    return {n: (path / n).read_bytes() for n in order if (path / n).exists()}


def test_derived_and_exported_ids_are_the_uuids_they_always_were():
    for parts in [("taxonomy", "categories"), ("a",), ("", ""), ("svc-1", "language", "Gàidhlig 日本")]:
        assert hsds.derived_id(*parts) == str(uuid.uuid5(hsds.NAMESPACE, "\x1f".join(parts)))
    u = uuid.uuid4()
    for uid in [str(u), str(u).upper(), u.hex, f"{{{u}}}", f"urn:uuid:{u}", "org-1", "", f"{u}x",
                str(u)[:-1]]:
        try:
            expected = str(uuid.UUID(uid))
        except ValueError:
            expected = hsds.derived_id("uid", uid)
        assert hsds.export_id(uid) == expected, uid
