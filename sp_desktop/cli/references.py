"""`sp-desktop acknowledge CODE` and `sp-desktop reference CODE`: closing the loop.

When an organisation tells the practice that a patient quoted a leaflet's reference (K7M-2QX),
anyone at the desk records it; `reference` shows what a code was given for.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from sp_desktop.cli.common import add_subcommand, runtime_for
from sp_desktop.domain.enums import AckOutcome
from sp_desktop.domain.formatting import show_date
from sp_desktop.services.references import ReferenceService

#: What the command line accepts for --outcome (hyphens, as people type them).
OUTCOMES = {o.value.replace("_", "-"): o for o in AckOutcome if o is not AckOutcome.ARRIVED}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = add_subcommand(sub, "acknowledge", "record that an organisation quoted a leaflet reference back",
                       "An organisation told the practice that reference CODE (e.g. K7M-2QX) reached them. "
                       "Records it against the leaflet's signposting record (an outcome a clinician has "
                       "recorded is never overwritten), or against the leaflet alone. Needs --user.")
    p.add_argument("code", metavar="CODE", help="the reference on the leaflet, e.g. K7M-2QX")
    p.add_argument("--service", type=_service_id, metavar="SERVICE_ID",
                   help="the service whose organisation told you (needed when the leaflet had several)")
    p.add_argument("--outcome", choices=sorted(OUTCOMES),
                   help="what they said happened (default: only that the reference arrived)")
    p.set_defaults(run=run_acknowledge)

    p = add_subcommand(sub, "reference", "show what a leaflet reference was given for",
                       "Print the date, the services and any acknowledgements of reference CODE.")
    p.add_argument("code", metavar="CODE", help="the reference on the leaflet, e.g. K7M-2QX")
    p.set_defaults(run=run_reference)


def _service_id(text: str) -> int:
    if not text.isdigit() or len(text) > 9:
        raise argparse.ArgumentTypeError(f"“{text[:40]}” is not a service id (a number, as `search` shows)")
    return int(text)


def run_acknowledge(args: argparse.Namespace, out: TextIO) -> int:
    outcome = OUTCOMES[args.outcome] if args.outcome else AckOutcome.ARRIVED
    with runtime_for(args) as (_rt, ctx):
        done = ReferenceService(ctx).acknowledge(args.code, args.service, outcome)
    print(done.message, file=out)
    return 0


def run_reference(args: argparse.Namespace, out: TextIO) -> int:
    with runtime_for(args) as (_rt, ctx):
        info = ReferenceService(ctx).lookup(args.code)
    print(f"{info.shown}: given on {show_date(info.issued_on)} ({info.form})"
          f"{', with a signposting record' if info.signposting_id else ''}", file=out)
    for s in info.services:
        state = s.acknowledged.label.lower() if s.acknowledged else "not acknowledged yet"
        print(f"{s.id:>6}  {s.name}: {state}", file=out)
    return 0
