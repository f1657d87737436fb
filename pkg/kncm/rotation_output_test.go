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

package kncm

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestRotationOutput")

// TestRotationOutput pins the whole report of rotation status, as printed and
// as JSON, in testdata/rotation-*.golden: what operators and scripts read.
// The CAs' fingerprints are random, so they are replaced by the CAs' names.
func TestRotationOutput(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, w *world)
		grace time.Duration
	}{{
		// Mid-rotation: one certificate moved, one on the old CA, one ACME;
		// the app bundle lacks the new CA.
		name: "midway",
		setup: func(t *testing.T, w *world) {
			w.issuer("ca2", w.ca2, false)
			w.kcert(t, "a", w.ca1, false)
			w.kcert(t, "b", w.ca2, false)
			w.acmeKCert(t, "public")
			w.bundle("knative-serving", w.ca1, w.ca2)
			w.bundle("app", w.ca1)
		},
		grace: 2 * time.Hour,
	}, {
		// Every certificate moved an hour ago; the grace period runs.
		name: "grace",
		setup: func(t *testing.T, w *world) {
			w.issuer("ca2", w.ca2, false)
			w.kcert(t, "a", w.ca2, false)
			w.bundle("knative-serving", w.ca1, w.ca2)
			w.bundle("app", w.ca1, w.ca2)
		},
		grace: 2 * time.Hour,
	}, {
		// An ACME issuer names no CA: no new CA is known.
		name: "no-new-ca",
		setup: func(t *testing.T, w *world) {
			w.issuer("ca2", w.ca2, true)
			w.kcert(t, "a", w.ca1, false)
			w.bundle("knative-serving", w.ca1)
			w.bundle("app", w.ca1)
		},
	}, {
		// Nothing issued yet, no bundle: the first steps fail.
		name: "not-issued",
		setup: func(t *testing.T, w *world) {
			w.issuer("ca1", w.ca1, false)
			w.kcert(t, "a", w.ca1, false)
			// Drop a's Certificate and its two CertificateRequests.
			w.cm = w.cm[:len(w.cm)-3]
		},
	}, {
		// No KCert yet, and the CA issuer's Secret is gone: no CA is known.
		name: "no-ca-at-all",
		setup: func(t *testing.T, w *world) {
			w.issuer("ca1", w.ca1, false)
			w.kube = w.kube[:len(w.kube)-1]
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			tc.setup(t, w)
			r := Rotation(w.load(t), DefaultOptions(), RotationOptions{Grace: tc.grace}, now)
			var text strings.Builder
			PrintRotation(&text, r)
			js, err := json.MarshalIndent(r, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got := text.String() + "---\n" + string(js) + "\n"
			for name, c := range map[string]*ca{"ca1": w.ca1, "ca2": w.ca2} {
				got = strings.ReplaceAll(got, Fingerprint(c.cert)[:12], "FP-"+name)
			}

			path := filepath.Join("testdata", "rotation-"+tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("rotation output differs from %s:\n--- got\n%s--- want\n%s", path, got, want)
			}
		})
	}
}
