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
	"strconv"
	"testing"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgotesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/record"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	fakenetworkingclient "knative.dev/networking/pkg/client/injection/client/fake"
	fakekubeclient "knative.dev/pkg/client/injection/kube/client/fake"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	pkgreconciler "knative.dev/pkg/reconciler"

	fakecmclient "knative.dev/net-certmanager/pkg/client/certmanager/injection/client/fake"
	rtesting "knative.dev/net-certmanager/pkg/reconciler/testing"
)

// optimisticStatus answers KCert status updates as the API server does: a
// write over another resourceVersion than the stored one is refused (409),
// and every accepted write gets a new one.
type optimisticStatus struct {
	stored    int
	conflicts int
}

func (o *optimisticStatus) react(a clientgotesting.Action) (bool, runtime.Object, error) {
	if a.GetVerb() != "update" || a.GetSubresource() != "status" || isCertManagerCertificate(a) {
		return false, nil, nil
	}
	kc := a.(clientgotesting.UpdateAction).GetObject().(*v1alpha1.Certificate).DeepCopy()
	if kc.ResourceVersion != strconv.Itoa(o.stored) {
		o.conflicts++
		return true, nil, apierrs.NewConflict(v1alpha1.Resource("certificates"), kc.Name, nil)
	}
	o.stored++
	kc.ResourceVersion = strconv.Itoa(o.stored)
	return true, kc, nil
}

// A reconcile that starts from the cached copy its own previous status
// write replaced (the informer has not caught up) writes over that write,
// not over the stale copy: no 409, no re-read.
func TestStatusWriterStartsFromItsOwnWrite(t *testing.T) {
	stale := kcert()
	stale.ResourceVersion = "1"
	objs := append([]runtime.Object{stale, cmCert(kcert(), externalIssuer, issuingInProgress)}, clusterIssuers()...)
	ls := rtesting.NewListers(objs, OwnerUIDIndexers)
	ctx := context.Background()
	ctx, _ = fakekubeclient.With(ctx, ls.GetKubeObjects()...)
	ctx, netClient := fakenetworkingclient.With(ctx, ls.GetNetworkingObjects()...)
	ctx, _ = fakecmclient.With(ctx, ls.GetCertManagerObjects()...)
	ctx = controller.WithEventRecorder(ctx, &record.FakeRecorder{})
	var inner *Reconciler
	ctx = context.WithValue(ctx, innerKey{}, &inner)
	api := &optimisticStatus{stored: 1}
	netClient.PrependReactor("*", "*", api.react)
	r := newTestReconciler(ctx, &ls, configmap.NewStaticWatcher())
	if err := r.(pkgreconciler.LeaderAware).Promote(pkgreconciler.UniversalBucket(), func(pkgreconciler.Bucket, types.NamespacedName) {}); err != nil {
		t.Fatal(err)
	}

	if err := r.Reconcile(ctx, testKey); err != nil {
		t.Fatalf("first reconcile: %v", err)
	}
	// cert-manager issues; the KCert cache still holds resourceVersion 1.
	issued := rtesting.NewListers(append([]runtime.Object{cmCert(kcert(), externalIssuer, cmReady)}, clusterIssuers()...), OwnerUIDIndexers)
	inner.certificateLister = issued.GetCertificateLister()
	if err := r.Reconcile(ctx, testKey); err != nil {
		t.Fatalf("second reconcile: %v", err)
	}

	var updates, gets int
	var last *v1alpha1.Certificate
	for _, a := range netClient.Actions() {
		switch {
		case a.GetVerb() == "update" && a.GetSubresource() == "status":
			updates++
			last = a.(clientgotesting.UpdateAction).GetObject().(*v1alpha1.Certificate)
		case a.GetVerb() == "get":
			gets++
		}
	}
	if api.conflicts != 0 || gets != 0 || updates != 2 {
		t.Errorf("conflicts = %d, re-reads = %d, status updates = %d; want 0, 0, 2", api.conflicts, gets, updates)
	}
	if last == nil || !last.IsReady() {
		t.Errorf("the last status written is not Ready: %+v", last)
	}
}

// optimisticCertificates answers cert-manager Certificate updates as the
// API server does (see optimisticStatus).
type optimisticCertificates struct {
	stored    int
	updates   int
	conflicts int
}

func (o *optimisticCertificates) react(a clientgotesting.Action) (bool, runtime.Object, error) {
	if a.GetVerb() != "update" || a.GetSubresource() != "" || !isCertManagerCertificate(a) {
		return false, nil, nil
	}
	c := a.(clientgotesting.UpdateAction).GetObject().(*cmv1.Certificate).DeepCopy()
	if c.ResourceVersion != strconv.Itoa(o.stored) {
		o.conflicts++
		return true, nil, apierrs.NewConflict(cmv1.Resource("certificates"), c.Name, nil)
	}
	o.updates++
	o.stored++
	c.ResourceVersion = strconv.Itoa(o.stored)
	c.Generation++
	return true, c, nil
}

// A reconcile that finds in the cache the Certificate copy that its own
// update replaced goes on from that update: it does not update the stale
// copy again (a 409 and a re-read).
func TestCertificateUpdateStartsFromItsOwnWrite(t *testing.T) {
	oldCA := cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "old-ca"}
	objs := append([]runtime.Object{kcert(ready), cmCert(kcert(), oldCA, cmReady, withVersion("1"))}, clusterIssuers()...)
	ls := rtesting.NewListers(objs, testIndexers)
	ctx := context.Background()
	ctx, _ = fakekubeclient.With(ctx, ls.GetKubeObjects()...)
	ctx, _ = fakenetworkingclient.With(ctx, ls.GetNetworkingObjects()...)
	ctx, cmClient := fakecmclient.With(ctx, ls.GetCertManagerObjects()...)
	ctx = controller.WithEventRecorder(ctx, &record.FakeRecorder{})
	api := &optimisticCertificates{stored: 1}
	cmClient.PrependReactor("*", "*", api.react)
	r := newTestReconciler(ctx, &ls, configmap.NewStaticWatcher())
	if err := r.(pkgreconciler.LeaderAware).Promote(pkgreconciler.UniversalBucket(), func(pkgreconciler.Bucket, types.NamespacedName) {}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := r.Reconcile(ctx, testKey); err != nil {
			t.Fatalf("reconcile %d: %v", i, err)
		}
	}
	gets := 0
	for _, a := range cmClient.Actions() {
		if a.GetVerb() == "get" {
			gets++
		}
	}
	if api.updates != 1 || api.conflicts != 0 || gets != 0 {
		t.Errorf("Certificate updates = %d, conflicts = %d, re-reads = %d; want 1, 0, 0", api.updates, api.conflicts, gets)
	}
}
