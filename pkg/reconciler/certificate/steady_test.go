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
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/record"
	clocktesting "k8s.io/utils/clock/testing"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	fakenetworkingclient "knative.dev/networking/pkg/client/injection/client/fake"
	fakekubeclient "knative.dev/pkg/client/injection/kube/client/fake"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	pkgreconciler "knative.dev/pkg/reconciler"

	fakecmclient "knative.dev/net-certmanager/pkg/client/certmanager/injection/client/fake"
	"knative.dev/net-certmanager/pkg/issuerconfig"
	rtesting "knative.dev/net-certmanager/pkg/reconciler/testing"
)

// A steady Ready KCert is reconciled once in full; later reconciles are
// skipped while what it read is unchanged, and each input that changes
// brings the full reconcile back (its status write shows it).
func TestSteadyKCertsAreSkippedUntilAnInputChanges(t *testing.T) {
	renewingNow := cmCondition(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "Renewing", "Renewing certificate as renewal was scheduled")
	foreign := cmCert(kcert(named("foreign")), externalIssuer)
	foreign.OwnerReferences = nil
	tests := []struct {
		name       string
		change     func(*Reconciler, cacheIndexer)
		wantWrites int
	}{{
		name:   "nothing changed: skipped",
		change: func(*Reconciler, cacheIndexer) {},
	}, {
		name: "the Certificate changed in the cache without a new resourceVersion: still skipped, the version is the key",
		change: func(_ *Reconciler, certs cacheIndexer) {
			mustUpdate(t, certs, cmCert(kcert(), externalIssuer, cmReady, renewingNow, withVersion("1")))
		},
	}, {
		name: "the Certificate has a new resourceVersion: reconciled, Renewing written",
		change: func(_ *Reconciler, certs cacheIndexer) {
			mustUpdate(t, certs, cmCert(kcert(), externalIssuer, cmReady, renewingNow, withVersion("2")))
		},
		wantWrites: 1,
	}, {
		name: "the renewal time passed: reconciled, Renewing written",
		change: func(r *Reconciler, _ cacheIndexer) {
			r.clock = clocktesting.NewFakePassiveClock(renewalTime.Add(time.Second))
		},
		wantWrites: 1,
	}, {
		name: "a foreign Certificate claims the Secret: reconciled, SecretNameConflict written",
		change: func(r *Reconciler, certs cacheIndexer) {
			mustUpdate(t, certs, foreign)
			r.claims.epoch.Add(1) // what the claims handler does for that add
		},
		wantWrites: 1,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			objs := append([]runtime.Object{kcert(ready), cmCert(kcert(), externalIssuer, cmReady, withVersion("1"))}, clusterIssuers()...)
			ls := rtesting.NewListers(objs, testIndexers)
			ctx := context.Background()
			ctx, _ = fakekubeclient.With(ctx, ls.GetKubeObjects()...)
			ctx, netClient := fakenetworkingclient.With(ctx, ls.GetNetworkingObjects()...)
			ctx, _ = fakecmclient.With(ctx, ls.GetCertManagerObjects()...)
			ctx = controller.WithEventRecorder(ctx, &record.FakeRecorder{})
			var inner *Reconciler
			ctx = context.WithValue(ctx, innerKey{}, &inner)
			r := newTestReconciler(ctx, &ls, configmap.NewStaticWatcher())
			if err := r.(pkgreconciler.LeaderAware).Promote(pkgreconciler.UniversalBucket(), func(pkgreconciler.Bucket, types.NamespacedName) {}); err != nil {
				t.Fatal(err)
			}
			for i := range 2 {
				if err := r.Reconcile(ctx, testKey); err != nil {
					t.Fatalf("reconcile %d: %v", i, err)
				}
			}
			if _, ok := inner.steady.lookup(kcert().UID); !ok {
				t.Fatal("a steady Ready KCert was not remembered")
			}
			tc.change(inner, inner.certificates)
			_ = r.Reconcile(ctx, testKey)
			writes := 0
			for _, a := range netClient.Actions() {
				if a.GetVerb() == "update" && a.GetSubresource() == "status" {
					writes++
				}
			}
			if writes != tc.wantWrites {
				t.Errorf("status writes = %d, want %d", writes, tc.wantWrites)
			}
		})
	}
}

type cacheIndexer interface{ Update(interface{}) error }

func mustUpdate(t *testing.T, idx cacheIndexer, obj interface{}) {
	t.Helper()
	if err := idx.Update(obj); err != nil {
		t.Fatal(err)
	}
}

func withVersion(v string) certOption {
	return func(c *cmv1.Certificate) { c.ResourceVersion = v }
}

// Each input of a steady reconcile, changed alone, ends the skipping.
func TestSteadyInputsHold(t *testing.T) {
	cfg := &issuerconfig.CertManagerConfig{}
	kc := &v1alpha1.Certificate{}
	kc.ResourceVersion = "7"
	in := steadyInputs{kcertVersion: "7", certificateVersion: "3", config: cfg, claims: 5, until: now.Add(time.Hour)}
	if !in.holds(kc, "3", cfg, 5, now) {
		t.Error("the same inputs do not hold")
	}
	newer := kc.DeepCopy()
	newer.ResourceVersion = "8"
	for name, holds := range map[string]bool{
		"another KCert version":       in.holds(newer, "3", cfg, 5, now),
		"another Certificate version": in.holds(kc, "4", cfg, 5, now),
		"another config":              in.holds(kc, "3", &issuerconfig.CertManagerConfig{}, 5, now),
		"a claim changed":             in.holds(kc, "3", cfg, 6, now),
		"until reached":               in.holds(kc, "3", cfg, 5, now.Add(time.Hour)),
	} {
		if holds {
			t.Errorf("%s: the inputs still hold", name)
		}
	}
}
