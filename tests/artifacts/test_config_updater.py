"""The config_updater entries: one per ConfigMap, placed in the tree's Prow plugins file with every other byte kept,
or written as a fragment when the tree has none.

The plugins file is an excerpt of openshift/release's own (tests/fixtures/plugins/_plugins.yaml, its header says
which commit); the variants below add by hand what a hand-edited file holds and that upstream's happens not to
(comments, anchors, other indentation, CRLF). Expected entries are written out here from the README's sharding
rule (first-fit in org name order) and openshift/release's entry format, not taken from mirrorgen.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import MINIMAL, REPO, run_cli, write_tree

import mirrorgen
from mirrorgen.artifacts.config_updater import FRAGMENT_PATH, PLUGINS_PATH, PluginsFile
from mirrorgen.errors import MirrorgenError

REAL = (REPO / "tests/fixtures/plugins/_plugins.yaml").read_text()
# openshift/release's entry, as its file writes it.
REAL_ENTRY = """\
    core-services/image-mirroring/**/mapping_*:
      clusters:
        app.ci:
        - ci
      name: image-mirror-mappings
"""
# What the sharded inventory below needs: alpha (≈560 bytes) and charlie (≈110) share the first ConfigMap of 1000
# bytes; bravo (≈560) does not fit beside alpha and opens the second.
SHARDED_ENTRIES = """\
    core-services/image-mirroring/**/{alpha,charlie}/mapping_*:
      clusters:
        app.ci:
        - ci
      name: image-mirror-mappings
    core-services/image-mirroring/**/{bravo}/mapping_*:
      clusters:
        app.ci:
        - ci
      name: image-mirror-mappings-2
"""


def _org(name: str, lines: int) -> str:
    body = "".join(f"    registry.ci.openshift.org/acme-ci/tools:v{i:02d} quay.io/{name}/tools:v{i:02d}\n" for i in range(lines))
    return f"destination: quay.io/{name}\nowners:\n  approvers: [alice]\nmappings:\n  mapping_{name}: |\n{body}"


def _inventory(tmp_path: Path, settings: str) -> Path:
    return write_tree(tmp_path / "config", {
        "mirrorgen.yaml": settings, "namespaces.yaml": MINIMAL["namespaces.yaml"],
        "orgs/alpha.yaml": _org("alpha", 10), "orgs/bravo.yaml": _org("bravo", 10), "orgs/charlie.yaml": _org("charlie", 2)})


@pytest.fixture
def unsharded(tmp_path: Path) -> Path:
    return _inventory(tmp_path, "header: false\n")


@pytest.fixture
def sharded(tmp_path: Path) -> Path:
    return _inventory(tmp_path, "header: false\nconfigmap:\n  shard_budget: 1000\n")


def placed(config: Path, text: str) -> str:
    outputs = mirrorgen.plan(mirrorgen.load_inventory(config), plugins=PluginsFile("tree/_plugins.yaml", text))
    assert FRAGMENT_PATH not in {o.path for o in outputs}
    return next(o.text for o in outputs if o.path == PLUGINS_PATH)


def refusal(config: Path, text: str) -> str:
    with pytest.raises(MirrorgenError) as refused:
        placed(config, text)
    message = str(refused.value)
    assert "\n" not in message
    return message


def test_one_configmap_leaves_openshift_releases_file_as_it_is(unsharded: Path) -> None:
    assert placed(unsharded, REAL) == REAL


def test_shards_replace_the_entry_in_place_and_keep_every_other_byte(sharded: Path) -> None:
    before, after = REAL.split(REAL_ENTRY)
    assert placed(sharded, REAL) == before + SHARDED_ENTRIES + after
    # Placing again changes nothing: the entries are found again, whole.
    assert placed(sharded, placed(sharded, REAL)) == before + SHARDED_ENTRIES + after


def test_sharded_files_go_where_the_jobs_mount_them(sharded: Path) -> None:
    outputs = {o.path: o.text for o in mirrorgen.plan(mirrorgen.load_inventory(sharded))}
    jobs = yaml.safe_load(outputs["ci-operator/jobs/infra-image-mirroring.yaml"])["periodics"]
    mounted = {job["name"]: [v["configMap"]["name"] for v in job["spec"]["volumes"] if "configMap" in v] for job in jobs}
    assert mounted == {"periodic-image-mirroring-alpha": ["image-mirror-mappings"],
                       "periodic-image-mirroring-bravo": ["image-mirror-mappings-2"],
                       "periodic-image-mirroring-charlie": ["image-mirror-mappings"]}
    assert "mapping_bravo" in outputs["core-services/image-mirroring/_image-mirror-mappings-2.yaml"]


# Hand-edited files: what upstream's file happens not to hold. Each variant is (old, entry as written in it).
def _commented() -> tuple[str, str]:
    text = REAL.replace("config_updater:\n", "# Prow reads this section from this file only.\nconfig_updater:\n")
    text = text.replace(REAL_ENTRY, "    # mirrorgen owns the next entry\n" + REAL_ENTRY + "\n    # jira's own\n")
    return text, REAL_ENTRY


def _anchored() -> tuple[str, str]:
    """An anchor on the entry above mirrorgen's, its alias on one below: both outside the entries replaced."""
    text = REAL.replace("    core-services/ci-secret-generator/_config.yaml:\n      clusters:\n",
                        "    core-services/ci-secret-generator/_config.yaml:\n      clusters: &app_ci\n")
    text = text.replace("    core-services/pr-reminder/_config.yaml:\n      clusters:\n        app.ci:\n        - ci\n",
                        "    core-services/pr-reminder/_config.yaml:\n      clusters: *app_ci\n")
    return text, REAL_ENTRY


