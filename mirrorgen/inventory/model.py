"""The inventory: what the YAML under config/ declares, as frozen attrs classes.

Field names are the YAML keys. Fields made with `by_loader()` are filled by the loader (from file
names, dictionary keys or the text of mapping blocks), never structured straight from YAML; those with
`yaml_key=True` are still keys a user writes (the loader reads them itself).
"""

from __future__ import annotations

import enum
import functools
from typing import Any, Optional

from attrs import field, frozen

from ..errors import Location, Severity
from .refs import MappingPair, ParsedLine, ReferenceError, mapping_pairs, split_mapping_line
from .yamlsource import SourceMap


def by_loader(default: Any, *, yaml_key: bool = False, **kwargs: Any) -> Any:
    return field(default=default, metadata={"by_loader": True, "yaml_key": yaml_key}, **kwargs)


@frozen(kw_only=True)
class Owners:
    """An OWNERS file: Prow's approvers and reviewers (GitHub user or team names)."""

    approvers: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    # The file's exact text, for OWNERS files the two lists cannot reproduce (comments, `options`, other keys);
    # written as is, without a header. Set either this or the lists.
    verbatim: Optional[str] = None
    # False: the folder has no OWNERS file, and mirrorgen writes none.
    write: bool = True


ENTRYPOINT = "entrypoint"
# Where a job's push secret comes from (`secret_source`): a self-service Vault item whose secretsync keys mirrorgen
# lists (the default, for new orgs), or provisioned elsewhere (ci-secret-bootstrap's _config.yaml, by hand, ...).
SELF_SERVICE, EXTERNAL = "self-service", "external"
SECRET_SOURCES = (SELF_SERVICE, EXTERNAL)


@frozen(kw_only=True)
class JobDefaults:
    """Settings of every periodic-image-mirroring-<org> job unless the org overrides them."""

    cluster: str = "app.ci"
    cron: str = "@hourly"
    image: str = "registry.ci.openshift.org/ci/image-mirror:oc-415"
    dry_run: bool = False
    # `{org}` is replaced by the org name.
    secret_name: str = "registry-push-credentials-quay-io-{org}"
    # SELF_SERVICE or EXTERNAL: only self-service secrets get Vault items and their naming rules.
    secret_source: str = SELF_SERVICE
    # The key of the push secret that holds the docker config.json (the volume's subPath).
    credentials_key: str = "config.json"
    cpu_request: str = "500m"
    # Run the job as this ServiceAccount (in the ConfigMap's namespace, where mirrorgen creates it); a job reading
    # from a `mirror-only` namespace needs one, which that namespace's image-puller binding names.
    service_account: Optional[str] = None
    # The `ci.openshift.io/role` label.
    role: str = "image-mirroring"
    # A name from `scripts:` in mirrorgen.yaml: the job runs it with `/bin/bash -c` instead of the image's entrypoint.
    # `entrypoint` (ENTRYPOINT) in an org's job runs the entrypoint despite a default script.
    script: Optional[str] = None
    # `spec.automountServiceAccountToken`; null leaves the key out.
    automount_token: Optional[bool] = True
    # `decoration_config.timeout` (a Go duration such as 2h0m0s); null leaves Prow's default.
    timeout: Optional[str] = None


@frozen(kw_only=True)
class JobOverrides:
    """Per-org job settings; anything left out comes from the global `jobs:` defaults."""

    cluster: Optional[str] = None
    cron: Optional[str] = None
    image: Optional[str] = None
    dry_run: Optional[bool] = None
    secret_name: Optional[str] = None
    secret_source: Optional[str] = None
    credentials_key: Optional[str] = None
    cpu_request: Optional[str] = None
    service_account: Optional[str] = None
    # The MAPPING_FILE_PREFIX: the job mirrors every ConfigMap key starting with it. Default `mapping_<org>`.
    mapping_prefix: Optional[str] = None
    # false: the org has mapping files but no job of its own (another org's job may mirror them).
    enabled: Optional[bool] = None
    # The job name; default periodic-image-mirroring-<org>.
    name: Optional[str] = None
    # Run every `interval` (Prow's `interval:`, e.g. 12h) instead of on the cron schedule.
    interval: Optional[str] = None
    timeout: Optional[str] = None
    # The `ci.openshift.io/area` label; default the org name.
    area: Optional[str] = None
    role: Optional[str] = None
    # Further job labels.
    labels: Optional[dict[str, str]] = None
    script: Optional[str] = None
    automount_token: Optional[bool] = None
    # Deep-merged into the rendered job last (README "The override block"): mappings merge key by key, a null
    # value deletes the key, lists and scalars replace.
    overrides: Optional[dict[str, Any]] = None


