"""The sample inventory's rendering against files written by hand (tests/sample/README.md says where each byte
comes from and how to change one). Not against generated/, which is regenerated with every code change."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, run_cli

EXPECTED = REPO / "tests/sample/expected"
ENTRIES = EXPECTED / "entries"
UPDATE = ("if the change is meant, edit the expected file by hand and check it against the sources in"
          " tests/sample/README.md; see mirrorgen's side with: mirrorgen generate --config config --output /tmp/sample"
          " && diff -r tests/sample/expected /tmp/sample")
WHOLE_FILES = sorted(p.relative_to(EXPECTED).as_posix() for p in EXPECTED.rglob("*") if p.is_file()
                     and ENTRIES not in p.parents)
# entry file → the shared file it is one entry of, and what starts the next entry there (or the end).
SHARED = {
    "periodic-image-mirroring-kubefed.yaml": ("ci-operator/jobs/infra-image-mirroring.yaml", "- agent:"),
    "configmap-key-mapping_kubefed_v0.10.yaml": ("core-services/image-mirroring/_image-mirror-mappings.yaml", "  mapping_"),
    "vault-registry-push-credentials-quay-io-openshift.yaml": ("vault/image-mirroring-push-credentials.yaml", "---"),
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "out"
    result = run_cli("generate", "--config", str(REPO / "config"), "--output", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_every_family_of_the_org_is_covered() -> None:
    assert WHOLE_FILES == [
        "clusters/app.ci/registry-access/kubefed/OWNERS",
        "clusters/app.ci/registry-access/kubefed/admin_manifest.yaml",
        "core-services/image-mirroring/kubefed/OWNERS",
        "core-services/image-mirroring/kubefed/mapping_kubefed_v0.10",
    ]
    assert sorted(p.name for p in ENTRIES.iterdir()) == sorted(SHARED)


@pytest.mark.parametrize("path", WHOLE_FILES)
def test_a_file_is_as_written_by_hand(rendered: Path, path: str) -> None:
    assert (rendered / path).read_bytes() == (EXPECTED / path).read_bytes(), f"{path}: {UPDATE}"


@pytest.mark.parametrize("entry", sorted(SHARED))
def test_an_entry_is_whole_in_its_shared_file(rendered: Path, entry: str) -> None:
    shared, next_entry = SHARED[entry]
    expected = (ENTRIES / entry).read_text()
    text = (rendered / shared).read_text()
    assert text.count(expected) == 1, f"{shared} does not hold {entry} once, whole: {UPDATE}"
    before, _, after = text.partition(expected)
    # The entry is a whole one: it starts a line, and what follows it is the next entry or the end of the file.
    assert before.endswith("\n"), f"{shared}: {entry} starts inside a line"
    assert after == "" or after.startswith(next_entry), f"{shared}: {entry} goes on with {after.splitlines()[0]!r}"
