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

package manifests

import (
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		want    []string // kind/name of each object, in order
		wantErr string
	}{{
		name: "documents in order, empty ones skipped",
		yaml: "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n",
		want: []string{"Namespace/a", "ConfigMap/b"},
	}, {
		name: "JSON",
		yaml: `{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}`,
		want: []string{"Secret/s"},
	}, {
		name: "a List stands for its items",
		yaml: "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: x}\n- apiVersion: v1\n  kind: Service\n  metadata: {name: svc}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: z}\n",
		want: []string{"Namespace/x", "Service/svc", "ConfigMap/z"},
	}, {
		name: "no input",
		yaml: "",
	}, {
		name:    "no kind",
		yaml:    "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nmetadata: {name: b}\n",
		wantErr: "document 1: no apiVersion or kind",
	}, {
		name:    "a List item without apiVersion",
		yaml:    "apiVersion: v1\nkind: List\nitems:\n- kind: Namespace\n  metadata: {name: x}\n",
		wantErr: "document 0: no apiVersion or kind",
	}, {
		name:    "a List item that is not an object",
		yaml:    "apiVersion: v1\nkind: List\nitems:\n- just a string\n",
		wantErr: "document 0: no apiVersion or kind",
	}, {
		name:    "bad YAML",
		yaml:    "apiVersion: v1\nkind: [\n",
		wantErr: "document 0:",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			objs, err := Decode([]byte(tc.yaml))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Decode error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			var got []string
			for _, u := range objs {
				got = append(got, u.GetKind()+"/"+u.GetName())
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("Decode = %v, want %v", got, tc.want)
			}
		})
	}
}
