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
	"sync"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"

	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
)

// specUpdates remembers, per KCert, why this replica last changed what its
// Certificate holds: the issuer alone (the certificate in service still
// fits, and stays Ready while it is replaced) or what it certifies (it
// does not). The KCert's status says so too, but the next reconcile may
// read it from a cache that has not caught up with this one's write. An
// entry lasts until cert-manager has issued for that generation, or the
// generation moves on. The zero value is ready to use.
type specUpdates struct {
	mu      sync.Mutex
	entries map[types.UID]specUpdate
}

type specUpdate struct {
	certificate types.UID
	generation  int64
	issuerOnly  bool
}

// record notes an update of the KCert's Certificate, if it changed the spec.
func (s *specUpdates) record(kcert types.UID, cert *cmv1.Certificate, changes resources.Changes) {
	if !changes.Issuer && !changes.Spec {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.entries == nil {
		s.entries = make(map[types.UID]specUpdate)
	}
	s.entries[kcert] = specUpdate{certificate: cert.UID, generation: cert.Generation, issuerOnly: !changes.Spec}
}

// lookup returns what this replica changed of cert's current generation,
// if it did and cert-manager has not finished issuing for it.
func (s *specUpdates) lookup(kcert types.UID, cert *cmv1.Certificate) (specUpdate, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.entries[kcert]
	if !ok {
		return specUpdate{}, false
	}
	if u.certificate != cert.UID || u.generation != cert.Generation || resources.IssuedCurrent(cert) {
		delete(s.entries, kcert)
		return specUpdate{}, false
	}
	return u, true
}

// forget drops the entry of a deleted KCert.
func (s *specUpdates) forget(kcert types.UID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.entries, kcert)
}

// known says what the reconciler knows of a re-issuance that cert-manager
// may not say yet (see resources.ComputeStatus): this replica changed the
// Certificate's issuer alone, or what it certifies; or the KCert is Ready
// and Renewing already.
func (c *Reconciler) known(kcert *v1alpha1.Certificate, cert *cmv1.Certificate) resources.Known {
	u, updated := c.specUpdates.lookup(kcert.UID, cert)
	if updated && !u.issuerOnly {
		return resources.Known{Refit: true}
	}
	if !kcert.Status.GetCondition(v1alpha1.CertificateConditionReady).IsTrue() {
		return resources.Known{}
	}
	known := resources.Known{InService: kcert.Status.NotAfter}
	if updated {
		known.Reissue = &resources.Condition{Status: corev1.ConditionTrue, Reason: resources.ReasonIssuerChanged}
	} else if renewing := kcert.Status.GetCondition(RenewingCondition); renewing.IsTrue() {
		known.Reissue = &resources.Condition{Status: renewing.Status, Reason: renewing.Reason, Message: renewing.Message}
	}
	return known
}