def _indented() -> tuple[str, str]:
    """The whole config_updater section indented by four, quoted keys, flow-style lists."""
    head, rest = REAL.split("config_updater:\n")
    section, tail = rest.split("dco:\n")
    section = re.sub(r"^( +)", lambda m: m.group(1) * 2, section, flags=re.M)
    entry = "        'core-services/image-mirroring/**/mapping_*':\n            clusters: {app.ci: [ci]}\n" \
            "            name: image-mirror-mappings\n"
    section = section.replace(re.sub(r"^( +)", lambda m: m.group(1) * 2, REAL_ENTRY, flags=re.M), entry)
    return head + "config_updater:\n" + section + "dco:\n" + tail, entry


def _crlf() -> tuple[str, str]:
    return REAL.replace("\n", "\r\n"), REAL_ENTRY.replace("\n", "\r\n")


@pytest.mark.parametrize("variant", [_commented, _anchored, _indented, _crlf])
def test_a_hand_edited_file_keeps_every_byte_outside_the_entries(sharded: Path, variant) -> None:
    old, entry = variant()
    assert old.count(entry) == 1 and old != REAL
    before, after = old.split(entry)
    indent = re.match(r" *", entry).group()
    newline = "\r\n" if "\r\n" in entry else "\n"
    expected_entries = "".join(indent + line.removeprefix("    ") + newline for line in SHARDED_ENTRIES.splitlines())
    assert placed(sharded, old) == before + expected_entries + after
    # And Prow's reading of it (YAML) is the old file with only the entries changed.
    new_maps = yaml.safe_load(placed(sharded, old))["config_updater"]["maps"]
    old_maps = yaml.safe_load(old)["config_updater"]["maps"]
    assert {k: v for k, v in new_maps.items() if "image-mirroring" not in k} == \
           {k: v for k, v in old_maps.items() if "image-mirroring" not in k}


def test_without_an_entry_the_entries_go_in_key_order(sharded: Path) -> None:
    old = REAL.replace(REAL_ENTRY, "")
    before, after = REAL.split(REAL_ENTRY)
    assert placed(sharded, old) == before + SHARDED_ENTRIES + after


def test_every_entry_of_the_mapping_files_is_replaced_and_the_first_keeps_its_place(sharded: Path) -> None:
    # A hand-written shard entry further down (a pattern of mapping files under image-mirroring) is mirrorgen's too.
    extra = "    core-services/image-mirroring/tekton/mapping_*:\n      clusters:\n        app.ci:\n        - ci\n" \
            "      name: tekton-mappings\n"
    old = REAL.replace("    core-services/retester/_config.yaml:\n", extra + "    core-services/retester/_config.yaml:\n")
    before, after = REAL.split(REAL_ENTRY)
    assert placed(sharded, old) == before + SHARDED_ENTRIES + after


def test_gzip_is_written_where_it_differs_from_the_sections_default(tmp_path: Path) -> None:
    config = _inventory(tmp_path, "header: false\nconfigmap:\n  gzip: true\n")
    entry = placed(config, REAL).split("core-services/image-mirroring/**/mapping_*:\n")[1].split("    core-services/jira")[0]
    assert entry == "      clusters:\n        app.ci:\n        - ci\n      gzip: true\n      name: image-mirror-mappings\n"
    gzipped = REAL.replace("  gzip: false\n  maps:", "  gzip: true\n  maps:")
    assert placed(config, gzipped) == gzipped



