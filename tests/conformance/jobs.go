package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/sirupsen/logrus"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"sigs.k8s.io/prow/pkg/config"
	"sigs.k8s.io/yaml"
)

const (
	jobsPath = "ci-operator/jobs/infra-image-mirroring.yaml"
	// Where Prow runs the job pods and where config-updater puts ConfigMaps that name no namespace
	// (openshift/release's pod_namespace and prowjob_namespace).
	prowNamespace = "ci"
)

// minimalProwConfig is the least Prow configuration under which decorated periodics validate: the job pods'
// namespace and the default decoration config (utility images, where logs go) that Prow merges into every
// decorated job before validating it. The values are placeholders shaped like openshift/release's.
const minimalProwConfig = `prowjob_namespace: ` + prowNamespace + `
pod_namespace: ` + prowNamespace + `
plank:
  default_decoration_config_entries:
  - config:
      gcs_configuration:
        bucket: test-platform-results
        default_org: openshift
        default_repo: origin
        path_strategy: single
      gcs_credentials_secret: gce-sa-credentials-gcs-publisher
      utility_images:
        clonerefs: us-docker.pkg.dev/k8s-infra-prow/images/clonerefs:latest
        entrypoint: us-docker.pkg.dev/k8s-infra-prow/images/entrypoint:latest
        initupload: us-docker.pkg.dev/k8s-infra-prow/images/initupload:latest
        sidecar: us-docker.pkg.dev/k8s-infra-prow/images/sidecar:latest
`

type jobsReport struct {
	path      string
	periodics []config.Periodic
	problems  []string
}

// warningHook keeps what Prow logs at warning level or above while it loads a file: checkconfig --strict fails
// on warnings, so they are problems too.
type warningHook struct{ messages []string }

func (h *warningHook) Levels() []logrus.Level {
	return []logrus.Level{logrus.PanicLevel, logrus.FatalLevel, logrus.ErrorLevel, logrus.WarnLevel}
}

func (h *warningHook) Fire(entry *logrus.Entry) error {
	h.messages = append(h.messages, entry.Message)
	return nil
}

func (h *warningHook) drain() []string {
	messages := h.messages
	h.messages = nil
	return messages
}

// prowLoader loads job files with config.LoadStrict: unknown fields in a job are errors, then Prow defaults and
// validates every job as its components do on start.
type prowLoader struct {
	dir, prowConfig string
	hook            *warningHook
}

