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
	"context"
	"crypto/tls"
	"os"
	"path/filepath"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
)

func TestKeyPairReloader(t *testing.T) {
	ca1, ca2 := validCA(t, "ca1"), validCA(t, "ca2")
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")

	// Nothing on disk yet: an error, and no certificate to serve.
	r, err := NewKeyPairReloader(certFile, keyFile, nil)
	if err == nil {
		t.Error("no error without files")
	}
	if _, err := r.GetCertificate(nil); err != ErrNoKeyPair {
		t.Errorf("GetCertificate = %v, want ErrNoKeyPair", err)
	}

	cert1, key1, _ := ca1.leaf(t, "a.example.com")
	must(t, os.WriteFile(certFile, cert1, 0o600))
	must(t, os.WriteFile(keyFile, key1, 0o600))
	if changed, err := r.Reload(); !changed || err != nil {
		t.Fatalf("Reload = %v, %v; want true, nil", changed, err)
	}
	if changed, _ := r.Reload(); changed {
		t.Error("Reload of unchanged files reported a change")
	}
	issuer := func() string {
		c, err := r.GetCertificate(nil)
		if err != nil {
			t.Fatal(err)
		}
		return c.Leaf.Issuer.CommonName
	}
	if got := issuer(); got != "ca1" {
		t.Errorf("serving a certificate of %s, want ca1", got)
	}

	// Half-written: new certificate, old key. The old pair stays in force.
	cert2, key2, _ := ca2.leaf(t, "a.example.com")
	must(t, os.WriteFile(certFile, cert2, 0o600))
	if _, err := r.Reload(); err == nil {
		t.Error("mismatched pair: no error")
	}
	if got := issuer(); got != "ca1" {
		t.Errorf("after a bad pair, serving a certificate of %s, want ca1", got)
	}

	// Polling picks up the completed pair.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Run(ctx, 20*time.Millisecond)
	must(t, os.WriteFile(keyFile, key2, 0o600))
	err = wait.PollUntilContextTimeout(ctx, 10*time.Millisecond, 30*time.Second, true, func(context.Context) (bool, error) {
		c, _ := r.GetCertificate(nil)
		return c.Leaf.Issuer.CommonName == "ca2", nil
	})
	if err != nil {
		t.Error("the new pair was never served")
	}
	if r.Reloads() != 2 {
		t.Errorf("Reloads = %d, want 2", r.Reloads())
	}
	var _ func(*tls.CertificateRequestInfo) (*tls.Certificate, error) = r.GetClientCertificate
}
