"""The command line as the docs describe it, through the parser in the test process (so that `make mutation` runs
these for each mutant of cli/): docs/commands.md's synopsis (every command's options, their metavars and choices,
the defaults), the README's commands table (which commands, in which order, and what exit 1 means), and
docs/commands.md's exit codes (130 on Ctrl-C, 3 with one line on an internal error). `--version` is the installed
package's version (importlib.metadata), as test_cli.py checks through a subprocess."""

from __future__ import annotations

import gc
import re
import sys
from importlib.metadata import version

import pytest

import mirrorgen.tree
from conftest import REPO
from mirrorgen.cli import _parser, main

COMMANDS_MD = (REPO / "docs/commands.md").read_text(encoding="utf-8")
README = (REPO / "README.md").read_text(encoding="utf-8")


def synopsis() -> dict[str, str]:
    """docs/commands.md's synopsis: command -> its options as written there (comments dropped)."""
    block = COMMANDS_MD.split("```", 2)[1]
    lines = [line.split("#")[0] for line in block.splitlines()]
    return {found.group(1): found.group(2) for found in map(re.compile(r"^mirrorgen (\w+)\s+(.*)$").match, lines)
            if found}


def readme_commands() -> list[tuple[str, str, str]]:
    """The README's commands table: (command, what it does, its exit codes)."""
    rows = re.findall(r"^\| `mirrorgen (\w+)[^`]*`[^|]* \| (.+?) \| (.+?) \|$", README, re.MULTILINE)
    return rows


def subparsers() -> dict:
    parser = _parser()
    (commands,) = [action for action in parser._actions if isinstance(action.choices, dict)]
    return commands.choices


def options_of(sub) -> dict[str, tuple]:
    """option or positional -> (metavar, choices) of a subparser, without --help."""
    return {(action.option_strings[0] if action.option_strings else action.dest): (action.metavar, action.choices)
            for action in sub._actions if "--help" not in action.option_strings}


def documented_options(text: str) -> dict[str, tuple]:
    documented = {}
    for name, value in re.findall(r"(--[a-z-]+)(?: ([A-Z]+\b|[a-z]+(?:\|[a-z]+)+))?", text):
        choices = tuple(value.split("|")) if "|" in value else None
        documented[name] = (value if value and not choices else None, choices)
    return documented


def test_the_synopsis_documents_every_command_and_every_option() -> None:
    documented = synopsis()
    commands = subparsers()
    assert sorted(documented) == sorted(commands)
    for name, sub in commands.items():
        options = {option: found for option, found in options_of(sub).items() if option.startswith("--")}
        assert options == documented_options(documented[name]), name


def test_positional_arguments_are_the_synopsis_ones() -> None:
    """docs/commands.md: `mirrorgen explain PATH[:LINE]`, `mirrorgen vault verify|apply`."""
    positional = {name: [(action.metavar, action.choices) for action in sub._actions if not action.option_strings]
                  for name, sub in subparsers().items()}
    assert {name: found for name, found in positional.items() if found} == {
        "explain": [("PATH[:LINE]", None)], "vault": [(None, ("verify", "apply"))]}


def test_defaults_are_the_documented_ones_and_each_help_states_its_default() -> None:
    # docs/commands.md: "defaults: --config config --output generated"; `vault apply` the first of its choices.
    args = _parser().parse_args(["check"])
    assert (args.config, args.output, args.format, args.color) == ("config", "generated", "text", "auto")
    for name, sub in subparsers().items():
        for action in sub._actions:
            stated = re.search(r"\(default: ([^ )]+)\)$", action.help or "")
            if action.default not in (None, False, []) and action.default != "==SUPPRESS==":
                # A help that states a default states the real one, at its end, as the docs do.
                assert stated and stated.group(1) == action.default, (name, action.option_strings, action.help)
        assert sub.format_help().startswith(f"usage: mirrorgen {name} [-h]"), name


def test_the_command_list_is_the_readme_table_and_each_command_describes_itself_the_same() -> None:
    parser = _parser()
    rows = readme_commands()
    listing = parser.format_help()
    assert sorted(row[0] for row in rows) == sorted(subparsers())
    (commands,) = [action for action in parser._actions if isinstance(action.choices, dict)]
    assert [shown.dest for shown in commands._choices_actions] == list(commands.choices)
    for shown in commands._choices_actions:
        sub = commands.choices[shown.dest]
        assert shown.help and sub.description == shown.help, shown.dest
        assert " ".join(shown.help.split()[:3]) in " ".join(listing.split())


