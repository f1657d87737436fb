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

package webhook

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"knative.dev/pkg/controller"
	pkgreconciler "knative.dev/pkg/reconciler"
	pkgwebhook "knative.dev/pkg/webhook"
)

// fakeAdmission stands for knative's configmap admission controller.
type fakeAdmission struct {
	pkgreconciler.LeaderAwareFuncs
	allowed    bool
	reconciled string
}

func (f *fakeAdmission) Reconcile(_ context.Context, key string) error {
	f.reconciled = key
	return nil
}
func (f *fakeAdmission) Path() string { return "/config-validation" }
func (f *fakeAdmission) Admit(context.Context, *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	return &admissionv1.AdmissionResponse{Allowed: f.allowed}
}

func TestWithIssuerWarnings(t *testing.T) {
	lookup := &fakeLookup{issuers: map[string][]NamespacedIssuer{"ns-acme": {{Namespace: "tenant", Spec: acme}}}}
	const warning = `clusterLocalIssuerRef: Issuer "ns-acme" is an ACME issuer; ACME cannot sign cluster-local names such as *.svc.cluster.local; use a CA or self-signed issuer; the KCerts it selects in namespace tenant will fail`
	kindless := map[string]string{"clusterLocalIssuerRef": "name: ns-acme"}
	tests := []struct {
		name    string
		allowed bool
		cm      *corev1.ConfigMap
		want    []string
	}{
		{name: "admitted config-certmanager carries the warnings", allowed: true, cm: cm("knative-serving", kindless), want: []string{warning}},
		{name: "refused: the answer stays as it was", cm: cm("knative-serving", kindless)},
		{name: "another namespace is not ours", allowed: true, cm: cm("other", kindless)},
		{name: "another ConfigMap", allowed: true, cm: &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "knative-serving", Name: "config-network"}, Data: kindless}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inner := &fakeAdmission{allowed: tc.allowed}
			impl := WithIssuerWarnings(&controller.Impl{Reconciler: inner}, "knative-serving", lookup)
			ac, ok := impl.Reconciler.(pkgwebhook.AdmissionController)
			if !ok {
				t.Fatal("no longer an admission controller")
			}
			if _, ok := impl.Reconciler.(pkgwebhook.StatelessAdmissionController); !ok {
				t.Error("not stateless: sharedmain would hold every answer until all informers sync")
			}
			if _, ok := impl.Reconciler.(pkgreconciler.LeaderAware); !ok {
				t.Error("not leader aware: the webhook configuration would never be reconciled")
			}
			raw, err := json.Marshal(tc.cm)
			if err != nil {
				t.Fatal(err)
			}
			resp := ac.Admit(context.Background(), &admissionv1.AdmissionRequest{Object: runtime.RawExtension{Raw: raw}})
			if resp.Allowed != tc.allowed || !slices.Equal(resp.Warnings, tc.want) {
				t.Errorf("Admit() = allowed %v, warnings %q; want %v, %q", resp.Allowed, resp.Warnings, tc.allowed, tc.want)
			}
			if err := impl.Reconciler.Reconcile(context.Background(), "key"); err != nil || inner.reconciled != "key" {
				t.Error("Reconcile is not the wrapped one's")
			}
		})
	}
}