@frozen(kw_only=True)
class ConfigMapSettings:
    name: str = "image-mirror-mappings"
    namespace: str = "ci"
    cluster: str = "app.ci"
    # Bytes of mapping data (keys and values) per ConfigMap; past it the files are sharded over
    # <name>, <name>-2, ... The default leaves 100 KiB of headroom under etcd's 1 MiB object limit.
    shard_budget: int = 900 * 1024
    # Spread the files over several ConfigMaps once they outgrow the budget (each gets its own config_updater entry,
    # artifacts/config_updater.py). An import writes `false` where sharding would move the repository's files now.
    shard: bool = True
    # config-updater compresses each file (its `gzip: true`), so the bytes that count are the compressed ones.
    gzip: bool = False
    # Clusters besides `cluster` that config-updater also applies the ConfigMap to (cluster → namespaces), as the
    # checkout's config_updater entry lists them: an import keeps them, so that the entry is written back unchanged.
    extra_clusters: dict[str, tuple[str, ...]] = {}


@frozen(kw_only=True)
class VaultSettings:
    """Where push credentials live in Vault and where ci-secret-bootstrap syncs them to."""

    # The KV version 2 mount ci-secret-bootstrap lists (`kv` on vault.ci.openshift.org); the items live under
    # <mount>/<item_prefix>.
    mount: str = "kv"
    item_prefix: str = "selfservice/image-mirroring"
    target_namespace: str = "ci"
    target_clusters: tuple[str, ...] = ("app.ci",)


@frozen(kw_only=True)
class Settings:
    """config/mirrorgen.yaml: global settings."""

    # Put a "generated by mirrorgen" comment at the top of every output whose format allows one.
    header: bool = True
    # Registry whose namespaces need a registry-access decision (the CI registry on app.ci).
    source_registry: str = "registry.ci.openshift.org"
    jobs: JobDefaults = JobDefaults()
    configmap: ConfigMapSettings = ConfigMapSettings()
    vault: VaultSettings = VaultSettings()
    file: str = by_loader("mirrorgen.yaml")
    # Where mapping sources written as image-stream tags `ns/name:tag` are pulled from: `app.ci` (source_registry)
    # or `qci` (quay.io/openshift/ci:ns_name_tag).
    image_stream_registry: str = "app.ci"
    # Bash scripts jobs may run (job.script names one); `{mapping_prefix}` in the text becomes the job's prefix.
    scripts: dict[str, str] = {}
    # Org names in the order their jobs appear in the job file; orgs not listed follow in file name order.
    job_order: tuple[str, ...] = ()
    # Severity of the defects real release repositories contain (a destination tag named twice, TABs, the
    # decommissioned registry, file names no job mirrors, ...): `error` blocks generation, as a new inventory
    # should; `warning` lets every defect pass. An imported repository has a baseline instead (KnownDefects): the
    # defects it had are warnings, any other one has this severity.
    defects: str = "error"
    # Top-level keys of the job file besides `periodics` (presubmits, postsubmits, ...), written as they are: an
    # imported job file keeps them, so that it comes back byte for byte.
    job_file_extra: dict[str, Any] = {}


# The values of `defects:`.
DEFECT_SEVERITIES = ("error", "warning")


def defect_severity(settings: Settings) -> Severity:
    """The severity of a defect that breaks a mirroring run but not the loading of the files (see `defects`)."""
    return Severity.WARNING if settings.defects == "warning" else Severity.ERROR


