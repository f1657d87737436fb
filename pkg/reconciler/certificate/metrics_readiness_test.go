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
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/types"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	pkgreconciler "knative.dev/pkg/reconciler"
)

func TestReadinessCounts(t *testing.T) {
	named := func(n string) kcertOption { return func(c *v1alpha1.Certificate) { c.Name = n } }
	kcerts := []*v1alpha1.Certificate{
		kcert(named("a"), ready),
		kcert(named("b"), ready),
		kcert(named("c"), failed(ReasonIssuerNotFound, "ClusterIssuer/x does not exist")),
		kcert(named("d"), failed(ReasonIssuerNotFound, "ClusterIssuer/x does not exist")),
		kcert(named("e"), failed("Failed", "signing failed")),
		kcert(named("f"), unknown("DoesNotExist", "Issuing certificate as Secret does not exist")),
		kcert(named("g"), observed), // Ready=Unknown, no reason yet
		kcert(named("h")),           // never reconciled: no condition
		kcert(named("i"), failed("free text, not a reason", "")),
		kcert(named("other-class"), withClass("other"), failed(ReasonIssuerNotFound, "")),
	}
	classFilter := func(obj interface{}) bool {
		return obj.(*v1alpha1.Certificate).Annotations["networking.knative.dev/certificate.class"] == testClass
	}
	want := map[readiness]int64{
		{"True", ""}:                    2,
		{"False", ReasonIssuerNotFound}: 2,
		{"False", "Failed"}:             1,
		{"Unknown", "DoesNotExist"}:     1,
		{"Unknown", ""}:                 2,
		{"False", ReasonOther}:          1,
	}
	if diff := cmp.Diff(want, readinessCounts(kcerts, classFilter)); diff != "" {
		t.Errorf("readinessCounts (-want +got):\n%s", diff)
	}
}

func TestReasonLabel(t *testing.T) {
	tests := []struct{ reason, want string }{
		{"IssuerNotFound", "IssuerNotFound"},
		{"DoesNotExist", "DoesNotExist"},
		{"X509Error2", "X509Error2"},
		{"", ReasonOther},
		{"lowerCase", ReasonOther},
		{"With Space", ReasonOther},
		{"Dotted.Reason", ReasonOther},
		{"Ünicode", ReasonOther},
		{"A" + strings.Repeat("b", maxReasonLength-1), "A" + strings.Repeat("b", maxReasonLength-1)},
		{"A" + strings.Repeat("b", maxReasonLength), ReasonOther},
	}
	for _, tc := range tests {
		if got := reasonLabel(tc.reason); got != tc.want {
			t.Errorf("reasonLabel(%q) = %q, want %q", tc.reason, got, tc.want)
		}
	}
}

// Entries of KCerts whose cache copy never showed them Ready (deleted
// meanwhile) are dropped after issuanceMemoTTL.
func TestReportedIssuancesForgetsDeletedKCerts(t *testing.T) {
	var r reportedIssuances
	is := issuance{generation: 1, start: now.Add(-time.Minute)}
	if !r.first("gone", is, now) || r.first("gone", is, now.Add(time.Second)) {
		t.Fatal("the same issuance should be first once")
	}
	r.first("other", is, now.Add(issuanceMemoTTL))
	if _, ok := r.entries[types.UID("gone")]; ok {
		t.Errorf("entry of %q still there after %v", "gone", issuanceMemoTTL)
	}
	r.settled("other")
	if len(r.entries) != 0 {
		t.Errorf("entries = %v after settled, want none", r.entries)
	}
}

// Only the replica that leads a KCert's bucket reports it in the gauges.
func TestReportedHere(t *testing.T) {
	classFilter := pkgreconciler.AnnotationFilterFunc(networking.CertificateClassAnnotationKey, testClass, false)
	leads := func(k types.NamespacedName) bool { return k.Name != "led-elsewhere" }
	reported := reportedHere(classFilter, leads)
	for _, tc := range []struct {
		kc   *v1alpha1.Certificate
		want bool
	}{
		{kcert(named("led-here")), true},
		{kcert(named("led-elsewhere")), false},
		{kcert(named("led-here"), withClass("other")), false},
	} {
		if got := reported(tc.kc); got != tc.want {
			t.Errorf("reported(%s, class %s) = %t, want %t", tc.kc.Name,
				tc.kc.Annotations[networking.CertificateClassAnnotationKey], got, tc.want)
		}
	}
}
