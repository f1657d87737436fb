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
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// recentCreateTTL bounds how long a created Certificate stands in for the
// informer's copy. Past it, a Certificate the informer never showed was
// deleted meanwhile, and is created again.
const recentCreateTTL = 30 * time.Second

// recentCreates remembers the cert-manager Certificates this replica created
// until its informer shows them. With many workers, a KCert's next reconcile
// (triggered by its own status update) often starts before the Certificate's
// add event has reached the cache: without this it would create the
// Certificate again, get AlreadyExists and read it back, spending two
// requests of the client's QPS on nothing. The zero value is ready to use.
type recentCreates struct {
	mu      sync.Mutex
	entries map[types.NamespacedName]recentCreate
	// swept is when expired entries were last dropped.
	swept time.Time
}

type recentCreate struct {
	cert *cmv1.Certificate
	at   time.Time
}

// remember records a Certificate this replica has just created.
func (r *recentCreates) remember(cert *cmv1.Certificate, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.entries == nil {
		r.entries = make(map[types.NamespacedName]recentCreate)
	}
	// The informer can show a Certificate before its create call returns;
	// that entry is never seen again, so expired entries are dropped here,
	// to keep the map as small as the window.
	sweepExpired(r.entries, &r.swept, now, recentCreateTTL, func(rc recentCreate) time.Time { return rc.at })
	cert = cert.DeepCopy()
	cert.ManagedFields = nil
	r.entries[types.NamespacedName{Namespace: cert.Namespace, Name: cert.Name}] = recentCreate{cert: cert, at: now}
}

// lookup returns the Certificate of that name created for owner less than
// recentCreateTTL ago. One created for an earlier KCert of the same name
// does not count: that KCert's deletion may be taking it away.
func (r *recentCreates) lookup(key types.NamespacedName, owner metav1.Object, now time.Time) (*cmv1.Certificate, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rc, ok := r.entries[key]
	if !ok {
		return nil, false
	}
	if now.Sub(rc.at) >= recentCreateTTL || !metav1.IsControlledBy(rc.cert, owner) {
		delete(r.entries, key)
		return nil, false
	}
	return rc.cert, true
}

// seen is the Certificate informer's handler: once the cache shows a
// Certificate, or its deletion, the cache is the truth again.
func (r *recentCreates) seen(obj interface{}) {
	if cert, ok := unwrap[*cmv1.Certificate](obj); ok {
		r.mu.Lock()
		defer r.mu.Unlock()
		delete(r.entries, types.NamespacedName{Namespace: cert.Namespace, Name: cert.Name})
	}
}

// sweepExpired drops the entries older than ttl, at most once per ttl, so
// that a memo whose entries may never be looked up again stays bounded.
func sweepExpired[K comparable, V any](entries map[K]V, swept *time.Time, now time.Time, ttl time.Duration, at func(V) time.Time) {
	if now.Sub(*swept) < ttl {
		return
	}
	for k, e := range entries {
		if now.Sub(at(e)) >= ttl {
			delete(entries, k)
		}
	}
	*swept = now
}
