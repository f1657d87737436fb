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

package certificate

import (
	"context"
	"sync"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"k8s.io/apimachinery/pkg/types"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"

	"knative.dev/net-certmanager/pkg/issuerconfig"
	"knative.dev/net-certmanager/pkg/reconciler/certificate/config"
)

// A Ready KCert is reconciled again and again with nothing changed: every
// resync (config-certmanager's, the informers'), every restart of a peer
// replica, each event its own status write causes. Its reconcile reads
// only the KCert, its Certificate, config-certmanager, the Secret claims
// and the clock (issuers and cert-manager's requests, orders and challenges
// are read only while it is not Ready or renewing). So the inputs of the
// last reconcile that found it Ready and wrote nothing are remembered, and
// while they are all unchanged the reconcile is skipped.

// steadyInputs identifies what a Ready KCert's reconcile read.
type steadyInputs struct {
	// certificateKey is the cache key of the KCert's Certificate.
	certificateKey                   string
	kcertVersion, certificateVersion string
	config                           *issuerconfig.CertManagerConfig
	// claims is secretClaims' epoch when the reconcile started.
	claims uint64
	// until is when the result changes with time alone: the renewal time,
	// or the expiry.
	until time.Time
}

// steadyKCerts holds, per KCert UID, the inputs of its last steady
// reconcile. An entry is dropped when the KCert is deleted or reconciled
// in full again. The zero value is ready to use.
type steadyKCerts struct {
	mu      sync.Mutex
	entries map[types.UID]steadyInputs
}

func (s *steadyKCerts) remember(uid types.UID, in steadyInputs) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.entries == nil {
		s.entries = map[types.UID]steadyInputs{}
	}
	s.entries[uid] = in
}

func (s *steadyKCerts) lookup(uid types.UID) (steadyInputs, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.entries[uid]
	return in, ok
}

// holds says whether a reconcile of kcert would read what in records: the
// same KCert and Certificate versions, the same config-certmanager, no
// Secret claim changed, and it is not yet until.
func (in steadyInputs) holds(kcert *v1alpha1.Certificate, certificateVersion string, config *issuerconfig.CertManagerConfig,
	claims uint64, now time.Time) bool {
	return in.kcertVersion == kcert.ResourceVersion && in.certificateVersion == certificateVersion &&
		in.config == config && in.claims == claims && now.Before(in.until)
}

func (s *steadyKCerts) forget(uid types.UID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.entries, uid)
}

// steadyAsBefore says whether kcert is Ready and its reconcile would read
// the same as its last steady one (steady.go), so it can be skipped.
func (c *Reconciler) steadyAsBefore(ctx context.Context, kcert *v1alpha1.Certificate) bool {
	in, ok := c.steady.lookup(kcert.UID)
	cfg := config.FromContext(ctx)
	if !ok || cfg == nil || cfg.LoadError != nil || c.certificates == nil {
		return false
	}
	obj, exists, err := c.certificates.GetByKey(in.certificateKey)
	cert, isCert := obj.(*cmv1.Certificate)
	if err != nil || !exists || !isCert || !in.holds(kcert, cert.ResourceVersion, cfg.CertManager, c.claims.epochNow(), c.clock.Now()) {
		return false
	}
	if c.stats != nil {
		c.stats.ReportOutcome(ctx, OutcomeReady)
	}
	return true
}
