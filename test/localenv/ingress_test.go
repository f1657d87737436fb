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
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	kubefake "k8s.io/client-go/kubernetes/fake"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
)

// TestIngressServeHTTP sends requests through the minimal ingress's handler
// to a backend reached through the egress proxy's routes.
func TestIngressServeHTTP(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "host=%s path=%s original=%s proto=%s", r.Host, r.URL.Path, r.Header.Get("K-Original-Host"), r.Header.Get("X-Forwarded-Proto"))
	}))
	defer backend.Close()

	svc := func(name, ip string) *corev1.Service {
		return &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name},
			Spec:       corev1.ServiceSpec{ClusterIP: ip, Ports: []corev1.ServicePort{{Name: "http", Port: 80}}},
		}
	}
	egress, err := StartEgressProxy(io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer egress.Close()
	egress.Route("10.0.0.10:80", strings.TrimPrefix(backend.URL, "http://"))

	app := v1alpha1.HTTPIngressPath{
		RewriteHost: "app.ns.svc.cluster.local",
		Splits: []v1alpha1.IngressBackendSplit{{
			IngressBackend: v1alpha1.IngressBackend{ServiceNamespace: "ns", ServiceName: "app", ServicePort: intstr.FromString("http")},
			Percent:        100,
			AppendHeaders:  map[string]string{"K-Original-Host": "app.example.test"},
		}},
	}
	unrouted := v1alpha1.HTTPIngressPath{Path: "/unrouted", Splits: []v1alpha1.IngressBackendSplit{
		split("ns", "no-process", intstr.FromInt(80), 100),
	}}
	missing := v1alpha1.HTTPIngressPath{Path: "/missing", Splits: []v1alpha1.IngressBackendSplit{
		split("ns", "no-service", intstr.FromInt(80), 100),
	}}
	li := &localIngress{
		kube:   kubefake.NewClientset(svc("app", "10.0.0.10"), svc("no-process", "10.0.0.11")),
		egress: egress,
		log:    io.Discard,
	}
	table := buildRouteTable([]*v1alpha1.Ingress{kingress("app", "", []string{"app.example.test"}, app, unrouted, missing)})
	li.table.Store(&table)

	for _, tc := range []struct {
		name, host, path string
		wantCode         int
		wantBody         string
	}{
		{"routed, host rewritten, headers added", "app.example.test", "/hello", http.StatusOK,
			"host=app.ns.svc.cluster.local path=/hello original=app.example.test proto=http"},
		{"unknown host", "other.example.test", "/", http.StatusNotFound, `no KIngress rule for host "other.example.test"`},
		{"Service without a local process", "app.example.test", "/unrouted", http.StatusBadGateway,
			"no local process serves Service ns/no-process port 80"},
		{"no such Service", "app.example.test", "/missing", http.StatusBadGateway, `services "no-service" not found`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "http://"+tc.host+tc.path, nil)
			rec := httptest.NewRecorder()
			li.ServeHTTP(rec, req)
			if rec.Code != tc.wantCode || !strings.Contains(rec.Body.String(), tc.wantBody) {
				t.Errorf("GET %s%s = %d %q, want %d containing %q", tc.host, tc.path, rec.Code, rec.Body.String(), tc.wantCode, tc.wantBody)
			}
		})
	}
}
