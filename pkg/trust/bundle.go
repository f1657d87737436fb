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
	for _, b := range parseBlocks(data) {
		reason := b.problem
		if reason == "" {
			reason = expired(b.cert, now)
		}
		if reason == "" {
			reason = notYetValid(b.cert, now)
		}
		if reason != "" {
			skipped = append(skipped, SkippedBlock{b.index, reason})
			continue
		}
		certs = append(certs, b.cert)
	}
	return certs, skipped
}

// bundleBlock is one PEM block of a bundle: a certificate, or the problem
// that makes it none.
type bundleBlock struct {
	index   int
	cert    *x509.Certificate
	problem string
}

// parseBlocks parses every PEM block of data, whatever its validity period.
func parseBlocks(data []byte) []bundleBlock {
	var blocks []bundleBlock
	rest := splitGluedBlocks(data)
	for i := 0; ; i++ {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return blocks
		}
		switch {
		case block.Type != "CERTIFICATE":
			blocks = append(blocks, bundleBlock{index: i, problem: fmt.Sprintf("type %q is not CERTIFICATE", block.Type)})
			continue
		case len(block.Headers) != 0:
			// Encrypted or otherwise annotated blocks are not plain certificates.
			blocks = append(blocks, bundleBlock{index: i, problem: "block has PEM headers"})
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			blocks = append(blocks, bundleBlock{index: i, problem: "not a certificate: " + err.Error()})
			continue
		}
		blocks = append(blocks, bundleBlock{index: i, cert: cert})
	}
}

// expired says why cert is no longer valid at now, or "".
func expired(cert *x509.Certificate, now time.Time) string {
	if now.After(cert.NotAfter) {
		return fmt.Sprintf("%q expired at %s", cert.Subject.String(), cert.NotAfter.UTC().Format(time.RFC3339))
	}
	return ""
}

// notYetValid says why cert is not valid yet at now, or "".
func notYetValid(cert *x509.Certificate, now time.Time) string {
	if now.Before(cert.NotBefore) {
		return fmt.Sprintf("%q is not valid before %s", cert.Subject.String(), cert.NotBefore.UTC().Format(time.RFC3339))
	}
	return ""
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
