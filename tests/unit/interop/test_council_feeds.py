"""Open Referral feeds as councils publish them (issue 26), read without a database: every feed shape is
recognised and reported, rich text becomes plain words, nothing is invented, the publisher's assurance is
kept apart, and the obvious repairs are listed. The feeds are built in tests/council_feeds.py with the
defects found in two real council directories (written there, not downloaded)."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pytest

from sp_desktop.interop.hsds import HsdsError, read_hsds
from sp_desktop.interop.richtext import plain_text, repair_email, repair_phone, repair_url

sys.path.insert(0, str(Path(__file__).parents[2]))
import council_feeds as cf  # noqa: E402


# --------------------------------------------------------------------------- rich text
@pytest.mark.parametrize(
    ("html", "plain"),
    [
        (cf.RICH_DESCRIPTION, cf.RICH_PLAIN),
        (
            "<p>Struggling with Drug &amp; Alcohol Addiction? ... make an appointment.&nbsp;</p>",
            "Struggling with Drug & Alcohol Addiction? ... make an appointment.",
        ),
        ("Line one<br>Line two<br/>Line three", "Line one\nLine two\nLine three"),
        ("<ol><li>First</li><li>Second</li></ol>", "1. First\n2. Second"),
        ("<div><span style='font-weight:bold'>Tea</span>&nbsp;&amp;&nbsp;chat</div>", "Tea & chat"),
        ("Caf&eacute; &#8211; open &lt;daily&gt;", "Café – open <daily>"),
        ("<p>Before</p><!-- hidden --><noscript>no js</noscript><p>After</p>", "Before\n\nAfter"),
        ("<ul><li>Outer<ul><li>Inner</li></ul></li></ul>", "• Outer\n  • Inner"),
    ],
)
def test_rich_text_becomes_plain_words_keeping_paragraphs_and_bullets(html, plain):
    assert plain_text(html) == plain


@pytest.mark.parametrize(
    "text",
    ["Fish & chips", "Ages 5 < 11 welcome", "Tea, cake and a chat.", "Mon 10-12\nWed 2-4", "R&D <3 friends"],
)
def test_text_without_markup_is_never_altered(text):
    assert plain_text(text) == text


@pytest.mark.parametrize(
    ("fn", "given", "mended", "words"),
    [
        (repair_email, "young.voice@example.gov.uk.", "young.voice@example.gov.uk", "full stop at the end"),
        (repair_email, "mailto:help@example.org", "help@example.org", "mailto:"),
        (repair_url, "http:www.example.co.uk", "http://www.example.co.uk", "“//”"),
        (repair_url, "https:/example.co.uk", "https://example.co.uk", "“//”"),
        (repair_phone, "+44 (0)141 496 0123", "+44 141 496 0123", "(0)"),
        (repair_phone, "(0)141 496 0123", "0141 496 0123", "brackets"),
    ],
)
def test_obvious_repairs_say_what_they_did(fn, given, mended, words):
    value, note = fn(given)
    assert value == mended
    assert note is not None and given in note and mended in note and words in note


@pytest.mark.parametrize(
    ("fn", "good"),
    [(repair_email, "a@example.org"), (repair_url, "https://x.org"), (repair_phone, "0141 496 0123")],
)
def test_good_values_are_not_repaired(fn, good):
    assert fn(good) == (good, None)


# --------------------------------------------------------------------------- feed shapes
def _services_in(feed):
    return [s for o in feed.organisations for s in o.services]


def test_oruk_v1_page_object_is_read_as_its_services_not_as_one_nameless_organisation(tmp_path):
    path = cf.write_json(tmp_path / "services.json", cf.oruk_page(cf.services(738, orgs=246)))
    feed = read_hsds(path)
    assert feed.shape == (
        "an Open Referral UK API response (content, totalElements, totalPages): 1 page, 738 services"
    )
    assert feed.service_count == 738 and len(feed.organisations) == 246
    assert not feed.errors
    assert all(o.name.startswith("Renfrewshire Group") for o in feed.organisations)


def test_hsds_3_list_response_is_recognised(tmp_path):
    path = cf.write_json(tmp_path / "list.json", cf.hsds_list(cf.services(12, orgs=4)))
    feed = read_hsds(path)
    assert feed.shape == "an HSDS 3.0 list response (contents, total_items): 1 page, 12 services"
    assert feed.service_count == 12


def test_flat_list_is_recognised(tmp_path):
    feed = read_hsds(cf.write_json(tmp_path / "flat.json", cf.services(9, orgs=3)))
    assert feed.shape == "a list: 9 services" and feed.service_count == 9


def test_folder_of_pages_is_read_as_one_feed(tmp_path):
    folder = cf.write_pages_folder(tmp_path / "renfrewshire", cf.services(25, orgs=5), per_page=10)
    feed = read_hsds(folder)
    assert feed.shape.endswith(": 3 pages, 25 services")
    assert feed.shape.startswith("3 pages of Open Referral UK API response")
    assert feed.service_count == 25
    assert not [p for p in feed.problems if "pages" in p.message]


def test_zip_of_pages_is_read_as_one_feed(tmp_path):
    path = cf.write_pages_zip(tmp_path / "feed.zip", cf.services(25, orgs=5), per_page=10)
    feed = read_hsds(path)
    assert feed.shape.endswith(": 3 pages, 25 services") and feed.service_count == 25


def test_one_page_of_several_says_only_that_page_is_imported(tmp_path):
    items = cf.services(30, orgs=5)
    path = cf.write_json(tmp_path / "page-1.json", cf.oruk_page(items[:10], 0, 3, 30))
    feed = read_hsds(path)
    assert feed.service_count == 10
    [warning] = [p for p in feed.problems if "pages" in p.message]
    assert "3 pages but 1 is here" in warning.message and "one folder" in warning.message


def test_data_package_is_recognised_and_cleaned(tmp_path):
    feed = read_hsds(cf.write_data_package(tmp_path / "package", 4))
    assert feed.shape == "an Open Referral data package (2 tables): 4 organisations, 4 services"
    svc = _services_in(feed)[0]
    assert svc.description == cf.RICH_PLAIN
    assert feed.organisations[0].description == "Group 0 & friends"
    assert svc.email == "young.voice@example.gov.uk"
    assert feed.organisations[0].website == "http://www.group.example.co.uk"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (
            {"name": "x", "profile": "tabular-data-package", "resources": [{"name": "organization"}]},
            "description of a data package",
        ),
        (
            {"id": "5c4d", "name": "name", "description": "d", "uri": "http://example.com", "version": "1"},
            "is a taxonomy",
        ),
        (
            cf.hsds_list([{"id": "t1", "code": "c", "name": "Debt", "parent_id": None, "taxonomy": "x"}]),
            "is a taxonomy",
        ),
        ({"totalElements": 3, "data": [{"name": "x"}]}, "not a shape of Open Referral data"),
    ],
)
def test_what_is_not_organisations_or_services_is_refused_saying_what_it_is(tmp_path, data, says):
    with pytest.raises(HsdsError) as exc:
        read_hsds(cf.write_json(tmp_path / "thing.json", data))
    assert says in str(exc.value)


# --------------------------------------------------------------------------- what a service says
def test_a_council_service_arrives_as_plain_words_with_nothing_invented(tmp_path):
    feed = read_hsds(cf.write_json(tmp_path / "s.json", cf.oruk_page(cf.services(3, orgs=1))))
    svc = _services_in(feed)[0]
    assert svc.description == cf.rich_plain(0)
    assert not any(sign in svc.description for sign in cf.MARKUP_SIGNS)
    # nothing invented: no "Free", no "All ages", no practice check
    assert svc.cost_not_stated and not svc.is_free and svc.fee_description is None
    assert svc.age_not_stated and svc.min_age is None and svc.max_age is None
    assert svc.last_verified_on is None
    # the publisher's word, kept apart
    assert str(svc.publisher_assured_on) == "2024-12-10"
    # ORUK v1 names read: schedules, taxonomy, venue address, languages, area
    assert [(x.weekday, x.opens, x.closes) for x in svc.schedule] == [(0, "09:00", "17:00")]
    assert svc.languages == ["English"] and svc.service_area == "Renfrewshire"
    loc = feed.organisations[0].locations[0]
    assert (loc.address_1, loc.town, loc.postcode) == ("Unit 3, Causeyside St", "Paisley", "PA1 1UJ")
    assert feed.terms[svc.term_ids[0]].name == "Drugs and alcohol"


def test_repairs_are_made_and_each_is_listed(tmp_path):
    feed = read_hsds(cf.write_json(tmp_path / "s.json", cf.oruk_page(cf.services(2, orgs=1))))
    svc = _services_in(feed)[0]
    assert svc.email == "young.voice@example.gov.uk"
    assert svc.url == "http://www.recovery0.example.co.uk"
    assert svc.contacts[0].phone == "+441414960000"
    assert feed.organisations[0].website == "https://group0.example.co.uk"
    repaired = [p for p in feed.problems if p.message.startswith("repaired:")]
    columns = sorted(p.column or "" for p in repaired)
    # per service: e-mail, web address and phone; once for the organisation's web address
    assert columns == sorted(["email", "url", "contacts.phones"] * 2 + ["website"])
    assert all(not p.is_error for p in repaired)


def test_a_stated_cost_and_ages_are_kept(tmp_path):
    items = cf.services(2, orgs=1)
    items[0]["fees"] = "<p>£3 a session&nbsp;</p>"
    items[0]["minimum_age"], items[0]["maximum_age"] = 16, 25
    items[1]["cost_options"] = [{"id": "c", "amount": 0, "option": "Free"}]
    feed = read_hsds(cf.write_json(tmp_path / "s.json", items))
    first, second = _services_in(feed)
    assert (first.is_free, first.fee_description, first.cost_not_stated) == (False, "£3 a session", False)
    assert (first.min_age, first.max_age, first.age_not_stated) == (16, 25, False)
    assert (second.is_free, second.cost_not_stated) == (True, False)


def test_services_without_an_organisation_are_errors_naming_each_one(tmp_path):
    feed = read_hsds(
        cf.write_json(tmp_path / "s.json", cf.oruk_page(cf.services(819, without_org=7, orgs=200)))
    )
    assert feed.service_count == 812
    assert len(feed.errors) == 7
    assert all(
        "does not say which organisation runs it" in p.message and "left out" in p.message
        for p in feed.errors
    )
    assert sorted(p.where for p in feed.errors) == sorted(
        f"service “Recovery Service {n}”" for n in range(812, 819)
    )


def test_a_zip_of_pages_with_a_bad_page_names_the_page(tmp_path):
    path = tmp_path / "feed.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("page-1.json", json.dumps(cf.oruk_page(cf.services(3, orgs=1))))
        zf.writestr("page-2.json", "{ not json")
    with pytest.raises(HsdsError) as exc:
        read_hsds(path)
    assert "page-2.json is not valid JSON" in str(exc.value)


# --------------------------------------------------------------------------- nothing lost without a word
def test_fields_with_nowhere_to_go_are_listed_field_by_field_with_counts(tmp_path):
    items = cf.services(3, orgs=1)
    items[0]["alert"] = "Closed over Christmas"
    items[1]["alert"] = "New times from January"
    items[0]["accreditations"] = "Quality Mark"
    items[1]["eligibilitys"] = [{"id": "e1", "eligibility": "adult"}]
    venue = items[0]["service_at_locations"][0]["location"]
    venue["description"] = "Use the side door"
    venue["external_identifier"] = "123456789012"  # a UPRN
    feed = read_hsds(cf.write_json(tmp_path / "feed.json", items))
    assert feed.left_out["services.alert"] == 2
    assert feed.left_out["services.accreditations"] == 1
    assert feed.left_out["services.eligibilitys"] == 1
    assert feed.left_out["services.deliverable_type"] == 3
    assert feed.left_out["locations.description"] == 1 and feed.left_out["locations.external_identifier"] == 1
    # kept fields are not listed, nor empty ones
    assert not [
        k
        for k in feed.left_out
        if k.endswith((".description", ".name", ".fees", ".cost_options")) and k.startswith("services.")
    ]


def test_a_street_is_not_lost_when_the_town_has_its_own_column(tmp_path):
    from sp_desktop.interop.spreadsheet import feed_from_table, guess_mapping, read_table

    path = tmp_path / "venues.csv"
    path.write_text(
        "Organisation,Address,Town,Postcode\n"
        'Carers Centre,"Unit 3, Causeyside St",Paisley,PA1 1UJ\n'
        'Abbey,"Abbey Centre, Unit 3, Causeyside St, Paisley PA1 1UJ",,\n',
        encoding="utf-8",
    )
    table = read_table(path)
    feed = feed_from_table(table, guess_mapping(table.headers), [])
    got = [
        (loc.address_1, loc.address_2, loc.town, loc.postcode)
        for o in feed.organisations
        for loc in o.locations
    ]
    assert got == [
        ("Unit 3", "Causeyside St", "Paisley", "PA1 1UJ"),
        ("Abbey Centre", "Unit 3, Causeyside St", "Paisley", "PA1 1UJ"),
    ]
