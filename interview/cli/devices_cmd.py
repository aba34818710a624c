"""`interview devices`: microphones and speakers with default marks, channels and native rates."""
from __future__ import annotations

import argparse

NAME = "devices"
HELP = "list microphones and speakers"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    import json
    from dataclasses import asdict

    from voice.devices import list_devices

    devices = list_devices()
    if args.json:
        print(json.dumps([asdict(d) for d in devices], indent=2))
        return 0
    if not devices:
        print("no audio devices found")
        return 1
    print("  # name (host api)  inputs outputs  native rate  default")
    for d in devices:
        marks = ", ".join(m for m, on in (("input", d.default_input), ("output", d.default_output)) if on)
        print(f"{d.index:>3} {d.name} ({d.host_api})  in={d.input_channels} out={d.output_channels}  "
              f"{d.native_rate_hz} Hz  {marks}".rstrip())
    return 0
