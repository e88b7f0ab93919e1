"""`mopstui screenshot`: SVGs of the cockpit in every shipped theme and of the key screens.

Runs the seeded demo on a frozen clock (see mopstui/devtools/shots.py), so the pictures are the same on
every machine; the README shows them from `screenshots/`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "screenshot",
        help="write SVG screenshots of the demo cockpit",
        description="Write SVG screenshots of the demo cockpit in every shipped theme "
        "and of the help, confirm, detail, filter and failing-source screens.",
    )
    parser.add_argument(
        "--out", default="screenshots", metavar="DIR", help="folder to write into (default: screenshots)"
    )
    parser.add_argument("--size", default="120x40", metavar="WxH", help="terminal size (default: 120x40)")
    parser.add_argument("--only", metavar="NAME", action="append", help="only this scene (repeatable)")


def run(args: argparse.Namespace) -> int:
    try:
        width, height = (int(x) for x in args.size.lower().split("x"))
    except ValueError:
        print(f"mopstui: --size expects WIDTHxHEIGHT like 120x40, got {args.size!r}", file=sys.stderr)
        return 2
    from mopstui.devtools import shots

    scenes = [s for s in shots.SCENES if not args.only or s.name in args.only]
    if not scenes:
        names = ", ".join(s.name for s in shots.SCENES)
        print(f"mopstui: no scene called {', '.join(args.only)} (expected one of: {names})", file=sys.stderr)
        return 2
    # "updated HH:MM" is local time: pin it so the pictures do not depend on this machine.
    os.environ["TZ"] = "UTC"
    time.tzset()
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    for scene in scenes:
        path = asyncio.run(shots.save(scene, folder, (width, height)))
        print(path)
    return 0
