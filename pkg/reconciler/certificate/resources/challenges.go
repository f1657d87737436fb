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

package resources

import (
	"cmp"
	"slices"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	"knative.dev/pkg/apis"
)

// HTTP01SolverLabelKey marks the Services cert-manager creates to answer
// HTTP-01 challenges.
const HTTP01SolverLabelKey = "acme.cert-manager.io/http01-solver"

// http01PathPrefix is where an ACME server fetches an HTTP-01 token (RFC 8555 §8.3).
const http01PathPrefix = "/.well-known/acme-challenge/"

// OwnedObjects finds objects by the UID of an owner that their owner
// references name. The controller answers from informer indexes, which
// hold anything that names the UID: callers judge with IsControlledBy.
type OwnedObjects interface {
	CertificateRequests(owner types.UID) []*cmv1.CertificateRequest
	Orders(owner types.UID) []*acmev1.Order
	Challenges(owner types.UID) []*acmev1.Challenge
	SolverServices(owner types.UID) []*corev1.Service
}

// HTTP01Challenges walks cert-manager's own objects down from a Certificate
// (Certificate → CertificateRequest → Order → Challenge → solver Service)
// and returns the HTTP-01 challenges Knative's ingress must route. Unlike
// reading the issuer's first solver, this works for namespaced, external
// and multi-solver issuers alike. Each link is followed only to objects its
// owner controls, so that no foreign Service is ever routed to. The result
// is sorted, so that an unchanged set never rewrites the KCert status.
func HTTP01Challenges(cert *cmv1.Certificate, owned OwnedObjects) []v1alpha1.HTTP01Challenge {
	var out []v1alpha1.HTTP01Challenge
	for _, cr := range controlledBy(owned.CertificateRequests(cert.UID), cert, CertificateKind) {
		for _, order := range controlledBy(owned.Orders(cr.UID), cr, CertificateRequestKind) {
			for _, ch := range controlledBy(owned.Challenges(order.UID), order, OrderKind) {
				if c, ok := http01Challenge(ch, controlledBy(owned.SolverServices(ch.UID), ch, ChallengeKind)); ok {
					out = append(out, c)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b v1alpha1.HTTP01Challenge) int {
		return cmp.Or(
			cmp.Compare(a.URL.String(), b.URL.String()),
			cmp.Compare(a.ServiceNamespace, b.ServiceNamespace),
			cmp.Compare(a.ServiceName, b.ServiceName))
	})
	return out
}

// http01Challenge publishes one challenge through its solver Service.
func http01Challenge(ch *acmev1.Challenge, services []*corev1.Service) (v1alpha1.HTTP01Challenge, bool) {
	// DNS-01 (and any other) challenges are not routed by the ingress.
	if ch.Spec.Type != acmev1.ACMEChallengeTypeHTTP01 {
		return v1alpha1.HTTP01Challenge{}, false
	}
	// A challenge being deleted is done with.
	if ch.DeletionTimestamp != nil {
		return v1alpha1.HTTP01Challenge{}, false
	}
	svc := solverService(services)
	// The solver Service does not exist yet; its creation enqueues the KCert.
	if svc == nil {
		return v1alpha1.HTTP01Challenge{}, false
	}
	return v1alpha1.HTTP01Challenge{
		URL: &apis.URL{
			Scheme: "http",
			Host:   ch.Spec.DNSName,
			Path:   http01PathPrefix + ch.Spec.Token,
		},
		ServiceName:      svc.Name,
		ServiceNamespace: svc.Namespace,
		ServicePort:      intstr.FromInt32(svc.Spec.Ports[0].Port),
	}, true
}

// solverService picks the first usable solver Service by name, so the
// choice is stable. One without ports cannot be routed to and is skipped.
func solverService(services []*corev1.Service) *corev1.Service {
	var best *corev1.Service
	for _, svc := range services {
		// Only cert-manager's solver Services, and only ones with a port to route to.
		if svc.Labels[HTTP01SolverLabelKey] != "true" || len(svc.Spec.Ports) == 0 {
			continue
		}
		if best == nil || svc.Name < best.Name {
			best = svc
		}
	}
	return best
}
