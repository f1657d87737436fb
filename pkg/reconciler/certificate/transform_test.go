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
	"context"
	"testing"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"

	filteredinformerfactory "knative.dev/pkg/client/injection/kube/informers/factory/filtered"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/kmeta"
	ktesting "knative.dev/pkg/reconciler/testing"
	"knative.dev/pkg/system"

	fakecmclient "knative.dev/net-certmanager/pkg/client/certmanager/injection/client/fake"
)

var someManagedFields = []metav1.ManagedFieldsEntry{{Manager: "cert-manager", Operation: metav1.ManagedFieldsOperationUpdate}}

func objectMeta() metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: testNS, Name: "x", UID: "uid-x", ManagedFields: someManagedFields,
		OwnerReferences: []metav1.OwnerReference{{Kind: "Certificate", Name: testName, UID: "uid-cert"}}}
}

func TestTrimForCache(t *testing.T) {
	trimmedMeta := objectMeta()
	trimmedMeta.ManagedFields = nil
	linkMeta := func() metav1.ObjectMeta {
		m := objectMeta()
		m.Labels = map[string]string{"app": "x"}
		m.Annotations = map[string]string{"cert-manager.io/certificate-name": testName}
		m.Finalizers = []string{"f"}
		return m
	}
	kcertControlled := func(m metav1.ObjectMeta) metav1.ObjectMeta {
		m.OwnerReferences = []metav1.OwnerReference{*kmeta.NewControllerRef(kcert())}
		return m
	}
	withoutManagedFields := func(m metav1.ObjectMeta) metav1.ObjectMeta { m.ManagedFields = nil; return m }
	created := metav1.Unix(1700000000, 0)
	withCreated := func(m metav1.ObjectMeta) metav1.ObjectMeta { m.CreationTimestamp = created; return m }
	links := metav1.ObjectMeta{Namespace: testNS, Name: "x", UID: "uid-x", OwnerReferences: objectMeta().OwnerReferences}
	challengeSpec := acmev1.ChallengeSpec{Type: acmev1.ACMEChallengeTypeHTTP01, DNSName: "a.example.com", Token: "tok"}
	fullChallengeSpec := challengeSpec
	fullChallengeSpec.Key = "key-authorization"
	fullChallengeSpec.URL = "https://acme/chall/1"
	fullChallengeSpec.Solver = acmev1.ACMEChallengeSolver{HTTP01: &acmev1.ACMEChallengeSolverHTTP01{}}
	tests := []struct {
		name    string
		in, out interface{}
	}{{
		name: "certificate request: only the owner chain's links stay",
		in: &cmv1.CertificateRequest{ObjectMeta: linkMeta(),
			Spec:   cmv1.CertificateRequestSpec{Request: []byte("csr"), IssuerRef: externalIssuer},
			Status: cmv1.CertificateRequestStatus{Certificate: []byte("crt"), CA: []byte("ca")}},
		out: &cmv1.CertificateRequest{ObjectMeta: links},
	}, {
		name: "order: only the owner chain's links stay",
		in: &acmev1.Order{ObjectMeta: linkMeta(), Spec: acmev1.OrderSpec{Request: []byte("csr"), DNSNames: []string{"a"}},
			Status: acmev1.OrderStatus{Certificate: []byte("crt"), URL: "https://acme/order/1"}},
		out: &acmev1.Order{ObjectMeta: links},
	}, {
		name: "certificate request: its creation time and conditions stay, without timestamps",
		in: &cmv1.CertificateRequest{ObjectMeta: withCreated(linkMeta()), Status: cmv1.CertificateRequestStatus{
			Certificate: []byte("crt"), Conditions: []cmv1.CertificateRequestCondition{{Type: cmv1.CertificateRequestConditionDenied,
				Status: cmmeta.ConditionTrue, Reason: "policy", Message: "no", LastTransitionTime: &created}}}},
		out: &cmv1.CertificateRequest{ObjectMeta: withCreated(links), Status: cmv1.CertificateRequestStatus{
			Conditions: []cmv1.CertificateRequestCondition{{Type: cmv1.CertificateRequestConditionDenied,
				Status: cmmeta.ConditionTrue, Reason: "policy", Message: "no"}}}},
	}, {
		name: "order: its state and reason stay",
		in: &acmev1.Order{ObjectMeta: linkMeta(), Status: acmev1.OrderStatus{Certificate: []byte("crt"),
			State: acmev1.Invalid, Reason: "rejected"}},
		out: &acmev1.Order{ObjectMeta: links, Status: acmev1.OrderStatus{State: acmev1.Invalid, Reason: "rejected"}},
	}, {
		name: "challenge: the fields of status.http01Challenges stay",
		in:   &acmev1.Challenge{ObjectMeta: objectMeta(), Spec: fullChallengeSpec, Status: acmev1.ChallengeStatus{Presented: true}},
		out:  &acmev1.Challenge{ObjectMeta: trimmedMeta, Spec: challengeSpec, Status: acmev1.ChallengeStatus{Presented: true}},
	}, {
		name: "a Certificate no KCert controls: only its links and Secret stay",
		in: &cmv1.Certificate{ObjectMeta: linkMeta(), Spec: cmv1.CertificateSpec{SecretName: "s", DNSNames: []string{"a"}, IssuerRef: externalIssuer},
			Status: cmv1.CertificateStatus{Revision: ptr.To(2)}},
		out: &cmv1.Certificate{ObjectMeta: links, Spec: cmv1.CertificateSpec{SecretName: "s"}},
	}, {
		name: "a Certificate a KCert controls loses only managedFields",
		in: &cmv1.Certificate{ObjectMeta: kcertControlled(linkMeta()), Spec: cmv1.CertificateSpec{SecretName: "s", DNSNames: []string{"a"}},
			Status: cmv1.CertificateStatus{Revision: ptr.To(2)}},
		out: &cmv1.Certificate{ObjectMeta: withoutManagedFields(kcertControlled(linkMeta())), Spec: cmv1.CertificateSpec{SecretName: "s", DNSNames: []string{"a"}},
			Status: cmv1.CertificateStatus{Revision: ptr.To(2)}},
	}, {
		name: "any other object loses only managedFields",
		in:   &corev1.Service{ObjectMeta: objectMeta(), Spec: corev1.ServiceSpec{ClusterIP: "10.0.0.1"}},
		out:  &corev1.Service{ObjectMeta: trimmedMeta, Spec: corev1.ServiceSpec{ClusterIP: "10.0.0.1"}},
	}, {
		name: "a tombstone passes untouched",
		in:   cache.DeletedFinalStateUnknown{Key: "ns/x", Obj: &corev1.Service{ObjectMeta: objectMeta()}},
		out:  cache.DeletedFinalStateUnknown{Key: "ns/x", Obj: &corev1.Service{ObjectMeta: objectMeta()}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := trimForCache(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.out, got); diff != "" {
				t.Errorf("trimForCache (-want +got):\n%s", diff)
			}
			// Idempotent, as client-go asks of a transform.
			again, _ := trimForCache(got)
			if diff := cmp.Diff(tc.out, again); diff != "" {
				t.Errorf("second trimForCache (-want +got):\n%s", diff)
			}
		})
	}
}

