"""The drift report of `mirrorgen check`: semantic summaries, provenance, JSON, annotations, colour."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from conftest import run_cli

MAPPING = "core-services/image-mirroring/acme/mapping_acme_tools"
JOBS = "ci-operator/jobs/infra-image-mirroring.yaml"
FIX = "mirrorgen generate --config {config} --output {out}"


def schema(name: str) -> dict:
    return json.loads(resources.files("mirrorgen").joinpath("schemas", name).read_text())


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of `path` holding `needle` (exactly one)."""
    found = [n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    assert len(found) == 1, (needle, found)
    return found[0]


@pytest.fixture
def tree(make_inventory, tmp_path: Path) -> tuple[Path, Path]:
    config = make_inventory()
    out = tmp_path / "out"
    assert run_cli("generate", "--config", str(config), "--output", str(out)).returncode == 0
    return config, out


def check(config: Path, out: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mirrorgen", "check", "--config", str(config), "--output", str(out), *extra],
                          capture_output=True, text=True, env={**os.environ, "GITHUB_ACTIONS": "", **(env or {})})


def test_hand_edit_names_the_inventory_line_to_change(tree) -> None:
    config, out = tree
    mapping = out / MAPPING
    mapping.write_text(mapping.read_text().replace("quay.io/acme/tools:v1", "quay.io/acme/tools:v9"))
    result = check(config, out)
    assert result.returncode == 1
    inventory_line = line_of(config / "orgs/acme.yaml", "quay.io/acme/tools:v1")
    assert (f"edited by hand: {out}/{MAPPING}; generate will undo the edit: change {config}/orgs/acme.yaml:{inventory_line}"
            " instead") in result.stdout
    assert "-registry.ci.openshift.org/acme-ci/tools:latest quay.io/acme/tools:latest quay.io/acme/tools:v9\n" in result.stdout
    assert result.stdout.splitlines()[-1] == FIX.format(config=config, out=out)


def test_inventory_change_is_summarised_by_object_and_field(tree) -> None:
    config, out = tree
    org = config / "orgs/acme.yaml"
    org.write_text(org.read_text() + "job:\n  image: registry.example.com/ci/image-mirror:v2\n  dry_run: true\n")
    result = check(config, out)
    assert result.returncode == 1
    image_line, dry_run_line = line_of(org, "image: registry."), line_of(org, "dry_run:")
    assert (f"  periodic-image-mirroring-acme: spec.containers[0].image changed registry.ci.openshift.org/ci/image-mirror:oc-415"
            f" → registry.example.com/ci/image-mirror:v2  ({config}/orgs/acme.yaml:{image_line})") in result.stdout
    assert (f"  periodic-image-mirroring-acme: spec.containers[0].env[dry_run].value changed \"false\" → \"true\""
            f"  ({config}/orgs/acme.yaml:{dry_run_line})") in result.stdout
    assert ('periodic-image-mirroring-acme: labels["pj-rehearse.openshift.io/can-be-rehearsed"] added: "true"'
            in result.stdout)
    assert f"changed: {out}/{JOBS} is out of date with {config}/orgs/acme.yaml:" in result.stdout
    assert "edited by hand" not in result.stdout


def test_documents_are_named_by_kind_and_name(tree) -> None:
    config, out = tree
    namespaces = config / "namespaces.yaml"
    namespaces.write_text(namespaces.read_text().replace(
        "access: authenticated", "access: public\n    public_acknowledged: release images, agreed by security"))
    result = check(config, out)
    access_line = line_of(namespaces, "access: public")
    assert (f"RoleBinding/image-puller: subjects[system:unauthenticated] added: "
            f'{{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:unauthenticated"}}'
            f"  ({config}/namespaces.yaml:{access_line})") in result.stdout


def test_broken_yaml_on_disk_is_reported_not_crashed(tree) -> None:
    config, out = tree
    (out / JOBS).write_text("periodics: [\n")
    result = check(config, out)
    assert result.returncode == 1, result.stderr
    assert "the file on disk is not valid YAML any more (line 2)" in result.stdout


_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n" for previous, name in zip("abcdefg", "bcdefgh"))


@pytest.mark.parametrize(("text", "why"), [
    ("? [a, b]\n: 1\n", "the key at line 1 is not a plain value"),
    ("periodics:\n- {? {name: x}: 1}\n", "the key at line 2 is not a plain value"),
    ("a: &x [1, *x]\n", "an alias at line 1 stands inside the value it names"),
    (_LAUGHS, "its aliases expand to far more values than the text holds"),
])
def test_yaml_on_disk_that_has_no_summary_by_field_still_gets_the_diff(tree, text: str, why: str) -> None:
    """A hand edit that is valid YAML but cannot be keyed (a key that is a list or mapping, an alias inside
    itself, an alias bomb) gets the diff and a note, not an internal error or a run that never ends."""
    config, out = tree
    (out / JOBS).write_text(text)
    result = check(config, out)
    assert result.returncode == 1, result.stderr
    assert f"the file on disk cannot be summarised by field: {why}" in result.stdout
    assert f"+++ b/{JOBS}" in result.stdout


def test_json_report_follows_the_shipped_schema(tree) -> None:
    config, out = tree
    validator = jsonschema.Draft202012Validator(schema("check-report.schema.json"))
    clean = json.loads(check(config, out, "--format", "json").stdout)
    validator.validate(clean)
    assert clean["clean"] is True and clean["files"] == [] and clean["fix"] is None

    (out / MAPPING).write_text((out / MAPPING).read_text().replace(":v1", ":v9"))
    (out / "clusters/app.ci/registry-access/acme-ci/OWNERS").unlink()
    (out / "core-services/image-mirroring/acme/mapping_acme_old").write_text("# Generated by mirrorgen from orgs/acme.yaml\n")
    (config / "orgs/acme.yaml").write_text((config / "orgs/acme.yaml").read_text().replace("[bob]", "[bob, carol]"))
    result = check(config, out, "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    validator.validate(report)
    by_path = {entry["path"].removeprefix(f"{out}/"): entry for entry in report["files"]}
    assert by_path[MAPPING]["hand_edited"] is True
    assert by_path["clusters/app.ci/registry-access/acme-ci/OWNERS"]["status"] == "missing"
    assert by_path["core-services/image-mirroring/acme/mapping_acme_old"]["status"] == "stale"
    owners = by_path["core-services/image-mirroring/acme/OWNERS"]
    assert owners["changes"] == [{
        "object": "", "path": "reviewers[1]", "kind": "added", "before": None, "after": "carol",
        "source": {"file": f"{config}/orgs/acme.yaml", "line": line_of(config / "orgs/acme.yaml", "owners:")},
        "summary": "reviewers[1] added: carol",
    }]
    assert report["fix"] == FIX.format(config=config, out=out)


def test_github_actions_annotations(tree) -> None:
    config, out = tree
    (out / MAPPING).write_text((out / MAPPING).read_text().replace(":v1", ":v9"))
    line = line_of(config / "orgs/acme.yaml", "quay.io/acme/tools:v1")
    expected = (f"::error file={config}/orgs/acme.yaml,line={line}::{out}/{MAPPING} was edited by hand; make the change"
                f" here instead; fix with: {FIX.format(config=config, out=out)}")
    text = check(config, out, env={"GITHUB_ACTIONS": "true"})
    assert expected in text.stdout.splitlines()
    machine = check(config, out, "--format", "json", env={"GITHUB_ACTIONS": "true"})
    assert expected in machine.stderr.splitlines()
    json.loads(machine.stdout)  # annotations never mix into the JSON document
    assert "::error" not in check(config, out).stdout


def _on_terminal(config: Path, out: Path, env: dict) -> str:
    """Run check with stdout on a pseudo-terminal, as a person at a shell sees it."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "mirrorgen", "check", "--config", str(config), "--output", str(out)],
                               stdout=follower, stderr=subprocess.DEVNULL, env={**os.environ, **env})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait()
    os.close(leader)
    return b"".join(chunks).decode()


def test_colour_on_a_terminal_unless_no_color(tree) -> None:
    config, out = tree
    (out / MAPPING).write_text((out / MAPPING).read_text().replace(":v1", ":v9"))
    # An empty NO_COLOR counts as unset (no-color.org), whatever the calling environment holds.
    coloured = _on_terminal(config, out, {"NO_COLOR": ""})
    assert "\033[31m-registry.ci.openshift.org/acme-ci/tools:latest" in coloured
    assert "\033[" not in _on_terminal(config, out, {"NO_COLOR": "1"})
    assert "\033[" not in check(config, out).stdout  # not a terminal
    assert "\033[32m+" in check(config, out, "--color", "always").stdout


@pytest.mark.parametrize("drift", [False, True])
def test_deepdiff_is_imported_only_to_explain_drift(tree, drift: bool) -> None:
    config, out = tree
    if drift:
        (out / JOBS).write_text((out / JOBS).read_text().replace("oc-415", "oc-416"))
    code = ("import sys; from mirrorgen.cli import main; rc = main(sys.argv[1:]); "
            "print('deepdiff' in sys.modules, rc)")
    result = subprocess.run([sys.executable, "-c", code, "check", "--config", str(config), "--output", str(out)],
                            capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == f"{drift} {int(drift)}"


def _locations(document):
    if isinstance(document, dict):
        if set(document) == {"file", "line"}:
            yield document
        for value in document.values():
            yield from _locations(value)
    elif isinstance(document, list):
        for value in document:
            yield from _locations(value)


def test_json_names_the_lines_the_text_names_and_no_line_0(tree) -> None:
    """The job file comes from every org and mirrorgen.yaml: its `source` is mirrorgen.yaml as a whole, which JSON
    wrote as line 0 while the text named the line that changed; that line is in `sources`, as in the text."""
    config, out = tree
    (config / "mirrorgen.yaml").write_text("jobs:\n  cron: '@daily'\n")
    text = check(config, out)
    assert f"changed: {out}/{JOBS} is out of date with {config}/mirrorgen.yaml:2" in text.stdout.splitlines()
    report = json.loads(check(config, out, "--format", "json").stdout)
    jobs = next(entry for entry in report["files"] if entry["path"] == f"{out}/{JOBS}")
    assert jobs["sources"] == [{"file": f"{config}/mirrorgen.yaml", "line": 2}]
    assert jobs["source"] == {"file": f"{config}/mirrorgen.yaml", "line": None}
    assert all(location["line"] is None or location["line"] >= 1 for location in _locations(report))
    jsonschema.Draft202012Validator(schema("check-report.schema.json")).validate(report)


def test_a_hand_edit_with_control_characters_is_summarised_on_one_line(tree) -> None:
    """The summary quotes values from the file on disk, which may hold anything."""
    config, out = tree
    owners = out / "core-services/image-mirroring/acme/OWNERS"
    owners.write_text(owners.read_text().replace("- bob", '- "bob\\n\\u001b[2Jmallory"'))
    summary = "reviewers[0] changed bob\\n\\x1b[2Jmallory → bob"
    assert f"  {summary}  ({config}/orgs/acme.yaml:{line_of(config / 'orgs/acme.yaml', 'owners:')})" in check(config, out).stdout
    report = json.loads(check(config, out, "--format", "json").stdout)
    assert [c["summary"] for f in report["files"] for c in f["changes"]] == [summary]
