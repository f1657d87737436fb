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
	"fmt"
	"testing"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	"knative.dev/pkg/apis"
)

// owned is an in-memory OwnedObjects keyed by owner UID.
type owned struct {
	crs      map[types.UID][]*cmv1.CertificateRequest
	orders   map[types.UID][]*acmev1.Order
	chs      map[types.UID][]*acmev1.Challenge
	services map[types.UID][]*corev1.Service
}

func (o owned) CertificateRequests(u types.UID) []*cmv1.CertificateRequest { return o.crs[u] }
func (o owned) Orders(u types.UID) []*acmev1.Order                         { return o.orders[u] }
func (o owned) Challenges(u types.UID) []*acmev1.Challenge                 { return o.chs[u] }
func (o owned) SolverServices(u types.UID) []*corev1.Service               { return o.services[u] }

func meta(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: "ns", UID: types.UID(name)}
}

func ch(name string, typ acmev1.ACMEChallengeType, host string) *acmev1.Challenge {
	return &acmev1.Challenge{ObjectMeta: meta(name), Spec: acmev1.ChallengeSpec{Type: typ, DNSName: host, Token: "tok-" + name}}
}

func svc(name string, ports ...int32) *corev1.Service {
	s := &corev1.Service{ObjectMeta: meta(name)}
	s.Labels = map[string]string{HTTP01SolverLabelKey: "true"}
	for _, p := range ports {
		s.Spec.Ports = append(s.Spec.Ports, corev1.ServicePort{Port: p})
	}
	return s
}

func want(host, chName, svcName string, port int) v1alpha1.HTTP01Challenge {
	return v1alpha1.HTTP01Challenge{
		URL:         &apis.URL{Scheme: "http", Host: host, Path: "/.well-known/acme-challenge/tok-" + chName},
		ServiceName: svcName, ServiceNamespace: "ns", ServicePort: intstr.FromInt(port),
	}
}

func TestHTTP01Challenges(t *testing.T) {
	certificate := &cmv1.Certificate{ObjectMeta: meta("cert")}
	chain := func(chs []*acmev1.Challenge, services map[types.UID][]*corev1.Service) owned {
		return owned{
			crs:      map[types.UID][]*cmv1.CertificateRequest{"cert": {{ObjectMeta: meta("cr-1")}, {ObjectMeta: meta("cr-0")}}},
			orders:   map[types.UID][]*acmev1.Order{"cr-1": {{ObjectMeta: meta("order-1")}}},
			chs:      map[types.UID][]*acmev1.Challenge{"order-1": chs},
			services: services,
		}
	}
	deleting := ch("deleting", acmev1.ACMEChallengeTypeHTTP01, "d.example.com")
	deleting.DeletionTimestamp = &metav1.Time{}
	unlabelled := svc("plain", 80)
	unlabelled.Labels = nil

	tests := []struct {
		name  string
		owned owned
		want  []v1alpha1.HTTP01Challenge
	}{{
		name:  "nothing issued through ACME",
		owned: owned{},
	}, {
		name: "one HTTP-01 challenge with its solver Service",
		owned: chain([]*acmev1.Challenge{ch("a", acmev1.ACMEChallengeTypeHTTP01, "a.example.com")},
			map[types.UID][]*corev1.Service{"a": {svc("solver-a", 8089)}}),
		want: []v1alpha1.HTTP01Challenge{want("a.example.com", "a", "solver-a", 8089)},
	}, {
		name: "DNS-01 challenges are ignored",
		owned: chain([]*acmev1.Challenge{
			ch("dns", acmev1.ACMEChallengeTypeDNS01, "dns.example.com"),
			ch("b", acmev1.ACMEChallengeTypeHTTP01, "b.example.com"),
		}, map[types.UID][]*corev1.Service{"b": {svc("solver-b", 8089)}, "dns": {svc("solver-dns", 1)}}),
		want: []v1alpha1.HTTP01Challenge{want("b.example.com", "b", "solver-b", 8089)},
	}, {
		name: "several challenges come out sorted by URL",
		owned: chain([]*acmev1.Challenge{
			ch("z", acmev1.ACMEChallengeTypeHTTP01, "z.example.com"),
			ch("a", acmev1.ACMEChallengeTypeHTTP01, "a.example.com"),
		}, map[types.UID][]*corev1.Service{"a": {svc("solver-a", 1)}, "z": {svc("solver-z", 2)}}),
		want: []v1alpha1.HTTP01Challenge{want("a.example.com", "a", "solver-a", 1), want("z.example.com", "z", "solver-z", 2)},
	}, {
		name: "a challenge being deleted is dropped",
		owned: chain([]*acmev1.Challenge{deleting},
			map[types.UID][]*corev1.Service{"deleting": {svc("solver-d", 1)}}),
	}, {
		name:  "a challenge whose solver Service does not exist yet waits",
		owned: chain([]*acmev1.Challenge{ch("a", acmev1.ACMEChallengeTypeHTTP01, "a.example.com")}, nil),
	}, {
		name: "solver Services without ports or the solver label are skipped",
		owned: chain([]*acmev1.Challenge{ch("a", acmev1.ACMEChallengeTypeHTTP01, "a.example.com")},
			map[types.UID][]*corev1.Service{"a": {svc("solver-noports"), unlabelled}}),
	}, {
		name: "of several solver Services the first usable by name is chosen",
		owned: chain([]*acmev1.Challenge{ch("a", acmev1.ACMEChallengeTypeHTTP01, "a.example.com")},
			map[types.UID][]*corev1.Service{"a": {svc("solver-c", 3), svc("solver-a"), svc("solver-b", 2)}}),
		want: []v1alpha1.HTTP01Challenge{want("a.example.com", "a", "solver-b", 2)},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := HTTP01Challenges(certificate, tc.owned)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("HTTP01Challenges (-want +got):\n%s", diff)
			}
		})
	}
}

// BenchmarkHTTP01Challenges discovers 100 HTTP-01 challenges of one
// certificate (one order with 100 names), each with its solver Service.
func BenchmarkHTTP01Challenges(b *testing.B) {
	var chs []*acmev1.Challenge
	services := map[types.UID][]*corev1.Service{}
	for i := range 100 {
		name := fmt.Sprintf("ch-%03d", i)
		chs = append(chs, ch(name, acmev1.ACMEChallengeTypeHTTP01, name+".example.com"))
		services[types.UID(name)] = []*corev1.Service{svc("solver-"+name, 8089)}
	}
	o := owned{
		crs:      map[types.UID][]*cmv1.CertificateRequest{"cert": {{ObjectMeta: meta("cr-1")}}},
		orders:   map[types.UID][]*acmev1.Order{"cr-1": {{ObjectMeta: meta("order-1")}}},
		chs:      map[types.UID][]*acmev1.Challenge{"order-1": chs},
		services: services,
	}
	certificate := &cmv1.Certificate{ObjectMeta: meta("cert")}
	b.ReportAllocs()
	for range b.N {
		if got := HTTP01Challenges(certificate, o); len(got) != 100 {
			b.Fatalf("found %d challenges, want 100", len(got))
		}
	}
}
