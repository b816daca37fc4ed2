// Command conformance judges a mirrorgen output tree with Prow's own code: Prow's config loader reads the job
// file (as `checkconfig --strict` does), and Prow's config-updater builds the mappings ConfigMaps from the mapping
// files, which must equal, key by key and byte by byte, the ConfigMap manifests mirrorgen rendered.
//
// Usage: conformance [--output DIR] [--plugins FILE]
//
// Exit status: 0 when Prow accepts everything and the ConfigMaps are equal, 1 when it does not (every problem is
// printed as `path: what`), 2 when the tree cannot be judged at all (a missing job file, say).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	flags := flag.NewFlagSet("conformance", flag.ContinueOnError)
	output := flags.String("output", "generated", "the output tree mirrorgen wrote (paths as in openshift/release)")
	pluginsFile := flags.String("plugins", "", "a Prow plugins file (or fragment) whose config_updater section maps the mapping files;"+
		" default: "+pluginsPath+" or "+fragmentPath+" in the tree, else openshift/release's entry")
	if err := flags.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "conformance: error: unexpected argument %q (the tree is given with --output)\n", flags.Arg(0))
		os.Exit(2)
	}
	os.Exit(run(*output, *pluginsFile, os.Stdout))
}

func run(output, pluginsFile string, out io.Writer) int {
	if info, err := os.Stat(output); err != nil || !info.IsDir() {
		fmt.Fprintf(out, "conformance: error: output tree %s is not a directory\n", output)
		return 2
	}
	jobs, err := checkJobs(output)
	if err != nil {
		fmt.Fprintf(out, "conformance: error: %v\n", err)
		return 2
	}
	updater, err := loadConfigUpdater(output, pluginsFile)
	if err != nil {
		fmt.Fprintf(out, "conformance: error: %v\n", err)
		return 2
	}
	maps, err := checkConfigMaps(output, updater)
	if err != nil {
		fmt.Fprintf(out, "conformance: error: %v\n", err)
		return 2
	}
	routing := checkRouting(jobs, maps)

	for _, problems := range [][]string{jobs.problems, maps.problems, routing} {
		for _, problem := range problems {
			fmt.Fprintln(out, problem)
		}
	}
	fmt.Fprintf(out, "config-updater maps: %s\n", updater.source)
	verdict := "equal"
	if differences := len(maps.problems) + len(routing); differences > 0 {
		verdict = fmt.Sprintf("%d difference%s", differences, plural(differences))
	}
	fmt.Fprintf(out, "prow: %d periodics loaded, %d error%s; config-updater: %d ConfigMap%s, %d key%s, %s\n",
		len(jobs.periodics), len(jobs.problems), plural(len(jobs.problems)),
		len(maps.built), plural(len(maps.built)), maps.keys, plural(maps.keys), verdict)
	if len(jobs.problems)+len(maps.problems)+len(routing) > 0 {
		return 1
	}
	return 0
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// oneLine keeps every message on one line, as a report of `path: what` lines must be.
func oneLine(message string) string {
	return strings.ReplaceAll(strings.TrimSpace(message), "\n", " ")
}
