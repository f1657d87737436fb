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
	kcertinformer "knative.dev/networking/pkg/client/injection/informers/networking/v1alpha1/certificate"
	netcfg "knative.dev/networking/pkg/config"
	fakekubeclient "knative.dev/pkg/client/injection/kube/client/fake"
	filteredinformerfactory "knative.dev/pkg/client/injection/kube/informers/factory/filtered"
	"knative.dev/pkg/configmap"
	cminformer "knative.dev/pkg/configmap/informer"
	"knative.dev/pkg/controller"
	pkgreconciler "knative.dev/pkg/reconciler"
	ktesting "knative.dev/pkg/reconciler/testing"
	"knative.dev/pkg/system"

	// Fake informers for everything the controller watches.
	_ "knative.dev/net-certmanager/pkg/client/certmanager/injection/informers/certmanager/v1/certificate/fake"
	_ "knative.dev/net-certmanager/pkg/client/certmanager/injection/informers/certmanager/v1/clusterissuer/fake"
	_ "knative.dev/net-certmanager/pkg/client/certmanager/injection/informers/certmanager/v1/issuer/fake"
	_ "knative.dev/networking/pkg/client/injection/informers/networking/v1alpha1/certificate/fake"
	_ "knative.dev/pkg/client/injection/kube/informers/core/v1/service/filtered/fake"
	_ "knative.dev/pkg/client/injection/kube/informers/factory/filtered/fake"
	_ "knative.dev/pkg/system/testing"

	fakecmclient "knative.dev/net-certmanager/pkg/client/certmanager/injection/client/fake"
	"knative.dev/net-certmanager/pkg/issuerconfig"
	rtesting "knative.dev/net-certmanager/pkg/reconciler/testing"
)

func setupContext(t *testing.T) context.Context {
	t.Helper()
	ctx, _ := ktesting.SetupFakeContext(t, func(ctx context.Context) context.Context {
		return filteredinformerfactory.WithSelectors(ctx, SolverServiceSelector)
	})
	return ctx
}

func certManagerConfigMap(data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: issuerconfig.CertManagerConfigName, Namespace: system.Namespace()},
		Data:       data,
	}
}

// A config change resyncs the KCerts of our class only, and an invalid one
// resyncs nothing and keeps the last good config.
func TestConfigChangeResyncsOurCertificates(t *testing.T) {
	ctx := setupContext(t)
	w := &configmap.ManualWatcher{Namespace: system.Namespace()}
	impl := newController(ctx, w, testClass, 0, clocktesting.NewFakePassiveClock(now))

	store := kcertinformer.Get(ctx).Informer().GetStore()
	ours, theirs := kcert(), kcert(withClass("other"))
	theirs.Name = "theirs"
	for _, kc := range []runtime.Object{ours, theirs} {
		if err := store.Add(kc); err != nil {
			t.Fatal(err)
		}
	}

	w.OnChange(certManagerConfigMap(map[string]string{"issuerRef": "kind: ClusterIssuer\nname: ca"}))
	if got := waitForQueueLen(impl.WorkQueue().Len, 1); got != 1 {
		t.Fatalf("queue length after a valid change = %d, want 1 (only our class)", got)
	}
	key, _ := impl.WorkQueue().Get()
	if want := (types.NamespacedName{Namespace: testNS, Name: testName}); key != want {
		t.Errorf("enqueued %v, want %v", key, want)
	}
	impl.WorkQueue().Done(key)
	impl.WorkQueue().Forget(key)

	w.OnChange(certManagerConfigMap(map[string]string{"issuerRef": "nmae: typo"}))
	time.Sleep(50 * time.Millisecond)
	if got := impl.WorkQueue().Len(); got != 0 {
		t.Errorf("queue length after an invalid change = %d, want 0", got)
	}
}

func waitForQueueLen(length func() int, want int) int {
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) && length() < want {
		time.Sleep(5 * time.Millisecond)
	}
	return length()
}

