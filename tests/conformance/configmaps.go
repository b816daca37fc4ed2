package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	zglob "github.com/mattn/go-zglob"
	"github.com/sirupsen/logrus"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/fake"
	"sigs.k8s.io/prow/pkg/github"
	"sigs.k8s.io/prow/pkg/plugins"
	"sigs.k8s.io/prow/pkg/plugins/updateconfig"
	"sigs.k8s.io/yaml"
)

const (
	mirroringDir = "core-services/image-mirroring"
	// Prow's plugin configuration in openshift/release: config-updater reads its maps only from this file.
	pluginsPath = "core-services/prow/02_config/_plugins.yaml"
	// Where mirrorgen writes its config_updater entries when the tree has no _plugins.yaml (issue 14, part 2):
	// a file of the same shape (`config_updater: {maps: ...}`), to be pasted into _plugins.yaml.
	fragmentPath = mirroringDir + "/_config-updater.yaml"
	// The ConfigMap manifests mirrorgen renders: _image-mirror-mappings.yaml, then -2.yaml, ... when sharded.
	manifestPattern = mirroringDir + "/_image-mirror-mappings*.yaml"
	// Kubernetes refuses a ConfigMap whose data and binaryData values together exceed this
	// (ValidateConfigMap in k8s.io/kubernetes pkg/apis/core/validation, limit core.MaxSecretSize).
	configMapLimit = 1024 * 1024
)

// defaultEntries is openshift/release's config_updater entry for the mapping files (and its global gzip).
const defaultEntries = `config_updater:
  gzip: false
  maps:
    core-services/image-mirroring/**/mapping_*:
      clusters:
        app.ci:
        - ci
      name: image-mirror-mappings
`

type configUpdater struct {
	plugins.ConfigUpdater
	source string
}

