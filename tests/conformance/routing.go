package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/prow/pkg/config"
)

// The image-mirror image reads the mapping files from this folder: its entrypoint mirrors every file whose name
// starts with $MAPPING_FILE_PREFIX, and the older hand-written bash jobs loop over `/etc/imagemirror/<prefix>*`.
const (
	mappingsMount = "/etc/imagemirror"
	prefixEnv     = "MAPPING_FILE_PREFIX"
)

var scriptGlob = regexp.MustCompile(regexp.QuoteMeta(mappingsMount) + `/([-._A-Za-z0-9]*)\*`)

// checkRouting: every key a mirroring job reads (its prefix) must sit in a ConfigMap that the job mounts at the
// mappings folder, on the job's cluster and in its namespace, and every ConfigMap it mounts there must be one
// that config-updater builds. Periodics that read no mapping files are left alone.
func checkRouting(jobs jobsReport, maps configMapsReport) []string {
	var problems []string
	for _, job := range jobs.periodics {
		prefixes, mounted := mirroringInputs(job)
		if len(prefixes) == 0 {
			continue
		}
		namespace := prowNamespace
		if job.Namespace != nil {
			namespace = *job.Namespace
		}
		where := fmt.Sprintf("%s: job %s", jobs.path, job.Name)
		for _, name := range sortedKeys(mounted) {
			if !builds(maps, job.Cluster, namespace, name) {
				problems = append(problems, fmt.Sprintf("%s: mounts ConfigMap %s at %s, which config-updater does not build on cluster %s",
					where, namespacedName(namespace, name), mappingsMount, job.Cluster))
			}
		}
		for _, built := range maps.built {
			if built.id.Cluster != job.Cluster || built.id.Namespace != namespace || mounted[built.id.Name] {
				continue
			}
			for _, key := range sortedKeys(built.files) {
				if prefix := matchingPrefix(key, prefixes); prefix != nil {
					problems = append(problems, fmt.Sprintf("%s: mirrors the files starting with %s, but config-updater puts %s (from %s)"+
						" into ConfigMap %s, which the job does not mount (it mounts %s)", where, *prefix, key, built.files[key],
						namespacedName(namespace, built.id.Name), strings.Join(sortedKeys(mounted), ", ")))
				}
			}
		}
	}
	return problems
}

func matchingPrefix(key string, prefixes []string) *string {
	for i := range prefixes {
		if strings.HasPrefix(key, prefixes[i]) {
			return &prefixes[i]
		}
	}
	return nil
}

// mirroringInputs are the prefixes of the files a job mirrors (none for a job that mirrors none) and the
// ConfigMaps it mounts at the mappings folder.
func mirroringInputs(job config.Periodic) ([]string, map[string]bool) {
	mounted := map[string]bool{}
	if job.Spec == nil {
		return nil, mounted
	}
	configMaps := map[string]string{}
	for _, volume := range job.Spec.Volumes {
		if volume.ConfigMap != nil {
			configMaps[volume.Name] = volume.ConfigMap.Name
		}
	}
	var prefixes []string
	for _, container := range job.Spec.Containers {
		for _, mount := range container.VolumeMounts {
			if name, ok := configMaps[mount.Name]; ok && strings.TrimRight(mount.MountPath, "/") == mappingsMount {
				mounted[name] = true
			}
		}
		prefixes = append(prefixes, containerPrefixes(container)...)
	}
	return prefixes, mounted
}

func containerPrefixes(container corev1.Container) []string {
	for _, env := range container.Env {
		if env.Name == prefixEnv {
			return []string{env.Value}
		}
	}
	var prefixes []string
	for _, word := range append(append([]string(nil), container.Command...), container.Args...) {
		for _, match := range scriptGlob.FindAllStringSubmatch(word, -1) {
			prefixes = append(prefixes, match[1])
		}
	}
	sort.Strings(prefixes)
	return prefixes
}

func builds(maps configMapsReport, cluster, namespace, name string) bool {
	for _, built := range maps.built {
		if built.id.Cluster == cluster && built.id.Namespace == namespace && built.id.Name == name {
			return true
		}
	}
	return false
}
