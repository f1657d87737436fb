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

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/runtime"
	clientgotesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/record"

	"k8s.io/apimachinery/pkg/types"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	fakenetworkingclient "knative.dev/networking/pkg/client/injection/client/fake"
	kcertreconciler "knative.dev/networking/pkg/client/injection/reconciler/networking/v1alpha1/certificate"
	fakekubeclient "knative.dev/pkg/client/injection/kube/client/fake"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"

	fakecmclient "knative.dev/net-certmanager/pkg/client/certmanager/injection/client/fake"
	rtesting "knative.dev/net-certmanager/pkg/reconciler/testing"
)

// BenchmarkReconcile measures one reconcile through Knative's generated
// reconciler, with fake clients, so the cost is the controller's own.
func BenchmarkReconcile(b *testing.B) {
	b.Run("steady-state", func(b *testing.B) {
		r, ctx := benchReconciler(b, nil, kcert(ready), cmCert(kcert(), externalIssuer, cmReady))
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if err := r.Reconcile(ctx, testKey); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The floor: Knative's generated reconciler over the same KCert with a
	// ReconcileKind that does nothing; what steady-state costs above it is ours.
	b.Run("generated-floor", func(b *testing.B) {
		r, ctx := benchGenerated(b, emptyReconcileKind{}, kcert(ready))
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if err := r.Reconcile(ctx, testKey); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("first-reconcile", func(b *testing.B) {
		var inner *Reconciler
		r, ctx := benchReconciler(b, &inner, kcert())
		created := cmCert(kcert(), externalIssuer)
		// Creates are answered without being stored, so every iteration is
		// a first reconcile: the lister never sees the Certificate, and the
		// recent-creates cache is emptied.
		fakecmclient.Get(ctx).PrependReactor("create", "certificates",
			func(a clientgotesting.Action) (bool, runtime.Object, error) {
				return true, a.(clientgotesting.CreateAction).GetObject(), nil
			})
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			inner.recent.seen(created)
			if err := r.Reconcile(ctx, testKey); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		creates := 0
		for _, a := range fakecmclient.Get(ctx).Actions() {
			if a.GetVerb() == "create" {
				creates++
			}
		}
		if creates != b.N {
			b.Fatalf("%d creates in %d first reconciles", creates, b.N)
		}
	})
}

type emptyReconcileKind struct{}

func (emptyReconcileKind) ReconcileKind(context.Context, *v1alpha1.Certificate) pkgreconciler.Event {
	return nil
}

// benchGenerated returns the generated reconciler, as the controller
// configures it, around rk.
func benchGenerated(b *testing.B, rk kcertreconciler.Interface, objs ...runtime.Object) (controller.Reconciler, context.Context) {
	ls := rtesting.NewListers(objs, OwnerUIDIndexers)
	ctx := logging.WithLogger(context.Background(), zap.NewNop().Sugar())
	ctx, _ = fakenetworkingclient.With(ctx, ls.GetNetworkingObjects()...)
	ctx = controller.WithEventRecorder(ctx, &record.FakeRecorder{})
	r := kcertreconciler.NewReconciler(ctx, logging.FromContext(ctx), fakenetworkingclient.Get(ctx),
		ls.GetKnativeCertificateLister(), controller.GetEventRecorder(ctx), rk, testClass,
		skipGeneratedStatusUpdates(controller.Options{ConfigStore: staticStore{testConfig()}}))
	r.(pkgreconciler.LeaderAware).Promote(pkgreconciler.UniversalBucket(), func(pkgreconciler.Bucket, types.NamespacedName) {})
	return r, ctx
}

// benchReconciler returns the generated reconciler over objs and, in inner
// if not nil, the Reconciler behind it.
func benchReconciler(b *testing.B, inner **Reconciler, objs ...runtime.Object) (controller.Reconciler, context.Context) {
	ls := rtesting.NewListers(objs, OwnerUIDIndexers)
	ctx := logging.WithLogger(context.Background(), zap.NewNop().Sugar())
	ctx, _ = fakekubeclient.With(ctx, ls.GetKubeObjects()...)
	ctx, _ = fakenetworkingclient.With(ctx, ls.GetNetworkingObjects()...)
	ctx, _ = fakecmclient.With(ctx, ls.GetCertManagerObjects()...)
	// A recorder that drops events (its Events channel is nil): the
	// benchmark measures the reconcile. A buffered recorder filled up and
	// blocked the first-reconcile case, which sends more than one event per
	// iteration.
	ctx = controller.WithEventRecorder(ctx, &record.FakeRecorder{})
	if inner != nil {
		ctx = context.WithValue(ctx, innerKey{}, inner)
	}
	r := newTestReconciler(ctx, &ls, configmap.NewStaticWatcher())
	r.(pkgreconciler.LeaderAware).Promote(pkgreconciler.UniversalBucket(), func(pkgreconciler.Bucket, types.NamespacedName) {})
	return r, ctx
}