func newProwLoader() (*prowLoader, error) {
	dir, err := os.MkdirTemp("", "conformance-")
	if err != nil {
		return nil, err
	}
	prowConfig := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(prowConfig, []byte(minimalProwConfig), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	hook := &warningHook{}
	logrus.SetOutput(io.Discard)
	logrus.AddHook(hook)
	return &prowLoader{dir: dir, prowConfig: prowConfig, hook: hook}, nil
}

func (l *prowLoader) close() { os.RemoveAll(l.dir) }

// load writes `top` as a job file and loads it; messages are Prow's errors and warnings, one per line, with the
// temporary file's path replaced by `shownAs`.
func (l *prowLoader) load(top map[string]json.RawMessage, shownAs string) (*config.Config, []string, error) {
	text, err := json.Marshal(top)
	if err != nil {
		return nil, nil, err
	}
	file := filepath.Join(l.dir, filepath.Base(shownAs))
	if err := os.WriteFile(file, text, 0o644); err != nil {
		return nil, nil, err
	}
	cfg, loadErr := config.LoadStrict(l.prowConfig, file, nil, "")
	var messages []string
	for _, message := range append(errorMessages(loadErr), l.hook.drain()...) {
		messages = append(messages, oneLine(strings.ReplaceAll(message, file, shownAs)))
	}
	return cfg, messages, nil
}

func errorMessages(err error) []string {
	if err == nil {
		return nil
	}
	var aggregate utilerrors.Aggregate
	if !errors.As(err, &aggregate) {
		return []string{err.Error()}
	}
	var messages []string
	for _, one := range utilerrors.Flatten(aggregate).Errors() {
		messages = append(messages, one.Error())
	}
	return messages
}

// checkJobs loads the job file with Prow's loader. Each periodic is first loaded alone, so that every problem is
// told with the job it belongs to (Prow stops at the first unknown field of a file); the file is then loaded with
// the periodics that passed, for what only the whole file shows (two jobs of one name). The periodics reported
// loaded are those Prow accepts alone.
func checkJobs(output string) (jobsReport, error) {
	report := jobsReport{path: filepath.Join(output, jobsPath)}
	raw, err := os.ReadFile(report.path)
	if err != nil {
		return report, fmt.Errorf("cannot read the job file: %w", err)
	}
	loader, err := newProwLoader()
	if err != nil {
		return report, err
	}
	defer loader.close()

	top, items, ok := splitJobFile(raw)
	if !ok {
		// Not a mapping with a list of periodics: Prow's own words for what is wrong with the file.
		_, loadErr := config.LoadStrict(loader.prowConfig, report.path, nil, "")
		for _, message := range append(errorMessages(loadErr), loader.hook.drain()...) {
			report.problems = append(report.problems, fmt.Sprintf("%s: %s", report.path, oneLine(message)))
		}
		if len(report.problems) == 0 {
			report.problems = append(report.problems, fmt.Sprintf("%s: `periodics` must be a list of jobs", report.path))
		}
		return report, nil
	}

	names := make([]string, len(items))
	var kept []json.RawMessage
	for i, item := range items {
		names[i] = periodicName(item, i)
		cfg, messages, err := loader.load(map[string]json.RawMessage{"periodics": mustList([]json.RawMessage{item})}, report.path)
		if err != nil {
			return report, err
		}
		for _, message := range messages {
			report.problems = append(report.problems, fmt.Sprintf("%s: job %s: %s", report.path, names[i], message))
		}
		if len(messages) == 0 {
			kept = append(kept, item)
			// As Prow defaulted it: the same defaulting applies to a job alone and in its file.
			report.periodics = append(report.periodics, cfg.Periodics...)
		}
	}

	top["periodics"] = mustList(kept)
	_, messages, err := loader.load(top, report.path)
	if err != nil {
		return report, err
	}
	for _, message := range messages {
		if name := namedJob(message, names); name != "" {
			report.problems = append(report.problems, fmt.Sprintf("%s: job %s: %s", report.path, name, message))
		} else {
			report.problems = append(report.problems, fmt.Sprintf("%s: %s", report.path, message))
		}
	}
	return report, nil
}

// splitJobFile reads the file as Prow does (YAML turned into JSON by sigs.k8s.io/yaml) and returns its top-level
// keys and the periodics, each as the exact JSON Prow would decode.
func splitJobFile(raw []byte) (map[string]json.RawMessage, []json.RawMessage, bool) {
	text, err := yaml.YAMLToJSON(raw)
	if err != nil {
		return nil, nil, false
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(text, &top); err != nil || top == nil {
		return nil, nil, false
	}
	var items []json.RawMessage
	if list, ok := top["periodics"]; ok && string(list) != "null" {
		if err := json.Unmarshal(list, &items); err != nil {
			return nil, nil, false
		}
	}
	return top, items, true
}

func mustList(items []json.RawMessage) json.RawMessage {
	if items == nil {
		items = []json.RawMessage{}
	}
	text, err := json.Marshal(items)
	if err != nil {
		panic(err) // raw JSON that was parsed once always marshals again
	}
	return text
}

func periodicName(item json.RawMessage, index int) string {
	var named struct {
		Name any `json:"name"`
	}
	if json.Unmarshal(item, &named) == nil {
		if name, ok := named.Name.(string); ok && name != "" {
			return name
		}
	}
	return fmt.Sprintf("#%d (no name)", index+1)
}

// namedJob is the job a whole-file message is about: the longest job name it contains as a whole word.
func namedJob(message string, names []string) string {
	sorted := append([]string(nil), names...)
	sort.Slice(sorted, func(i, j int) bool { return len(sorted[i]) > len(sorted[j]) })
	for _, name := range sorted {
		word := regexp.MustCompile(`(^|[^-._A-Za-z0-9])` + regexp.QuoteMeta(name) + `($|[^-._A-Za-z0-9])`)
		if word.MatchString(message) {
			return name
		}
	}
	return ""
}
