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
	"fmt"
	"testing"
	"time"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"

	fakenetworkingclient "knative.dev/networking/pkg/client/injection/client/fake"
	fakekubeclient "knative.dev/pkg/client/injection/kube/client/fake"
	filteredinformerfactory "knative.dev/pkg/client/injection/kube/informers/factory/filtered"
	"knative.dev/pkg/configmap"
	ktesting "knative.dev/pkg/reconciler/testing"
	"knative.dev/pkg/system"

	fakecmclient "knative.dev/net-certmanager/pkg/client/certmanager/injection/client/fake"
)

// informerEvent is one informer notification: an add (old nil), an update, or a
// delete (cur nil).
type informerEvent struct {
	old, cur interface{}
}

func (e informerEvent) deliver(h cache.ResourceEventHandler) {
	switch {
	case e.old == nil:
		h.OnAdd(e.cur, false)
	case e.cur == nil:
		h.OnDelete(e.old)
	default:
		h.OnUpdate(e.old, e.cur)
	}
}

// edited returns a copy of obj changed by edit.
func edited[T runtime.Object](obj T, edit func(T)) T {
	c := obj.DeepCopyObject().(T)
	edit(c)
	return c
}

// Each event reaches a counting enqueue through the controller's own
// handlers: cert-manager's churn that cannot change the KCert's status
// enqueues nothing, and each relevant change enqueues the KCert once.
func TestOnlyRelevantChangesEnqueue(t *testing.T) {
	cert := cmCert(kcert(), externalIssuer, issuingInProgress)
	http01Chain := acmeChain(cmCert(kcert(), externalIssuer), acmev1.ACMEChallengeTypeHTTP01)
	dns01Chain := acmeChain(cmCert(kcert(), externalIssuer), acmev1.ACMEChallengeTypeDNS01)
	httpCh, solver := http01Chain[2].(*acmev1.Challenge), http01Chain[3].(*corev1.Service)
	dnsCh := dns01Chain[2].(*acmev1.Challenge)
	failing := func(reason string) func(*acmev1.Challenge) {
		return func(c *acmev1.Challenge) {
			c.ResourceVersion += "1"
			c.Status.State, c.Status.Reason, c.Status.Processing = acmev1.Errored, reason, true
		}
	}

	type handler int
	const (
		onCertificate handler = iota
		onChallenge
		onSolverService
	)
	tests := []struct {
		name    string
		handler handler
		event   informerEvent
		want    int
	}{
		// Challenges.
		{"a DNS-01 challenge is created", onChallenge, informerEvent{cur: dnsCh}, 0},
		{"a DNS-01 challenge's error text changes", onChallenge,
			informerEvent{old: edited(dnsCh, failing("lookup failed: try 1")), cur: edited(dnsCh, failing("lookup failed: try 2"))}, 0},
		{"a DNS-01 challenge is being deleted", onChallenge,
			informerEvent{old: dnsCh, cur: edited(dnsCh, func(c *acmev1.Challenge) { c.DeletionTimestamp = &metav1.Time{} })}, 0},
		{"a DNS-01 challenge is deleted", onChallenge, informerEvent{old: cache.DeletedFinalStateUnknown{Obj: dnsCh}}, 0},
		{"an HTTP-01 challenge's state and error text change", onChallenge,
			informerEvent{old: httpCh, cur: edited(httpCh, failing("connection refused"))}, 0},
		{"an HTTP-01 challenge is resynced unchanged", onChallenge, informerEvent{old: httpCh, cur: httpCh}, 0},
		{"an HTTP-01 challenge is created", onChallenge, informerEvent{cur: httpCh}, 1},
		{"an HTTP-01 challenge gets another token", onChallenge,
			informerEvent{old: httpCh, cur: edited(httpCh, func(c *acmev1.Challenge) { c.Spec.Token = "token-2" })}, 1},
		{"an HTTP-01 challenge is being deleted", onChallenge,
			informerEvent{old: httpCh, cur: edited(httpCh, func(c *acmev1.Challenge) { c.DeletionTimestamp = &metav1.Time{} })}, 1},
		{"an HTTP-01 challenge loses its controller: its KCert drops it", onChallenge,
			informerEvent{old: httpCh, cur: edited(httpCh, func(c *acmev1.Challenge) { c.OwnerReferences[0].Controller = ptr.To(false) })}, 1},
		{"an HTTP-01 challenge is deleted", onChallenge, informerEvent{old: cache.DeletedFinalStateUnknown{Obj: httpCh}}, 1},
		// Solver Services.
		{"a solver Service's load balancer status changes", onSolverService,
			informerEvent{old: solver, cur: edited(solver, func(s *corev1.Service) {
				s.ResourceVersion = "2"
				s.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "10.0.0.1"}}
			})}, 0},
		{"a solver Service is created", onSolverService, informerEvent{cur: solver}, 1},
		{"a solver Service's port changes", onSolverService,
			informerEvent{old: solver, cur: edited(solver, func(s *corev1.Service) { s.Spec.Ports[0].Port = 8090 })}, 1},
		{"a solver Service is deleted", onSolverService, informerEvent{old: solver}, 1},
		// cert-manager Certificates.
		{"a Certificate's bookkeeping changes", onCertificate,
			informerEvent{old: cert, cur: edited(cert, func(c *cmv1.Certificate) {
				c.ResourceVersion = "2"
				c.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "cert-manager"}}
			})}, 0},
		{"a Certificate's condition changes", onCertificate,
			informerEvent{old: cert, cur: edited(cert, cmCondition(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "Failed", "signing failed"))}, 1},
		{"a Certificate's generation moves", onCertificate, informerEvent{old: cert, cur: edited(cert, cmGeneration(2))}, 1},
		{"a Certificate's labels are edited", onCertificate,
			informerEvent{old: cert, cur: edited(cert, func(c *cmv1.Certificate) { c.Labels = map[string]string{"x": "y"} })}, 1},
		{"a Certificate is deleted", onCertificate, informerEvent{old: cert}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			owners := testOwnerChain(append([]runtime.Object{kcert(), cert}, http01Chain...))
			var enqueued []types.NamespacedName
			certificates, challenges, services := dependentHandlers(owners, func(key types.NamespacedName) {
				enqueued = append(enqueued, key)
			})
			tc.event.deliver([]cache.ResourceEventHandler{certificates, challenges, services}[tc.handler])
			if len(enqueued) != tc.want {
				t.Fatalf("enqueued %v, want %d enqueue(s)", enqueued, tc.want)
			}
			for _, key := range enqueued {
				if key != (types.NamespacedName{Namespace: testNS, Name: testName}) {
					t.Errorf("enqueued %v, want the KCert %s/%s", key, testNS, testName)
				}
			}
		})
	}
}

