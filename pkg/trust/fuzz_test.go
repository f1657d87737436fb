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
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"slices"
	"testing"
	"time"
)

// FuzzParseBundle feeds arbitrary bytes to the bundle parser: it must never
// panic, return only certificates valid at the given time, and account for
// every PEM block either as a certificate or as a skipped block.
func FuzzParseBundle(f *testing.F) {
	ca1, ca2 := validCA(f, "ca1"), validCA(f, "ca2")
	expired := newTestCA(f, "expired", time.Now().Add(-48*time.Hour), time.Now().Add(-time.Hour))
	future := newTestCA(f, "future", time.Now().Add(time.Hour), time.Now().Add(48*time.Hour))
	f.Add(ca1.pem)
	f.Add(cat(ca1.pem, []byte("garbage\n"), ca2.pem))
	f.Add(cat(expired.pem, ca1.pem, future.pem))
	f.Add(ca1.pem[:len(ca1.pem)/2])
	f.Add([]byte("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"))
	f.Add(cat(ca1.pem[:len(ca1.pem)-1], ca2.pem))
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Headers: map[string]string{"a": "b"}, Bytes: ca2.cert.Raw}))
	now := time.Now()
	f.Fuzz(func(t *testing.T, data []byte) {
		certs, skipped := ParseBundle(data, now)
		blocks := 0
		for rest := splitGluedBlocks(data); ; blocks++ {
			var b *pem.Block
			b, rest = pem.Decode(rest)
			if b == nil {
				break
			}
		}
		if len(certs)+len(skipped) != blocks {
			t.Fatalf("%d certificates + %d skipped != %d PEM blocks", len(certs), len(skipped), blocks)
		}
		for _, c := range certs {
			if now.Before(c.NotBefore) || now.After(c.NotAfter) {
				t.Fatalf("returned %q, not valid at %s", c.Subject, now)
			}
			if !bytes.Contains(data, []byte("CERTIFICATE")) {
				t.Fatal("a certificate from data without a CERTIFICATE block")
			}
		}
		// The pool takes what the parser gives it, and the CAs not valid yet.
		p := NewPool(WithClock(func() time.Time { return now }))
		p.Set("fuzz", map[string][]byte{"k": data})
		for _, c := range p.Current().Certificates {
			if now.After(c.NotAfter) {
				t.Fatalf("pool trusts %q, expired at %s", c.Subject, c.NotAfter)
			}
			if !now.Before(c.NotBefore) && !slices.ContainsFunc(certs, func(p *x509.Certificate) bool { return p.Equal(c) }) {
				t.Fatalf("pool trusts %q, which the parser did not return", c.Subject)
			}
		}
	})
}
