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
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
)

// The documented rules are the one fenced block of the Markdown file that
// opens with this line; the documentation is the only copy.
var (
	fenceOpen  = []byte("```yaml\ngroups:\n")
	fenceClose = []byte("\n```")
)

// Alert is one documented alerting rule.
type Alert struct {
	Name string
	Expr string
}

// FromMarkdown reads the alerting rules of the documented rule groups,
// validated as Prometheus validates a rule file.
func FromMarkdown(path string) ([]Alert, error) {
	doc, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	yaml, err := ruleBlock(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	groups, errs := rulefmt.Parse(yaml, false, model.UTF8Validation)
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s: the alert rules do not validate: %w", path, errors.Join(errs...))
	}
	var alerts []Alert
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			if r.Alert != "" {
				alerts = append(alerts, Alert{Name: r.Alert, Expr: r.Expr})
			}
		}
	}
	if len(alerts) == 0 {
		return nil, fmt.Errorf("%s: no alerting rules in the rule block", path)
	}
	return alerts, nil
}

// ruleBlock returns the YAML of the single ```yaml block that starts with
// `groups:`.
func ruleBlock(doc []byte) ([]byte, error) {
	if n := bytes.Count(doc, fenceOpen); n != 1 {
		return nil, fmt.Errorf("want exactly one ```yaml block opening with groups:, found %d", n)
	}
	start := bytes.Index(doc, fenceOpen) + len("```yaml\n")
	end := bytes.Index(doc[start:], fenceClose)
	if end < 0 {
		return nil, errors.New("the rule block is not closed")
	}
	return doc[start : start+end+1], nil
}