// loadConfigUpdater reads the config_updater section from the first of: --plugins, the tree's _plugins.yaml, the
// tree's fragment, openshift/release's entry; Prow's plugin loader validates it and resolves cluster groups.
// Only that section is loaded, so the rest of a real _plugins.yaml cannot fail the run.
func loadConfigUpdater(output, explicit string) (configUpdater, error) {
	source, text := explicit, []byte(nil)
	if source == "" {
		for _, candidate := range []string{pluginsPath, fragmentPath} {
			if _, err := os.Stat(filepath.Join(output, candidate)); err == nil {
				source = filepath.Join(output, candidate)
				break
			}
		}
	}
	if source == "" {
		source, text = "openshift/release's entry for "+mirroringDir+"/**/mapping_* (none in the tree)", []byte(defaultEntries)
	} else {
		var err error
		if text, err = os.ReadFile(source); err != nil {
			return configUpdater{}, fmt.Errorf("cannot read the config_updater maps: %w", err)
		}
	}
	asJSON, err := yaml.YAMLToJSON(text)
	if err != nil {
		return configUpdater{}, fmt.Errorf("%s: %v", source, err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(asJSON, &top); err != nil || top["config_updater"] == nil {
		return configUpdater{}, fmt.Errorf("%s: no config_updater section (a mapping with config_updater.maps)", source)
	}
	dir, err := os.MkdirTemp("", "conformance-plugins-")
	if err != nil {
		return configUpdater{}, err
	}
	defer os.RemoveAll(dir)
	only, _ := json.Marshal(map[string]json.RawMessage{"config_updater": top["config_updater"]})
	file := filepath.Join(dir, "_plugins.yaml")
	if err := os.WriteFile(file, only, 0o644); err != nil {
		return configUpdater{}, err
	}
	agent := &plugins.ConfigAgent{}
	if err := agent.Load(file, nil, "", false, false); err != nil {
		return configUpdater{}, fmt.Errorf("%s: Prow refuses its config_updater section: %s", source, oneLine(strings.ReplaceAll(err.Error(), file, source)))
	}
	return configUpdater{agent.Config().ConfigUpdater, source}, nil
}

// builtConfigMap is one ConfigMap as config-updater leaves it on a cluster, with the file behind each key.
type builtConfigMap struct {
	id      plugins.ConfigMapID
	object  *corev1.ConfigMap
	files   map[string]string // key → the file whose content it holds
	gzipped map[string]bool
}

type configMapsReport struct {
	built    []builtConfigMap
	keys     int
	problems []string
}

// checkConfigMaps builds the ConfigMaps as Prow's config-bootstrapper does (every file of the tree is a change,
// config-updater's FilterChanges picks those its maps match, Update writes them into an empty cluster), keeps
// those that receive mapping files from core-services/image-mirroring/ or that mirrorgen rendered, and compares
// them with mirrorgen's manifests.
func checkConfigMaps(output string, updater configUpdater) (configMapsReport, error) {
	var report configMapsReport
	changes, err := treeChanges(output)
	if err != nil {
		return report, err
	}
	manifests, problems, err := readManifests(output)
	if err != nil {
		return report, err
	}
	report.problems = append(report.problems, problems...)
	globs, err := compileMaps(updater.ConfigUpdater)
	if err != nil {
		return report, err
	}
	changes = relevantChanges(changes, globs, manifests)
	report.problems = append(report.problems, ambiguousFiles(output, globs, changes)...)

	logger := logrus.NewEntry(logrus.StandardLogger())
	updates := updateconfig.FilterChanges(updater.ConfigUpdater, changes, prowNamespace, true, logger)
	ids := make([]plugins.ConfigMapID, 0, len(updates))
	for id, list := range updates {
		_, rendered := manifests[namespacedName(id.Namespace, id.Name)]
		if rendered || fromMirroring(list) {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := ids[i], ids[j]
		return a.Cluster+"\x00"+a.Namespace+"\x00"+a.Name < b.Cluster+"\x00"+b.Namespace+"\x00"+b.Name
	})
	clusters := map[string]*fake.Clientset{}
	for _, id := range ids {
		if clusters[id.Cluster] == nil {
			clusters[id.Cluster] = fake.NewSimpleClientset()
		}
		client := clusters[id.Cluster].CoreV1().ConfigMaps(id.Namespace)
		getter := &updateconfig.OSFileGetter{Root: output}
		if err := updateconfig.Update(getter, client, id.Name, id.Namespace, updates[id], true, nil, logger, ""); err != nil {
			return report, fmt.Errorf("config-updater failed on ConfigMap %s: %w", describe(id), err)
		}
		object, err := client.Get(context.Background(), id.Name, metav1.GetOptions{})
		if err != nil {
			return report, err
		}
		built := builtConfigMap{id: id, object: object, files: map[string]string{}, gzipped: map[string]bool{}}
		for _, update := range updates[id] {
			if update.Filename != "" {
				built.files[update.Key] = update.Filename
				built.gzipped[update.Key] = update.GZIP
			}
		}
		report.built = append(report.built, built)
		report.keys += len(object.Data) + len(object.BinaryData)
		report.problems = append(report.problems, compareConfigMap(output, built, manifests)...)
	}
	for _, name := range sortedKeys(manifests) {
		found := false
		for _, built := range report.built {
			found = found || namespacedName(built.id.Namespace, built.id.Name) == name
		}
		if !found {
			report.problems = append(report.problems, fmt.Sprintf("%s: ConfigMap %s: config-updater builds no such ConfigMap from"+
				" this tree (no config_updater map sends a file to it)", manifests[name].path, name))
		}
	}
	return report, nil
}

// treeChanges lists every file of the tree as an added file, by its slash path from the root, as
// config-bootstrapper does.
func treeChanges(output string) ([]github.PullRequestChange, error) {
	var changes []github.PullRequestChange
	err := filepath.WalkDir(output, func(path string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if entry.IsDir() {
			if entry.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		relative, err := filepath.Rel(output, path)
		if err != nil {
			return err
		}
		changes = append(changes, github.PullRequestChange{Filename: filepath.ToSlash(relative), Status: github.PullRequestFileAdded})
		return nil
	})
	return changes, err
}

// fromMirroring: the updates carry a mapping file (mirrorgen names every one mapping_*), so the ConfigMap is one a
// job may mount; other files of the folder (OWNERS, the manifests) may go wherever other maps send them.
func fromMirroring(updates []updateconfig.ConfigMapUpdate) bool {
	for _, update := range updates {
		if strings.HasPrefix(update.Filename, mirroringDir+"/") && strings.HasPrefix(path.Base(update.Filename), "mapping_") {
			return true
		}
	}
	return false
}

type compiledMap struct {
	pattern string
	names   []string // the ConfigMap, or its partitions
	glob    interface{ Match(string) bool }
}

// compileMaps compiles each pattern once: FilterChanges compiles every pattern for every file, which on a whole
// release checkout (tens of thousands of files, hundreds of maps) takes minutes.
func compileMaps(updater plugins.ConfigUpdater) ([]compiledMap, error) {
	var compiled []compiledMap
	for _, pattern := range sortedKeys(updater.Maps) {
		glob, err := zglob.New(pattern)
		if err != nil {
			return nil, fmt.Errorf("config_updater pattern %s: %w", pattern, err)
		}
		spec := updater.Maps[pattern]
		compiled = append(compiled, compiledMap{pattern, append([]string{spec.Name}, spec.PartitionedNames...), glob})
	}
	return compiled, nil
}

// relevantChanges keeps the files that can reach mirrorgen's ConfigMaps: those under core-services/image-mirroring/
// and those a map sends to a ConfigMap of a rendered name.
func relevantChanges(changes []github.PullRequestChange, globs []compiledMap, manifests map[string]manifest) []github.PullRequestChange {
	rendered := map[string]bool{}
	for _, found := range manifests {
		rendered[found.object.Name] = true
	}
	var kept []github.PullRequestChange
	for _, change := range changes {
		keep := strings.HasPrefix(change.Filename, mirroringDir+"/")
		for _, glob := range globs {
			if keep {
				break
			}
			for _, name := range glob.names {
				keep = keep || (rendered[name] && glob.glob.Match(change.Filename))
			}
		}
		if keep {
			kept = append(kept, change)
		}
	}
	return kept
}

// ambiguousFiles are files that more than one map matches: config-updater takes the first match in Go's random
// map order, so such a file lands in either ConfigMap.
func ambiguousFiles(output string, globs []compiledMap, changes []github.PullRequestChange) []string {
	var problems []string
	for _, change := range changes {
		var matched []string
		for _, glob := range globs {
			if glob.glob.Match(change.Filename) {
				matched = append(matched, glob.pattern)
			}
		}
		if len(matched) > 1 {
			problems = append(problems, fmt.Sprintf("%s: config_updater maps %s all match this file; config-updater picks one"+
				" at random each time: make the patterns exclusive", filepath.Join(output, change.Filename), strings.Join(matched, ", ")))
		}
	}
	return problems
}

type manifest struct {
	path   string
	object corev1.ConfigMap
}

// readManifests reads the ConfigMap documents of every _image-mirror-mappings*.yaml, by namespace/name.
func readManifests(output string) (map[string]manifest, []string, error) {
	paths, err := filepath.Glob(filepath.Join(output, manifestPattern))
	if err != nil {
		return nil, nil, err
	}
	found := map[string]manifest{}
	var problems []string
	for _, path := range paths {
		text, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, err
		}
		reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(text)))
		for {
			document, err := reader.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", path, err))
				break
			}
			if len(bytes.TrimSpace(document)) == 0 {
				continue
			}
			var object corev1.ConfigMap
			if err := yaml.UnmarshalStrict(document, &object); err != nil {
				problems = append(problems, fmt.Sprintf("%s: not a ConfigMap manifest: %s", path, oneLine(err.Error())))
				continue
			}
			if object.Kind != "ConfigMap" || object.APIVersion != "v1" {
				problems = append(problems, fmt.Sprintf("%s: a document of kind %q (%s), not a v1 ConfigMap", path, object.Kind, object.APIVersion))
				continue
			}
			namespace := object.Namespace
			if namespace == "" {
				namespace = prowNamespace
			}
			name := namespacedName(namespace, object.Name)
			if earlier, ok := found[name]; ok {
				problems = append(problems, fmt.Sprintf("%s: ConfigMap %s is also in %s", path, name, earlier.path))
				continue
			}
			found[name] = manifest{path, object}
		}
	}
	if len(paths) == 0 {
		problems = append(problems, fmt.Sprintf("%s: no ConfigMap manifest (%s) to compare with", output, manifestPattern))
	}
	return found, problems, nil
}

