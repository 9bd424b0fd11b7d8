# ruff: noqa: E501  (long SQL strings and data rows)
"""Synthetic practice data for the benchmarks: 1,000 / 10,000 / 50,000 services.

`synthetic_database(services)` returns the path of a migrated SQLite database holding that many
services, with proportional organisations (one for every two services), a venue each, 20
contacts per organisation, phones, opening times, categories and — scaled so the largest set
has 200,000 — signposting records with their items (a third with wellbeing scores before and
after, one item in seven with feedback marked shareable), and issue 18's extras: capacity for one
service in four, a dated closure for one in fifty and a "why this helps" note for every category. Rows go in with ``executemany`` (the
search-index triggers are dropped for the load and the index, its listing and its prefixes
rebuilt in one statement each), so the largest set takes well under a minute. Each size is made
once and cached in ``$SP_BENCH_CACHE`` (default: a folder in the system temp directory); delete
it to rebuild.

Text is made of a fixed vocabulary with a seeded RNG, so every run and every machine gets the
same data; common words ("support", "group", "advice") match thousands of services, as they
would in a real directory.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

SIZES = (1_000, 10_000, 50_000)
SCHEMA_TAG = "v6"  # bump when the generator or the schema changes (v6: migration 0014)
CONTACTS_PER_ORG = 20
SIGNPOSTING_AT_LARGEST = 200_000
NOW = datetime(2026, 11, 24, 10, 0, 0)
TS = NOW.strftime("%Y-%m-%d %H:%M:%S.000000")

TOWNS = ["Paisley", "Renfrew", "Johnstone", "Barrhead", "Erskine", "Linwood", "Neilston", "Kilbarchan",
         "Bishopton", "Houston", "Lochwinnoch", "Glasgow", "Greenock", "Port Glasgow", "Clarkston",
         "Giffnock", "Newton Mearns", "Bridge of Weir", "Howwood", "Inchinnan"]
TOPICS = ["debt", "money", "benefits", "loneliness", "befriending", "walking", "gardening", "cooking",
          "carers", "dementia", "bereavement", "anxiety", "mood", "parenting", "housing", "energy",
          "food", "employment", "volunteering", "art", "music", "singing", "reading", "digital",
          "exercise", "swimming", "yoga", "smoking", "alcohol", "recovery", "veterans", "refugees",
          "youth", "older people", "men's shed", "women's group", "disability", "sight loss",
          "hearing", "autism", "diabetes", "heart health", "cancer", "stroke", "pain", "sleep"]
KINDS = ["group", "club", "advice", "support", "service", "project", "drop-in", "helpline", "café",
         "network", "clinic", "class", "hub", "circle", "programme"]
ORG_WORDS = ["Community", "Trust", "Association", "Centre", "Foundation", "Network", "Partnership",
             "Alliance", "Collective", "Society", "Forum", "Project"]
WORDS = ("a friendly welcoming support group for people who want help with everyday life we offer "
         "advice information and a listening ear in a safe place local volunteers run sessions every "
         "week you can come along on your own or bring a friend tea and coffee are provided free of "
         "charge no referral is needed just drop in or phone us first if you would like to talk "
         "things through our trained staff can help you find the right service and make a plan "
         "together many people tell us it made a real difference to how they feel").split()
FIRST = ["Ann", "Morag", "Raj", "Fiona", "Jamal", "Eilidh", "Tom", "Priya", "Kenny", "Zofia", "Sean",
         "Aisha", "Hamish", "Li", "Grace", "Callum", "Nadia", "Ewan", "Sara", "Duncan"]
LAST = ["MacLeod", "Patel", "Campbell", "Nowak", "O'Neill", "Ahmed", "Stewart", "Chen", "Murray", "Reid",
        "Khan", "Fraser", "Kowalski", "Boyle", "Hussain", "Ross", "Wilson", "Grant", "Ali", "Young"]


def cache_root() -> Path:
    return Path(os.environ.get("SP_BENCH_CACHE") or Path(tempfile.gettempdir()) / "sp_desktop-bench")


def synthetic_database(services: int) -> Path:
    """The cached database for `services` services (made on first use)."""
    folder = cache_root() / f"{services}-{SCHEMA_TAG}"
    path = folder / "directory.sqlite3"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "building.sqlite3"
    for p in folder.glob("building.sqlite3*"):
        p.unlink()
    _generate(tmp, services)
    tmp.replace(path)
    return path


def data_dir_copy(services: int, dest: Path) -> Path:
    """A data folder (for --data-dir) holding a private copy of the cached database."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(synthetic_database(services), dest / "directory.sqlite3")
    return dest


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _generate(path: Path, services: int) -> None:
    from sp_desktop.db.engine import fold, sqlite_url
    from sp_desktop.db.search import SQLITE_LISTING_REBUILD
    from sp_desktop.services.base import FixedClock
    from sp_desktop.services.bootstrap import open_database

    db, _ = open_database(sqlite_url(path), FixedClock(NOW), None)  # migrations + default taxonomy
    db.dispose()
    rng = random.Random(services)
    con = sqlite3.connect(path)
    con.create_function("sp_fold", 1, fold, deterministic=True)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = OFF")
    triggers = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                           "AND name LIKE 'service_fts_%'").fetchall()
    for name, _sql in triggers:
        con.execute(f"DROP TRIGGER {name}")
    cats = [r[0] for r in con.execute("SELECT id FROM category WHERE parent_id IS NOT NULL")]
    n_orgs = max(1, services // 2)
    stamp = {"version": 1, "created_at": TS, "updated_at": TS}
    with con:
        con.executemany(
            "INSERT INTO staff (id, name, job_role, app_role, active, failed_attempts, version, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, 1, 0, 1, ?, ?)",
            [(i, f"{FIRST[i % 20]} {LAST[(i * 7) % 20]} {i}", "Link worker",
              ["front_desk", "clinician", "vetting_lead"][i % 3], TS, TS) for i in range(1, 21)])
        orgs = []
        for o in range(1, n_orgs + 1):
            topic = rng.choice(TOPICS)
            town = rng.choice(TOWNS)
            vet = rng.choices(["approved", "in_review", "not_vetted", "suspended"], [70, 10, 15, 5])[0]
            orgs.append((o, f"org-{o}", f"{town} {topic.title()} {rng.choice(ORG_WORDS)} {o}",
                         _sentence(rng, rng.randint(15, 40)), f"https://org{o}.example.org", f"info@org{o}.example.org",
                         "none", "active", vet, (date(2027, 1, 1) + timedelta(days=o % 365)).isoformat(),
                         stamp["version"], TS, TS))
        con.executemany(
            "INSERT INTO organisation (id, uid, name, description, website, email, register_kind, status,"
            " vetting_status, next_review_on, version, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", orgs)
        con.executemany(
            "INSERT INTO location (id, uid, organisation_id, name, address_1, town, postcode, accessibility,"
            " version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            [(o, f"loc-{o}", o, f"{rng.choice(TOWNS)} Hall {o}", f"{o % 200 + 1} High Street",
              rng.choice(TOWNS), f"PA{o % 9 + 1} {o % 9 + 1}AB", json.dumps(["step_free"]), TS, TS)
             for o in range(1, n_orgs + 1)])
        con.executemany(
            "INSERT INTO contact (uid, organisation_id, name, role, phone, email, version, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
            ((f"con-{o}-{k}", o, f"{FIRST[(o + k) % 20]} {LAST[(o * 3 + k) % 20]}", "Volunteer",
              f"+44141496{(o * 20 + k) % 10000:04d}", f"p{k}@org{o}.example.org", TS, TS)
             for o in range(1, n_orgs + 1) for k in range(CONTACTS_PER_ORG)))
        svc_rows, sal, sc, phones, sched = [], [], [], [], []
        for s in range(1, services + 1):
            o = (s - 1) % n_orgs + 1
            topic = rng.choice(TOPICS)
            kind = rng.choice(KINDS)
            svc_rows.append((s, f"svc-{s}", o, f"{topic.capitalize()} {kind} {s}",
                             _sentence(rng, rng.randint(20, 60)) + f" Help with {topic} and {rng.choice(TOPICS)}.",
                             rng.choice([0, 1]), rng.choice([0, 1]), rng.choice([0, 1]), 1,
                             rng.random() < 0.8, json.dumps(["English"]), "active",
                             (date(2026, 1, 1) + timedelta(days=s % 300)).isoformat(), TS, TS))
            sal.append((f"sal-{s}", s, o))
            for c in rng.sample(cats, k=rng.randint(1, 2)):
                sc.append((s, c))
            phones.append((f"ph-{s}", s, f"+44141496{s % 10000:04d}"))
            for d in rng.sample(range(5), k=2):
                sched.append((f"sch-{s}-{d}", s, d, "10:00", "12:00"))
        con.executemany(
            "INSERT INTO service (id, uid, organisation_id, name, description, access_self_referral,"
            " access_professional_referral, access_drop_in, access_appointment, is_free, languages, status,"
            " last_verified_on, bsl, by_phone, online, version, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 1, ?, ?)", svc_rows)
        con.executemany("INSERT INTO service_at_location (uid, service_id, location_id) VALUES (?, ?, ?)", sal)
        con.executemany("INSERT OR IGNORE INTO service_category (service_id, category_id) VALUES (?, ?)", sc)
        con.executemany("INSERT INTO phone (uid, organisation_id, service_id, number, type)"
                        " VALUES (?, NULL, ?, ?, 'voice')", phones)
        con.executemany("INSERT INTO schedule (uid, service_id, weekday, opens_at, closes_at)"
                        " VALUES (?, ?, ?, ?, ?)", sched)
        n_sign = max(1, SIGNPOSTING_AT_LARGEST * services // SIZES[-1])
        con.executemany(
            "INSERT INTO signposting (id, occurred_on, staff_id, method, follow_up_done, ons4_before, ons4_after,"
            " version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            ((i, (date(2024, 1, 1) + timedelta(days=i % 1000)).isoformat(), i % 20 + 1,
              ["leaflet", "phoned", "referral_form", "email"][i % 4], i % 2,
              json.dumps([i % 7, i % 8, i % 9, 10 - i % 6]) if i % 3 == 0 else None,
              json.dumps([i % 7 + 2, i % 8 + 1, i % 9, 8 - i % 6]) if i % 3 == 0 else None, TS, TS)
             for i in range(1, n_sign + 1)))
        outcomes = ["engaged", "attended_once", "did_not_attend", "not_suitable", None]
        con.executemany(
            "INSERT INTO signposting_item (signposting_id, service_id, outcome, experience_note, share_feedback,"
            " version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
            ((i, (i * 7919 + j * 104729) % services + 1, outcomes[(i + j) % 5],
              _sentence(rng, 12) if i % 7 == 0 else None, 1 if i % 7 == 0 else 0, TS, TS)
             for i in range(1, n_sign + 1) for j in range(1 + i % 2)))
        # issue 18: capacity, dated closures and "why this helps" notes
        con.executemany(
            "INSERT INTO service_capacity (service_id, state, wait_weeks, confirmed_on, confirmed_by, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            ((s, ["taking", "waiting_list", "not_taking"][s % 3], 6 if s % 3 == 1 else None,
              (NOW.date() - timedelta(days=s % 60)).isoformat(), f"{FIRST[s % 20]} {LAST[s % 20]}", TS)
             for s in range(1, services + 1, 4)))
        con.executemany(
            "INSERT INTO service_closure (service_id, starts_on, ends_on, reason, recorded_by, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            ((s, (NOW.date() + timedelta(days=s % 40 - 10)).isoformat(),
              (NOW.date() + timedelta(days=s % 40)).isoformat(), "Staff training", "Ann MacLeod", TS)
             for s in range(1, services + 1, 50)))
        con.executemany(
            "INSERT INTO help_note (category_id, note, source, author_name, written_on, version, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
            ((c, _sentence(rng, 30), "practice experience", "Ann MacLeod", NOW.date().isoformat(), TS, TS)
             for c in cats))
        # the search index in one statement (and its listing and prefixes, migration 0003), then
        # the triggers back as the migrations made them
        con.execute("INSERT INTO service_fts(rowid, name, organisation, description, categories, place) "
                    "SELECT service_id, name, organisation, description, categories, place "
                    "FROM service_search_source")
        for statement in SQLITE_LISTING_REBUILD:
            con.execute(statement)
        for _name, sql in triggers:
            con.execute(sql)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    # No ANALYZE: the app never runs it, and statistics from uniform synthetic data (every
    # contact's service_id NULL) would steer the planner away from indexes a real file uses.
    con.execute("PRAGMA journal_mode = DELETE")
    con.close()


if __name__ == "__main__":  # python tests/benchmarks/synthetic.py: build (or show) every size
    import sys
    import time

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    for size in SIZES:
        start = time.perf_counter()
        p = synthetic_database(size)
        print(f"{size:>6} services: {p} ({p.stat().st_size / 1e6:.0f} MB, {time.perf_counter() - start:.1f} s)")
