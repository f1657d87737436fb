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
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// expiredCAFile writes a CA that expired yesterday.
func expiredCAFile(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "retired CA"},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestExpiredCAs: an expired CA is what a rotation retires, so --old-ca
// takes it; it cannot be the CA rotated onto, so --new-ca refuses it.
func TestExpiredCAs(t *testing.T) {
	path := expiredCAFile(t)
	o, err := (&rotationFlags{oldCA: path}).options()
	if err != nil || len(o.OldCAs) != 1 || o.OldCAs[0].Subject.CommonName != "retired CA" {
		t.Errorf("--old-ca with an expired CA: %d CAs, err %v; want it read", len(o.OldCAs), err)
	}
	if _, err := (&rotationFlags{newCA: path}).options(); err == nil || !strings.Contains(err.Error(), "no valid certificate") {
		t.Errorf("--new-ca with an expired CA: err %v, want refused", err)
	}
	empty := filepath.Join(t.TempDir(), "empty.pem")
	if err := os.WriteFile(empty, []byte("not PEM"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := (&rotationFlags{oldCA: empty}).options(); err == nil || !strings.Contains(err.Error(), "no certificate") {
		t.Errorf("--old-ca without a certificate: err %v, want refused", err)
	}
}
