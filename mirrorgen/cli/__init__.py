"""The command line: `main` dispatches to one module per command."""

# Exit codes: 0 success, 1 drift (check), 2 invalid input, 3 internal error (rerun with --debug for the traceback).

from __future__ import annotations

import argparse
import gc
import os
import sys
import traceback
from typing import NoReturn, Optional, Sequence

from . import adopt, check, explain, generate, pin, plan, schema, validate, vault, verify
from .common import EXIT_DRIFT, EXIT_INTERNAL, EXIT_INVALID, EXIT_OK, report_invalid

# One module per command: add() adds its subparser, which runs the module's run(); --help lists them in this order.
COMMANDS = (generate, check, explain, plan, validate, adopt, pin, verify, vault, schema)

__all__ = ["EXIT_DRIFT", "EXIT_INTERNAL", "EXIT_INVALID", "EXIT_OK", "main", "run"]


class _Version(argparse.Action):
    """`--version`: the installed package's version, looked up only when asked (`--help` stays quick)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print mirrorgen's version and exit")

    def __call__(self, parser, namespace, values, option_string=None) -> NoReturn:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("mirrorgen")
        except PackageNotFoundError:
            found = "unknown (not installed; run `pip install .`)"
        print(f"mirrorgen {found}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mirrorgen",
        description="Render every image-mirroring artifact from one inventory, and check committed output for drift.",
        epilog="Exit codes: 0 ok, 1 drift, 2 invalid input, 3 internal error.",
    )
    parser.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    parser.add_argument("--version", action=_Version)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for command in COMMANDS:
        command.add(commands)
    return parser


def run() -> NoReturn:
    """The `mirrorgen` command: main(), then an exit that skips freeing the run's objects one by one (a tenth of a
    second at 100 000 mapping lines). Every file mirrorgen writes is closed by then; only stdio is left to flush."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a reader that went away: the status Python gives a failed flush at exit
        code = code or 120
    os._exit(code)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    from ..errors import InvalidInventory, MirrorgenError, one_line

    # A run builds millions of small objects that live until it ends and makes next to no reference cycles, so the
    # cycle collector would walk them over and over for nothing: a tenth of a run at 100 000 mapping lines, for a
    # few MB it could give back.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return args.run(args)
    except InvalidInventory as invalid:
        report_invalid(invalid.problems, args.config, args.command)
        return EXIT_INVALID
    except MirrorgenError as error:
        print(one_line(f"mirrorgen: error: {error}"), file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("mirrorgen: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: one line, not a traceback, unless asked
        if args.debug:
            traceback.print_exc()
        else:
            print(one_line(f"mirrorgen: internal error: {type(exc).__name__}: {exc}") + " (rerun with --debug for the"
                  " traceback)", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        if collecting:
            gc.enable()
