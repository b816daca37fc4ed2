"""The command line: `mirrorgen generate | check | validate | pin | verify`.

Exit codes: 0 success, 1 drift (check), 2 invalid input, 3 internal error (rerun with --debug for the traceback).
"""

from __future__ import annotations

import argparse
import gc
import os
import shlex
import sys
import traceback
from pathlib import Path
from typing import Callable, NoReturn, Optional, Sequence

EXIT_OK, EXIT_DRIFT, EXIT_INVALID, EXIT_INTERNAL = 0, 1, 2, 3
# The commands that write files: only they may say that an invalid inventory stopped them from writing.
WRITERS = frozenset({"generate", "import", "pin"})


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

    def command(name: str, help_text: str, output: bool = True) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--config", default="config", metavar="DIR", help="inventory directory (default: config)")
        if output:
            sub.add_argument("--output", default="generated", metavar="DIR", help="output tree (default: generated)")
        return sub

    generate = command("generate", "render the inventory into the output tree: write the files whose content changed,"
                                   " and remove the files mirrorgen generated earlier that the inventory no longer"
                                   " produces")
    generate.add_argument("--fsync", action="store_true",
                          help="also flush every written file and folder to disk before returning, so that a power"
                               " failure cannot take them back (slower; much slower on some disks)")
    check = command("check", "compare the output tree with the inventory; write nothing (exit 1 on drift)")
    check.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour the diff: auto = on a terminal unless NO_COLOR is set (default: auto)")
    explain = command("explain", "name the inventory entry that produced a generated file or line")
    explain.add_argument("target", metavar="PATH[:LINE]", help="a generated file (under --output or relative to it)")
    change = command("plan", "what changing the inventory since a git revision will do, grouped for who must act",
                     output=False)
    change.add_argument("--base", required=True, metavar="REV", help="git revision to compare the working tree with")
    change.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                        help="text, json, or markdown to paste into a pull request (default: text)")
    validate = command("validate", "check the inventory without rendering anything", output=False)
    validate.add_argument("--strict", action="store_true", help="fail (exit 2) on warnings too")
    imports = command("import", "write an inventory that generates an openshift/release checkout's mirroring files again",
                      output=False)
    imports.add_argument("--release-repo", required=True, metavar="PATH", help="the openshift/release checkout to read")
    imports.add_argument("--force", action="store_true", help="replace an existing inventory in --config")
    insecure = dict(action="append", default=[], metavar="HOST",
                    help="reach this registry (host[:port]) without TLS verification; repeatable")
    pin = command("pin", "write the digest each image tag points to into images.yaml (only images without one)", output=False)
    pin.add_argument("--update", action="store_true", help="re-resolve every image, not only those without a digest")
    pin.add_argument("--insecure-registry", **insecure)
    verify = command("verify", "check that every mirror destination holds its source's digest (exit 1 if not)", output=False)
    verify.add_argument("--org", metavar="ORG", help="only this org's mapping lines (and no CKI images)")
    verify.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    verify.add_argument("--insecure-registry", **insecure)
    return parser


def _print_problems(problems, config: str) -> None:
    from ..errors import one_line

    for problem in problems:
        print(one_line(os.path.join(config, str(problem))), file=sys.stderr)


def _report_invalid(problems, config: str, command: str) -> None:
    """Errors first, so that none is lost among warnings; then the warnings as a count (validate lists them)."""
    from ..errors import Severity

    errors = [p for p in problems if p.severity is Severity.ERROR]
    warnings = [p for p in problems if p.severity is not Severity.ERROR]
    _print_problems(errors, config)
    listed = ""
    if command == "validate":
        _print_problems(warnings, config)
        listed = f" and {len(warnings)} warning(s)"
    else:
        _note_warnings(warnings, config)
    written = "; nothing was written" if command in WRITERS else ""
    print(f"mirrorgen: {len(errors)} error(s){listed} in the inventory{written}", file=sys.stderr)


def _load_and_plan(config: str):
    from ..errors import InvalidInventory, Severity
    from ..inventory.load import load_reporting_everything
    from ..plan import plan
    from ..rules import validate

    inventory = load_reporting_everything(config)
    try:
        outputs = plan(inventory, side_by_side=True)
    except InvalidInventory:
        problems = validate(inventory)  # known by now: the warnings are counted with the errors
        if any(p.severity is Severity.ERROR for p in problems):
            raise InvalidInventory(problems) from None
        raise
    return outputs, validate(inventory)


def _note_warnings(warnings, config: str) -> None:
    if warnings:
        print(f"mirrorgen: {len(warnings)} warning(s); see them with: mirrorgen validate --config {shlex.quote(config)}",
              file=sys.stderr)


def _output_folder(args: argparse.Namespace, *, must_exist: bool) -> Path:
    """--output as a folder mirrorgen can use, checked before any work: a file there, or (`must_exist`) no folder,
    is a mistake in the command line, not drift."""
    from ..errors import MirrorgenError

    output = existing = Path(args.output)
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        whose = "" if existing == output else f" (its parent {existing} is a file)"
        raise MirrorgenError(f"--output {args.output} is not a folder{whose}: pass the folder of the generated files,"
                             f" e.g. --output generated")
    if must_exist and existing != output:
        fix = f"mirrorgen generate --config {shlex.quote(args.config)} --output {shlex.quote(args.output)}"
        raise MirrorgenError(f"--output {args.output}: no such folder, so there is nothing to check: run `{fix}` first,"
                             f" or pass the folder that holds the generated files")
    return output