@frozen
class MappingLine:
    """One line of a mapping file as written in the inventory, with its line number there."""

    number: int
    text: str

    # Parsed on first use and kept: most lines of a big inventory are read only through the plain-line fast paths
    # (refs.PLAIN_LINES), and the rest are read by several rules.
    @functools.cached_property
    def parsed(self) -> ParsedLine:
        return split_mapping_line(self.text)

    def read(self) -> tuple[list[MappingPair], Optional[str]]:
        """The (source, destination) pairs oc reads from the line, and why oc cannot read it (else None).

        A blank or comment line holds no pair. A line oc cannot read holds none either: a known defect (or any,
        with `defects: warning`), it is generated as written (its file's run of oc fails), so every reader of an
        inventory meets such lines, not only validation.
        """
        if not self.parsed.tokens:
            return [], None
        try:
            return mapping_pairs(self.parsed.tokens), None
        except ReferenceError as exc:
            return [], str(exc)

    @property
    def pairs(self) -> list[MappingPair]:
        """What oc copies for the line: none for a line it cannot read (read() says why)."""
        return self.read()[0]


@frozen
class MappingFile:
    name: str
    # The text split at each newline (a final newline ends the last line, it starts none): a CRLF file's lines
    # end in "\r".
    lines: tuple[MappingLine, ...]
    location: Location
    # The file's exact text, as generate writes it (image-stream sources aside).
    text: str


@frozen(kw_only=True)
class Org:
    """config/orgs/<org>.yaml: one destination organisation, its mapping files and its job."""

    # The registry and organisation the org's push secret writes to (`quay.io/acme`), or a list of them when its
    # mapping files write to several; lint warns about destinations outside them.
    destination: str | tuple[str, ...]
    owners: Owners = Owners()
    job: JobOverrides = JobOverrides()
    mappings: tuple[MappingFile, ...] = by_loader((), yaml_key=True)
    name: str = by_loader("")
    file: str = by_loader("")
    # false: there is no core-services/image-mirroring/<org>/ folder (a job without mapping files of its own).
    folder: bool = True
    # Files in the org folder that mirrorgen neither reads nor writes (documentation, tool configuration).
    other_files: tuple[str, ...] = ()
    # Files in the org folder that hold mapping lines but lack the `mapping_` prefix, so they never reach the
    # ConfigMap; kept here so that lint reports them.
    unprefixed_mappings: tuple[str, ...] = ()

    @property
    def destinations(self) -> tuple[str, ...]:
        return (self.destination,) if isinstance(self.destination, str) else self.destination


# The cluster whose registry the registry-access RoleBindings govern, and where the mirroring jobs run.
REGISTRY_CLUSTER = "app.ci"


class Access(enum.Enum):
    """Who may pull the images of a source namespace on the CI cluster."""

    # Every authenticated user of the cluster (the documented default, and the widest exposure one can miss).
    AUTHENTICATED = "authenticated"
    # Only the mirroring jobs' ServiceAccount.
    MIRROR_ONLY = "mirror-only"
    # Anyone, even unauthenticated; needs `acknowledged`.
    PUBLIC = "public"


@frozen(kw_only=True)
class Namespace:
    """A CI namespace that mappings copy from, and the access decision for its images."""

    access: Access
    owners: Owners = Owners()
    display_name: Optional[str] = None
    description: Optional[str] = None
    # Why the namespace is readable beyond the mirroring jobs, and who agreed: required for `public`, and it silences
    # the warning on `authenticated` (a deliberate decision, not an oversight).
    acknowledged: Optional[str] = None
    # The older spelling of `acknowledged`, from when only `public` needed one; still read, so that existing
    # inventories (and what `mirrorgen import` wrote) keep their meaning.
    public_acknowledged: Optional[str] = None
    name: str = by_loader("")
    file: str = by_loader("namespaces.yaml")
    # false: the folder's manifests are written by hand (imported folders); mirrorgen writes only its OWNERS.
    render_manifests: bool = True

    @property
    def acknowledgement(self) -> str:
        """Why and by whom the namespace's access was agreed, whichever spelling holds it; "" when none."""
        return (self.acknowledged or self.public_acknowledged or "").strip()


