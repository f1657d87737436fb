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
	"errors"
	"fmt"
	"testing"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgotesting "k8s.io/client-go/testing"
	clocktesting "k8s.io/utils/clock/testing"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	fakenetworkingclient "knative.dev/networking/pkg/client/injection/client/fake"
	kcertinformer "knative.dev/networking/pkg/client/injection/informers/networking/v1alpha1/certificate"
	"knative.dev/pkg/configmap"
	pkgreconciler "knative.dev/pkg/reconciler"
	ktesting "knative.dev/pkg/reconciler/testing"
	"knative.dev/pkg/system"

	rtesting "knative.dev/net-certmanager/pkg/reconciler/testing"
)

// statusUpdateFails answers every KCert status update with err.
func statusUpdateFails(err error) clientgotesting.ReactionFunc {
	return func(a clientgotesting.Action) (bool, runtime.Object, error) {
		if a.GetVerb() != "update" || a.GetSubresource() != "status" || isCertManagerCertificate(a) {
			return false, nil, nil
		}
		return true, nil, err
	}
}

func TestStatusUpdates(t *testing.T) {
	created := event(corev1.EventTypeNormal, "Created", "Created cert-manager Certificate %s/%s", testNS, testName)
	table := ktesting.TableTest{{
		Name:         "a KCert deleted while it is reconciled is no error and no warning",
		Key:          testKey,
		Objects:      append([]runtime.Object{kcert()}, clusterIssuers()...),
		WithReactors: []clientgotesting.ReactionFunc{statusUpdateFails(apierrs.NewNotFound(v1alpha1.Resource("certificates"), testName))},
		WantCreates:  []runtime.Object{cmCert(kcert(), externalIssuer, noUID)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(inProgress(0))),
		},
		WantEvents: []string{created},
	}, {
		Name:         "any other failed status update is an error and a warning",
		Key:          testKey,
		Objects:      append([]runtime.Object{kcert()}, clusterIssuers()...),
		WithReactors: []clientgotesting.ReactionFunc{statusUpdateFails(errors.New("etcd is down"))},
		WantErr:      true,
		WantCreates:  []runtime.Object{cmCert(kcert(), externalIssuer, noUID)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(inProgress(0))),
		},
		WantEvents: []string{
			created,
			event(corev1.EventTypeWarning, "UpdateFailed", "Failed to update status for %q: etcd is down", testName),
		},
	}}
	table.Test(t, rtesting.MakeFactory(newTestReconciler, OwnerUIDIndexers))
}

func TestIsKCertGone(t *testing.T) {
	kcerts := v1alpha1.Resource("certificates")
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{name: "no error", err: nil},
		{name: "this KCert not found", err: apierrs.NewNotFound(kcerts, testName), want: true},
		{name: "wrapped, as by a retry", err: fmt.Errorf("status: %w", apierrs.NewNotFound(kcerts, testName)), want: true},
		{name: "another KCert not found", err: apierrs.NewNotFound(kcerts, "other")},
		{name: "cert-manager's Certificate of that name not found", err: apierrs.NewNotFound(cmv1.Resource("certificates"), testName)},
		{name: "a conflict", err: apierrs.NewConflict(kcerts, testName, errors.New("modified"))},
		{name: "not an API error", err: errors.New("not found")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := isKCertGone(tc.err, testName); got != tc.want {
				t.Errorf("isKCertGone(%v) = %t, want %t", tc.err, got, tc.want)
			}
		})
	}
}

// The controller writes the status once, through statusWriter: a KCert
// deleted while it is reconciled (in the cache, gone from the API server)
// ends the reconcile cleanly.
func TestControllerWritesStatusThroughStatusWriter(t *testing.T) {
	ctx := setupContext(t)
	w := &configmap.ManualWatcher{Namespace: system.Namespace()}
	impl := newController(ctx, w, testClass, 0, clocktesting.NewFakePassiveClock(now))
	w.OnChange(certManagerConfigMap(map[string]string{"issuerRef": "kind: ClusterIssuer\nname: ca"}))
	if err := kcertinformer.Get(ctx).Informer().GetStore().Add(kcert()); err != nil {
		t.Fatal(err)
	}

	leader, ok := impl.Reconciler.(pkgreconciler.LeaderAware)
	if !ok {
		t.Fatal("the controller's reconciler is not leader-aware")
	}
	if err := leader.Promote(pkgreconciler.UniversalBucket(), func(pkgreconciler.Bucket, types.NamespacedName) {}); err != nil {
		t.Fatal(err)
	}
	if err := impl.Reconciler.Reconcile(ctx, testKey); err != nil {
		t.Errorf("Reconcile of a KCert deleted meanwhile = %v, want nil", err)
	}
	var statusUpdates int
	for _, a := range fakenetworkingclient.Get(ctx).Actions() {
		if a.GetVerb() == "update" && a.GetSubresource() == "status" {
			statusUpdates++
		}
	}
	if statusUpdates != 1 {
		t.Errorf("status updates = %d, want 1 (statusWriter's alone)", statusUpdates)
	}
}
