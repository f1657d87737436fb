/*
Copyright 2026 The Knative Authors

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

// alerteval evaluates the alert rules of a Markdown document over scrapes
// of a /metrics endpoint and prints, as JSON, what each alert fires for.
//
//	alerteval -rules docs/operating.md [-at UNIX_SECONDS] UNIX_MILLIS=FILE...
//
// Each argument is a scrape taken at UNIX_MILLIS; -at (default: the last
// scrape's time) is when the rules are evaluated, the scrapes moved to end
// there (see alertrules.Evaluate).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"knative.dev/net-certmanager/test/alertrules"
)

func main() {
	rules := flag.String("rules", "docs/operating.md", "Markdown file holding the alert rules")
	at := flag.Int64("at", 0, "evaluation time, Unix seconds (default: the last scrape's)")
	flag.Parse()
	if err := run(*rules, *at, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "alerteval:", err)
		os.Exit(1)
	}
}

func run(rulesPath string, at int64, args []string) error {
	alerts, err := alertrules.FromMarkdown(rulesPath)
	if err != nil {
		return err
	}
	var scrapes []alertrules.Scrape
	for _, arg := range args {
		millis, file, ok := strings.Cut(arg, "=")
		ms, err := strconv.ParseInt(millis, 10, 64)
		if !ok || err != nil {
			return fmt.Errorf("argument %q is not UNIX_MILLIS=FILE", arg)
		}
		text, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		scrapes = append(scrapes, alertrules.Scrape{At: time.UnixMilli(ms), Text: text})
	}
	sort.Slice(scrapes, func(i, j int) bool { return scrapes[i].At.Before(scrapes[j].At) })
	when := time.Unix(at, 0)
	if at == 0 && len(scrapes) > 0 {
		when = scrapes[len(scrapes)-1].At
	}
	firing, err := alertrules.Evaluate(alerts, scrapes, when)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(firing)
}
