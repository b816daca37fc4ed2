"""Every command over an adopted inventory (`defects: warning`) carrying each kind of adopted defect: `generate`
accepts such an inventory, so every other command must read it too, never an internal error (exit 3) or a
traceback (issue 13, item 5)."""

from __future__ import annotations

import contextlib
import io
import subprocess
from pathlib import Path
from typing import Callable

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import write_tree
from mirrorgen.cli import main
from mirrorgen.errors import Severity
from mirrorgen.review.explain import explain
from mirrorgen.inventory.load import load_inventory
from mirrorgen.plan import plan, validate
from mirrorgen.registry.skopeo import Resolution
from mirrorgen.registry.verify import judge, mapping_checks

DIGEST = "sha256:" + "a" * 64


class Adopted:
    """An inventory as `mirrorgen import` writes one (defects are warnings), built up defect by defect."""

    def __init__(self) -> None:
        self.settings: dict = {"defects": "warning", "header": False}
        self.namespaces: dict = {
            "acme-ci": {"access": "authenticated"},
            "beta-ci": {"access": "authenticated"},
            # Imported folders keep their hand-written manifests.
            "handmade": {"access": "mirror-only", "render_manifests": False},
        }
        self.orgs: dict[str, dict] = {
            "acme": {"destination": "quay.io/acme", "owners": {"approvers": ["alice"]}},
            "beta": {"destination": "quay.io/beta", "owners": {"approvers": ["bob"]}},
            # A folder without a job, and a job without a folder, as import writes them.
            "dormant": {"destination": "quay.io/dormant", "owners": {"write": False}, "job": {"enabled": False}},
        }
        self.mappings: dict[str, dict[str, list[str]]] = {
            "acme": {"mapping_acme_tools": ["registry.ci.openshift.org/acme-ci/tools:latest quay.io/acme/tools:latest"]},
            "beta": {"mapping_beta_cli": [f"quay.io/upstream/cli:v1@{DIGEST} quay.io/beta/cli:v1"]},
            "dormant": {"mapping_dormant_old": ["registry.ci.openshift.org/beta-ci/old:v1 quay.io/dormant/old:v1"]},
        }

    def line(self, org: str, file: str, text: str) -> None:
        self.mappings.setdefault(org, {}).setdefault(file, []).append(text)

    def job(self, org: str, **settings: object) -> None:
        self.orgs[org].setdefault("job", {}).update(settings)

    def files(self) -> dict[str, str]:
        files = {"mirrorgen.yaml": yaml.safe_dump(self.settings), "namespaces.yaml": yaml.safe_dump({"namespaces": self.namespaces})}
        for org, data in self.orgs.items():
            text = yaml.safe_dump(data)
            blocks = self.mappings.get(org)
            if blocks:
                text += "mappings:\n" + "".join(
                    f"  {name}: |\n" + "".join(f"    {line}\n" for line in lines) for name, lines in blocks.items())
            files[f"orgs/{org}.yaml"] = text
        return files


# Lines oc cannot read, one per reason refs.mapping_pairs gives.
UNREADABLE = [
    "registry.ci.openshift.org/acme-ci/notag quay.io/acme/notag",
    "registry.ci.openshift.org/acme-ci/tools:latest",
    "registry.ci.openshift.org/acme-ci/tools:a=quay.io/acme/a:1 quay.io/acme/b:1",
    "=quay.io/acme/x:1",
    f"registry.ci.openshift.org/acme-ci/tools:latest quay.io/acme/tools@{DIGEST}",
    "registry.ci.openshift.org/acme-ci/tools:* quay.io/acme/tools:v1",
    "quay.io/acme/same:v1 quay.io/acme/same:v1",
    "registry.ci.openshift.org/acme-ci/Tools:latest quay.io/acme/tools:x",
    "registry.ci.openshift.org/acme-ci/tools:-x quay.io/acme/tools:x",
    "registry.ci.openshift.org/acme-ci/tools@sha256:short quay.io/acme/tools:x",
    "bad_host:1/acme/tools:v1 quay.io/acme/tools:x",
    # An image-stream source whose QCI tag would be too long (image_stream_registry: qci below).
    "acme-ci/tools:" + "t" * 125 + " quay.io/acme/tools:long",
]

# Tokens made of what references are made of: lines anything may come of.
_REFERENCE_CHARACTERS = "abz019AZ.:/@*=_-"
random_lines = st.lists(st.text(_REFERENCE_CHARACTERS, min_size=1, max_size=24), min_size=1, max_size=4).map(" ".join)