// compareConfigMap compares one built ConfigMap with the manifest of its namespace/name, key by key and byte by
// byte. A key config-updater gzips is compared uncompressed: mirrorgen's manifests show files as written.
func compareConfigMap(output string, built builtConfigMap, manifests map[string]manifest) []string {
	name := namespacedName(built.id.Namespace, built.id.Name)
	rendered, ok := manifests[name]
	if !ok {
		return []string{fmt.Sprintf("%s: config-updater builds ConfigMap %s on cluster %s from %d file%s (%s, ...), but no manifest"+
			" %s renders it", filepath.Join(output, mirroringDir), name, built.id.Cluster, len(built.files), plural(len(built.files)),
			firstFile(built.files), filepath.Base(manifestPattern))}
	}
	where := fmt.Sprintf("%s: ConfigMap %s", rendered.path, name)
	var problems []string
	size := 0
	keys := map[string]bool{}
	for key, value := range built.object.Data {
		keys[key] = true
		size += len(value)
	}
	for key, value := range built.object.BinaryData {
		keys[key] = true
		size += len(value)
	}
	for key := range rendered.object.Data {
		keys[key] = true
	}
	for key := range rendered.object.BinaryData {
		keys[key] = true
	}
	if size > configMapLimit {
		problems = append(problems, fmt.Sprintf("%s: config-updater stores %d bytes in it, over the %d bytes Kubernetes allows a"+
			" ConfigMap: the API server refuses it", where, size, configMapLimit))
	}
	for _, key := range sortedKeys(keys) {
		wantText, wantIsText := built.object.Data[key]
		wantBinary, wantIsBinary := built.object.BinaryData[key]
		haveText, haveIsText := rendered.object.Data[key]
		haveBinary, haveIsBinary := rendered.object.BinaryData[key]
		file := built.files[key]
		switch {
		case !wantIsText && !wantIsBinary:
			problems = append(problems, fmt.Sprintf("%s: key %s: in the manifest, but config-updater puts no file under this key", where, key))
			continue
		case !haveIsText && !haveIsBinary:
			problems = append(problems, fmt.Sprintf("%s: key %s: config-updater puts %s under this key; the manifest lacks it", where, key, file))
			continue
		}
		want := []byte(wantText)
		if wantIsBinary {
			want = wantBinary
		}
		have := []byte(haveText)
		if haveIsBinary {
			have = haveBinary
		}
		bag := func(binary bool) string {
			if binary {
				return "binaryData"
			}
			return "data"
		}
		if built.gzipped[key] {
			unzipped, err := gunzip(want)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: key %s: config-updater's gzip of %s does not decompress: %v", where, key, file, err))
				continue
			}
			if !bytes.Equal(unzipped, have) {
				problems = append(problems, fmt.Sprintf("%s: key %s: differs from %s as config-updater stores it (gzipped in %s,"+
					" compared uncompressed): %s", where, key, file, bag(wantIsBinary), firstDifference(unzipped, have)))
			}
			continue
		}
		if wantIsBinary != haveIsBinary {
			problems = append(problems, fmt.Sprintf("%s: key %s: config-updater stores %s under %s (it is %s UTF-8), the manifest under %s",
				where, key, file, bag(wantIsBinary), map[bool]string{true: "not", false: "valid"}[wantIsBinary], bag(haveIsBinary)))
			continue
		}
		if !bytes.Equal(want, have) {
			problems = append(problems, fmt.Sprintf("%s: key %s: differs from %s as config-updater stores it (%s): %s",
				where, key, file, bag(wantIsBinary), firstDifference(want, have)))
		}
	}
	return problems
}

func gunzip(data []byte) ([]byte, error) {
	reader, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer reader.Close()
	return io.ReadAll(reader)
}

// firstDifference says where two values part: the byte offset, the line, and both lengths.
func firstDifference(want, have []byte) string {
	at := 0
	for at < len(want) && at < len(have) && want[at] == have[at] {
		at++
	}
	line := bytes.Count(want[:at], []byte("\n")) + 1
	return fmt.Sprintf("first difference at byte %d (line %d); config-updater %d bytes, manifest %d bytes", at, line, len(want), len(have))
}

func firstFile(files map[string]string) string {
	names := make([]string, 0, len(files))
	for _, file := range files {
		names = append(names, file)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "no file"
	}
	return names[0]
}

func namespacedName(namespace, name string) string { return namespace + "/" + name }

func describe(id plugins.ConfigMapID) string {
	return fmt.Sprintf("%s on cluster %s", namespacedName(id.Namespace, id.Name), id.Cluster)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return keys
}
