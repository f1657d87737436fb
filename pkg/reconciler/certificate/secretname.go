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
	"sync/atomic"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	"knative.dev/pkg/controller"

	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
)

// SecretNameIndex indexes KCerts and cert-manager Certificates by the
// Secret they name, as namespace/secretName, so that the certificates
// sharing a Secret are found with one map lookup, however many there are
// in the namespace.
const SecretNameIndex = "secretName"

// SecretNameIndexers is the indexer set of the KCert and Certificate informers.
var SecretNameIndexers = cache.Indexers{SecretNameIndex: indexBySecretName}

func indexBySecretName(obj interface{}) ([]string, error) {
	if key, ok := secretKey(obj); ok {
		return []string{key}, nil
	}
	return nil, nil
}

// secretKey is the index key of the Secret a KCert or Certificate names.
func secretKey(obj interface{}) (string, bool) {
	switch o := obj.(type) {
	case *v1alpha1.Certificate:
		return o.Namespace + "/" + o.Spec.SecretName, o.Spec.SecretName != ""
	case *cmv1.Certificate:
		return o.Namespace + "/" + o.Spec.SecretName, o.Spec.SecretName != ""
	}
	return "", false
}

// secretClaims finds, in the informers' caches, who else names a KCert's Secret.
type secretClaims struct {
	kcerts       cache.Indexer
	certificates cache.Indexer
	classFilter  func(interface{}) bool
	// epoch counts the events that may have changed a claim.
	epoch atomic.Uint64
}

// epochNow is the number of events so far that may have changed a claim.
func (s *secretClaims) epochNow() uint64 {
	if s == nil {
		return 0
	}
	return s.epoch.Load()
}

// conflict says whether another certificate comes first to write kcert's
// Secret (resources.SecretNameConflict).
func (s *secretClaims) conflict(kcert *v1alpha1.Certificate) error {
	key, ok := secretKey(kcert)
	if !ok || s == nil {
		return nil
	}
	return resources.SecretNameConflict(kcert, s.claimants(key), byIndex[*cmv1.Certificate](s.certificates, SecretNameIndex, key))
}

// claimants are the KCerts of our class that name the Secret of key.
func (s *secretClaims) claimants(key string) []*v1alpha1.Certificate {
	all := byIndex[*v1alpha1.Certificate](s.kcerts, SecretNameIndex, key)
	out := all[:0]
	for _, kc := range all {
		if s.classFilter(kc) {
			out = append(out, kc)
		}
	}
	return out
}

// enqueueClaimants returns an event handler that enqueues the KCerts of our
// class naming the Secret that a KCert or Certificate named or names, when
// that can end or start a conflict: it appears, goes away, or names
// another Secret. Status updates, the bulk of events, cost one comparison.
func (s *secretClaims) enqueueClaimants(enqueue func(types.NamespacedName)) cache.ResourceEventHandler {
	each := func(obj interface{}) {
		key, ok := secretKey(obj)
		if !ok {
			return
		}
		s.epoch.Add(1)
		for _, kc := range s.claimants(key) {
			enqueue(types.NamespacedName{Namespace: kc.Namespace, Name: kc.Name})
		}
	}
	return cache.ResourceEventHandlerFuncs{
		AddFunc: each,
		UpdateFunc: func(oldObj, newObj interface{}) {
			if oldKey, _ := secretKey(oldObj); oldKey != "" {
				if newKey, _ := secretKey(newObj); newKey != oldKey {
					each(oldObj)
					each(newObj)
				}
			}
		},
		DeleteFunc: func(obj interface{}) {
			o, _ := unwrap[any](obj)
			each(o)
		},
	}
}

// watchSecretClaims indexes the KCert and Certificate informers by Secret
// and enqueues the KCerts that a change of either may let proceed or stop.
func watchSecretClaims(impl *controller.Impl, kcerts, certificates cache.SharedIndexInformer, classFilter func(interface{}) bool) *secretClaims {
	s := &secretClaims{kcerts: mustIndex(kcerts, SecretNameIndexers), certificates: mustIndex(certificates, SecretNameIndexers), classFilter: classFilter}
	handler := s.enqueueClaimants(impl.EnqueueKey)
	for _, inf := range []cache.SharedIndexInformer{kcerts, certificates} {
		inf.AddEventHandler(handler)
	}
	return s
}