@pytest.mark.parametrize("name, codes", [(row[0], row[2]) for row in readme_commands()])
def test_a_command_that_can_exit_1_says_when_in_its_help(name: str, codes: str) -> None:
    """The README's exit codes column: where a command has an exit 1, its help says what it means, at its end."""
    shown = subparsers()[name].description
    exits_1 = "1" in [code.split()[0] for code in codes.split(", ")]
    assert bool(re.search(r"\(exit 1 (on|if) [^()]+\)$", shown)) == exits_1, (name, shown, codes)
    # Where the help names the cause in one word (exit 1 on X), it is the README's word for it (1 drift, 1 findings).
    word = re.search(r"\(exit 1 on (\S+)\)$", shown)
    if word:
        assert f"1 {word.group(1)}" in codes, (name, shown, codes)


def test_a_command_is_required(capsys) -> None:
    """Without one, a usage error (exit 2, invalid input), not an internal error."""
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2
    assert capsys.readouterr().err.endswith("error: the following arguments are required: COMMAND\n")


def test_the_check_options_name_what_the_docs_name() -> None:
    """docs/commands.md (check): `NO_COLOR` set and non-empty turns the colour off."""
    (color,) = [action for action in subparsers()["check"]._actions if "--color" in action.option_strings]
    assert "NO_COLOR" in color.help


def test_top_level_options_and_epilog_are_the_documented_ones() -> None:
    parser = _parser()
    assert re.fullmatch(r"[A-Z][a-z][^.]*\.", parser.description)  # one sentence
    help_text = " ".join(parser.format_help().split())
    assert help_text.startswith("usage: mirrorgen [-h] [--debug] [--version] COMMAND ...")
    # docs/commands.md: "mirrorgen --debug COMMAND ...   # show the traceback of an internal error".
    (debug,) = [action for action in parser._actions if "--debug" in action.option_strings]
    assert debug.help == re.search(r"mirrorgen --debug COMMAND \.\.\. +# (.+)", COMMANDS_MD).group(1).strip()
    assert (debug.default, debug.const) == (False, True)
    # docs/commands.md's exit codes table, except 130 (which a user never asks for), in the epilog in order.
    table = [int(code) for code in re.findall(r"^\| (\d+) \|", COMMANDS_MD, re.MULTILINE)]
    epilog = re.fullmatch(r"Exit codes: ((?:\d [a-z ]+, )*\d [a-z ]+)\.", parser.epilog)
    assert epilog and [int(item.split()[0]) for item in epilog.group(1).split(", ")] == [c for c in table if c != 130]


def test_version_is_the_installed_package_metadata(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code in (0, None)
    assert capsys.readouterr() == (f"mirrorgen {version('mirrorgen')}\n", "")
    (action,) = [action for action in _parser()._actions if "--version" in action.option_strings]
    # docs/commands.md: "mirrorgen --version   # the installed version"; in argparse's words for its own action.
    assert action.nargs == 0 and action.help == "print mirrorgen's version and exit"


def test_version_of_sources_never_installed_says_how_to_install(monkeypatch, capsys) -> None:
    """Run from a copy of the sources (no package metadata on sys.path), --version says so and names the install
    command docs/ci-and-pre-commit.md gives for this repository (`pip install .`) instead of failing."""
    monkeypatch.setattr(sys, "path", [])  # where importlib.metadata looks for installed packages
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code in (0, None)
    assert capsys.readouterr() == ("mirrorgen unknown (not installed; run `pip install .`)\n", "")


def broken(exception: BaseException):
    def check(*args, **kwargs):
        raise exception

    return check


@pytest.mark.parametrize("collecting", [True, False])
def test_ctrl_c_exits_130_with_one_line_and_the_collector_as_it_was(monkeypatch, capsys, collecting: bool) -> None:
    """docs/commands.md: 130, interrupted (Ctrl-C). A program that calls main() gets its cycle collector back."""
    monkeypatch.setattr(mirrorgen.tree, "check", broken(KeyboardInterrupt()))
    (gc.enable if collecting else gc.disable)()
    try:
        code = main(["check", "--config", str(REPO / "config"), "--output", str(REPO / "generated")])
        assert gc.isenabled() == collecting
    finally:
        gc.enable()
    assert (code, capsys.readouterr().err) == (130, "mirrorgen: interrupted\n")


def test_an_internal_error_exits_3_with_one_line_and_a_hint(monkeypatch, capsys) -> None:
    """docs/commands.md: exit 3 with one line, `mirrorgen: internal error: … (rerun with --debug for the traceback)`;
    the same case as test_errors_for_people.py's subprocess, in process."""
    monkeypatch.setattr(mirrorgen.tree, "check", broken(RuntimeError("invariant broken\nsecond line")))
    arguments = ["check", "--config", str(REPO / "config"), "--output", str(REPO / "generated")]
    assert main(arguments) == 3
    assert capsys.readouterr().err == ("mirrorgen: internal error: RuntimeError: invariant broken\\nsecond line"
                                       " (rerun with --debug for the traceback)\n")
    assert main(["--debug", *arguments]) == 3
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert err.endswith("RuntimeError: invariant broken\nsecond line\n")