// With the informed watcher of sharedmain, a missing config-certmanager
// stands in for all-default keys instead of failing the watcher's start.
func TestMissingConfigMapUsesDefaults(t *testing.T) {
	ctx := setupContext(t)
	w := cminformer.NewInformedWatcher(fakekubeclient.Get(ctx), system.Namespace())
	impl := newController(ctx, w, testClass, 0, clocktesting.NewFakePassiveClock(now))
	if impl == nil {
		t.Fatal("newController returned nil")
	}
	stop := make(chan struct{})
	defer close(stop)
	if err := w.Start(stop); err != nil {
		t.Fatalf("watcher start with no config-certmanager: %v", err)
	}
	if NewController(testClass, 0) == nil {
		t.Fatal("NewController returned nil")
	}

	// Every certificate type is issued by the default: the ClusterIssuer
	// Serving and the archived net-certmanager fall back to.
	want := cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "knative-selfsigned-issuer"}
	impl.Reconciler.(pkgreconciler.LeaderAware).Promote(pkgreconciler.UniversalBucket(), func(pkgreconciler.Bucket, types.NamespacedName) {})
	for _, typ := range []netcfg.CertificateType{netcfg.CertificateExternalDomain, netcfg.CertificateClusterLocalDomain, netcfg.CertificateSystemInternal} {
		kc := kcert(withType(string(typ)))
		kc.Name = string(typ)
		if err := kcertinformer.Get(ctx).Informer().GetStore().Add(kc); err != nil {
			t.Fatal(err)
		}
		if _, err := fakenetworkingclient.Get(ctx).NetworkingV1alpha1().Certificates(testNS).Create(ctx, kc, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		// The owned caches never fill here: the KCert is looked at again.
		err := impl.Reconciler.Reconcile(ctx, testNS+"/"+kc.Name)
		if requeued, _ := controller.IsRequeueKey(err); err != nil && !controller.IsPermanentError(err) && !requeued {
			t.Fatalf("%s: Reconcile() = %v", typ, err)
		}
		cert, err := fakecmclient.Get(ctx).CertmanagerV1().Certificates(testNS).Get(ctx, kc.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("%s: no cert-manager Certificate: %v", typ, err)
		}
		if cert.Spec.IssuerRef != want {
			t.Errorf("%s: issuerRef = %+v, want the default %+v", typ, cert.Spec.IssuerRef, want)
		}
	}
}

// The worker count reaches the workqueue; 0 keeps knative.dev/pkg's default.
// The gauges are reported by the replica that leads a KCert's bucket: the
// generated reconciler must say which it leads.
func TestGeneratedReconcilerSaysWhichKCertsItLeads(t *testing.T) {
	ctx := setupContext(t)
	impl := newController(ctx, &configmap.ManualWatcher{Namespace: system.Namespace()}, testClass, 0, clocktesting.NewFakePassiveClock(now))
	if _, ok := impl.Reconciler.(bucketLeader); !ok {
		t.Fatalf("%T does not implement IsLeaderFor", impl.Reconciler)
	}
}

func TestWorkers(t *testing.T) {
	for _, tc := range []struct{ workers, want int }{
		{workers: 0, want: controller.DefaultThreadsPerController},
		{workers: 1, want: 1},
		{workers: 16, want: 16},
	} {
		ctx := setupContext(t)
		w := &configmap.ManualWatcher{Namespace: system.Namespace()}
		if got := newController(ctx, w, testClass, tc.workers, clocktesting.NewFakePassiveClock(now)).Concurrency; got != tc.want {
			t.Errorf("workers %d: Concurrency = %d, want %d", tc.workers, got, tc.want)
		}
	}
}

// testOwnerChain walks the owner chain over listers holding objects.
func testOwnerChain(objects []runtime.Object) *ownerChain {
	ls := rtesting.NewListers(objects, OwnerUIDIndexers)
	return &ownerChain{
		kcerts:              ls.GetKnativeCertificateLister(),
		certificates:        ls.GetCertificateLister(),
		certificateRequests: ls.GetCertificateRequestLister(),
		orders:              ls.GetOrderLister(),
		challenges:          ls.GetChallengeLister(),
		classFilter:         pkgreconciler.AnnotationFilterFunc("networking.knative.dev/certificate.class", testClass, false),
	}
}