@frozen(kw_only=True)
class NamespacesFile:
    """config/namespaces.yaml: the CI namespaces mapping files copy from, and who may pull their images."""

    namespaces: dict[str, Namespace] = {}


@frozen(kw_only=True)
class ImgMirrorSchedule:
    """The GitLab pipeline schedule that runs only the img-mirror job (seed 001: nightly, on production)."""

    description: str = "Mirror container images onto quay.io"
    branch: str = "production"
    cron: str = "0 1 * * *"
    timezone: str = "UTC"


@frozen(kw_only=True)
class ImagesFile:
    """config/images.yaml: the CKI deployment's pinned external images (the IMAGES map) and its policy.

    `images` maps a name to one reference per line, which Renovate bumps in place: an image in an approved
    registry as is, any other as `<mirror_prefix>/<upstream registry>/<upstream path>:<tag>@sha256:<digest>`.
    """

    # MP_APPROVED_REGISTRIES: registries the clusters may pull from directly.
    approved_registries: tuple[str, ...] = ()
    mirror_prefix: str = "quay.io/cki/mirror"
    # Where this file lives in the repository Renovate watches (its managerFilePatterns).
    repository_path: str = "config/images.yaml"
    # Let self-hosted Renovate run `make generate` after a bump, so its merge requests pass `mirrorgen check`.
    renovate_post_upgrade_tasks: bool = True
    schedule: ImgMirrorSchedule = ImgMirrorSchedule()
    images: dict[str, str] = {}
    file: str = by_loader("images.yaml")


@frozen(kw_only=True)
class KnownDefect:
    """A defect accepted as it is (found by `mirrorgen import`): the Problem's code, file and subject."""

    code: str
    file: str
    subject: str


@frozen(kw_only=True)
class KnownDefects:
    """config/known-defects.yaml: the baseline. Its defects stay warnings; any other defect takes the severity
    `defects:` gives (an error unless it says `warning`)."""

    known_defects: tuple[KnownDefect, ...] = ()
    file: str = by_loader("known-defects.yaml")


@frozen
class Inventory:
    """Everything under config/, loaded and structured (not yet validated)."""

    settings: Settings
    orgs: tuple[Org, ...]
    namespaces: tuple[Namespace, ...]
    # SourceMaps by file (relative to the inventory root), for pointing at lines.
    sources: dict[str, SourceMap] = field(eq=False, repr=False)
    # qci.yaml; None when the inventory has none (then mirrorgen leaves QCI access alone).
    qci: Optional["QciAccess"] = None
    # The CKI image inventory, if config/images.yaml exists.
    images: Optional[ImagesFile] = None
    # The baseline of accepted defects, if config/known-defects.yaml exists.
    known_defects: Optional[KnownDefects] = None

    def locate(self, file: str, *path: Any, key: bool = False) -> Location:
        source = self.sources.get(file)
        return source.locate(path, key=key) if source else Location(file)


@frozen(kw_only=True)
class QciGroup:
    """A Rover group whose members (humans) may pull from QCI through quay-proxy."""

    owners: Owners = Owners()
    name: str = by_loader("")


@frozen(kw_only=True)
class QciIntegration:
    """Programmatic QCI access: a namespace on app.ci holding the ServiceAccount `image-puller`."""

    # The Rover group whose members may create bound (short-lived) tokens for the ServiceAccount.
    admins: str
    owners: Owners = Owners()
    display_name: Optional[str] = None
    description: Optional[str] = None
    name: str = by_loader("")


@frozen(kw_only=True)
class QciAccess:
    """config/qci.yaml: who may pull from QCI, and the namespaces ci-operator promotes into for mirroring."""

    groups: dict[str, QciGroup] = {}
    integrations: dict[str, QciIntegration] = {}
    promotion_namespaces: tuple[str, ...] = ()
    file: str = by_loader("qci.yaml")
