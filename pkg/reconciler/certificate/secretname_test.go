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
	"fmt"
	"slices"
	"testing"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientgotesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"
	pkgreconciler "knative.dev/pkg/reconciler"
	ktesting "knative.dev/pkg/reconciler/testing"

	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
)

// created sets the creation time, seconds after now.
func created(seconds int) kcertOption {
	return func(c *v1alpha1.Certificate) {
		c.CreationTimestamp = metav1.NewTime(now.Add(time.Duration(seconds) * time.Second))
	}
}

// named makes another KCert: its own name and UID.
func named(name string) kcertOption {
	return func(c *v1alpha1.Certificate) { c.Name, c.UID = name, types.UID(name+"-uid") }
}

func inNamespace(ns string) kcertOption {
	return func(c *v1alpha1.Certificate) { c.Namespace = ns }
}

func conflictMessage(holder string) string {
	return fmt.Sprintf("spec.secretName %q is also the Secret of %s; two cert-manager Certificates writing one Secret "+
		"overwrite each other without end, so none is made for this KCert until that one is deleted or renamed", testSecret, holder)
}

// Two certificates writing one Secret make cert-manager rewrite it without
// end: the KCert that comes second gets no Certificate, and says why.
func TestReconcileSecretNameConflict(t *testing.T) {
	older := kcert(named("route-old"), created(0))
	olderCert := cmCert(older, externalIssuer, cmReady)
	conflictWith := func(holder string) kcertOption { return failed("SecretNameConflict", conflictMessage(holder)) }
	conflictEvent := func(holder string) string {
		return event(corev1.EventTypeWarning, "SecretNameConflict", "%s", conflictMessage(holder))
	}

	runTable(t, ktesting.TableTest{{
		Name:    "the younger KCert gets SecretNameConflict naming the older, and no Certificate",
		Key:     testKey,
		Objects: []runtime.Object{older, olderCert, kcert(created(10))},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(created(10), conflictWith("KCert route-old"))),
		},
		WantEvents: []string{conflictEvent("KCert route-old")},
	}, {
		Name:    "neither has a Certificate yet: the older comes first",
		Key:     testKey,
		Objects: []runtime.Object{older, kcert(created(10))},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(created(10), conflictWith("KCert route-old"))),
		},
		WantEvents: []string{conflictEvent("KCert route-old")},
	}, {
		Name:        "the older KCert proceeds",
		Key:         testNS + "/route-old",
		Objects:     []runtime.Object{older, kcert(created(10))},
		WantCreates: []runtime.Object{cmCert(older, externalIssuer, noUID)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(named("route-old"), created(0), unknown(resources.ReasonIssuing,
				fmt.Sprintf("cert-manager is issuing Certificate %s/route-old (generation 0); a step that holds it up is named here", testNS)))),
		},
		WantEvents: []string{event(corev1.EventTypeNormal, "Created", "Created cert-manager Certificate %s/route-old", testNS)},
	}, {
		Name:    "created in the same second: the name decides",
		Key:     testKey,
		Objects: []runtime.Object{kcert(named("route-aaa"), created(0)), kcert(created(0))},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(created(0), conflictWith("KCert route-aaa"))),
		},
		WantEvents: []string{conflictEvent("KCert route-aaa")},
	}, {
		Name: "a younger KCert whose Certificate already writes the Secret keeps it",
		Key:  testNS + "/route-old",
		Objects: []runtime.Object{
			older,
			kcert(created(10), ready), cmCert(kcert(), externalIssuer, cmReady),
		},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(named("route-old"), created(0), conflictWith("KCert "+testName))),
		},
		WantEvents: []string{conflictEvent("KCert " + testName)},
	}, {
		Name: "a Certificate that is no KCert's of ours (Serving's reconciler, a user) comes first",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(created(10)),
			cmCert(kcert(named("other-class"), withClass(netcfg.CertManagerCertificateClassName)), externalIssuer, cmReady),
		},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(created(10), conflictWith("cert-manager Certificate other-class"))),
		},
		WantEvents: []string{conflictEvent("cert-manager Certificate other-class")},
	}, {
		Name: "a KCert of another class, or in another namespace, is no claimant of ours",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(named("other-class"), created(0), withClass(netcfg.CertManagerCertificateClassName)),
			kcert(named("route-old"), inNamespace("elsewhere"), created(0)),
			kcert(created(10)),
		},
		WantCreates:       []runtime.Object{cmCert(kcert(), externalIssuer, noUID)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{statusUpdate(kcert(created(10), inProgress(0)))},
		WantEvents:        []string{createdEvent},
	}, {
		Name:    "a conflict already reported is neither a write, an event nor an error",
		Key:     testKey,
		Objects: []runtime.Object{older, olderCert, kcert(created(10), conflictWith("KCert route-old"))},
	}, {
		Name:              "the other KCert is gone: the Certificate is made",
		Key:               testKey,
		Objects:           []runtime.Object{kcert(created(10), conflictWith("KCert route-old"))},
		WantCreates:       []runtime.Object{cmCert(kcert(), externalIssuer, noUID)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{statusUpdate(kcert(created(10), inProgress(0)))},
		WantEvents:        []string{createdEvent},
	}, {
		Name: "another Secret name is no conflict",
		Key:  testKey,
		Objects: []runtime.Object{older, olderCert,
			kcert(created(10), withSecretName("route-abc-own"), ready),
			cmCert(kcert(withSecretName("route-abc-own")), externalIssuer, cmReady)},
	}})
}

