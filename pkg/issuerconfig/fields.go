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

package issuerconfig

import (
	"fmt"
	"strings"
	"time"

	yamlv2 "go.yaml.in/yaml/v2"

	"knative.dev/net-certmanager/pkg/bounded"
)

// refFields are the fields of a reference, as sigs.k8s.io/yaml matches them.
var refFields = map[string]bool{"name": true, "kind": true, "group": true}

// checkFields reads a reference the way sigs.k8s.io/yaml does (YAML 1.1),
// and rejects what its conversion to JSON would otherwise hide:
//   - two spellings of one field (`kind:` and `Kind:`): encoding/json matches
//     field names without regard to case, and the last one would win;
//   - a value YAML reads as a bool, number, null or anything else but a
//     string: the conversion would turn `name: on` into "true" and `name:
//     0x10` into "16".
//
// A document that is not a mapping passes: the strict decoding after it
// says why it is not a reference.
func checkFields(data string) error {
	var fields yamlv2.MapSlice
	if err := yamlv2.Unmarshal([]byte(data), &fields); err != nil {
		return nil
	}
	seen := map[string]string{}
	for _, f := range fields {
		key := fmt.Sprint(f.Key)
		folded := strings.ToLower(key)
		if first, dup := seen[folded]; dup {
			if first == key {
				return fmt.Errorf("field %s is given twice", bounded.Quote(key))
			}
			return fmt.Errorf("field %s is given twice, as %s and as %s; field names do not depend on case",
				bounded.Quote(folded), bounded.Quote(first), bounded.Quote(key))
		}
		seen[folded] = key
		if !refFields[folded] {
			continue // the strict decoding names the unknown field
		}
		if _, ok := f.Value.(string); !ok {
			return fmt.Errorf("%s: YAML reads this value as %s, not a string; quote it if it is meant as text",
				bounded.Truncate(key, bounded.MaxValue), yamlType(f.Value))
		}
	}
	return nil
}

// yamlType names what YAML made of a value, for messages.
func yamlType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return fmt.Sprintf("the bool %t", v)
	case int, int64, uint64, float64:
		return fmt.Sprintf("the number %v", v)
	case time.Time:
		return "a timestamp"
	case []any:
		return "a list"
	case yamlv2.MapSlice, map[any]any:
		return "a mapping"
	default:
		return fmt.Sprintf("a %T", v)
	}
}
