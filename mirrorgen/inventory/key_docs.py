"""What each key of the inventory means, in the words an editor shows on hover and in completion.

One text per YAML key of each model class (rules/schema.py turns them into the JSON Schemas' descriptions and fails
on a key without one, so a new field cannot ship undocumented). Texts are markdown. Defaults are not written here:
the schema appends each field's attrs default, so a default is stated once, in the model.
"""

from __future__ import annotations

from .model import (
    Access, ConfigMapSettings, ImagesFile, ImgMirrorSchedule, JobDefaults, JobOverrides, KnownDefect, KnownDefects,
    Namespace, NamespacesFile, Org, Owners, QciAccess, QciGroup, QciIntegration, Settings, VaultSettings,
)

_CRON = ("Prow schedule, in UTC: five fields (minute hour day-of-month month day-of-week), a descriptor (`@hourly`,"
         " `@daily`, `@weekly`, `@monthly`, `@yearly`) or `@every <Go duration>`.")

KEY_DOCS: dict[type, dict[str, str]] = {
    Owners: {
        "approvers": "GitHub users or teams who may approve changes (Prow's OWNERS `approvers`).",
        "reviewers": "GitHub users or teams asked to review changes (Prow's OWNERS `reviewers`).",
        "verbatim": "The OWNERS file's exact text, for files the two lists cannot reproduce (comments, `options`,"
                    " other keys); written as is, without a header. Set either this or the lists.",
        "write": "`false`: the folder has no OWNERS file, and mirrorgen writes none.",
    },
    JobDefaults: {
        "cluster": "The build cluster the job runs on (a cluster name such as `app.ci`).",
        "cron": _CRON,
        "image": "The image the job runs (`oc image mirror` in it), with a tag or digest.",
        "dry_run": "`true`: the job passes `--dry-run` to `oc image mirror`, copying nothing.",
        "secret_name": "The Secret holding the push credentials for the org's destination; `{org}` becomes the org"
                       " name.",
        "secret_source": "Where the push secret comes from: `self-service` (a Vault item whose secretsync keys"
                         " mirrorgen lists) or `external` (provisioned elsewhere, such as ci-secret-bootstrap's"
                         " `_config.yaml`).",
        "credentials_key": "The key of the push secret that holds the docker `config.json` (the volume's subPath).",
        "cpu_request": "The job container's CPU request (a Kubernetes quantity such as `500m` or `1`).",
        "service_account": "Run the job as this ServiceAccount (in `configmap.namespace`, where mirrorgen creates it);"
                           " a job reading from a `mirror-only` namespace needs one. `null`: Prow's default.",
        "role": "The `ci.openshift.io/role` label of the job.",
        "script": "A name from `scripts:` in mirrorgen.yaml: the job runs it with `/bin/bash -c` instead of the image's"
                  " entrypoint; `entrypoint` in an org's job runs the entrypoint despite a default script.",
        "automount_token": "The pod's `automountServiceAccountToken`; `null` leaves the key out.",
        "timeout": "`decoration_config.timeout`, a Go duration such as `2h0m0s`; `null` keeps Prow's default.",
    },
    JobOverrides: {
        "mapping_prefix": "The job's MAPPING_FILE_PREFIX: it mirrors every ConfigMap key starting with it. Default:"
                          " `mapping_<org>`.",
        "enabled": "`false`: the org has mapping files but no job of its own (another org's job may mirror them).",
        "name": "The job's name. Default: `periodic-image-mirroring-<org>`.",
        "interval": "Run every `interval` (Prow's `interval:`, a Go duration such as `12h`) instead of on the cron"
                    " schedule.",
        "area": "The `ci.openshift.io/area` label of the job. Default: the org name.",
        "labels": "Further labels of the job (Kubernetes label keys and values).",
        "overrides": "Deep-merged into the rendered job last: mappings merge key by key, a `null` value deletes the"
                     " key, lists and scalars replace.",
    },
    ConfigMapSettings: {
        "name": "The ConfigMap holding every mapping file (a Kubernetes name); further shards are `<name>-2`, ...",
        "namespace": "The ConfigMap's namespace, where the jobs run.",
        "cluster": "The cluster the ConfigMap is applied to.",
        "shard_budget": "Bytes of mapping data (keys and values) per ConfigMap; past it the files are sharded over"
                        " `<name>`, `<name>-2`, ... The default leaves 100 KiB under etcd's 1 MiB object limit.",
        "shard": "Spread the files over several ConfigMaps once they outgrow the budget. Each new ConfigMap also needs"
                 " an entry in config-updater's `maps`, which mirrorgen does not write.",
        "gzip": "config-updater compresses each file (its `gzip: true`): the compressed bytes count against the"
                " budget.",
        "extra_clusters": "Clusters besides `cluster` that config-updater also applies the ConfigMap to, each with"
                          " its namespaces, as the checkout's config_updater entry lists them.",
    },
    VaultSettings: {
        "mount": "The KV version 2 mount the items live in (`kv` on vault.ci.openshift.org): they are under"
                 " `<mount>/<item_prefix>`.",
        "item_prefix": "The Vault path the push credentials' items live under (segments of letters, digits, `-`, `_`,"
                       " `.`).",
        "target_namespace": "The namespace ci-secret-bootstrap syncs the push secrets to.",
        "target_clusters": "The clusters ci-secret-bootstrap syncs the push secrets to.",
    },
    Settings: {
        "header": "Put a \"generated by mirrorgen\" comment at the top of every output whose format allows one.",
        "source_registry": "The registry whose namespaces need an access decision in namespaces.yaml (the CI registry"
                           " on app.ci).",
        "jobs": "Settings of every periodic-image-mirroring-<org> job unless the org's `job:` overrides them.",
        "configmap": "The ConfigMap the mapping files are published in.",
        "vault": "Where push credentials live in Vault and where ci-secret-bootstrap syncs them to.",
        "image_stream_registry": "Where mapping sources written as image-stream tags `ns/name:tag` are pulled from:"
                                 " `app.ci` (`source_registry`) or `qci` (`quay.io/openshift/ci:ns_name_tag`).",
        "scripts": "Bash scripts jobs may run (`job.script` names one); `{mapping_prefix}` in the text becomes the"
                   " job's prefix.",
        "job_order": "Org names in the order their jobs appear in the job file; orgs not listed follow in file name"
                     " order.",
        "defects": "Severity of the defects real release repositories contain (a destination named twice, TABs, the"
                   " decommissioned registry, ...): `error` blocks generation; `warning` lets them pass. Defects"
                   " listed in known-defects.yaml stay warnings either way.",
        "job_file_extra": "Top-level keys of the job file besides `periodics` (presubmits, postsubmits, ...), written as"
                          " they are.",
    },
    Org: {
        "destination": "The registry and organisation the org's push secret writes to (`quay.io/acme`), or a list of"
                       " them when its mapping files write to several; lint warns about destinations outside them.",
        "owners": "The OWNERS file of the org's folder core-services/image-mirroring/<org>/.",
        "job": "The org's periodic-image-mirroring job: anything left out comes from `jobs:` in mirrorgen.yaml.",
        "mappings": "The org's mapping files: each name (`mapping_<org>_...`, a ConfigMap key) maps to a `|` text block"
                    " of `SOURCE DESTINATION [DESTINATION ...]` lines for `oc image mirror`.",
        "folder": "`false`: there is no core-services/image-mirroring/<org>/ folder (a job without mapping files of its"
                  " own).",
        "other_files": "Files in the org folder that mirrorgen neither reads nor writes (documentation, tool"
                       " configuration).",
        "unprefixed_mappings": "Files in the org folder that hold mapping lines but lack the `mapping_` prefix, so they"
                               " never reach the ConfigMap; listed so that lint reports them.",
    },
    Namespace: {
        "access": "Who may pull the namespace's images on app.ci: `mirror-only`, `authenticated` or `public`.",
        "owners": "The OWNERS file of the namespace's registry-access folder.",
        "display_name": "The namespace's `openshift.io/display-name`.",
        "description": "The namespace's `openshift.io/description`.",
        "acknowledged": "Why the namespace is readable beyond the mirroring jobs, and who agreed: required for"
                        " `public`; on `authenticated` it silences the warning.",
        "public_acknowledged": "The older spelling of `acknowledged`; still read, so that existing inventories keep"
                               " their meaning.",
        "render_manifests": "`false`: the folder's manifests are written by hand (imported folders); mirrorgen writes"
                            " only its OWNERS.",
    },
    NamespacesFile: {
        "namespaces": "The CI namespaces mapping files copy from, by name, each with its access decision.",
    },
    ImgMirrorSchedule: {
        "description": "The pipeline schedule's description.",
        "branch": "The branch the schedule runs on.",
        "cron": "When the schedule runs: a five-field cron expression in `timezone`.",
        "timezone": "The schedule's time zone (a tz database name such as `UTC`).",
    },
    ImagesFile: {
        "approved_registries": "MP_APPROVED_REGISTRIES: registries the clusters may pull from directly.",
        "mirror_prefix": "Where img-mirror copies images from other registries:"
                         " `<mirror_prefix>/<upstream registry>/<upstream path>`.",
        "repository_path": "Where this file lives in the repository Renovate watches (its managerFilePatterns).",
        "renovate_post_upgrade_tasks": "Let self-hosted Renovate run `make generate` after a bump, so that its merge"
                                       " requests pass `mirrorgen check`.",
        "schedule": "The GitLab pipeline schedule that runs only the img-mirror job.",
        "images": "The IMAGES map: a name to one reference, `<image>:<tag>@sha256:<digest>`, which Renovate bumps in"
                  " place.",
    },
    KnownDefect: {
        "code": "The defect's code, as `mirrorgen validate` names it.",
        "file": "The inventory file the defect is in.",
        "subject": "What the defect is about (a file name, a job name, a destination, ...).",
    },
    KnownDefects: {
        "known_defects": "The defects accepted as they are: they stay warnings.",
    },
    QciGroup: {
        "owners": "The OWNERS of the group's entry.",
    },
    QciIntegration: {
        "admins": "The Rover group whose members may create bound (short-lived) tokens for the ServiceAccount.",
        "owners": "The OWNERS file of the integration's namespace folder.",
        "display_name": "The namespace's `openshift.io/display-name`.",
        "description": "The namespace's `openshift.io/description`.",
    },
    QciAccess: {
        "groups": "Rover groups, by name, whose members (people) may pull from QCI through quay-proxy.",
        "integrations": "Programmatic QCI access, by name: each gets a namespace on app.ci holding the ServiceAccount"
                        " `image-puller`.",
        "promotion_namespaces": "Namespaces ci-operator promotes images into for mirroring; each needs an access"
                                " decision in namespaces.yaml.",
    },
}

ACCESS_DOCS: dict[Access, str] = {
    Access.AUTHENTICATED: "Every authenticated user of app.ci (the documented image-puller binding); `acknowledged`"
                          " says why and who agreed.",
    Access.MIRROR_ONLY: "Only the mirroring jobs' ServiceAccount (`jobs.service_account`): least privilege.",
    Access.PUBLIC: "Anyone, even unauthenticated; needs `acknowledged`.",
}
