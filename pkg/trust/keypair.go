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
	"context"
	"crypto/tls"
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// KeyPairReloader serves a certificate and key from files on disk, and
// polls them so that a renewed Secret mounted in a volume is served without
// a restart. A pair that cannot be loaded (e.g. the certificate written
// before the key) leaves the last good pair in force.
type KeyPairReloader struct {
	certFile, keyFile string
	logger            *zap.SugaredLogger

	mu                sync.Mutex // serialises Reload
	lastCert, lastKey []byte
	cur               atomic.Pointer[tls.Certificate]
	reloads, failures atomic.Uint64
}

// ErrNoKeyPair is returned by GetCertificate before any pair was loaded.
var ErrNoKeyPair = errors.New("no certificate loaded yet")

// NewKeyPairReloader loads the pair once; the error says why it could not.
// The reloader is usable even then: a later Reload may succeed.
func NewKeyPairReloader(certFile, keyFile string, logger *zap.SugaredLogger) (*KeyPairReloader, error) {
	if logger == nil {
		logger = zap.NewNop().Sugar()
	}
	r := &KeyPairReloader{certFile: certFile, keyFile: keyFile, logger: logger}
	_, err := r.Reload()
	return r, err
}

// Reload reads both files and, if they changed and form a valid pair,
// serves them from the next handshake on. It says whether the pair changed.
func (r *KeyPairReloader) Reload() (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	certPEM, err := os.ReadFile(r.certFile)
	if err != nil {
		return false, err
	}
	keyPEM, err := os.ReadFile(r.keyFile)
	if err != nil {
		return false, err
	}
	if r.cur.Load() != nil && bytes.Equal(certPEM, r.lastCert) && bytes.Equal(keyPEM, r.lastKey) {
		return false, nil
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		r.failures.Add(1)
		r.logger.Warnw("Cannot load the key pair; still serving the previous one", "cert", r.certFile, zap.Error(err))
		return false, err
	}
	r.lastCert, r.lastKey = certPEM, keyPEM
	r.cur.Store(&pair)
	r.reloads.Add(1)
	r.logger.Infow("Serving a new key pair", "cert", r.certFile, "subject", pair.Leaf.Subject.String(), "notAfter", pair.Leaf.NotAfter)
	return true, nil
}

// Run polls the files every interval until ctx is done.
func (r *KeyPairReloader) Run(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	t := time.NewTicker(max(interval, minPollInterval))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_, _ = r.Reload()
		}
	}
}

// Current returns the pair in force, or nil.
func (r *KeyPairReloader) Current() *tls.Certificate { return r.cur.Load() }

// Reloads counts the pairs loaded so far.
func (r *KeyPairReloader) Reloads() uint64 { return r.reloads.Load() }

// GetCertificate is a tls.Config.GetCertificate for servers.
func (r *KeyPairReloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	if c := r.cur.Load(); c != nil {
		return c, nil
	}
	return nil, ErrNoKeyPair
}

// GetClientCertificate is a tls.Config.GetClientCertificate for clients.
func (r *KeyPairReloader) GetClientCertificate(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	return r.GetCertificate(nil)
}