def cmd_generate(args: argparse.Namespace) -> int:
    from ..tree import write

    output = _output_folder(args, must_exist=False)
    outputs, warnings = _load_and_plan(args.config)
    summary = write(outputs, output, durable=args.fsync)
    _note_warnings(warnings, args.config)
    print(f"mirrorgen: {len(summary.written)} written, {summary.unchanged} unchanged, {len(summary.removed)} removed"
          f" in {args.output}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from ..review import report
    from ..tree import check

    output = _output_folder(args, must_exist=True)
    outputs, warnings = _load_and_plan(args.config)
    drift = check(outputs, output)
    _note_warnings(warnings, args.config)
    found = report.build(drift, outputs, args.config, args.output)
    annotations = report.github_annotations(found) if os.environ.get("GITHUB_ACTIONS") == "true" else ""
    if args.format == "json":
        # stdout stays one JSON document; the runner reads workflow commands from stderr as well.
        sys.stderr.write(annotations)
        sys.stdout.write(report.to_json(found))
    else:
        colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
        sys.stdout.write(annotations + report.to_text(found, colour))
    return EXIT_OK if drift.clean else EXIT_DRIFT


def _inventory_line(config: str, location) -> str:
    if not location.line:
        return ""
    try:
        lines = (Path(config) / location.file).read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    return lines[location.line - 1].strip() if location.line <= len(lines) else ""


def cmd_explain(args: argparse.Namespace) -> int:
    from ..review.explain import explain, parse_target

    _output_folder(args, must_exist=False)  # explain reads the plan, not the tree, which need not exist yet
    outputs, _ = _load_and_plan(args.config)
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


def cmd_plan(args: argparse.Namespace) -> int:
    from ..review import change_plan
    from ..errors import InvalidInventory, MirrorgenError
    from ..review.gitrev import inventory_files_at
    from ..inventory.load import empty_inventory, load_and_validate, parse_inventory
    from ..plan import plan

    files = inventory_files_at(args.base, args.config)
    try:
        # An inventory that did not exist yet at the base: everything it declares now is new.
        base = parse_inventory(files) if files else empty_inventory()
        if files:
            plan(base)
    except InvalidInventory as invalid:
        raise MirrorgenError(f"the inventory at {args.base} is invalid ({invalid.problems[0]}); pick another --base") from None
    head, _ = load_and_validate(args.config)
    document = change_plan.compute(base, head, args.base)
    render = {"text": change_plan.to_text, "json": change_plan.to_json, "markdown": change_plan.to_markdown}[args.format]
    sys.stdout.write(render(document, args.config))
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from ..artifacts.mappings import configmap_layout
    from ..artifacts.shards import size_report
    from ..inventory.load import load_and_validate

    inventory, warnings = load_and_validate(args.config)
    _print_problems(warnings, args.config)
    print(size_report(configmap_layout(inventory)))
    if args.strict and warnings:
        print(f"mirrorgen: {len(warnings)} warning(s), which --strict treats as errors", file=sys.stderr)
        return EXIT_INVALID
    print(f"mirrorgen: inventory {args.config} is valid ({len(warnings)} warning(s))")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from ..errors import InvalidInventory
    from ..adopt import import_release, read_release, secret_sources, write_inventory

    files = read_release(args.release_repo)
    try:
        inventory_files, findings = import_release(files)
    except InvalidInventory as invalid:
        _print_problems(invalid.problems, args.release_repo)
        print(f"mirrorgen: {len(invalid.problems)} problem(s) keep the import from being lossless; nothing was written",
              file=sys.stderr)
        return EXIT_INVALID
    write_inventory(args.config, inventory_files, force=args.force)
    for decision, jobs in secret_sources(files):
        print(f"{os.path.join(args.release_repo, str(decision.location))}: push secret {decision.secret!r} of"
              f" {', '.join(jobs)}: secret_source: {decision.source} ({decision.reason})")
    warnings = sum(p.severity.value == "warning" for p in findings)
    print(f"mirrorgen: imported {args.release_repo} into {args.config} ({len(inventory_files)} files); it generates the"
          f" same files again. {warnings} warning(s): see them with: mirrorgen validate --config {shlex.quote(args.config)}")
    return EXIT_OK
def cmd_pin(args: argparse.Namespace) -> int:
    from ..registry.pin import pin
    from ..registry.skopeo import Skopeo

    result = pin(Path(args.config), update=args.update, registry=Skopeo(frozenset(args.insecure_registry)))
    for image, new in result.changed:
        print(f"{os.path.join(args.config, str(image.location))}: pinned {image.name}: {new}")
    _print_problems(result.failed, args.config)
    print(f"mirrorgen: {len(result.changed)} pinned, {result.unchanged} already current, {len(result.failed)} failed")
    return EXIT_DRIFT if result.failed else EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    import json

    from ..inventory.load import load_inventory
    from ..registry.skopeo import Skopeo
    from ..registry.verify import as_json, as_text, failed, verify

    reports = verify(load_inventory(args.config), org=args.org, registry=Skopeo(frozenset(args.insecure_registry)))
    if args.format == "json":
        print(json.dumps(as_json(reports, args.config), indent=2))
    else:
        for line in as_text(reports, args.config):
            print(line)
        bad = sum(failed([report]) for report in reports)
        print(f"mirrorgen: {len(reports)} line(s) verified, {bad} not ok")
    return EXIT_DRIFT if failed(reports) else EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "import": cmd_import,
    "generate": cmd_generate,
    "check": cmd_check,
    "validate": cmd_validate,
    "explain": cmd_explain,
    "plan": cmd_plan,
    "pin": cmd_pin,
    "verify": cmd_verify,
}


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
        return COMMANDS[args.command](args)
    except InvalidInventory as invalid:
        _report_invalid(invalid.problems, getattr(args, "config", "."), args.command)
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