// The KCerts that name a Secret are looked at again when another
// certificate starts or stops naming it, and only then.
func TestSecretClaimsEnqueue(t *testing.T) {
	older := kcert(named("route-old"), created(0))
	younger := kcert(created(10))
	otherClass := kcert(named("other-class"), withClass(netcfg.CertManagerCertificateClassName))
	kcerts := cache.NewIndexer(cache.MetaNamespaceKeyFunc, SecretNameIndexers)
	for _, kc := range []*v1alpha1.Certificate{older, younger, otherClass} {
		if err := kcerts.Add(kc); err != nil {
			t.Fatal(err)
		}
	}
	claims := &secretClaims{kcerts: kcerts, certificates: cache.NewIndexer(cache.MetaNamespaceKeyFunc, SecretNameIndexers),
		classFilter: pkgreconciler.AnnotationFilterFunc(networking.CertificateClassAnnotationKey, testClass, false)}
	var got []string
	h := claims.enqueueClaimants(func(key types.NamespacedName) { got = append(got, key.Name) })

	renamed := older.DeepCopy()
	renamed.Spec.SecretName = "elsewhere"
	statusOnly := older.DeepCopy()
	ready(statusOnly)
	both := []string{testName, "route-old"} // sorted
	tests := []struct {
		name  string
		event func()
		want  []string
	}{
		{"a KCert is deleted", func() { h.OnDelete(older) }, both},
		{"a KCert is deleted, seen as a tombstone", func() { h.OnDelete(cache.DeletedFinalStateUnknown{Obj: older}) }, both},
		{"a KCert's status changes", func() { h.OnUpdate(older, statusOnly) }, nil},
		{"a KCert names another Secret", func() { h.OnUpdate(older, renamed) }, both},
		{"a KCert is added", func() { h.OnAdd(younger, false) }, both},
		{"a Certificate is deleted", func() { h.OnDelete(cmCert(otherClass, externalIssuer)) }, both},
		{"a Certificate's status changes", func() { h.OnUpdate(cmCert(older, externalIssuer), cmCert(older, externalIssuer, cmReady)) }, nil},
		{"something else", func() { h.OnDelete(&cmv1.Issuer{}) }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got = nil
			tc.event()
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("enqueued %v, want %v", got, tc.want)
			}
		})
	}
}
