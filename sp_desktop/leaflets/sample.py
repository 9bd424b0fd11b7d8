"""Made-up leaflet content: for previewing the practice header in settings, tests and benchmarks.

Every name, number and address here is fictional (phone numbers use Ofcom's drama ranges).
"""

from __future__ import annotations

from datetime import date

from sp_desktop.leaflets.content import (
    Booklet,
    BookletSection,
    CheckedState,
    Leaflet,
    LeafletService,
    LeafletVenue,
    PracticeHeader,
)

__all__ = ["SAMPLE_PRACTICE", "sample_booklet", "sample_leaflet", "sample_services"]

SAMPLE_PRACTICE = PracticeHeader(
    name="Riverside Medical Practice",
    address_lines=("12 Mill Street", "Paisley", "PA1 1AA"),
    phone="0141 496 0000",
)

_BEFRIENDING = LeafletService(
    service_name="Tuesday Lunch Club",
    organisation_name="Paisley Befriending Network",
    description=(
        "A friendly lunch club for older people who would like some company. "
        "You will be met at the door by a volunteer, who will introduce you to people at your table.\n\n"
        "A hot two-course lunch is served at 12:30, followed by tea, a quiz or a sing-along."
    ),
    who_for="People aged 60 and over who live in Paisley or Renfrew. You can bring a friend or carer.",
    cost="£3 for lunch. Tea and coffee are free.",
    how_to_get_in_touch=("You can ring them yourself, or just turn up on a Tuesday.",),
    phones=(("", "0141 496 0123"),),
    email="hello@paisleybefriending.example.org",
    website="https://www.paisleybefriending.example.org/lunch-club",
    opening_times=("Tuesday 11:30 to 14:30",),
    venues=(
        LeafletVenue(
            name="St Mirin's Church Hall",
            address_lines=("45 Causeyside Street", "Paisley", "PA1 1YL"),
            accessibility=("Step-free entrance", "Accessible toilet", "Hearing loop"),
            transport_notes="Buses 9 and 38 stop outside. "
                            "Paisley Gilmour Street station is a 10 minute walk.",
        ),
    ),
    last_verified=date(2026, 3, 12),
    checked=CheckedState.CHECKED,
)

_DEBT = LeafletService(
    service_name="Money and Debt Advice",
    organisation_name="Renfrewshire Citizens Advice",
    description=(
        "Free, confidential help with debts, benefits, bills and budgeting. An adviser will talk "
        "through your situation, help you fill in forms and can speak to the people you owe money to."
    ),
    who_for="Anyone living in Renfrewshire.",
    cost="Free",
    how_to_get_in_touch=("Phone for an appointment, or drop in on a Monday or Thursday morning.",),
    phones=(("Advice line", "0141 496 0456"), ("Text", "07700 900 456")),
    website="www.renfrewshirecab.example.org",
    opening_times=("Monday 09:30 to 12:30 (drop in)", "Thursday 09:30 to 12:30 (drop in)",
                   "Monday to Friday 09:00 to 17:00 by phone"),
    venues=(
        LeafletVenue(
            name="Citizens Advice Bureau",
            address_lines=("7 New Street", "Paisley", "PA1 1XU"),
            accessibility=("Lift to first floor", "Interpreters on request"),
        ),
    ),
    last_verified=date(2026, 1, 30),
    checked=CheckedState.CHECKED,
    referred_by_practice=True,
)

_WALKING = LeafletService(
    service_name="Health Walks",
    organisation_name="Renfrewshire Leisure",
    description="Short, gentle group walks led by trained walk leaders. Walks last about an hour "
                "and go at the pace of the slowest walker.",
    who_for="Adults of any fitness level. Walks suit people with long-term conditions.",
    cost="Free",
    how_to_get_in_touch=("Just turn up at the start point five minutes early.",),
    phones=(("", "0141 496 0789"),),
    opening_times=("Wednesday 10:00 (Barshaw Park gates)", "Saturday 10:30 (Robertson Park)"),
    remote_note="Walk leaders can also phone you before your first walk if you are unsure.",
    last_verified=date(2025, 11, 4),
    checked=CheckedState.CHECKED,
)


def sample_services() -> tuple[LeafletService, ...]:
    return (_BEFRIENDING, _DEBT, _WALKING)


def sample_leaflet(count: int = 3, *, note: str | None = "Your doctor suggests you call them this week.",
                   signature: str | None = "Dr A Patel", practice: PracticeHeader = SAMPLE_PRACTICE,
                   printed_on: date = date(2026, 11, 24)) -> Leaflet:
    services = sample_services()
    return Leaflet(practice=practice, services=tuple(services[i % len(services)] for i in range(count)),
                   printed_on=printed_on, personal_note=note, staff_signature=signature)


_CATEGORIES = ("Money and debt", "Loneliness and isolation", "Physical activity", "Mental wellbeing",
               "Carers", "Housing", "Food", "Employment and learning", "Bereavement", "Digital skills")


def sample_booklet(service_count: int = 30, *, practice: PracticeHeader = SAMPLE_PRACTICE,
                   printed_on: date = date(2026, 11, 24)) -> Booklet:
    """A booklet of ``service_count`` made-up services spread over ten categories."""
    base = sample_services()
    per_cat: dict[str, list[LeafletService]] = {c: [] for c in _CATEGORIES}
    for i in range(service_count):
        template = base[i % len(base)]
        svc = LeafletService(
            service_name=f"{template.service_name} {i + 1}",
            organisation_name=f"Organisation {chr(ord('A') + i % 26)}{i // 26 + 1}",
            description=template.description,
            who_for=template.who_for,
            cost=template.cost,
            how_to_get_in_touch=template.how_to_get_in_touch,
            phones=template.phones,
            email=template.email,
            website=(f"www.example-{i + 1}.org.uk" if template.website else None),
            opening_times=template.opening_times,
            venues=template.venues,
            remote_note=template.remote_note,
            last_verified=template.last_verified,
            checked=template.checked,
        )
        per_cat[_CATEGORIES[i % len(_CATEGORIES)]].append(svc)
    return Booklet(
        practice=practice,
        title="Support in your community",
        sections=tuple(BookletSection(c, tuple(s)) for c, s in per_cat.items() if s),
        printed_on=printed_on,
        introduction="These local groups and services can help with money, company, health and more. "
                     "Ask at reception if you would like help to get in touch with any of them.",
    )
