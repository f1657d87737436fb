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

package localenv

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
)

func split(ns, name string, port intstr.IntOrString, percent int) v1alpha1.IngressBackendSplit {
	return v1alpha1.IngressBackendSplit{
		IngressBackend: v1alpha1.IngressBackend{ServiceNamespace: ns, ServiceName: name, ServicePort: port},
		Percent:        percent,
	}
}

// kingress is a KIngress of class (IngressClass if empty) with one rule.
func kingress(name, class string, hosts []string, paths ...v1alpha1.HTTPIngressPath) *v1alpha1.Ingress {
	if class == "" {
		class = IngressClass
	}
	return &v1alpha1.Ingress{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: "ns", Name: name, Generation: 3,
			Annotations: map[string]string{networking.IngressClassAnnotationKey: class},
		},
		Spec: v1alpha1.IngressSpec{Rules: []v1alpha1.IngressRule{{
			Hosts: hosts, Visibility: v1alpha1.IngressVisibilityExternalIP,
			HTTP: &v1alpha1.HTTPIngressRuleValue{Paths: paths},
		}}},
	}
}

func TestRouteTableMatch(t *testing.T) {
	app := v1alpha1.HTTPIngressPath{
		RewriteHost:   "app.ns.svc.cluster.local",
		AppendHeaders: map[string]string{"K-Path": "app"},
		Splits: []v1alpha1.IngressBackendSplit{
			split("ns", "old", intstr.FromInt(80), 10),
			{IngressBackend: split("ns", "app", intstr.FromInt(80), 90).IngressBackend, Percent: 90,
				AppendHeaders: map[string]string{"K-Original-Host": "app.example.test"}},
		},
	}
	acme := v1alpha1.HTTPIngressPath{
		Path:   "/.well-known/acme-challenge/token",
		Splits: []v1alpha1.IngressBackendSplit{split("ns", "solver", intstr.FromString("http"), 100)},
	}
	tagged := v1alpha1.HTTPIngressPath{
		Headers: map[string]v1alpha1.HeaderMatch{"Knative-Serving-Tag": {Exact: "blue"}},
		Splits:  []v1alpha1.IngressBackendSplit{split("ns", "blue", intstr.FromInt(80), 100)},
	}
	dm := kingress("app.example.test", "", []string{"App.Example.Test"}, tagged, acme, app)
	dm.Spec.TLS = []v1alpha1.IngressTLS{{Hosts: []string{"app.example.test"}, SecretName: "app-tls"}}
	other := kingress("other", "istio.ingress.networking.knative.dev", []string{"other.example.test"}, app)
	broken := kingress("broken", "", []string{"broken.example.test"}, v1alpha1.HTTPIngressPath{})
	deleted := kingress("deleted", "", []string{"deleted.example.test"}, app)
	deleted.DeletionTimestamp = &metav1.Time{Time: time.Now()}
	table := buildRouteTable([]*v1alpha1.Ingress{other, dm, broken, deleted})

	tests := []struct {
		name, host, path string
		wantOK           bool
		wantService      string
		wantHost         string
		wantHeader       string
	}{
		{name: "catch-all path, largest split, host lower-cased, port dropped", host: "app.example.test:8443", path: "/hello",
			wantOK: true, wantService: "app", wantHost: "app.ns.svc.cluster.local", wantHeader: "app.example.test"},
		{name: "longest prefix wins", host: "app.example.test", path: "/.well-known/acme-challenge/token",
			wantOK: true, wantService: "solver"},
		{name: "header-only path never catches plain requests", host: "APP.example.test.", path: "/",
			wantOK: true, wantService: "app", wantHost: "app.ns.svc.cluster.local", wantHeader: "app.example.test"},
		{name: "unknown host", host: "nope.example.test", path: "/"},
		{name: "another class", host: "other.example.test", path: "/"},
		{name: "not routable", host: "broken.example.test", path: "/"},
		{name: "being deleted", host: "deleted.example.test", path: "/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := table.match(tc.host, tc.path)
			if ok != tc.wantOK {
				t.Fatalf("match(%q, %q) ok = %v, want %v", tc.host, tc.path, ok, tc.wantOK)
			}
			if !ok {
				return
			}
			if r.backend.ServiceName != tc.wantService || r.rewriteHost != tc.wantHost {
				t.Errorf("route = %s (host %q), want %s (host %q)", r.backend.ServiceName, r.rewriteHost, tc.wantService, tc.wantHost)
			}
			if got := r.headers["K-Original-Host"]; got != tc.wantHeader {
				t.Errorf("K-Original-Host = %q, want %q", got, tc.wantHeader)
			}
			if r.ingress != (types.NamespacedName{Namespace: "ns", Name: "app.example.test"}) {
				t.Errorf("ingress = %v", r.ingress)
			}
		})
	}

	if got, ok := table.tlsSecret("APP.example.test"); !ok || got != (types.NamespacedName{Namespace: "ns", Name: "app-tls"}) {
		t.Errorf("tlsSecret = %v, %v; want ns/app-tls (the KIngress's namespace by default)", got, ok)
	}
	if _, ok := table.tlsSecret("other.example.test"); ok {
		t.Error("TLS served for a host of another class")
	}
}

