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

package alertrules

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// The documented rules parse and validate as Prometheus' own rule files do.
func TestDocumentedRules(t *testing.T) {
	alerts, err := FromMarkdown("../../docs/operating.md")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range alerts {
		names = append(names, a.Name)
	}
	t.Logf("documented alerts: %v", names)
	if len(names) == 0 || !slices.Contains(names, "KnativeCertificateExpiringNotRenewed") {
		t.Errorf("alerts %v lack the expiry alert", names)
	}
}

func TestRuleBlock(t *testing.T) {
	for _, tc := range []struct {
		name, doc, want, wantErr string
	}{{
		name: "the block that opens with groups:",
		doc:  "text\n```yaml\nother: 1\n```\n```yaml\ngroups:\n  - name: g\n```\nmore",
		want: "groups:\n  - name: g\n",
	}, {
		name:    "none",
		doc:     "```yaml\nother: 1\n```\n",
		wantErr: "found 0",
	}, {
		name:    "two, one of which would drift",
		doc:     "```yaml\ngroups:\n```\n```yaml\ngroups:\n```\n",
		wantErr: "found 2",
	}, {
		name:    "not closed",
		doc:     "```yaml\ngroups:\n  - name: g\n",
		wantErr: "not closed",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ruleBlock([]byte(tc.doc))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Errorf("ruleBlock = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// Evaluate runs PromQL over the scrapes as Prometheus would have stored
// them: a counter's rate needs two scrapes; time() is the evaluation time,
// and the scrapes move with it.
func TestEvaluate(t *testing.T) {
	alerts := []Alert{
		{Name: "Errors", Expr: `sum(rate(outcomes_total{reason="Error"}[15m])) > 0`},
		{Name: "Expiring", Expr: `max by (name) (expiry_seconds) - time() < 7 * 24 * 3600`},
	}
	start := time.Unix(1_800_000_000, 0)
	scrape := func(at time.Duration, errors string) Scrape {
		return Scrape{At: start.Add(at), Text: []byte("# TYPE outcomes_total counter\noutcomes_total{reason=\"Error\"} " + errors +
			"\n# TYPE expiry_seconds gauge\nexpiry_seconds{name=\"a\"} 1800864000\n")} // start + 10 days
	}
	for _, tc := range []struct {
		name    string
		scrapes []Scrape
		at      time.Time
		want    map[string]int
	}{
		{"one scrape: no rate", []Scrape{scrape(0, "3")}, start, map[string]int{"Errors": 0, "Expiring": 0}},
		{"errors grew", []Scrape{scrape(0, "3"), scrape(time.Minute, "5")}, start.Add(time.Minute), map[string]int{"Errors": 1, "Expiring": 0}},
		{"no new errors", []Scrape{scrape(0, "3"), scrape(time.Minute, "3")}, start.Add(time.Minute), map[string]int{"Errors": 0, "Expiring": 0}},
		{"4 days before expiry", []Scrape{scrape(0, "3")}, start.Add(6 * 24 * time.Hour), map[string]int{"Errors": 0, "Expiring": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Evaluate(alerts, tc.scrapes, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			for name, n := range tc.want {
				if len(got[name]) != n {
					t.Errorf("%s fires for %v, want %d label sets", name, got[name], n)
				}
			}
		})
	}
}
