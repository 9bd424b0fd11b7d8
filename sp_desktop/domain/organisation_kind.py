"""The kind of organisation, for the vetting checklist (issue 25 point 4).

There is no separate column: the kind is read from the organisation's legal status (free text, as
HSDS and the spreadsheets carry it). The guided form and the organisation editor offer the five
kinds' labels (`KIND_LABELS`); `kind_of()` also recognises the usual ways of writing them
("SCIO", "Scottish charitable incorporated organisation", "CIC", "NHS board", "unincorporated
association"...). A legal status that is none of them is "not stated", and then every checklist
item applies (fail closed).
"""

from __future__ import annotations

import re
from enum import StrEnum


class OrganisationKind(StrEnum):
    REGISTERED_CHARITY = "registered_charity"
    SCIO = "scio"
    COMMUNITY_GROUP = "community_group"
    SOCIAL_ENTERPRISE = "social_enterprise"
    PUBLIC_BODY = "public_body"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    OrganisationKind.REGISTERED_CHARITY: "Registered charity",
    OrganisationKind.SCIO: "Scottish charitable incorporated organisation (SCIO)",
    OrganisationKind.COMMUNITY_GROUP: "Community group",
    OrganisationKind.SOCIAL_ENTERPRISE: "Social enterprise",
    OrganisationKind.PUBLIC_BODY: "Public body",
}

#: Labels offered in the forms, in this order.
KIND_LABELS: tuple[str, ...] = tuple(_LABELS[k] for k in OrganisationKind)

#: Short names for lists ("Applies to: charity, SCIO").
SHORT_LABELS = {
    OrganisationKind.REGISTERED_CHARITY: "registered charity",
    OrganisationKind.SCIO: "SCIO",
    OrganisationKind.COMMUNITY_GROUP: "community group",
    OrganisationKind.SOCIAL_ENTERPRISE: "social enterprise",
    OrganisationKind.PUBLIC_BODY: "public body",
}

# Most specific first: "SCIO" before "charity", "community interest company" before "community".
_PATTERNS: tuple[tuple[OrganisationKind, str], ...] = (
    (OrganisationKind.SCIO, r"\bscio\b|charitable incorporated organi[sz]ation|\bcio\b"),
    (OrganisationKind.SOCIAL_ENTERPRISE, r"social enterprise|community interest company|\bcic\b"),
    (OrganisationKind.PUBLIC_BODY, r"public body|\bnhs\b|health board|\bcouncil\b|local authority|"
                                   r"public sector|government|\bhscp\b"),
    (OrganisationKind.REGISTERED_CHARITY, r"charit"),
    (OrganisationKind.COMMUNITY_GROUP, r"community group|unincorporated|voluntary group|\bclub\b|"
                                       r"constituted group|self[- ]help group|residents"),
)


def kind_of(legal_status: str | None) -> OrganisationKind | None:
    """The kind a legal status names, or None when it names none (not stated)."""
    text = " ".join((legal_status or "").casefold().split())
    if not text:
        return None
    for kind in OrganisationKind:
        if text == kind.label.casefold() or text == kind.value.replace("_", " "):
            return kind
    for kind, pattern in _PATTERNS:
        if re.search(pattern, text):
            return kind
    return None


def kind_text(legal_status: str | None) -> str:
    kind = kind_of(legal_status)
    return kind.label if kind else "Not stated"


def parse_kinds(values: object) -> tuple[OrganisationKind, ...]:
    """A checklist item's stored `applies_to` (a list of kind values, or None) as kinds; unknown
    values are ignored."""
    if not isinstance(values, list | tuple):
        return ()
    known = {k.value: k for k in OrganisationKind}
    return tuple(known[v] for v in values if isinstance(v, str) and v in known)


__all__ = ["KIND_LABELS", "SHORT_LABELS", "OrganisationKind", "kind_of", "kind_text", "parse_kinds"]
