"""Prow's own YAML and cron libraries judge what mirrorgen writes (tests/conformance/oracle, issue 18 item 3).

PyYAML reads YAML 1.1; Prow reads every file mirrorgen writes with go-yaml v2 (directly, or through
sigs.k8s.io/yaml, which turns a scalar go-yaml typed as a bool or number into the string "true" or "31" when the
Go field is a string: `Y` silently becomes `true`). So a test that re-reads output with PyYAML, or compares two
emitters that share one quoting function, cannot see the bug. The oracle is a small Go program beside the
conformance harness, built with the same go-yaml v2 and robfig/cron.v2 that the harness's Prow brings.

What a scalar must be comes from outside mirrorgen: its text as written (PyYAML's BaseLoader, which types nothing)
and the few fields the Kubernetes and Prow schemas type as booleans (NON_STRING_FIELDS, read from the API types).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import GOLDEN_CONFIG, GOLDEN_EXPECTED, MINIMAL, REPO, run_cli, write_tree

from mirrorgen.artifacts import canonical_yaml
from mirrorgen.inventory.cron import cron_error

ORACLE = REPO / ".cache/conformance/oracle"
# The only scalars of mirrorgen's output that are not strings, by key, with the Go type their API field has:
# prow's config.UtilityConfig.Decorate (*bool), core/v1 PodSpec.AutomountServiceAccountToken (*bool) and
# VolumeMount.ReadOnly (bool), and a GitLab pipeline schedule's `active` (boolean in GitLab's API, seed 001's
# pipeline-schedules.yml), and config-updater's `gzip` (plugins.ConfigUpdater.GZIP and ConfigMapSpec.GZIP, bool).
# Anything else go-yaml types as non-string is a string mirrorgen failed to quote.
NON_STRING_FIELDS = {"decorate": "bool", "automountServiceAccountToken": "bool", "readOnly": "bool", "active": "bool",
                     "gzip": "bool"}
YAML_SUFFIXES = (".yaml", ".yml")

Oracle = Callable[[list[dict]], list[dict]]


@pytest.fixture(scope="session")
def oracle() -> Oracle:
    """Builds the oracle once (make oracle-build, Go's caches under .cache/go as for the harness); asks it a batch
    of requests and returns its answers in order."""
    if not (shutil.which("go") or Path("/usr/local/go/bin/go").exists()) and not os.environ.get("CI"):
        pytest.skip("Go is not installed; the oracle needs it (.ci/run checks for it)")
    build = subprocess.run(["make", "-s", "oracle-build"], cwd=REPO, capture_output=True, text=True, timeout=3600)
    assert build.returncode == 0, build.stdout + build.stderr

    def ask(requests: list[dict]) -> list[dict]:
        answers: list[dict] = []
        while len(answers) < len(requests):
            lines = "".join(json.dumps(request) + "\n" for request in requests[len(answers):])
            result = subprocess.run([str(ORACLE)], input=lines, capture_output=True, text=True, timeout=600)
            answers += [json.loads(line) for line in result.stdout.splitlines()]
            # 3: a cron expression hung robfig's Parse; the oracle answered it and stopped (oracle/main.go).
            assert result.returncode in (0, 3), result.stderr
        assert len(answers) == len(requests)
        return answers

    return ask


def disagreements(go: dict, written: Any, where: str) -> list[str]:
    """Where go-yaml's typed reading of a document differs from what its text says (BaseLoader's untyped reading)."""
    if "map" in go:
        if not isinstance(written, dict):
            return [f"{where}: go-yaml reads a mapping, the text holds {written!r}"]
        problems = []
        for key, value in go["map"]:
            if "str" not in key:
                problems.append(f"{where}: the key {key} is not a string for go-yaml")
                continue
            name = key["str"]
            if name not in written:
                problems.append(f"{where}: go-yaml reads a key {name!r} the text does not have")
                continue
            kind = NON_STRING_FIELDS.get(name)
            if kind and "map" not in value and "seq" not in value:
                if kind not in value:
                    problems.append(f"{where}.{name}: a {kind} field reads as {value} for go-yaml")
                continue
            problems += disagreements(value, written[name], f"{where}.{name}")
        if len(go["map"]) != len(written):
            problems.append(f"{where}: go-yaml reads {len(go['map'])} keys, the text has {len(written)}")
        return problems
    if "seq" in go:
        if not isinstance(written, list) or len(written) != len(go["seq"]):
            return [f"{where}: go-yaml reads {len(go['seq'])} items, the text holds {written!r}"]
        return [p for i, (item, text) in enumerate(zip(go["seq"], written)) for p in disagreements(item, text, f"{where}[{i}]")]
    if go != {"str": written}:
        return [f"{where}: {written!r} is meant as a string; go-yaml v2 reads {go}"]
    return []


def judge_tree(oracle: Oracle, tree: Path) -> list[str]:
    """Every YAML file under `tree`, as go-yaml v2 reads it, against its text; the files judged must exist."""
    files = sorted(p for p in tree.rglob("*") if p.is_file() and p.name.endswith(YAML_SUFFIXES))
    assert files, f"no YAML file under {tree}"
    answers = oracle([{"yaml": p.read_text(encoding="utf-8")} for p in files])
    problems = []
    for path, answer in zip(files, answers):
        name = path.relative_to(tree).as_posix()
        if "docs" not in answer:
            problems.append(f"{name}: go-yaml v2 cannot read it: {answer['error']}")
            continue
        written = list(yaml.load_all(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader))
        if len(written) != len(answer["docs"]):
            problems.append(f"{name}: go-yaml reads {len(answer['docs'])} documents, the text holds {len(written)}")
            continue
        problems += [p for i, (doc, text) in enumerate(zip(answer["docs"], written))
                     for p in disagreements(doc, text, f"{name}#{i}")]
    return problems


def generated(config: Path, out: Path) -> Path:
    result = run_cli("generate", "--config", str(config), "--output", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_the_sample_reads_in_go_as_written(oracle: Oracle, tmp_path: Path) -> None:
    assert judge_tree(oracle, generated(REPO / "config", tmp_path / "out")) == []


def test_the_golden_inventory_reads_in_go_as_written(oracle: Oracle, tmp_path: Path) -> None:
    assert judge_tree(oracle, generated(GOLDEN_CONFIG, tmp_path / "out")) == []
    # The hand-written expected tree is what a human meant: go-yaml must read it so too.
    assert judge_tree(oracle, GOLDEN_EXPECTED) == []


def test_the_judge_sees_a_string_that_turned_boolean(oracle: Oracle, tmp_path: Path) -> None:
    """The oracle is not blind: an unquoted look-alike and a quoted boolean field are both reported."""
    write_tree(tmp_path, {"a.yaml": "tag: Y\nlist: [0x1F]\n", "b.yaml": "decorate: \"true\"\n"})
    assert judge_tree(oracle, tmp_path) == [
        "a.yaml#0.list[0]: '0x1F' is meant as a string; go-yaml v2 reads {'int': '31'}",
        "a.yaml#0.tag: 'Y' is meant as a string; go-yaml v2 reads {'bool': 'true'}",
        "b.yaml#0.decorate: a bool field reads as {'str': 'true'} for go-yaml",
    ]


# Strings that YAML 1.1, YAML 1.2 or go-yaml v2 in particular read as something else: booleans of either spec,
# nulls, numbers in every base go-yaml parses, floats, sexagesimals (YAML 1.1), timestamps, the merge key.
LOOK_ALIKES = ["Y", "N", "y", "n", "yes", "No", "on", "OFF", "true", "False", "~", "null", "NULL", "", "0x1F", "0o17",
               "0b101", "017", "+1", "-0", "1_000", "1e3", "1E3", "6.02e+23", ".5", "-.inf", ".NaN", "1:20", "190:20:30",
               "2001-2-30", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "<<", "=",
               "0.", "+.5", "0x_1F", "1__0", "-0b1", "0O17", "12e", "0x", "1.2.3", "v1", "@daily", "*", "&a", "!x",
               "- a", "a: b", "#x", "'q'", '"q"', "%TAG", "`x`", " lead", "trail ", "a\nb", "tab\there", "é", "ÿes"]
# Pieces look-alikes are made of, combined at random.
_PIECES = ["0", "1", "9", "x", "X", "o", "O", "b", "B", "e", "E", "_", ".", "+", "-", ":", "t", "T", "Z", " ", "y", "Y",
           "n", "N", "es", "ES", "rue", "alse", "ull", "~", "inf", "nan", "2001-", "12-", "14", "<<", "@", "#", "'", '"']
look_alike = st.one_of(st.sampled_from(LOOK_ALIKES), st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6).map("".join))


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_every_listed_look_alike_stays_a_string_in_go(oracle: Oracle, text: str) -> None:
    document = canonical_yaml.dump({"value": text, "list": [text], text or "empty": "key"})
    (answer,) = oracle([{"yaml": document}])
    assert disagreements(answer["docs"][0], yaml.load(document, Loader=yaml.BaseLoader), "") == [], document


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(look_alike, min_size=1, max_size=20))
def test_generated_look_alikes_stay_strings_in_go(oracle: Oracle, texts: list[str]) -> None:
    documents = [canonical_yaml.dump({"value": text, "list": [text], text or "empty": "key"}) for text in texts]
    answers = oracle([{"yaml": document} for document in documents])
    for document, answer in zip(documents, answers):
        assert disagreements(answer["docs"][0], yaml.load(document, Loader=yaml.BaseLoader), "") == [], document


@pytest.mark.parametrize("text", ["Y", "N", "yes", "0x1F", "1e3", "2001-2-30", "~", "1:20", "017"])
def test_look_alikes_in_an_inventory_stay_strings_in_every_file(oracle: Oracle, make_inventory, tmp_path: Path,
                                                                  text: str) -> None:
    """Through the whole of generate: a namespace's display name and description, and a person's name in OWNERS."""
    config = make_inventory({"namespaces.yaml": f"""\
        namespaces:
          acme-ci:
            access: authenticated
            display_name: {json.dumps(text)}
            description: {json.dumps(text)}
            owners:
              approvers: [alice]
        """})
    tree = generated(config, tmp_path / "out")
    manifest = (tree / "clusters/app.ci/registry-access/acme-ci/admin_manifest.yaml").read_text()
    assert json.dumps(text) in manifest or f"'{text}'" in manifest, manifest  # the value is there, and quoted
    assert judge_tree(oracle, tree) == []


# Cron expressions Prow's validation runs through robfig/cron.v2's Parse. mirrorgen refuses some that Parse takes,
# on purpose (inventory/cron.py's docstring): six fields (seconds first), `@every` of zero or less, a time-zone
# prefix, spaces around, `?` outside the day fields. Everything else must agree with Parse both ways.
DELIBERATE = ("exactly 5 fields", "positive Go duration", "time-zone prefix", "surrounding spaces", "'?' is not")
_FIELD = st.one_of(st.sampled_from(["*", "?", "*/5", "0", "1", "7", "12", "23", "31", "59", "60", "0-5", "5-0", "1,2",
                                    "jan", "JAN", "Mon", "sun-sat", "mon-fri/2", "1-31/7", "/5", "*/0", "-1", "1-", "L",
                                    "W", "#", "2#1", "sunday", "x"]),
                   st.from_regex(r"[0-9*?,/-]{1,5}", fullmatch=True))
cron_expression = st.one_of(
    st.lists(_FIELD, min_size=4, max_size=7).map(" ".join),
    st.sampled_from(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly", "@weekli",
                     "@Weekly", "@every 1h", "@every 0s", "@every -5m", "@every 1d", "@every 1.5h", "@every 5",
                     "TZ=UTC 0 * * * *", "0 1 * * *", " 0 1 * * *", "", "@every", "@reboot"]),
    st.builds("@every {}{}".format, st.sampled_from(["", "-", "+"]),
              st.from_regex(r"[0-9.]{0,4}(ns|us|ms|s|m|h|d)?([0-9]{1,2}(s|m|h))?", fullmatch=True)),
)


def _verdicts_agree(oracle: Oracle, expressions: list[str]) -> None:
    answers = oracle([{"cron": expression} for expression in expressions])
    for expression, answer in zip(expressions, answers):
        # Prow hangs on what robfig's Parse never returns from: mirrorgen must refuse it, as Prow cannot say why.
        ours, robfig = cron_error(expression), answer["error"]
        if ours is None:
            assert robfig == "", f"{expression!r}: mirrorgen accepts it, Prow refuses it: {robfig}"
        elif robfig == "":
            assert any(reason in ours for reason in DELIBERATE), f"{expression!r}: Prow accepts it, mirrorgen: {ours}"


@pytest.mark.parametrize("expression", ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight",
                                        "@hourly", "@every 20m", "0 1 * * *", "*/15 * * * 1-5", "0 0 1 jan *"])
def test_schedules_prow_accepts_are_accepted(oracle: Oracle, expression: str) -> None:
    (answer,) = oracle([{"cron": expression}])
    assert answer == {"error": ""}
    assert cron_error(expression) is None


@settings(max_examples=100, deadline=None)
@given(expressions=st.lists(cron_expression, min_size=1, max_size=30))
def test_cron_verdicts_agree_with_robfig(oracle: Oracle, expressions: list[str]) -> None:
    _verdicts_agree(oracle, expressions)


def test_a_step_of_zero_hangs_robfig_and_mirrorgen_refuses_it(oracle: Oracle) -> None:
    """robfig/cron.v2 loops forever on `*/0`, so Prow would hang loading the job; mirrorgen says why first."""
    assert oracle([{"cron": "*/0 * * * *"}, {"cron": "@daily"}]) == [{"error": "robfig/cron.v2 Parse does not return"},
                                                                    {"error": ""}]
    assert cron_error("*/0 * * * *") == "minute field '*/0': step '0' must be a positive number"


# Keys whose order go-yaml v2's keyList.Less decides in each of its ways: letters after other runes, runs of digits
# compared as numbers (leading zeros included), non-ASCII letters and digits (unicode.IsLetter / IsDigit).
_KEY_ALPHABET = "aAbzZ_-./0123456789é٣Ω "
keys = st.lists(st.text(alphabet=_KEY_ALPHABET, max_size=6), min_size=2, max_size=12, unique=True)


@pytest.mark.parametrize("listed", [["b", "a10", "a9", "a", "A", "_x", "1", "10", "2", "a01", "a1", "é", "Z9", "z"],
                                    ["x0", "x00", "x1", "x01", "x001", "x10"], ["a٣", "a3", "a", "a_", "aΩ"],
                                    # Where a zero follows a digit that is not one (keyList.Less's `an = 1; bn = 1`).
                                    # In both orders of the list: sorting asks the other way round.
                                    ["11", "100"], ["100", "11"], ["01", "000"], ["10", "11"], ["11", "10"],
                                    ["101", "1000"], ["11", "010"], ["10", "010"],
                                    # Runs of 19 digits or more: go-yaml adds them up in an int64, which wraps.
                                    ["2", "1" + "0" * 19], ["a2", "a1" + "0" * 19], ["1" + "0" * 19, "11"],
                                    ["9" * 19, "1" + "0" * 19 + "1"], ["3", "2" + "0" * 19]])
def test_keys_are_written_in_the_order_go_yaml_writes_them(oracle: Oracle, listed: list[str]) -> None:
    (answer,) = oracle([{"order": listed}])
    assert canonical_yaml.sorted_keys(dict.fromkeys(listed)) == answer["keys"]


def _ordered_without_cycles(listed: list[str]) -> bool:
    """keyList.Less is no order on every set: `20` < `2A` (a letter after a digit) < `10` (2 < 10) < `20`. On such
    a set go-yaml's own output depends on Go's map iteration order, so there is no order to agree with."""
    less = canonical_yaml.go_key_less
    return not any(less(a, b) and less(b, c) and less(c, a) for a in listed for b in listed for c in listed)


def test_go_yaml_has_no_order_on_some_keys() -> None:
    assert not _ordered_without_cycles(["10", "2A", "20"])


@settings(max_examples=300, deadline=None)
@given(key_sets=st.lists(keys, min_size=1, max_size=20))
def test_generated_keys_are_ordered_as_go_yaml_orders_them(oracle: Oracle, key_sets: list[list[str]]) -> None:
    key_sets = [listed for listed in key_sets if _ordered_without_cycles(listed)]
    answers = oracle([{"order": listed} for listed in key_sets])
    for listed, answer in zip(key_sets, answers):
        assert canonical_yaml.sorted_keys(dict.fromkeys(listed)) == answer["keys"], listed
