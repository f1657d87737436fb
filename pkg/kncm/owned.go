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

package kncm

import (
	"context"
	"fmt"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
)

// listedOwned is resources.OwnedObjects over one namespace's listed
// CertificateRequests, Orders and Challenges, indexed by every owner UID
// they name, as the controller's informer indexes are: the walk judges
// each link with resources.IsControlledBy.
type listedOwned struct {
	requests   map[types.UID][]*cmv1.CertificateRequest
	orders     map[types.UID][]*acmev1.Order
	challenges map[types.UID][]*acmev1.Challenge
}

var _ resources.OwnedObjects = (*listedOwned)(nil)

func (l *listedOwned) CertificateRequests(owner types.UID) []*cmv1.CertificateRequest {
	return l.requests[owner]
}
func (l *listedOwned) Orders(owner types.UID) []*acmev1.Order { return l.orders[owner] }
func (l *listedOwned) Challenges(owner types.UID) []*acmev1.Challenge {
	return l.challenges[owner]
}

// SolverServices is never asked by StuckStep; status shows the challenges
// the KCert itself publishes instead.
func (l *listedOwned) SolverServices(types.UID) []*corev1.Service { return nil }

// ownedIn lists a namespace's cert-manager objects once per reader.
func (r *StatusReader) ownedIn(ctx context.Context, ns string) (*listedOwned, error) {
	if l, ok := r.owned[ns]; ok {
		return l, nil
	}
	crs, err := r.c.CM.CertmanagerV1().CertificateRequests(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list CertificateRequests in %s: %w", ns, err)
	}
	orders, err := r.c.CM.AcmeV1().Orders(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list Orders in %s: %w", ns, err)
	}
	chs, err := r.c.CM.AcmeV1().Challenges(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list Challenges in %s: %w", ns, err)
	}
	l := &listedOwned{requests: byOwner(crs.Items), orders: byOwner(orders.Items), challenges: byOwner(chs.Items)}
	r.owned[ns] = l
	return l, nil
}

// byOwner indexes items by the UID of each owner they reference.
func byOwner[T any, PT interface {
	*T
	metav1.Object
}](items []T) map[types.UID][]PT {
	out := map[types.UID][]PT{}
	for i := range items {
		obj := PT(&items[i])
		for _, ref := range obj.GetOwnerReferences() {
			out[ref.UID] = append(out[ref.UID], obj)
		}
	}
	return out
}
