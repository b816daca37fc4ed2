"""Import paths from before the layout of issue 17 still work, each with a DeprecationWarning naming the new path."""

from __future__ import annotations

import importlib
import subprocess
import sys
import types
import warnings

import pytest

import mirrorgen
from conftest import REPO

# Every public name each module had before issue 17 (read from the modules of that commit, 7ee1474), by module.
# mirrorgen.cli is left out: its command functions became one module per command; main and run are kept.
OLD_NAMES = {
    "access_rules": "check_job_namespace check_mirror_only_readers check_service_account_clusters",
    "canonical_yaml": "dump go_key_less reads_as_non_string sorted_keys",
    "change_plan": "CATEGORIES Document Item PINNED_IMAGES PinnedImages SCHEMA_VERSION Section compute configmap_line"
                   " destination_repositories pinned_cki_images pinned_mapping_sources sections to_json to_markdown to_text",
    "cki": "CkiImage DOCKER_HUB DOCKER_HUB_ALIASES NAME_RE SHA256_RE check_cki_images check_images_settings"
           " mirror_repository parse_cki_images",
    "credentials": "CREDENTIAL_KEYS WHERE_CREDENTIALS_BELONG check_credentials find_credential redact without_echoes",
    "cron": "cron_error go_duration_seconds",
    "explain": "Explanation explain parse_target",
    "fork": "Started T",
    "gitrev": "inventory_files_at",
    "granted_access": "AUTHENTICATED MIRROR_ONLY PUBLIC Uncertain applied_files folder_access",
    "importer": "AREA_LABEL INVENTORY_FILES JOB_NAME_PREFIX PLUGINS_PATH PREFIX_PLACEHOLDER ROLE_LABEL SecretSource"
                " convert import_release known_defects_text read_release round_trip_problems secret_sources"
                " write_inventory",
    "lint_image_names": "ACRONYMS KNOWN_VIOLATIONS OPENSHIFT_PREFIX check_image_names image_name_problems",
    "lint_qci": "check_image_stream_registry check_qci_access",
    "load": "IMAGES_FILE KNOWN_DEFECTS_FILE KNOWN_TOP_FILES NAMESPACES_FILE ORGS_DIR QCI_FILE SETTINGS_FILE"
            " empty_inventory load_and_validate load_inventory load_reporting_everything parse_inventory parse_org"
            " read_inventory_files yaml_keys",
    "memo": "T per_inventory",
    "model": "Access ConfigMapSettings ENTRYPOINT EXTERNAL ImagesFile ImgMirrorSchedule Inventory JobDefaults"
             " JobOverrides KnownDefect KnownDefects MappingFile MappingLine Namespace NamespacesFile Org Owners"
             " QciAccess QciGroup QciIntegration ResolvedJob SECRET_SOURCES SELF_SERVICE Settings VaultSettings"
             " by_loader defect_severity job_setting_location resolve_job",
    "overrides": "deep_merge overrides_between",
    "pin": "PinResult pin pin_candidates pinned_text plan_pins rewrite_lines",
    "plan": "LEGACY_MANIFEST MANIFEST MANIFEST_PATHS SIDE_BY_SIDE_FROM_LINES is_manifest manifest_path manifest_text"
            " parse_manifest plan render_outputs sha256",
    "qci": "APP_CI APP_CI_REGISTRY IMAGE_STREAM_REGISTRIES ImageStreamTag QCI QCI_PROXY_REPOSITORY QCI_REPOSITORY"
           " image_stream_namespace is_image_stream_ref names_its_registry qci_reference qci_tag resolve_source"
           " resolve_tokens",
    "readers": "enabled_jobs mirror_only_readers mirrored_by",
    "refs": "DECOMMISSIONED_REGISTRIES DIGEST_RE DNS1123_LABEL_RULE ImageRef MappingPair PLAIN_COMPONENT PLAIN_LINE"
            " PLAIN_LINES ParsedLine ReferenceError TAG_RE dns1123_hint dns1123_label_error is_configmap_key"
            " is_dns1123_label is_dns1123_subdomain is_label_key is_label_value is_registry_host mapping_pairs"
            " names_registry parse_image_ref split_mapping_line split_repository",
    "registry": "PARALLEL Resolution Skopeo TIMEOUT_SECONDS registry_host",
    "render": "HEADER MARKER comment_text environment render",
    "report": "ChangeReport FileReport Report SCHEMA_VERSION build github_annotations to_json to_text",
    "secret_bootstrap": "BOOTSTRAP_PATH Provisioned provisioned_secrets",
    "semantic": "Change Path Structured Unsummarised changes is_structured parse show",
    "text_rules": "MAX_MAPPING_LINE_BYTES check_characters check_mapping_line_length check_people_text"
                  " file_name_problem forbidden_character",
    "tree": "Drift FileDrift Snapshot WriteSummary check compare locked snapshot unified_diff write",
    "validate": "BULK_RULES DEFECT_CODES MAPPING_PREFIX MAX_JOB_NAME RULES Rule against_baseline check_configmap_size"
                " check_job_order check_jobs check_known_defects check_mapping_files check_mapping_lines"
                " check_namespaces check_orgs check_push_secrets check_settings combine defect run_rules validate",
    "verify": "Check Destination ERROR LineReport MISSING OK SKIPPED SOURCE_MISSING STALE as_json as_text cki_checks"
              " failed judge mapping_checks verify",
    "yaml_mistakes": "explain",
    "yamlsource": "FAST_LOADER MAX_ALIAS_EXPANSION MAX_DEPTH Path SourceMap parse_yaml",
    "artifacts.prow": "AREA_LABEL CREDENTIALS_MOUNT JOBS_PATH MAPPINGS_MOUNT PROW_LABELS REHEARSE_LABEL ROLE_LABEL"
                      " job_labels job_line_sources job_name jobs_in_order periodic plan_jobs script_text",
    "artifacts.rbac": "RBAC_API REGISTRY_ACCESS_DIR REGISTRY_CLUSTER group_subject namespace_document"
                      " namespace_manifests plan_registry_access puller_subjects",
    "artifacts.qci": "CI_OPERATOR IMAGE_TAGGER_PATH INTEGRATION_ACCOUNT PULLER_ROLE QCI_AUTHZ_NAMESPACE QCI_PULLER_PATH"
                     " TOKEN_ROLE image_tagger_manifests integration_manifests plan_qci_access qci_puller_manifests",
}
# The modules that still exist: they warn only for the names they gave away.
KEPT = {"plan", "tree", "registry", "artifacts.prow", "artifacts.rbac", "artifacts.qci"}


