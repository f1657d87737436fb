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
	"crypto/sha256"
	"crypto/x509"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// Snapshot is one immutable state of a Pool. Never modify it.
type Snapshot struct {
	// CertPool holds Certificates. Verify against it; never add to it.
	CertPool *x509.CertPool
	// Certificates are the trusted CAs, without duplicates, in the stable
	// order of their sources and keys. A CA whose notBefore is still ahead
	// is among them: verification applies validity periods.
	Certificates []*x509.Certificate
	// Generation counts the snapshots the pool has published, from 1.
	Generation uint64
}

// Contains says whether cert is one of the trusted certificates.
func (s *Snapshot) Contains(cert *x509.Certificate) bool {
	for _, c := range s.Certificates {
		if bytes.Equal(c.Raw, cert.Raw) {
			return true
		}
	}
	return false
}

// Pool merges the entries of several sources into one trust pool, replaced
// atomically whenever an entry changes. It is safe for concurrent use.
type Pool struct {
	now    func() time.Time
	logger *zap.SugaredLogger

	// mu serialises writers; readers only load cur.
	mu      sync.Mutex
	sources map[string]map[string][]byte
	cur     atomic.Pointer[Snapshot]
	subs    []func(*Snapshot)
}

// Option configures a Pool.
type Option func(*Pool)

// WithClock sets the clock used to skip expired certificates and to check
// validity periods at handshakes.
func WithClock(now func() time.Time) Option { return func(p *Pool) { p.now = now } }

// WithLogger sets the logger that reports skipped blocks and swaps.
func WithLogger(l *zap.SugaredLogger) Option { return func(p *Pool) { p.logger = l } }

// NewPool returns an empty pool: it trusts nothing until a source sets
// entries.
func NewPool(opts ...Option) *Pool {
	p := &Pool{now: time.Now, logger: zap.NewNop().Sugar(), sources: map[string]map[string][]byte{}}
	for _, o := range opts {
		o(p)
	}
	p.cur.Store(&Snapshot{CertPool: x509.NewCertPool(), Generation: 1})
	return p
}

// Current returns the snapshot in force. Load it once per handshake.
func (p *Pool) Current() *Snapshot { return p.cur.Load() }

// CertPool returns the current *x509.CertPool.
func (p *Pool) CertPool() *x509.CertPool { return p.Current().CertPool }

// OnChange registers f, called (under the pool's write lock, so keep it
// short) with each new snapshot.
func (p *Pool) OnChange(f func(*Snapshot)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.subs = append(p.subs, f)
}

// Set replaces all entries of one source (e.g. "configmaps/knative-serving")
// with entries, keyed by where they come from (e.g. "name/key"). Empty or
// nil entries remove the source. The pool is rebuilt only if something
// changed.
func (p *Pool) Set(source string, entries map[string][]byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	old, had := p.sources[source]
	if len(entries) == 0 {
		if !had {
			return
		}
		delete(p.sources, source)
	} else {
		if had && sameEntries(old, entries) {
			return
		}
		cp := make(map[string][]byte, len(entries))
		for k, v := range entries {
			cp[k] = bytes.Clone(v)
		}
		p.sources[source] = cp
	}
	p.rebuildLocked()
}

// Refresh rebuilds the pool from the entries it has, dropping certificates
// that have expired since the last change.
func (p *Pool) Refresh() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rebuildLocked()
}

func sameEntries(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}

func (p *Pool) rebuildLocked() {
	now := p.now()
	next := &Snapshot{CertPool: x509.NewCertPool(), Generation: p.cur.Load().Generation + 1}
	seen := map[[32]byte]bool{}
	for _, src := range sortedKeys(p.sources) {
		entries := p.sources[src]
		for _, key := range sortedKeys(entries) {
			for _, c := range p.trustedCerts(src, key, entries[key], now) {
				sum := sha256.Sum256(c.Raw)
				if seen[sum] {
					continue
				}
				seen[sum] = true
				next.CertPool.AddCert(c)
				next.Certificates = append(next.Certificates, c)
			}
		}
	}
	p.cur.Store(next)
	p.logger.Infow("Trust pool updated", "generation", next.Generation, "certificates", len(next.Certificates))
	for _, f := range p.subs {
		f(next)
	}
}

// trustedCerts returns the certificates of one entry that the pool trusts,
// and logs the blocks it skips.
func (p *Pool) trustedCerts(src, key string, data []byte, now time.Time) []*x509.Certificate {
	var certs []*x509.Certificate
	for _, b := range parseBlocks(data) {
		reason := b.problem
		if reason == "" {
			reason = expired(b.cert, now)
		}
		if reason != "" {
			p.logger.Warnw("Skipping a trust bundle block", "source", src, "key", key, "block", b.index, "reason", reason)
			continue
		}
		// A CA not valid yet is kept: verification checks validity periods
		// at each handshake, so it is trusted from its notBefore on, and
		// clock skew during a rotation does not leave the new CA out until
		// the bundle changes again.
		if why := notYetValid(b.cert, now); why != "" {
			p.logger.Infow("Trusting a CA from its notBefore", "source", src, "key", key, "block", b.index, "reason", why)
		}
		certs = append(certs, b.cert)
	}
	return certs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
