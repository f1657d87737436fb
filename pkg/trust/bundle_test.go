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

package trust

import (
	"encoding/pem"
	"strings"
	"testing"
	"time"
)

func TestParseBundle(t *testing.T) {
	now := time.Now()
	ca1, ca2, ca3 := validCA(t, "ca1"), validCA(t, "ca2"), validCA(t, "ca3")
	expired := newTestCA(t, "expired", now.Add(-48*time.Hour), now.Add(-time.Hour))
	future := newTestCA(t, "future", now.Add(time.Hour), now.Add(48*time.Hour))
	key := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: []byte("secret")})
	badDER := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")})
	withHeaders := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED"}, Bytes: ca3.cert.Raw})

	tests := []struct {
		name        string
		data        []byte
		wantCNs     []string
		wantSkipped []string // substrings of the reasons, in order
	}{
		{name: "empty", data: nil},
		{name: "no PEM at all", data: []byte("hello\nworld\n")},
		{name: "one block", data: ca1.pem, wantCNs: []string{"ca1"}},
		{name: "several blocks: all count, not only the first", data: cat(ca1.pem, ca2.pem, ca3.pem), wantCNs: []string{"ca1", "ca2", "ca3"}},
		{name: "garbage before, between and after blocks",
			data:    cat([]byte("# old CA\n"), ca1.pem, []byte("\nsome text -----BEGIN nothing\n\n"), ca2.pem, []byte("trailing")),
			wantCNs: []string{"ca1", "ca2"}},
		// "-----END CERTIFICATE----------BEGIN": cat of a file without a final newline.
		{name: "no newline between blocks", data: cat(ca1.pem[:len(ca1.pem)-1], ca2.pem, []byte("junk"), ca3.pem), wantCNs: []string{"ca1", "ca2", "ca3"}},

		{name: "a truncated block then a good one", data: cat(ca1.pem[:40], []byte("\n"), ca2.pem), wantCNs: []string{"ca2"}},
		{name: "CRLF line endings", data: []byte(strings.ReplaceAll(string(cat(ca1.pem, ca2.pem)), "\n", "\r\n")), wantCNs: []string{"ca1", "ca2"}},
		{name: "private key skipped", data: cat(key, ca1.pem), wantCNs: []string{"ca1"}, wantSkipped: []string{`type "EC PRIVATE KEY"`}},
		{name: "invalid DER skipped", data: cat(ca1.pem, badDER, ca2.pem), wantCNs: []string{"ca1", "ca2"}, wantSkipped: []string{"not a certificate"}},
		{name: "expired skipped", data: cat(expired.pem, ca1.pem), wantCNs: []string{"ca1"}, wantSkipped: []string{"expired"}},
		{name: "not yet valid skipped", data: cat(ca1.pem, future.pem), wantCNs: []string{"ca1"}, wantSkipped: []string{"not valid before"}},
		{name: "headers skipped", data: cat(withHeaders, ca1.pem), wantCNs: []string{"ca1"}, wantSkipped: []string{"headers"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			certs, skipped := ParseBundle(tc.data, now)
			var cns []string
			for _, c := range certs {
				cns = append(cns, c.Subject.CommonName)
			}
			if strings.Join(cns, ",") != strings.Join(tc.wantCNs, ",") {
				t.Errorf("certificates = %v, want %v", cns, tc.wantCNs)
			}
			if len(skipped) != len(tc.wantSkipped) {
				t.Fatalf("skipped = %v, want %d", skipped, len(tc.wantSkipped))
			}
			for i, want := range tc.wantSkipped {
				if !strings.Contains(skipped[i].Reason, want) {
					t.Errorf("skipped[%d] = %q, want it to mention %q", i, skipped[i], want)
				}
			}
		})
	}
}
