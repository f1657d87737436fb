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

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// results is an ordered list of named figures.
type results struct {
	mu   sync.Mutex
	keys []string
	vals map[string]any
}

func (r *results) set(key string, v any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.vals == nil {
		r.vals = map[string]any{}
	}
	if _, ok := r.vals[key]; !ok {
		r.keys = append(r.keys, key)
	}
	r.vals[key] = v
	fmt.Fprintf(os.Stderr, "bench-scale: %s = %v\n", key, format(v))
}

func format(v any) string {
	switch x := v.(type) {
	case time.Duration:
		return x.Round(time.Millisecond).String()
	case float64:
		return strconv.FormatFloat(x, 'f', 2, 64)
	case []countRow:
		var b strings.Builder
		for i, c := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %s: %d", c.Verb, c.Resource, c.Count)
		}
		return "[" + b.String() + "]"
	}
	return fmt.Sprint(v)
}

func (r *results) print(w *os.File) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintln(w, "=== bench-scale results")
	for _, k := range r.keys {
		fmt.Fprintf(w, "%-40s %s\n", k, format(r.vals[k]))
	}
}

func (r *results) writeJSON(path string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]any{}
	for k, v := range r.vals {
		if d, ok := v.(time.Duration); ok {
			v = d.Seconds()
			k += "_s"
		}
		out[k] = v
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
