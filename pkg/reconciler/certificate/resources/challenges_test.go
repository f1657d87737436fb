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
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

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

// setController makes obj controlled by the owner of the given kind whose
// name and UID are uid, as cert-manager does.
func setController(obj metav1.Object, kind schema.GroupKind, uid types.UID) {
	apiVersion := kind.WithVersion("v1").GroupVersion().String()
	obj.SetOwnerReferences([]metav1.OwnerReference{{
		APIVersion: apiVersion, Kind: kind.Kind, Name: string(uid), UID: uid, Controller: ptr.To(true),
	}})
}

// withControllers makes every object of o controlled by the owner it is
// listed under, so that o is the chain cert-manager builds.
func withControllers(o owned) owned {
	setControllers(o.crs, CertificateKind)
	setControllers(o.orders, CertificateRequestKind)
	setControllers(o.chs, OrderKind)
	setControllers(o.services, ChallengeKind)
	return o
}

func setControllers[T metav1.Object](byOwner map[types.UID][]T, kind schema.GroupKind) {
	for uid, objs := range byOwner {
		for _, obj := range objs {
			setController(obj, kind, uid)
		}
	}
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
		return withControllers(owned{
			crs:      map[types.UID][]*cmv1.CertificateRequest{"cert": {{ObjectMeta: meta("cr-1")}, {ObjectMeta: meta("cr-0")}}},
			orders:   map[types.UID][]*acmev1.Order{"cr-1": {{ObjectMeta: meta("order-1")}}},
			chs:      map[types.UID][]*acmev1.Challenge{"order-1": chs},
			services: services,
		})
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

// foreignVariants each make one object of a valid chain foreign.
var foreignVariants = []struct {
	name string
	make func(metav1.Object)
}{
	{"in another namespace", func(o metav1.Object) { o.SetNamespace("other") }},
	{"with a plain owner reference (controller: false)", func(o metav1.Object) {
		o.GetOwnerReferences()[0].Controller = ptr.To(false)
	}},
	{"owned by another kind", func(o metav1.Object) { o.GetOwnerReferences()[0].Kind = "Secret" }},
	{"owned by the kind of another group", func(o metav1.Object) {
		o.GetOwnerReferences()[0].APIVersion = "networking.internal.knative.dev/v1alpha1"
	}},
}

// Each link of the chain is followed only to objects its owner controls:
// a foreign object at any link hides the challenge, and a foreign solver
// Service is never published, even one whose name sorts first.
func TestHTTP01ChallengesIgnoresForeignObjects(t *testing.T) {
	certificate := &cmv1.Certificate{ObjectMeta: meta("cert")}
	chain := func() owned {
		return withControllers(owned{
			crs:      map[types.UID][]*cmv1.CertificateRequest{"cert": {{ObjectMeta: meta("cr-1")}}},
			orders:   map[types.UID][]*acmev1.Order{"cr-1": {{ObjectMeta: meta("order-1")}}},
			chs:      map[types.UID][]*acmev1.Challenge{"order-1": {ch("a", acmev1.ACMEChallengeTypeHTTP01, "a.example.com")}},
			services: map[types.UID][]*corev1.Service{"a": {svc("solver-a", 8089)}},
		})
	}
	links := []struct {
		name string
		pick func(owned) metav1.Object
	}{
		{"CertificateRequest", func(o owned) metav1.Object { return o.crs["cert"][0] }},
		{"Order", func(o owned) metav1.Object { return o.orders["cr-1"][0] }},
		{"Challenge", func(o owned) metav1.Object { return o.chs["order-1"][0] }},
		{"solver Service", func(o owned) metav1.Object { return o.services["a"][0] }},
	}

	valid := []v1alpha1.HTTP01Challenge{want("a.example.com", "a", "solver-a", 8089)}
	if diff := cmp.Diff(valid, HTTP01Challenges(certificate, chain())); diff != "" {
		t.Fatalf("the valid chain (-want +got):\n%s", diff)
	}
	for _, link := range links {
		for _, v := range foreignVariants {
			t.Run(link.name+" "+v.name, func(t *testing.T) {
				o := chain()
				v.make(link.pick(o))
				if got := HTTP01Challenges(certificate, o); len(got) != 0 {
					t.Errorf("HTTP01Challenges = %+v, want none", got)
				}
			})
		}
	}
	for _, v := range foreignVariants {
		t.Run("a foreign solver Service "+v.name+" sorting first loses to cert-manager's", func(t *testing.T) {
			o := chain()
			first := svc("aaa-foreign", 80)
			setController(first, ChallengeKind, "a")
			v.make(first)
			o.services["a"] = append([]*corev1.Service{first}, o.services["a"]...)
			if diff := cmp.Diff(valid, HTTP01Challenges(certificate, o)); diff != "" {
				t.Errorf("HTTP01Challenges (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIsControlledBy(t *testing.T) {
	owner := &acmev1.Challenge{ObjectMeta: meta("ch")}
	tests := []struct {
		name string
		edit func(*corev1.Service)
		want bool
	}{
		{name: "controlled by the owner", edit: func(*corev1.Service) {}, want: true},
		{name: "a later API version of the owner's kind", want: true, edit: func(s *corev1.Service) {
			s.OwnerReferences[0].APIVersion = "acme.cert-manager.io/v2"
		}},
		{name: "no owner references", edit: func(s *corev1.Service) { s.OwnerReferences = nil }},
		{name: "controller unset", edit: func(s *corev1.Service) { s.OwnerReferences[0].Controller = nil }},
		{name: "another owner's UID", edit: func(s *corev1.Service) { s.OwnerReferences[0].UID = "other" }},
		{name: "a plain reference to the owner beside another controller", edit: func(s *corev1.Service) {
			s.OwnerReferences[0].Controller = ptr.To(false)
			s.OwnerReferences = append(s.OwnerReferences, metav1.OwnerReference{
				APIVersion: "acme.cert-manager.io/v1", Kind: "Challenge", Name: "x", UID: "x", Controller: ptr.To(true)})
		}},
	}
	for _, v := range foreignVariants {
		tests = append(tests, struct {
			name string
			edit func(*corev1.Service)
			want bool
		}{name: v.name, edit: func(s *corev1.Service) { v.make(s) }})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := svc("solver", 80)
			setController(s, ChallengeKind, owner.UID)
			tc.edit(s)
			if got := IsControlledBy(s, owner, ChallengeKind); got != tc.want {
				t.Errorf("IsControlledBy = %t, want %t (owner references %+v)", got, tc.want, s.OwnerReferences)
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
	o := withControllers(owned{
		crs:      map[types.UID][]*cmv1.CertificateRequest{"cert": {{ObjectMeta: meta("cr-1")}}},
		orders:   map[types.UID][]*acmev1.Order{"cr-1": {{ObjectMeta: meta("order-1")}}},
		chs:      map[types.UID][]*acmev1.Challenge{"order-1": chs},
		services: services,
	})
	certificate := &cmv1.Certificate{ObjectMeta: meta("cert")}
	b.ReportAllocs()
	for range b.N {
		if got := HTTP01Challenges(certificate, o); len(got) != 100 {
			b.Fatalf("found %d challenges, want 100", len(got))
		}
	}
}