def test_extra_clusters_join_the_entrys_clusters_in_name_order(tmp_path: Path) -> None:
    """config-updater applies the ConfigMap to every cluster and namespace its entry lists; the main cluster's
    namespace comes first and none is listed twice."""
    config = _inventory(tmp_path, "header: false\nconfigmap:\n  extra_clusters:\n    api.ci: [ci]\n"
                                  "    app.ci: [ci-mirror, ci]\n")
    entry = placed(config, REAL).split("core-services/image-mirroring/**/mapping_*:\n")[1].split("    core-services/jira")[0]
    assert entry == ("      clusters:\n        api.ci:\n        - ci\n        app.ci:\n        - ci\n        - ci-mirror\n"
                     "      name: image-mirror-mappings\n")


# (change to the real file, line of the refusal, words of the refusal)
REFUSED = {
    "a comment inside the entry": (lambda t: t.replace("      name: image-mirror-mappings\n",
                                                       "      name: image-mirror-mappings # keep\n"), 119,
                                   "a comment inside the entry core-services/image-mirroring/**/mapping_* would be lost"),
    "an anchor inside the entry": (lambda t: t.replace("      name: image-mirror-mappings\n",
                                                       "      name: &mirror image-mirror-mappings\n"), 119,
                                   "holds an anchor or alias"),
    "maps as an alias": (lambda t: t.replace("config_updater:\n", "mapsbase: &maps\n  a:\n    name: b\nconfig_updater:\n")
                         .replace("  maps:\n    ci-operator/templates/master-sidecar-3.yaml:\n      cluster_groups:\n"
                                  "      - build_farm_ci\n      name: prow-job-master-sidecar-3\n",
                                  "  maps: *maps\n  mapsx:\n    ci-operator/templates/master-sidecar-3.yaml:\n"
                                  "      cluster_groups:\n      - build_farm_ci\n      name: prow-job-master-sidecar-3\n"),
                         80, "config_updater.maps is not a non-empty block mapping written in place"),
    "flow-style config_updater": (lambda t: t.split("config_updater:\n")[0] + "config_updater: {maps: {}}\n", 45,
                                  "config_updater is not a non-empty block mapping"),
    "the entry written twice": (lambda t: t.replace(REAL_ENTRY, REAL_ENTRY * 2), 120,
                                "core-services/image-mirroring/**/mapping_* is written twice in config_updater.maps"),
    "no config_updater": (lambda t: "plugins: {}\n", 1, "there is no config_updater section"),
    "a merge key in maps": (lambda t: t.replace("  maps:\n", "  maps:\n    <<: {a/b: {name: c}}\n"), 78,
                            "config_updater.maps holds a key that is no plain pattern"),
    # The unclosed `{` of line 40 swallows line 41's key; line 42's second key cannot be in it.
    "no YAML": (lambda t: t.replace("cat: {}\n", "cat: {\n"), 42, "not valid YAML (expected ',' or '}', but got ':')"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_file_that_cannot_be_edited_with_certainty_is_refused_at_its_line(sharded: Path, case: str) -> None:
    change, line, words = REFUSED[case]
    message = refusal(sharded, change(REAL))
    assert message.startswith(f"tree/_plugins.yaml:{line}: cannot place mirrorgen's config_updater entries: "), message
    assert words in message


# --- the command line -------------------------------------------------------------------------------------------


def test_generate_and_check_edit_the_plugins_file_of_the_tree(sharded: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("generate", "--config", str(sharded), "--output", str(out)).returncode == 0
    fragment = out / FRAGMENT_PATH
    assert yaml.safe_load(fragment.read_text())["config_updater"]["maps"] == yaml.safe_load(
        "maps:\n" + SHARDED_ENTRIES)["maps"]

    write_tree(out, {PLUGINS_PATH: REAL})
    result = run_cli("generate", "--config", str(sharded), "--output", str(out))
    assert result.returncode == 0, result.stderr
    before, after = REAL.split(REAL_ENTRY)
    assert (out / PLUGINS_PATH).read_text() == before + SHARDED_ENTRIES + after
    assert not fragment.exists()  # the entries now live in the plugins file: the fragment was mirrorgen's, and stale
    # The plugins file is not mirrorgen's: no manifest lists it, so nothing ever removes it.
    assert all(PLUGINS_PATH.rsplit("/", 1)[1] not in m.read_text() for m in out.rglob(".mirrorgen-manifest"))
    assert run_cli("check", "--config", str(sharded), "--output", str(out)).returncode == 0

    # A person edits mirrorgen's entry: check names the file and shows the line.
    edited = (out / PLUGINS_PATH).read_text().replace("{bravo}", "{bravo,delta}")
    (out / PLUGINS_PATH).write_text(edited)
    check = run_cli("check", "--config", str(sharded), "--output", str(out))
    assert check.returncode == 1
    assert PLUGINS_PATH in check.stdout
    assert "-    core-services/image-mirroring/**/{bravo,delta}/mapping_*:" in check.stdout
    assert "+    core-services/image-mirroring/**/{bravo}/mapping_*:" in check.stdout


def test_a_plugins_file_it_cannot_edit_stops_generate_before_it_writes(sharded: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    broken = REAL.replace("      name: image-mirror-mappings\n", "      name: image-mirror-mappings # keep\n")
    write_tree(out, {PLUGINS_PATH: broken})
    result = run_cli("generate", "--config", str(sharded), "--output", str(out))
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].endswith(
        f"{out / PLUGINS_PATH}:119: cannot place mirrorgen's config_updater entries: a comment inside the entry"
        " core-services/image-mirroring/**/mapping_* would be lost; move it above the entry")
    assert "Traceback" not in result.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [PLUGINS_PATH]


def test_generate_says_where_the_fragment_belongs(unsharded: Path, tmp_path: Path) -> None:
    result = run_cli("generate", "--config", str(unsharded), "--output", str(tmp_path / "out"))
    assert f"wrote the config_updater entries to {tmp_path / 'out' / FRAGMENT_PATH}: These entries belong in" \
           f" config_updater.maps of {PLUGINS_PATH}" in result.stdout


def test_a_folder_name_config_updater_reads_as_pattern_syntax_is_refused_once_sharded(tmp_path: Path) -> None:
    # An adopted repository keeps its folder names (a name that is no DNS label is then only a warning).
    config = _inventory(tmp_path, "header: false\ndefects: warning\nconfigmap:\n  shard_budget: 1000\n")
    shutil.move(config / "orgs/charlie.yaml", config / "orgs/char{lie.yaml")
    result = run_cli("validate", "--config", str(config))
    assert "org 'char{lie' is named with a character config-updater's patterns read as syntax ('{')" in result.stderr


def test_entries_placed_last_in_a_file_without_a_final_line_end(unsharded: Path) -> None:
    old = "config_updater:\n  maps:\n    a/b.yaml:\n      name: x"
    assert placed(unsharded, old) == old + "\n" + REAL_ENTRY


def test_a_pattern_over_128_characters_is_an_explicit_key_found_again(tmp_path: Path) -> None:
    # go-yaml (which Prow's tools write the file with) and PyYAML both write such a key as `? key` / `: value`.
    small = [f"team-{word}-images-for-quay" for word in ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot")]
    config = write_tree(tmp_path / "config", {
        "mirrorgen.yaml": "header: false\nconfigmap:\n  shard_budget: 1000\n", "namespaces.yaml": MINIMAL["namespaces.yaml"],
        **{f"orgs/{name}.yaml": _org(name, 1) for name in small}, "orgs/zulu.yaml": _org("zulu", 10)})
    once = placed(config, REAL)
    pattern = f"core-services/image-mirroring/**/{{{','.join(small)}}}/mapping_*"
    assert len(pattern) > 128
    assert f"    ? {pattern}\n    : clusters:\n        app.ci:\n        - ci\n      name: image-mirror-mappings\n" in once
    assert placed(config, once) == once


@pytest.mark.parametrize("kind", ["symbolic link", "not UTF-8"])
def test_a_plugins_file_it_cannot_read_safely_is_refused(sharded: Path, tmp_path: Path, kind: str) -> None:
    out = tmp_path / "out"
    if kind == "symbolic link":
        write_tree(tmp_path, {"elsewhere.yaml": REAL})
        (out / PLUGINS_PATH).parent.mkdir(parents=True)
        (out / PLUGINS_PATH).symlink_to(tmp_path / "elsewhere.yaml")
    else:
        write_tree(out, {PLUGINS_PATH: REAL.encode().replace(b"cat: {}", b"cat: \xff")})
    result = run_cli("generate", "--config", str(sharded), "--output", str(out))
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"mirrorgen: error: {out / PLUGINS_PATH}: ")
    assert ("not a regular file reached without symbolic links" if kind == "symbolic link" else "not UTF-8 (byte") in last
    assert not (out / FRAGMENT_PATH).exists()
    if kind == "symbolic link":
        assert (tmp_path / "elsewhere.yaml").read_text() == REAL