func TestOwnerChain(t *testing.T) {
	cert := cmCert(kcert(), externalIssuer)
	chain := acmeChain(cert, acmev1.ACMEChallengeTypeHTTP01)
	cr, ch, svc := chain[0].(*cmv1.CertificateRequest), chain[2].(*acmev1.Challenge), chain[3].(*corev1.Service)
	want := types.NamespacedName{Namespace: testNS, Name: testName}

	otherClass := kcert(withClass("other"))
	staleOrderRef := ch.DeepCopy()
	staleOrderRef.OwnerReferences[0].UID = "recreated"
	orphan := solverService(nil, "orphan", 80)
	foreignCert := cmCert(kcert(), externalIssuer, foreign)
	plainRef := svc.DeepCopy()
	plainRef.OwnerReferences[0].Controller = ptr.To(false)
	otherGroup := ch.DeepCopy()
	otherGroup.OwnerReferences[0].APIVersion = "cert-manager.io/v1"

	tests := []struct {
		name    string
		objects []runtime.Object
		find    func(*ownerChain) func(interface{}) (types.NamespacedName, bool)
		obj     interface{}
		want    bool
	}{{
		name:    "challenge to KCert",
		objects: append([]runtime.Object{kcert(), cert}, chain...),
		find:    func(o *ownerChain) func(interface{}) (types.NamespacedName, bool) { return o.kcertOfChallenge },
		obj:     ch,
		want:    true,
	}, {
		name:    "deleted challenge (tombstone) to KCert",
		objects: append([]runtime.Object{kcert(), cert}, chain...),
		find:    func(o *ownerChain) func(interface{}) (types.NamespacedName, bool) { return o.kcertOfChallenge },
		obj:     cache.DeletedFinalStateUnknown{Key: testNS + "/x", Obj: ch},
		want:    true,
	}, {
		name:    "solver Service to KCert",
		objects: append([]runtime.Object{kcert(), cert}, chain...),
		find:    func(o *ownerChain) func(interface{}) (types.NamespacedName, bool) { return o.kcertOfSolverService },
		obj:     svc,
		want:    true,
	}, {
		name:    "solver Service without an owner",
		objects: append([]runtime.Object{kcert(), cert}, chain...),
		find:    func(o *ownerChain) func(interface{}) (types.NamespacedName, bool) { return o.kcertOfSolverService },
		obj:     orphan,
	}, {
		name:    "solver Service that only references its challenge (controller: false)",
		objects: append([]runtime.Object{kcert(), cert}, chain...),
		find:    func(o *ownerChain) func(interface{}) (types.NamespacedName, bool) { return o.kcertOfSolverService },
		obj:     plainRef,
	}, {
		name:    "challenge whose controller is an Order of another group",
		objects: append([]runtime.Object{kcert(), cert}, chain...),
		find:    func(o *ownerChain) func(interface{}) (types.NamespacedName, bool) { return o.kcertOfChallenge },
		obj:     otherGroup,
	}, {
		name:    "challenge whose order was recreated under the same name",
		objects: append([]runtime.Object{kcert(), cert}, chain...),
		find:    func(o *ownerChain) func(interface{}) (types.NamespacedName, bool) { return o.kcertOfChallenge },
		obj:     staleOrderRef,
	}, {
		name:    "challenge whose order is gone",
		objects: []runtime.Object{kcert(), cert, cr, ch},
		find:    func(o *ownerChain) func(interface{}) (types.NamespacedName, bool) { return o.kcertOfChallenge },
		obj:     ch,
	}, {
		name:    "challenge of a KCert of another class",
		objects: append([]runtime.Object{otherClass, cert}, chain...),
		find:    func(o *ownerChain) func(interface{}) (types.NamespacedName, bool) { return o.kcertOfChallenge },
		obj:     ch,
	}, {
		name:    "our Certificate to KCert",
		objects: []runtime.Object{kcert(), cert},
		find:    func(o *ownerChain) func(interface{}) (types.NamespacedName, bool) { return o.kcertOfCertificate },
		obj:     cert,
		want:    true,
	}, {
		name:    "a foreign Certificate of a KCert's name wakes the KCert",
		objects: []runtime.Object{kcert(), foreignCert},
		find:    func(o *ownerChain) func(interface{}) (types.NamespacedName, bool) { return o.kcertOfCertificate },
		obj:     foreignCert,
		want:    true,
	}, {
		name:    "a Certificate with no KCert",
		objects: []runtime.Object{cert},
		find:    func(o *ownerChain) func(interface{}) (types.NamespacedName, bool) { return o.kcertOfCertificate },
		obj:     cert,
	}, {
		name: "not an object of the expected type",
		find: func(o *ownerChain) func(interface{}) (types.NamespacedName, bool) { return o.kcertOfChallenge },
		obj:  "garbage",
	}, {
		name: "a Service where a Certificate is expected",
		find: func(o *ownerChain) func(interface{}) (types.NamespacedName, bool) { return o.kcertOfCertificate },
		obj:  svc,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.find(testOwnerChain(tc.objects))(tc.obj)
			if ok != tc.want || (ok && got != want) {
				t.Errorf("found (%v, %v), want (%v, %v)", got, ok, want, tc.want)
			}
		})
	}
}

func TestIndexByOwnerUID(t *testing.T) {
	if uids, err := indexByOwnerUID("not an object"); err != nil || uids != nil {
		t.Errorf("indexByOwnerUID(non-object) = %v, %v; want nil, nil", uids, err)
	}
	svc := solverService(nil, "orphan", 80)
	if uids, _ := indexByOwnerUID(svc); uids != nil {
		t.Errorf("indexByOwnerUID(ownerless) = %v, want nil", uids)
	}
	svc.OwnerReferences = []metav1.OwnerReference{{UID: "a"}, {UID: "b"}}
	if uids, _ := indexByOwnerUID(svc); len(uids) != 2 || uids[0] != "a" || uids[1] != "b" {
		t.Errorf("indexByOwnerUID = %v, want [a b]", uids)
	}
	if got := byOwner[*corev1.Service](nil, "a"); got != nil {
		t.Errorf("byOwner(nil indexer) = %v, want nil", got)
	}
}