def fresh_import(name: str, monkeypatch: pytest.MonkeyPatch):
    """Import `name` as a first import would, warnings recorded (a module that still exists is imported once)."""
    if name.removeprefix("mirrorgen.") not in KEPT:
        monkeypatch.delitem(sys.modules, name, raising=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = importlib.import_module(name)
    return module, [w for w in caught if issubclass(w.category, DeprecationWarning)]


@pytest.mark.parametrize("old", sorted(OLD_NAMES))
def test_every_old_name_still_imports(old: str, monkeypatch: pytest.MonkeyPatch) -> None:
    module, caught = fresh_import(f"mirrorgen.{old}", monkeypatch)
    if old in KEPT:
        assert caught == []
    else:
        assert [str(w.message) for w in caught] == [
            f"mirrorgen.{old} is deprecated: import from {' or '.join(mirrorgen._compat.MOVED[f'mirrorgen.{old}'])}"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        missing = [name for name in OLD_NAMES[old].split() if not hasattr(module, name)]
    assert missing == []


def test_an_old_module_gives_the_new_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    import mirrorgen.inventory.jobs
    import mirrorgen.inventory.model

    model, caught = fresh_import("mirrorgen.model", monkeypatch)
    assert [str(w.message) for w in caught] == [
        "mirrorgen.model is deprecated: import from mirrorgen.inventory.model or mirrorgen.inventory.jobs"]
    assert model.Inventory is mirrorgen.inventory.model.Inventory
    assert model.resolve_job is mirrorgen.inventory.jobs.resolve_job
    with pytest.raises(AttributeError, match="module 'mirrorgen.model' has no attribute 'Nonesuch'"):
        model.Nonesuch  # noqa: B018


def test_from_an_old_module_import_a_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "mirrorgen.validate", raising=False)
    with pytest.warns(DeprecationWarning, match=r"^mirrorgen\.validate is deprecated: import from mirrorgen\.rules or"):
        from mirrorgen.validate import validate
    # The whole check, as before; and the package attribute stays the public function, not the old module.
    assert validate is mirrorgen.validate is sys.modules["mirrorgen.plan"].validate
    assert not isinstance(mirrorgen.validate, types.ModuleType)


def test_a_kept_module_warns_for_each_name_it_gave_away() -> None:
    import mirrorgen.tree.writer

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        from mirrorgen.tree import check  # still the package's own: no warning
    assert check is mirrorgen.check
    with pytest.warns(DeprecationWarning, match=r"^mirrorgen\.tree\.locked moved to mirrorgen\.tree\.writer\.locked$"):
        from mirrorgen.tree import locked
    assert locked is mirrorgen.tree.writer.locked
    with pytest.warns(DeprecationWarning, match=r"^mirrorgen\.plan\.MANIFEST moved to mirrorgen\.manifest\.MANIFEST$"):
        from mirrorgen.plan import MANIFEST  # noqa: F401
    with pytest.raises(ImportError):
        from mirrorgen.tree import nonesuch  # noqa: F401


def test_the_warning_points_at_the_importing_line() -> None:
    """Python shows a DeprecationWarning by default when it is raised in __main__: the warning must be attributed to
    the user's line, not to the import machinery."""
    result = subprocess.run([sys.executable, "-c", "import mirrorgen.model\nfrom mirrorgen.plan import sha256"],
                            cwd=REPO, capture_output=True, text=True, check=True)
    assert [line for line in result.stderr.splitlines() if "DeprecationWarning" in line] == [
        "<string>:1: DeprecationWarning: mirrorgen.model is deprecated: import from mirrorgen.inventory.model or"
        " mirrorgen.inventory.jobs",
        "<string>:2: DeprecationWarning: mirrorgen.plan.sha256 moved to mirrorgen.manifest.sha256",
    ]