// The controller installs the transform: what its informers cache is trimmed.
func TestControllerCachesTrimmedObjects(t *testing.T) {
	ctx, cancel, informers := ktesting.SetupFakeContextWithCancel(t, func(ctx context.Context) context.Context {
		return filteredinformerfactory.WithSelectors(ctx, SolverServiceSelector)
	})
	defer cancel()
	newController(ctx, &configmap.ManualWatcher{Namespace: system.Namespace()}, testClass, 0, clocktesting.NewFakePassiveClock(now))

	cr := &cmv1.CertificateRequest{ObjectMeta: objectMeta(), Spec: cmv1.CertificateRequestSpec{Request: []byte("csr")}}
	if _, err := fakecmclient.Get(ctx).CertmanagerV1().CertificateRequests(testNS).Create(ctx, cr, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	wait, err := ktesting.RunAndSyncInformers(ctx, withOwnedInformers(ctx, informers)...)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); wait() }()

	got, err := certManager(ctx).CertificateRequests().Lister().CertificateRequests(testNS).Get("x")
	if err != nil {
		t.Fatal(err)
	}
	if got.Spec.Request != nil || got.ManagedFields != nil {
		t.Errorf("cached CertificateRequest keeps request %q and managedFields %v; want both trimmed", got.Spec.Request, got.ManagedFields)
	}
	if len(got.OwnerReferences) != 1 || got.OwnerReferences[0].UID != "uid-cert" {
		t.Errorf("cached owner references = %v, want the Certificate's", got.OwnerReferences)
	}
}