func TestReadyStatus(t *testing.T) {
	ok := kingress("ok", "", []string{"a.example.test"}, v1alpha1.HTTPIngressPath{
		Splits: []v1alpha1.IngressBackendSplit{split("ns", "a", intstr.FromInt(80), 100)},
	})
	noBackend := kingress("no-backend", "", []string{"b.example.test"}, v1alpha1.HTTPIngressPath{})
	noHosts := kingress("no-hosts", "", nil, ok.Spec.Rules[0].HTTP.Paths...)
	badTLS := ok.DeepCopy()
	badTLS.Spec.TLS = []v1alpha1.IngressTLS{{Hosts: []string{"a.example.test"}}}

	for _, tc := range []struct {
		name      string
		ing       *v1alpha1.Ingress
		wantReady corev1.ConditionStatus
	}{
		{"routable", ok, corev1.ConditionTrue},
		{"path without backend", noBackend, corev1.ConditionFalse},
		{"rule without hosts", noHosts, corev1.ConditionFalse},
		{"tls without secret", badTLS, corev1.ConditionFalse},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ing := tc.ing.DeepCopy()
			if statusCurrent(ing) {
				t.Fatal("statusCurrent before any status was written")
			}
			st := readyStatus(ing)
			if st.ObservedGeneration != ing.Generation {
				t.Errorf("observedGeneration = %d, want %d", st.ObservedGeneration, ing.Generation)
			}
			if got := st.GetCondition(v1alpha1.IngressConditionReady); got == nil || got.Status != tc.wantReady {
				t.Fatalf("Ready = %+v, want %s", got, tc.wantReady)
			}
			if tc.wantReady == corev1.ConditionTrue {
				want := []v1alpha1.LoadBalancerIngressStatus{{DomainInternal: IngressDomainInternal}}
				if st.PublicLoadBalancer == nil || !lbEqual(st.PublicLoadBalancer, &v1alpha1.LoadBalancerStatus{Ingress: want}) {
					t.Errorf("publicLoadBalancer = %+v", st.PublicLoadBalancer)
				}
			}
			ing.Status = st
			if !statusCurrent(ing) {
				t.Error("statusCurrent = false right after writing readyStatus: the ingress would write forever")
			}
			ing.Generation++
			if statusCurrent(ing) {
				t.Error("statusCurrent = true for a new generation")
			}
		})
	}
}

func TestServicePortNumber(t *testing.T) {
	ports := []corev1.ServicePort{{Name: "http", Port: 80}, {Name: "metrics", Port: 9090}}
	for _, tc := range []struct {
		want    intstr.IntOrString
		port    int32
		wantErr bool
	}{
		{intstr.FromInt(80), 80, false},
		{intstr.FromString("metrics"), 9090, false},
		{intstr.FromInt(8080), 0, true},
		{intstr.FromString("grpc"), 0, true},
	} {
		got, err := servicePortNumber(ports, tc.want)
		if (err != nil) != tc.wantErr || got != tc.port {
			t.Errorf("servicePortNumber(%s) = %d, %v; want %d, error %v", tc.want.String(), got, err, tc.port, tc.wantErr)
		}
	}
}
