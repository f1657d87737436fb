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
	"fmt"
	"time"
)

// TrustBundleLabel marks the ConfigMaps whose data keys are trust bundles.
const TrustBundleLabel = "networking.knative.dev/trust-bundle"

// SkippedBlock says why one PEM block of a bundle was not trusted.
type SkippedBlock struct {
	// Index is the position of the block in its bundle, from 0.
	Index int
	// Reason is a human-readable explanation.
	Reason string
}

func (s SkippedBlock) String() string { return fmt.Sprintf("block %d: %s", s.Index, s.Reason) }

// ParseBundle returns every certificate of a PEM bundle that is valid at
// now, in order, and says why each other block was skipped. Text between,
// before and after blocks is ignored, as openssl does. It never panics and
// never fails as a whole: a bundle with no usable block yields no
// certificates.
func ParseBundle(data []byte, now time.Time) ([]*x509.Certificate, []SkippedBlock) {
	var (
		certs   []*x509.Certificate
		skipped []SkippedBlock
	)
	rest := splitGluedBlocks(data)
	for i := 0; ; i++ {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return certs, skipped
		}
		switch {
		case block.Type != "CERTIFICATE":
			skipped = append(skipped, SkippedBlock{i, fmt.Sprintf("type %q is not CERTIFICATE", block.Type)})
			continue
		case len(block.Headers) != 0:
			// Encrypted or otherwise annotated blocks are not plain certificates.
			skipped = append(skipped, SkippedBlock{i, "block has PEM headers"})
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			skipped = append(skipped, SkippedBlock{i, "not a certificate: " + err.Error()})
			continue
		}
		if now.After(cert.NotAfter) {
			skipped = append(skipped, SkippedBlock{i, fmt.Sprintf("%q expired at %s", cert.Subject.String(), cert.NotAfter.UTC().Format(time.RFC3339))})
			continue
		}
		if now.Before(cert.NotBefore) {
			skipped = append(skipped, SkippedBlock{i, fmt.Sprintf("%q is not valid before %s", cert.Subject.String(), cert.NotBefore.UTC().Format(time.RFC3339))})
			continue
		}
		certs = append(certs, cert)
	}
}

var beginMarker = []byte("-----BEGIN ")

// splitGluedBlocks puts a line break before every BEGIN line that does not
// start a line. Bundles made with "cat a.pem b.pem" from a file without a
// final newline glue "-----END CERTIFICATE----------BEGIN ...", and Go's
// PEM decoder then loses both blocks around the glue.
func splitGluedBlocks(data []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(data); {
		j := bytes.Index(data[i:], beginMarker)
		if j < 0 {
			break
		}
		at := i + j
		if at > 0 && data[at-1] != '\n' && data[at-1] != '\r' {
			out = append(out, data[last:at]...)
			out = append(out, '\n')
			last = at
		}
		i = at + len(beginMarker)
	}
	if out == nil {
		return data
	}
	return append(out, data[last:]...)
}
