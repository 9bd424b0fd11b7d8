"""ALISS (A Local Information System for Scotland): the national directory of local support.

Reads what ALISS's public API returns, saved as a JSON file:

* a search (``/api/v4/search/``): ``{"meta": …, "count": N, "next": url, "previous": url,
  "data": [service…]}``;
* one service (``/api/v4/services/<id>/``): ``{"meta": …, "data": service}``;
* one organisation (``/api/v4/organisations/<id>/``): ``{"meta": …, "data": organisation}`` with its
  ``services`` and ``locations``;
* a list of services or organisations in those shapes.

The field names are those of the ALISS project's API serializers (aliss/api/serializers.py in the public
aliss/ALISS repository): a service has ``id, name, description, url, phone, email, categories [{name, slug}],
service_areas [{code, type, name}], organisation {id, name, aliss_url, permalink, is_claimed, slug}, slug,
aliss_url, permalink, last_updated, locations [{id, formatted_address, name, description, street_address,
locality, region, state, postal_code, country, latitude, longitude}]``; an organisation adds ``description,
facebook, twitter, url, phone, email, last_edited, services, locations``.

Each record is turned into the Open Referral shape and read by the same mapper as every other feed, so
phone numbers, web addresses and text get the same checks, and what sp_desktop cannot keep is listed as left
out. A service's ALISS link (its ``permalink``, else its ``aliss_url``) is kept as its source id, so the
service stays linked to its ALISS page and a later import of the same search updates it. Nothing is invented:
ALISS says nothing about cost, ages or how to get in, so those stay "not stated" / empty.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sp_desktop.interop import hsds
from sp_desktop.interop.records import Feed, Problem

#: What ALISS categories are called in sp_desktop's category matching (matched to the practice's own).
TAXONOMY = "ALISS categories"

def _is_service(item: dict[str, Any]) -> bool:
    return isinstance(item.get("organisation"), dict)


def looks_like_aliss(data: Any) -> bool:
    """True for what the ALISS API returns (a search, a service, an organisation, or a list of them)."""
    if isinstance(data, dict) and isinstance(data.get("meta"), dict) and "data" in data:
        meta = data["meta"]
        if "attribution" in meta or "licence" in meta:
            return True
    items = data.get("data") if isinstance(data, dict) else data
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or not items:
        return False
    first = items[0]
    if not isinstance(first, dict):
        return False
    if _is_service(first) and ("aliss_url" in first or "permalink" in first or "service_areas" in first):
        return True
    org = first.get("organisation")
    return isinstance(org, dict) and "is_claimed" in org or "is_claimed" in first


def _link(d: dict[str, Any]) -> str | None:
    return hsds._s(d.get("permalink")) or hsds._s(d.get("aliss_url"))


def _location(d: dict[str, Any], left_out: Counter[str]) -> dict[str, Any]:
    if hsds._t(d.get("description")):
        left_out["locations.description"] += 1
    address = {"address_1": hsds._s(d.get("street_address")), "city": hsds._s(d.get("locality")),
               "region": hsds._s(d.get("region")), "state_province": hsds._s(d.get("state")),
               "postal_code": hsds._s(d.get("postal_code")), "country": hsds._s(d.get("country"))}
    return {"id": hsds._s(d.get("id")), "name": hsds._s(d.get("name")),
            "addresses": [address] if any(address.values()) else [],
            "latitude": d.get("latitude"), "longitude": d.get("longitude")}


def _service(d: dict[str, Any], left_out: Counter[str]) -> dict[str, Any]:
    sid = _link(d) or hsds._s(d.get("id"))
    phone = hsds._s(d.get("phone"))
    areas = [a for a in hsds._list(d.get("service_areas")) if hsds._s(a.get("name"))]
    attributes = []
    for c in hsds._list(d.get("categories")):
        name, slug = hsds._s(c.get("name")), hsds._s(c.get("slug"))
        if name:
            attributes.append({"taxonomy_term": {"id": f"aliss:{slug or name}", "name": name, "code": slug,
                                                 "taxonomy": TAXONOMY}})
    return {
        "id": sid, "name": d.get("name"), "description": d.get("description"), "url": d.get("url"),
        "email": d.get("email"),
        "phones": [{"id": f"{sid}#phone", "number": phone}] if phone else [],
        # one "area covered" line, as ALISS names its areas ("Renfrewshire; Glasgow City")
        "service_areas": [{"name": "; ".join(hsds._s(a.get("name")) or "" for a in areas)}] if areas else [],
        "attributes": attributes,
        "service_at_locations": [{"location": _location(loc, left_out)}
                                 for loc in hsds._list(d.get("locations"))],
        "last_modified": d.get("last_updated") or d.get("last_edited"),
    }


def _organisation(d: dict[str, Any], left_out: Counter[str]) -> dict[str, Any]:
    for key in ("facebook", "twitter"):
        if hsds._s(d.get(key)):
            left_out[f"organisations.{key}"] += 1
    phone = hsds._s(d.get("phone"))
    oid = _link(d) or hsds._s(d.get("id"))
    return {"id": oid, "name": d.get("name"), "description": d.get("description"), "website": d.get("url"),
            "email": d.get("email"), "phones": [{"id": f"{oid}#phone", "number": phone}] if phone else [],
            "locations": [_location(loc, left_out) for loc in hsds._list(d.get("locations"))],
            "services": []}


def feed_from_aliss(data: Any, source_name: str) -> Feed:
    """A feed from what the ALISS API returned. Raises hsds.HsdsError when it holds nothing to import."""
    wrapper = data if isinstance(data, dict) and "data" in data else None
    items = wrapper["data"] if wrapper is not None else data
    if isinstance(items, dict):
        items = [items]
    items = hsds._list(items)
    if not items:
        raise hsds.HsdsError(f"{source_name} is an ALISS file with no services or organisations in it.")
    left_out: Counter[str] = Counter()
    orgs: dict[str, dict[str, Any]] = {}
    order: list[dict[str, Any]] = []
    services = 0
    warnings: list[Problem] = []
    for item in items:
        if _is_service(item):
            org_obj = item["organisation"]
            key = hsds._s(org_obj.get("id")) or hsds._s(org_obj.get("name")) or ""
            target = orgs.get(key)
            if target is None:
                target = orgs[key] = _organisation(org_obj, left_out)
                order.append(target)
            target["services"].append(_service(item, left_out))
            services += 1
        elif "services" in item or "is_claimed" in item:  # an organisation with its services
            key = hsds._s(item.get("id")) or hsds._s(item.get("name")) or ""
            fresh = _organisation(item, left_out)
            target = orgs.get(key)
            if target is None:
                target = orgs[key] = fresh
                order.append(target)
            else:  # its services came first, in a search: add what the organisation's own record says
                for k in ("description", "website", "email", "phones", "locations"):
                    target[k] = target.get(k) or fresh[k]
            for svc in hsds._list(item.get("services")):
                target["services"].append(_service(svc, left_out))
                services += 1
        else:
            keys = ", ".join(sorted(map(str, item))[:6])
            warnings.append(Problem("warning", f"an item with the keys {keys} is neither an ALISS service "
                                               "nor an organisation; left out",
                                    where=source_name))
    problems = hsds._Problems()
    feed = hsds._feed_from_objects(order, source_name, problems)
    feed.records_read = len(items)
    for key, n in left_out.items():
        feed.left_out[key] = feed.left_out.get(key, 0) + n
    total = wrapper.get("count") if wrapper is not None and isinstance(wrapper.get("count"), int) else None
    what = f"{services:,} service{'s' if services != 1 else ''}"
    if wrapper is not None and ("next" in wrapper or "count" in wrapper):
        feed.shape = f"an ALISS search (count, next, data): {what}"
        if wrapper.get("next") or (total is not None and total > services):
            warnings.append(Problem(
                "warning", f"the ALISS search found {total if total is not None else 'more'} services but "
                           f"this file holds {services:,}: only these are imported. Save every page of the "
                           "search (its “next” addresses) and import each.",
                where=source_name))
    else:
        feed.shape = f"an ALISS export: {what}"
    feed.problems[:0] = warnings
    feed.suggested_feed_name = "ALISS"
    return feed


__all__ = ["TAXONOMY", "feed_from_aliss", "looks_like_aliss"]
