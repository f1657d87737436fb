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
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"slices"
	"time"
)

// The plugin's X.509 vocabulary: reading PEM, naming a certificate, and
// whether one certificate chains to others. Doctor, Rotation and Renew all
// speak it.

// ParseCertificates returns every certificate of a PEM bundle, expired or not.
func ParseCertificates(data []byte) []*x509.Certificate {
	var out []*x509.Certificate
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return out
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		if c, err := x509.ParseCertificate(b.Bytes); err == nil {
			out = append(out, c)
		}
	}
}

// splitChain returns the first certificate of a PEM chain and the rest.
func splitChain(data []byte) (*x509.Certificate, []*x509.Certificate) {
	certs := ParseCertificates(data)
	if len(certs) == 0 {
		return nil, nil
	}
	return certs[0], certs[1:]
}

// Fingerprint is the SHA-256 of a certificate, in hex.
func Fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// CertDisplayName is how a CA is shown: its common name (or subject) and
// the start of its fingerprint, which tells apart two CAs of one name.
func CertDisplayName(c *x509.Certificate) string {
	n := c.Subject.CommonName
	if n == "" {
		n = c.Subject.String()
	}
	return fmt.Sprintf("%q (sha256 %s)", n, Fingerprint(c)[:12])
}

func containsCert(list []*x509.Certificate, c *x509.Certificate) bool {
	for _, x := range list {
		if x.Equal(c) {
			return true
		}
	}
	return false
}

func certPool(certs []*x509.Certificate) *x509.CertPool {
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool
}

// verifyAtIssuance verifies c at the time it was issued: whether it chains
// to a CA does not depend on expiry, which is checked on its own.
func verifyAtIssuance(c *x509.Certificate, roots, intermediates []*x509.Certificate) ([][]*x509.Certificate, error) {
	return c.Verify(x509.VerifyOptions{
		Roots:         certPool(roots),
		Intermediates: certPool(intermediates),
		CurrentTime:   c.NotBefore.Add(time.Second),
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
}

// trustedBy says whether c is one of cas or chains to one of them; a
// bundle holding cas trusts c.
func trustedBy(c *x509.Certificate, cas []*x509.Certificate) bool {
	if len(cas) == 0 {
		return false
	}
	_, err := verifyAtIssuance(c, cas, nil)
	return err == nil
}

// trustsAll says whether a bundle of roots trusts every one of cas.
func trustsAll(roots, cas []*x509.Certificate) bool {
	for _, c := range cas {
		if !trustedBy(c, roots) {
			return false
		}
	}
	return true
}

// caIssued says whether the KCert's certificate came from an issuer that
// names its CA (status.ca: CA, self-signed, Vault...). ACME issuers leave it
// empty: those certificates are trusted through public roots, not through
// Knative's trust bundles, and take no part in a CA rotation.
func caIssued(kc KCertInfo) bool { return kc.Leaf != nil && len(kc.CA) > 0 }

// chainsTo says whether the KCert's current leaf chains to one of cas,
// through its own intermediates.
func chainsTo(kc KCertInfo, cas []*x509.Certificate) bool {
	if kc.Leaf == nil || len(cas) == 0 {
		return false
	}
	_, err := verifyAtIssuance(kc.Leaf, cas, kc.Intermediates)
	return err == nil
}

// anchor is the topmost certificate the leaf chains to, among its own
// intermediates and the request's CA; nil if the leaf does not chain to
// any of them (e.g. ACME, whose requests carry no CA).
func anchor(kc KCertInfo) *x509.Certificate {
	if !caIssued(kc) {
		return nil
	}
	chains, err := verifyAtIssuance(kc.Leaf, slices.Concat(kc.Intermediates, kc.CA), kc.Intermediates)
	if err != nil {
		return nil
	}
	best := chains[0]
	for _, ch := range chains {
		if len(ch) > len(best) {
			best = ch
		}
	}
	if len(best) < 2 {
		return nil
	}
	return best[len(best)-1]
}
