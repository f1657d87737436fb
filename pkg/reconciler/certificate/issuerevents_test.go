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
	"slices"
	"testing"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"

	"knative.dev/networking/pkg/apis/networking"
	netcfg "knative.dev/networking/pkg/config"
	pkgreconciler "knative.dev/pkg/reconciler"

	"knative.dev/net-certmanager/pkg/issuerconfig"
	rtesting "knative.dev/net-certmanager/pkg/reconciler/testing"
)

// An issuer appearing or going enqueues only the KCerts waiting on it: not
// Ready, of our class, and of a type config-certmanager maps to it.
func TestWaitingOnIssuer(t *testing.T) {
	local := withType(string(netcfg.CertificateClusterLocalDomain))
	cfg := &issuerconfig.CertManagerConfig{IssuerRef: externalIssuer, ClusterLocalIssuerRef: acmeNSIssuer, SystemInternalIssuerRef: internalIssuer}
	objs := []runtime.Object{
		kcert(named("waits"), failed(ReasonIssuerNotFound, "missing")),
		kcert(named("ready"), ready),
		kcert(named("other-class"), withClass("other")),
		kcert(named("other-type"), withType(string(netcfg.CertificateSystemInternal))),
		kcert(named("local-here"), local),
		kcert(named("local-elsewhere"), local, inNamespace("elsewhere")),
	}
	ls := rtesting.NewListers(objs, testIndexers)
	classFilter := pkgreconciler.AnnotationFilterFunc(networking.CertificateClassAnnotationKey, testClass, false)

	tests := []struct {
		name   string
		issuer metav1.Object
		delete bool
		want   []string
	}{{
		name:   "the ClusterIssuer of issuerRef is created",
		issuer: &cmv1.ClusterIssuer{ObjectMeta: metav1.ObjectMeta{Name: externalIssuer.Name}},
		want:   []string{testNS + "/waits"},
	}, {
		name:   "the same, deleted (as a tombstone)",
		issuer: &cmv1.ClusterIssuer{ObjectMeta: metav1.ObjectMeta{Name: externalIssuer.Name}},
		delete: true,
		want:   []string{testNS + "/waits"},
	}, {
		name:   "an Issuer of clusterLocalIssuerRef's name, in one namespace",
		issuer: &cmv1.Issuer{ObjectMeta: metav1.ObjectMeta{Name: acmeNSIssuer.Name, Namespace: testNS}},
		want:   []string{testNS + "/local-here"},
	}, {
		name:   "a ClusterIssuer of the Issuer's name is not it",
		issuer: &cmv1.ClusterIssuer{ObjectMeta: metav1.ObjectMeta{Name: acmeNSIssuer.Name}},
	}, {
		name:   "an issuer no key names",
		issuer: &cmv1.ClusterIssuer{ObjectMeta: metav1.ObjectMeta{Name: "unrelated"}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			h := waitingOnIssuer(ls.GetKnativeCertificateLister(), classFilter,
				func() *issuerconfig.CertManagerConfig { return cfg },
				func(k types.NamespacedName) { got = append(got, k.String()) })
			if tc.delete {
				h.OnDelete(cache.DeletedFinalStateUnknown{Key: tc.issuer.GetName(), Obj: tc.issuer})
			} else {
				h.OnAdd(tc.issuer, false)
			}
			slices.Sort(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("enqueued (-want +got):\n%s", diff)
			}
		})
	}
}
