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

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
)

// ownWrites remembers, per object, this replica's last write of it: the
// resourceVersion it replaced and the object the API server returned. An
// entry lives until a reconcile sees the cache past the version it
// replaced (caught up, or someone else wrote since), or the object's KCert
// is deleted, so there is at most one per object. It serves the KCerts'
// status writes and the cert-manager Certificates' spec updates. The zero
// value is ready to use.
type ownWrites[T metav1.Object] struct {
	mu      sync.Mutex
	entries map[types.UID]ownWrite[T]
}

type ownWrite[T metav1.Object] struct {
	replaced string
	written  T
}

// remember records a write that replaced the given resourceVersion.
func (o *ownWrites[T]) remember(replaced string, written T) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.entries == nil {
		o.entries = map[types.UID]ownWrite[T]{}
	}
	o.entries[written.GetUID()] = ownWrite[T]{replaced: replaced, written: written}
}

// newerThan returns the last write if cached is exactly the copy it
// replaced, i.e. the cache has not seen it yet. Any other copy ends the
// entry: either it is the write itself, or another writer came after.
func (o *ownWrites[T]) newerThan(cached T) (T, bool) {
	var zero T
	o.mu.Lock()
	defer o.mu.Unlock()
	e, ok := o.entries[cached.GetUID()]
	if !ok {
		return zero, false
	}
	if e.replaced == cached.GetResourceVersion() {
		return e.written, true
	}
	delete(o.entries, cached.GetUID())
	return zero, false
}

// forget drops what the writer remembers of a deleted KCert.
func (w *statusWriter) forget(obj interface{}) {
	if kcert, ok := unwrap[*v1alpha1.Certificate](obj); ok {
		w.written.forget(kcert.UID)
	}
}

// forget drops what is remembered of an object.
func (o *ownWrites[T]) forget(uid types.UID) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.entries, uid)
}