def _unreadable_lines(inventory: Adopted) -> None:
    """The issue's example (a line without a tag added to a file), and an org holding nothing else."""
    inventory.line("acme", "mapping_acme_tools", UNREADABLE[0])
    inventory.orgs["broken"] = {"destination": "quay.io/acme", "owners": {"approvers": ["erin"]}}
    inventory.mappings["broken"] = {"mapping_broken_lines": UNREADABLE}
    inventory.settings["image_stream_registry"] = "qci"


def _defects() -> dict[str, Callable[[Adopted], None]]:
    """Each kind of defect a real release repository has: a rule whose severity is rules.known_defects.defect()."""
    return {
        "unreadable lines": _unreadable_lines,
        "TAB between fields": lambda inv: inv.line("acme", "mapping_acme_tools",
                                                   "registry.ci.openshift.org/acme-ci/tools:v2\tquay.io/acme/tools:v2"),
        "destination twice in a file": lambda inv: inv.line("acme", "mapping_acme_tools",
                                                            "registry.ci.openshift.org/acme-ci/other:latest quay.io/acme/tools:latest"),
        "destination twice across files": lambda inv: inv.line("acme", "mapping_acme_more",
                                                               "registry.ci.openshift.org/acme-ci/more:v1 quay.io/acme/tools:latest"),
        "unprefixed file": lambda inv: inv.orgs["acme"].update(unprefixed_mappings=["origin_tools"]),
        "decommissioned registry": lambda inv: inv.line("acme", "mapping_acme_tools",
                                                        "registry.svc.ci.openshift.org/acme-ci/tools:v3 quay.io/acme/tools:v3"),
        "secret name not a DNS-1123 label": lambda inv: inv.job("acme", secret_name="registry-push-credentials-quay.io-acme"),
        "external secret name no Secret can have": lambda inv: (
            inv.orgs.update({"ext": {"destination": "quay.io/ext", "owners": {"approvers": ["fay"]},
                                     "job": {"secret_source": "external", "secret_name": "Ext_Push"}}}),
            inv.line("ext", "mapping_ext_tools", "quay.io/upstream/e:v1 quay.io/ext/e:v1")),
        "one secret under two keys": lambda inv: inv.job("beta", secret_name="registry-push-credentials-quay-io-acme",
                                                         credentials_key=".dockerconfigjson"),
        "job name over 63 characters": lambda inv: inv.job("beta", name="periodic-image-mirroring-" + "b" * 50),
        "org name not a DNS-1123 label": lambda inv: (inv.orgs.update({"Bad.Org": {"destination": "quay.io/badorg",
                                                                                   "owners": {"approvers": ["carol"]}}}),
                                                      inv.line("Bad.Org", "mapping_Bad.Org_x",
                                                               "quay.io/upstream/x:v1 quay.io/badorg/x:v1")),
        "file no job mirrors": lambda inv: inv.line("acme", "mapping_zzz_orphan", "quay.io/upstream/o:v1 quay.io/acme/o:v1"),
        "file mirrored by another org's job": lambda inv: inv.line("beta", "mapping_acme_in_beta",
                                                                   "quay.io/upstream/i:v1 quay.io/beta/i:v1"),
        "file mirrored by two jobs": lambda inv: (inv.orgs.update({"gamma": {"destination": "quay.io/gamma",
                                                                             "owners": {"approvers": ["dan"]}}}),
                                                  inv.job("gamma", mapping_prefix="mapping_acme_t")),
        "same file name in two orgs": lambda inv: inv.line("beta", "mapping_acme_tools", "quay.io/upstream/s:v1 quay.io/beta/s:v1"),
        "prefix matching no file": lambda inv: inv.job("beta", mapping_prefix="mapping_nothing"),
        "namespace without access decision": lambda inv: inv.line("beta", "mapping_beta_cli",
                                                                  "registry.ci.openshift.org/undeclared/x:v1 quay.io/beta/x:v1"),
        "ConfigMap over its budget": lambda inv: inv.settings.update(configmap={"shard": False, "shard_budget": 100}),
    }


DEFECTS = _defects()
# What each defect's rule says (a part that names the place): proof the inventory carries that very defect.
SAID = {
    "unreadable lines": "'registry.ci.openshift.org/acme-ci/notag' needs a tag or a digest",
    "TAB between fields": "TAB between fields",
    "destination twice in a file": "quay.io/acme/tools:latest",
    "destination twice across files": "quay.io/acme/tools:latest",
    "unprefixed file": "acme/origin_tools holds mapping lines but lacks the 'mapping_' prefix",
    "decommissioned registry": "registry.svc.ci.openshift.org is decommissioned",
    "secret name not a DNS-1123 label": "'registry-push-credentials-quay.io-acme' is not a DNS-1123 label",
    "external secret name no Secret can have": "'Ext_Push' is not a Kubernetes Secret name",
    "one secret under two keys": "which mounts key 'config.json', not '.dockerconfigjson'",
    "job name over 63 characters": "Prow allows 63",
    "org name not a DNS-1123 label": "org name (the file name) 'Bad.Org' is not a DNS-1123 label",
    "file no job mirrors": "'mapping_zzz_orphan' matches no job's MAPPING_FILE_PREFIX",
    "file mirrored by another org's job": "'mapping_acme_in_beta' is mirrored by acme's job",
    "file mirrored by two jobs": "is mirrored by the jobs of acme, gamma",
    "same file name in two orgs": "'mapping_acme_tools' is also used by org 'acme'",
    "prefix matching no file": "files starting with 'mapping_nothing', but no mapping file does",
    "namespace without access decision": "source namespace 'undeclared' has no access decision",
    "ConfigMap over its budget": "over its 100-byte budget",
}


