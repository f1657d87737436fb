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
	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"

	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
)

// OwnerUIDIndex indexes objects by the UIDs of their owners, so that the
// owner chain from a Certificate down to its Challenges is walked with map
// lookups instead of namespace-wide lists.
const OwnerUIDIndex = "ownerUID"

// OwnerUIDIndexers is the indexer set every owned-object informer gets.
var OwnerUIDIndexers = cache.Indexers{OwnerUIDIndex: indexByOwnerUID}

func indexByOwnerUID(obj interface{}) ([]string, error) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return nil, nil // not an object: nothing to index, never a panic
	}
	refs := m.GetOwnerReferences()
	if len(refs) == 0 {
		return nil, nil
	}
	uids := make([]string, 0, len(refs))
	for _, ref := range refs {
		uids = append(uids, string(ref.UID))
	}
	return uids, nil
}

// ownedIndex answers resources.OwnedObjects from informer indexes.
type ownedIndex struct {
	certificateRequests cache.Indexer
	orders              cache.Indexer
	challenges          cache.Indexer
	services            cache.Indexer
}

var _ resources.OwnedObjects = (*ownedIndex)(nil)

func (o *ownedIndex) CertificateRequests(owner types.UID) []*cmv1.CertificateRequest {
	return byOwner[*cmv1.CertificateRequest](o.certificateRequests, owner)
}

func (o *ownedIndex) Orders(owner types.UID) []*acmev1.Order {
	return byOwner[*acmev1.Order](o.orders, owner)
}

func (o *ownedIndex) Challenges(owner types.UID) []*acmev1.Challenge {
	return byOwner[*acmev1.Challenge](o.challenges, owner)
}

func (o *ownedIndex) SolverServices(owner types.UID) []*corev1.Service {
	return byOwner[*corev1.Service](o.services, owner)
}

func byOwner[T any](idx cache.Indexer, owner types.UID) []T {
	if owner == "" {
		return nil
	}
	return byIndex[T](idx, OwnerUIDIndex, string(owner))
}

// byIndex lists the objects of type T under key in one of idx's indexes.
func byIndex[T any](idx cache.Indexer, index, key string) []T {
	if idx == nil {
		return nil
	}
	objs, err := idx.ByIndex(index, key)
	if err != nil {
		return nil
	}
	out := make([]T, 0, len(objs))
	for _, obj := range objs {
		if t, ok := obj.(T); ok {
			out = append(out, t)
		}
	}
	return out
}
