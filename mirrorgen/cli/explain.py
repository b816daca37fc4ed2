"""`mirrorgen explain PATH[:LINE]`: the inventory entry that produced a generated file or line."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from .common import EXIT_OK, add_command, load_and_plan, output_folder


def _inventory_line(config: str, location) -> str:
    if not location.line:
        return ""
    try:
        lines = (Path(config) / location.file).read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    return lines[location.line - 1].strip() if location.line <= len(lines) else ""


def add(commands: argparse._SubParsersAction) -> None:
    explain = add_command(commands, "explain", "name the inventory entry that produced a generated file or line")
    explain.add_argument("target", metavar="PATH[:LINE]", help="a generated file (under --output or relative to it)")
    explain.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..review.explain import explain, parse_target

    output_folder(args, must_exist=False)  # explain reads the plan, not the tree, which need not exist yet
    outputs, _ = load_and_plan(args.config)
    path, line = parse_target(args.target, args.output)
    answer = explain(outputs, path, line)
    shown = os.path.join(args.output, path) + (f":{line}" if line else "")
    where = os.path.join(args.config, str(answer.source))
    print(f"{shown} comes from {where}")
    text = _inventory_line(args.config, answer.source)
    if text:
        print(f"  {answer.source.line}: {text}")
    for first, last, source in answer.parts:
        lines = f"lines {first}-{last}" if last > first else f"line {first}"
        print(f"  {lines}: {os.path.join(args.config, str(source))}")
    return EXIT_OK