// The controller's informers reach its workqueue through these handlers:
// once the caches hold an issuance's objects, a DNS-01 challenge's churn
// queues nothing, and an HTTP-01 challenge's new token queues the KCert.
func TestControllerEnqueuesOnlyRelevantChanges(t *testing.T) {
	ctx, cancel, informers := ktesting.SetupFakeContextWithCancel(t, func(ctx context.Context) context.Context {
		return filteredinformerfactory.WithSelectors(ctx, SolverServiceSelector)
	})
	defer cancel()
	impl := newController(ctx, &configmap.ManualWatcher{Namespace: system.Namespace()}, testClass, 0, clocktesting.NewFakePassiveClock(now))

	cert := cmCert(kcert(), externalIssuer)
	http01Chain := acmeChain(cert, acmev1.ACMEChallengeTypeHTTP01)
	cr, order, httpCh, solver := http01Chain[0].(*cmv1.CertificateRequest), http01Chain[1].(*acmev1.Order),
		http01Chain[2].(*acmev1.Challenge), http01Chain[3].(*corev1.Service)
	dnsCh := challenge(order, testName+"-1-123-2", acmev1.ACMEChallengeTypeDNS01, "www.example.com", "token-2")
	cm := fakecmclient.Get(ctx)
	for _, create := range []func() error{
		func() error {
			_, err := fakenetworkingclient.Get(ctx).NetworkingV1alpha1().Certificates(testNS).Create(ctx, kcert(), metav1.CreateOptions{})
			return err
		},
		func() error {
			_, err := cm.CertmanagerV1().Certificates(testNS).Create(ctx, cert, metav1.CreateOptions{})
			return err
		},
		func() error {
			_, err := cm.CertmanagerV1().CertificateRequests(testNS).Create(ctx, cr, metav1.CreateOptions{})
			return err
		},
		func() error {
			_, err := cm.AcmeV1().Orders(testNS).Create(ctx, order, metav1.CreateOptions{})
			return err
		},
		func() error {
			_, err := cm.AcmeV1().Challenges(testNS).Create(ctx, httpCh, metav1.CreateOptions{})
			return err
		},
		func() error {
			_, err := cm.AcmeV1().Challenges(testNS).Create(ctx, dnsCh, metav1.CreateOptions{})
			return err
		},
		func() error {
			_, err := fakekubeclient.Get(ctx).CoreV1().Services(testNS).Create(ctx, solver, metav1.CreateOptions{})
			return err
		},
	} {
		if err := create(); err != nil {
			t.Fatal(err)
		}
	}
	wait, err := ktesting.RunAndSyncInformers(ctx, withOwnedInformers(ctx, informers)...)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); wait() }()

	// drain empties the queue once the events in flight have arrived.
	drain := func() {
		time.Sleep(100 * time.Millisecond)
		for impl.WorkQueue().Len() > 0 {
			key, _ := impl.WorkQueue().Get()
			impl.WorkQueue().Done(key)
			impl.WorkQueue().Forget(key)
		}
	}
	drain()

	for i := range 5 {
		dnsCh.Status.State, dnsCh.Status.Reason = acmev1.Errored, fmt.Sprintf("lookup failed: try %d", i)
		if _, err := cm.AcmeV1().Challenges(testNS).UpdateStatus(ctx, dnsCh, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(100 * time.Millisecond)
	if got := impl.WorkQueue().Len(); got != 0 {
		t.Errorf("queue length after 5 DNS-01 error texts = %d, want 0", got)
	}
	drain()

	httpCh.Spec.Token = "token-new"
	if _, err := cm.AcmeV1().Challenges(testNS).Update(ctx, httpCh, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := waitForQueueLen(impl.WorkQueue().Len, 1); got != 1 {
		t.Errorf("queue length after an HTTP-01 token change = %d, want 1", got)
	}
}