def _run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    text = out.getvalue() + err.getvalue()
    assert code != 3 and "internal error" not in text and "Traceback" not in text, (argv, text)
    return code, text


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo, check=True,
                          capture_output=True, text=True).stdout.strip()


def _replace_inventory(config: Path, files: dict[str, str]) -> None:
    for old in config.rglob("*.yaml"):
        old.unlink()
    write_tree(config, files)


def every_command(root: Path, inventory: Adopted) -> None:
    """Run every command over `inventory`; each must answer (exit 0, 1 or 2), none may fail internally."""
    repo, out = root / "repo", root / "out"
    config = repo / "config"
    clean = Adopted().files()
    files = inventory.files()
    repo.mkdir()
    _git(repo, "init", "-q")
    _replace_inventory(config, clean)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "clean")
    _replace_inventory(config, files)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "defects")

    loaded = load_inventory(config)
    found = validate(loaded)
    assert not [p for p in found if p.severity is Severity.ERROR], "a defect must be a warning after import"
    assert _run("generate", "--config", str(config), "--output", str(out))[0] == 0
    assert _run("check", "--config", str(config), "--output", str(out))[0] == 0
    assert _run("validate", "--config", str(config))[0] == 0
    # Drift in every generated file: the report reads each one against what the inventory renders.
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        path.write_text(path.read_text() + "edited: by hand\n")
    for form in ("text", "json"):
        assert _run("check", "--config", str(config), "--output", str(out), "--format", form)[0] == 1
    # Plans into and out of the defects (the working tree holds the head).
    for form in ("text", "json", "markdown"):
        assert _run("plan", "--base", "HEAD~1", "--config", str(config), "--format", form)[0] == 0
    _replace_inventory(config, clean)
    assert _run("plan", "--base", "HEAD", "--config", str(config))[0] == 0
    _replace_inventory(config, files)
    # Every line of every file explained, and the command once.
    outputs = plan(loaded)
    for output in outputs:
        for line in range(output.text.count("\n") + 1):
            explain(outputs, output.path, line)
    mapping = next(o.path for o in outputs if "/mapping_" in o.path)
    assert _run("explain", f"{mapping}:1", "--config", str(config), "--output", str(out))[0] == 0
    if "broken" in inventory.orgs:
        # Lines oc cannot read are skipped, never looked up: verify asks no registry here.
        code, text = _run("verify", "--org", "broken", "--config", str(config))
        assert code == 0 and text.count(": skipped: ") == len(UNREADABLE), text
    # verify without a registry: what each line asks, judged as if every registry had nothing.
    checks = mapping_checks(loaded)
    for check in checks:
        judge(check, {reference: Resolution() for reference in check.lookups})


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_every_command_reads_an_inventory_with_each_adopted_defect(name: str, tmp_path: Path) -> None:
    inventory = Adopted()
    clean = {str(p) for p in validate(_loaded(tmp_path / "clean", inventory))}
    DEFECTS[name](inventory)
    # The defect is really there: validate finds it, as a warning.
    new = {str(p) for p in validate(_loaded(tmp_path / "defect", inventory))} - clean
    assert [p for p in new if SAID[name] in p and ": warning: " in p], (name, new)
    every_command(tmp_path, inventory)


def _loaded(config: Path, inventory: Adopted):
    _replace_inventory(config, inventory.files()) if config.exists() else write_tree(config, inventory.files())
    return load_inventory(config)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(names=st.sets(st.sampled_from(sorted(DEFECTS)), min_size=1), lines=st.lists(random_lines, max_size=3),
       data=st.data())
def test_every_command_reads_any_mix_of_defects_and_any_line(names: set[str], lines: list[str], data, tmp_path_factory) -> None:
    inventory = Adopted()
    for name in sorted(names):
        DEFECTS[name](inventory)
    for line in lines:
        inventory.line(*data.draw(st.sampled_from([("acme", "mapping_acme_tools"), ("beta", "mapping_beta_cli")])), line)
    every_command(tmp_path_factory.mktemp("mix"), inventory)
