"""Helpers shared by the headless commands."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from sp_desktop.runtime import Runtime, add_common_options, open_runtime
from sp_desktop.services.base import SYSTEM, ServiceContext

#: How a headless command finds its acting staff member. Replaced by sign-in (issue 3):
#: a function (runtime, args) -> Actor.
actor_resolver = None


def add_subcommand(sub: argparse._SubParsersAction, name: str, help_text: str,  # type: ignore[type-arg]
                   description: str) -> argparse.ArgumentParser:
    p = sub.add_parser(name, help=help_text, description=description)
    # The global options are accepted after the command too (`sp-desktop search debt --demo`).
    add_common_options(p, for_subcommand=True)
    return p


@contextmanager
def runtime_for(args: argparse.Namespace) -> Iterator[tuple[Runtime, ServiceContext]]:
    rt = open_runtime(args)
    try:
        actor = actor_resolver(rt, args) if actor_resolver else SYSTEM
        yield rt, rt.context(actor)
    finally:
        rt.close()
