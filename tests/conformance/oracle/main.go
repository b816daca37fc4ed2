// Command oracle answers, with the libraries Prow itself uses, two questions the Python tests cannot answer by
// themselves (issue 18, "independent oracles"):
//
//   - How does go-yaml v2 (gopkg.in/yaml.v2, which Prow's config loader and sigs.k8s.io/yaml read with) type every
//     scalar of a YAML document? PyYAML reads YAML 1.1 and differs from go-yaml v2 on `0x1F`, `1e3`, `2001-2-30`,
//     `0b101`, `+1`, ... so a string mirrorgen quoted for PyYAML may still turn into a number for Prow.
//   - Does robfig/cron.v2's Parse, which Prow's config validation runs on every periodic, accept a cron string?
//
// It reads one JSON request per line on stdin and writes one JSON answer per line on stdout:
//
//	{"yaml": "<stream>"} -> {"docs": [<typed tree>, ...]} or {"error": "..."}
//	{"order": ["key", ...]} -> {"keys": [...]}: the order go-yaml v2 writes those map keys in
//	{"cron": "<expression>"} -> {"error": ""} when Parse accepts it, else {"error": "<robfig's message>"}
//	                            ({"error": "robfig/cron.v2 Parse does not return"} when it hangs; the oracle
//	                            then exits with status 3 and answers nothing more)
//
// A typed tree keeps go-yaml's decision visible: a mapping is {"map": [[key, value], ...]} sorted by key, a
// sequence {"seq": [...]}, and a scalar {"<kind>": "<text>"}, kind one of str, bool, int, float, null.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	cron "gopkg.in/robfig/cron.v2"
	yaml "gopkg.in/yaml.v2"
)

// hangs is the answer for a cron expression Parse does not return from within hangAfter (generous on a loaded
// machine: Parse of a valid expression takes microseconds).
const (
	hangs     = "robfig/cron.v2 Parse does not return"
	hangAfter = 2 * time.Second
	exitHung  = 3
)

type request struct {
	YAML  *string  `json:"yaml"`
	Cron  *string  `json:"cron"`
	Order []string `json:"order"`
}

type answer struct {
	Docs  []interface{} `json:"docs,omitempty"`
	Keys  []string      `json:"keys,omitempty"`
	Error *string       `json:"error,omitempty"`
}

// typed turns what yaml.v2 decoded into a tree that says which Go type each scalar got.
func typed(value interface{}) interface{} {
	switch v := value.(type) {
	case map[interface{}]interface{}:
		pairs := make([][2]interface{}, 0, len(v))
		for key, item := range v {
			pairs = append(pairs, [2]interface{}{typed(key), typed(item)})
		}
		// Go randomises map order; the answer must not change between runs.
		sort.Slice(pairs, func(i, j int) bool { return fmt.Sprint(pairs[i][0]) < fmt.Sprint(pairs[j][0]) })
		return map[string]interface{}{"map": pairs}
	case []interface{}:
		items := make([]interface{}, 0, len(v))
		for _, item := range v {
			items = append(items, typed(item))
		}
		return map[string]interface{}{"seq": items}
	case string:
		return map[string]string{"str": v}
	case bool:
		return map[string]string{"bool": strconv.FormatBool(v)}
	case int:
		return map[string]string{"int": strconv.Itoa(v)}
	case int64:
		return map[string]string{"int": strconv.FormatInt(v, 10)}
	case uint64:
		return map[string]string{"int": strconv.FormatUint(v, 10)}
	case float64:
		return map[string]string{"float": strconv.FormatFloat(v, 'g', -1, 64)}
	case nil:
		return map[string]string{"null": ""}
	default:
		return map[string]string{fmt.Sprintf("%T", v): fmt.Sprint(v)}
	}
}

func answerFor(req request) answer {
	switch {
	case req.YAML != nil:
		// Every document of the stream, as interface{}: what sigs.k8s.io/yaml hands on to encoding/json.
		decoder := yaml.NewDecoder(strings.NewReader(*req.YAML))
		docs := []interface{}{}
		for {
			var doc interface{}
			err := decoder.Decode(&doc)
			if err == io.EOF {
				break
			}
			if err != nil {
				message := err.Error()
				return answer{Error: &message}
			}
			docs = append(docs, typed(doc))
		}
		return answer{Docs: docs}
	case req.Cron != nil:
		// cron.v2's Parse never returns for a step of 0 (`*/0`: its range loop adds 0 forever), so Prow would hang
		// loading such a job. That is an answer too; main then exits (exitHung) so that the spinning goroutine
		// does not keep a CPU busy, and the caller starts a new oracle for the requests that are left.
		done := make(chan string, 1)
		go func(expression string) {
			message := ""
			if _, err := cron.Parse(expression); err != nil {
				message = err.Error()
			}
			done <- message
		}(*req.Cron)
		select {
		case message := <-done:
			return answer{Error: &message}
		case <-time.After(hangAfter):
			message := hangs
			return answer{Error: &message}
		}
	case req.Order != nil:
		// The order go-yaml v2 writes a map's keys in (its keyList.Less), read back from what it writes.
		mapping := map[string]int{}
		for _, key := range req.Order {
			mapping[key] = 0
		}
		text, err := yaml.Marshal(mapping)
		var written yaml.MapSlice
		if err == nil {
			err = yaml.Unmarshal(text, &written)
		}
		if err != nil {
			message := err.Error()
			return answer{Error: &message}
		}
		keys := make([]string, 0, len(written))
		for _, item := range written {
			keys = append(keys, fmt.Sprint(item.Key))
		}
		return answer{Keys: keys}
	}
	message := "a request needs \"yaml\", \"cron\" or \"order\""
	return answer{Error: &message}
}

func main() {
	// cron.v2 logs every refusal through the standard logger as well; the answer already carries it.
	log.SetOutput(io.Discard)
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<30)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			fmt.Fprintf(os.Stderr, "oracle: a request is not JSON: %v\n", err)
			os.Exit(2)
		}
		reply := answerFor(req)
		if err := out.Encode(reply); err != nil {
			fmt.Fprintf(os.Stderr, "oracle: %v\n", err)
			os.Exit(2)
		}
		if reply.Error != nil && *reply.Error == hangs {
			os.Exit(exitHung)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintf(os.Stderr, "oracle: %v\n", err)
		os.Exit(2)
	}
}
