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

package kncm

import (
	"context"
	"crypto/x509"
	apiutil "github.com/cert-manager/cert-manager/pkg/api/util"
	"k8s.io/utils/clock"
	clocktesting "k8s.io/utils/clock/testing"
	"strings"
	"testing"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
)

func TestRotation(t *testing.T) {
	tests := []struct {
		name string
		// issuerCA is what the issuer signs with; a and b the signers of
		// the two KCerts; bundle what every bundle holds.
		issuerCA     string
		a, b         string
		bundle       []string
		grace        time.Duration
		wantStates   string // states of steps 1..9: d(one), t(odo), f(ailed)
		wantOld      int
		wantVerdict  string
		wantStillOld []string
	}{{
		name:     "before: issuer and bundle on CA1",
		issuerCA: "ca1", a: "ca1", b: "ca1", bundle: []string{"ca1"},
		// No old CA yet: nothing to rotate, nothing to remove.
		wantStates: "ddddddddd", wantVerdict: "safe to remove the old CA: yes (0 certificates still chain to it)",
	}, {
		name:     "issuer switched before the bundle has CA2",
		issuerCA: "ca2", a: "ca1", b: "ca1", bundle: []string{"ca1"},
		wantStates: "dddtdtttt", wantOld: 2, wantStillOld: []string{"app/a", "app/b"},
		wantVerdict: "safe to remove the old CA: no (2 certificates still chain to it); the new CA is missing from 2 bundle(s)",
	}, {
		name:     "bundle holds both, one certificate renewed",
		issuerCA: "ca2", a: "ca1", b: "ca2", bundle: []string{"ca1", "ca2"},
		wantStates: "dddddtttt", wantOld: 1, wantStillOld: []string{"app/a"},
		wantVerdict: "safe to remove the old CA: no (1 certificates still chain to it)",
	}, {
		name:     "all renewed, grace period over",
		issuerCA: "ca2", a: "ca2", b: "ca2", bundle: []string{"ca1", "ca2"},
		wantStates: "ddddddddt", wantVerdict: "safe to remove the old CA: yes (0 certificates still chain to it)",
	}, {
		name:     "all renewed, grace period running",
		issuerCA: "ca2", a: "ca2", b: "ca2", bundle: []string{"ca1", "ca2"}, grace: 2 * time.Hour,
		wantStates: "dddddddtt", wantVerdict: "safe to remove the old CA: no (0 certificates still chain to it); grace period: 1h0m0s left",
	}, {
		name:     "old CA removed",
		issuerCA: "ca2", a: "ca2", b: "ca2", bundle: []string{"ca2"},
		// Step 4 looks for an old CA that is no longer known: done.
		wantStates: "ddddddddd", wantVerdict: "safe to remove the old CA: yes (0 certificates still chain to it)",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			cas := map[string]*ca{"ca1": w.ca1, "ca2": w.ca2}
			w.issuer(tc.issuerCA, cas[tc.issuerCA], false)
			w.kcert(t, "a", cas[tc.a], false)
			w.kcert(t, "b", cas[tc.b], false)
			var bundle []*ca
			for _, n := range tc.bundle {
				bundle = append(bundle, cas[n])
			}
			w.bundle("knative-serving", bundle...)
			w.bundle("app", bundle...)

			r := Rotation(w.load(t), DefaultOptions(), RotationOptions{Grace: tc.grace}, now)
			var text strings.Builder
			PrintRotation(&text, r)
			states := ""
			for _, s := range r.Steps {
				states += string(s.State[0])
			}
			if states != tc.wantStates {
				t.Errorf("step states = %s, want %s\n%s", states, tc.wantStates, text.String())
			}
			if r.Counts.OnOldCA != tc.wantOld {
				t.Errorf("OnOldCA = %d, want %d", r.Counts.OnOldCA, tc.wantOld)
			}
			if r.Verdict != tc.wantVerdict {
				t.Errorf("verdict = %q, want %q", r.Verdict, tc.wantVerdict)
			}
			if strings.Join(r.StillOnOldCA, ",") != strings.Join(tc.wantStillOld, ",") {
				t.Errorf("StillOnOldCA = %v, want %v", r.StillOnOldCA, tc.wantStillOld)
			}
			if !strings.Contains(text.String(), r.Verdict) {
				t.Error("text output lacks the verdict")
			}
		})
	}
}

func TestRotationLeavesACMEOut(t *testing.T) {
	w := newWorld(t)
	w.issuer("ca2", w.ca2, false)
	w.kcert(t, "a", w.ca2, false)
	w.acmeKCert(t, "public")
	w.bundle("knative-serving", w.ca2)
	w.bundle("app", w.ca2)
	inv := w.load(t)
	r := Rotation(inv, DefaultOptions(), RotationOptions{}, now)
	if r.Counts.PublicCA != 1 || r.Counts.OnOldCA != 0 || !r.SafeToRemoveOldCA || r.Steps[6].State != StepDone {
		t.Errorf("counts = %+v, verdict = %s, step 7 = %+v", r.Counts, r.Verdict, r.Steps[6])
	}
	if targets, err := RenewTargets(inv, RotationOptions{}); err != nil || len(targets) != 0 {
		t.Errorf("RenewTargets = %v, %v; want none", targets, err)
	}
	if d := Doctor(inv, DefaultOptions(), now); !d.OK {
		t.Errorf("doctor wants the ACME chain in the bundles: %+v", d.Checks)
	}
}

func TestRotationExplicitCAs(t *testing.T) {
	w := newWorld(t)
	w.issuer("ca1", w.ca1, false)
	w.kcert(t, "a", w.ca1, false)
	w.bundle("knative-serving", w.ca1, w.ca2)
	w.bundle("app", w.ca1, w.ca2)
	// The operator names CA2 as new before switching the issuer: step 5 is
	// to do, and a still chains to the old CA.
	r := Rotation(w.load(t), DefaultOptions(), RotationOptions{NewCAs: []*x509.Certificate{w.ca2.cert}, OldCAs: []*x509.Certificate{w.ca1.cert}}, now)
	if r.Steps[4].State != StepTodo || r.Counts.OnOldCA != 1 || r.SafeToRemoveOldCA {
		t.Errorf("step 5 = %+v, counts = %+v, safe = %v", r.Steps[4], r.Counts, r.SafeToRemoveOldCA)
	}
}

func TestRenew(t *testing.T) {
	// cert-manager's condition helper stamps its own clock.
	defer func(c clock.Clock) { apiutil.Clock = c }(apiutil.Clock)
	apiutil.Clock = clocktesting.NewFakeClock(now)
	w := newWorld(t)
	w.issuer("ca2", w.ca2, false)
	w.kcert(t, "a", w.ca1, false)
	w.kcert(t, "b", w.ca2, false)
	w.kcert(t, "c", w.ca1, true) // already being issued
	w.bundle("knative-serving", w.ca1, w.ca2)
	c, cmc := w.clients()
	inv, err := Load(context.Background(), c, DefaultOptions(), now)
	if err != nil {
		t.Fatal(err)
	}
	targets, err := RenewTargets(inv, RotationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, kc := range targets {
		names = append(names, kc.Namespace+"/"+kc.Name)
	}
	if strings.Join(names, ",") != "app/a,app/c" {
		t.Fatalf("targets = %v, want app/a, app/c", names)
	}

	// A dry run changes nothing.
	cmc.ClearActions()
	if _, err := Renew(context.Background(), c, targets, RenewOptions{Rate: 100, DryRun: true}, func(string, string) {}); err != nil {
		t.Fatal(err)
	}
	if n := len(cmc.Actions()); n != 0 {
		t.Errorf("dry run made %d calls", n)
	}

	var log []string
	res, err := Renew(context.Background(), c, targets, RenewOptions{Rate: 100}, func(n, o string) { log = append(log, n+": "+o) })
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.Triggered, ",") != "app/a" || strings.Join(res.AlreadyIssuing, ",") != "app/c" {
		t.Errorf("result = %+v\n%s", res, strings.Join(log, "\n"))
	}
	// The trigger goes through the status subresource, as cmctl renew's does.
	updates := 0
	for _, a := range cmc.Actions() {
		if a.GetVerb() == "update" {
			updates++
			if a.GetSubresource() != "status" {
				t.Errorf("update of %s, want the status subresource", a.GetSubresource())
			}
		}
	}
	if updates != 1 {
		t.Errorf("%d updates, want 1", updates)
	}
	cert, err := cmc.CertmanagerV1().Certificates("app").Get(context.Background(), "a", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got *cmv1.CertificateCondition
	for i := range cert.Status.Conditions {
		if cert.Status.Conditions[i].Type == cmv1.CertificateConditionIssuing {
			got = &cert.Status.Conditions[i]
		}
	}
	if got == nil || got.Status != cmmeta.ConditionTrue || got.Reason != ManuallyTriggered || got.ObservedGeneration != 3 || !got.LastTransitionTime.Time.Equal(now) {
		t.Errorf("Issuing condition = %+v", got)
	}

	if _, err := Renew(context.Background(), c, targets, RenewOptions{Rate: 0}, func(string, string) {}); err == nil {
		t.Error("rate 0: no error")
	}
}

func TestRenewNeedsANewCA(t *testing.T) {
	w := newWorld(t)
	w.kcert(t, "a", w.ca1, false)
	if _, err := RenewTargets(w.load(t), RotationOptions{}); err != ErrNoNewCA {
		t.Errorf("err = %v, want ErrNoNewCA", err)
	}
}

func TestVerdict(t *testing.T) {
	newCA := []*x509.Certificate{{}}
	tests := []struct {
		name     string
		in       rotationInput
		wantSafe bool
		want     string
	}{{
		name:     "nothing blocks",
		in:       rotationInput{newCAs: newCA},
		wantSafe: true,
		want:     "safe to remove the old CA: yes (0 certificates still chain to it)",
	}, {
		name: "certificates on the old CA: the grace period is not the reason yet",
		in:   rotationInput{newCAs: newCA, counts: RotationCounts{OnOldCA: 2}, graceLeft: time.Hour},
		want: "safe to remove the old CA: no (2 certificates still chain to it)",
	}, {
		name: "all moved, grace period running",
		in:   rotationInput{newCAs: newCA, graceLeft: 90 * time.Minute},
		want: "safe to remove the old CA: no (0 certificates still chain to it); grace period: 1h30m0s left",
	}, {
		name: "every reason, in order",
		in:   rotationInput{counts: RotationCounts{NotIssued: 1, BundlesWithoutNew: 2}},
		want: "safe to remove the old CA: no (0 certificates still chain to it); 1 KCerts not issued yet; the new CA is missing from 2 bundle(s); no new CA known",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			safe, got := verdict(tc.in)
			if safe != tc.wantSafe || got != tc.want {
				t.Errorf("verdict = %v, %q; want %v, %q", safe, got, tc.wantSafe, tc.want)
			}
		})
	}
}

// TestRenewLeavesOthersAlone: renew re-issues only Certificates that a KCert
// of the controller's class controls, and re-checks that when it writes.
func TestRenewLeavesOthersAlone(t *testing.T) {
	w := newWorld(t)
	w.issuer("ca2", w.ca2, false)
	w.kcert(t, "a", w.ca1, false)
	w.kcert(t, "servings", w.ca1, false)
	w.kcert(t, "foreign", w.ca1, false)
	for _, o := range w.net {
		if kc := o.(*v1alpha1.Certificate); kc.Name == "servings" {
			kc.Annotations[networking.CertificateClassAnnotationKey] = "cert-manager.certificate.networking.knative.dev"
		}
	}
	for _, o := range w.cm {
		if cert, ok := o.(*cmv1.Certificate); ok && cert.Name == "foreign" {
			cert.OwnerReferences[0].Controller = ptr.To(false)
		}
	}
	c, cmc := w.clients()
	inv, err := Load(context.Background(), c, DefaultOptions(), now)
	if err != nil {
		t.Fatal(err)
	}
	if inv.OtherClassKCerts != 1 || len(inv.KCerts) != 2 {
		t.Fatalf("KCerts = %d, of another class %d; want 2 and 1 (Serving's class left out)", len(inv.KCerts), inv.OtherClassKCerts)
	}
	for _, kc := range inv.KCerts {
		if kc.Name == "foreign" && (kc.CertificateFound || !kc.CertificateNotControlled) {
			t.Errorf("foreign: found=%v notControlled=%v, want a Certificate the KCert does not control", kc.CertificateFound, kc.CertificateNotControlled)
		}
	}
	targets, err := RenewTargets(inv, RotationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(targets) != 1 || targets[0].Name != "a" {
		t.Fatalf("targets = %+v, want only app/a", targets)
	}

	// The Certificate is replaced by someone else after the inventory was read.
	if err := cmc.CertmanagerV1().Certificates("app").Delete(context.Background(), "a", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cmc.CertmanagerV1().Certificates("app").Create(context.Background(),
		&cmv1.Certificate{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "a", UID: "someone-elses"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cmc.ClearActions()
	res, err := Renew(context.Background(), c, targets, RenewOptions{Rate: 100}, func(string, string) {})
	if err == nil || len(res.Failed) != 1 {
		t.Errorf("renew of a replaced Certificate: result %+v, err %v; want it failed", res, err)
	}
	for _, a := range cmc.Actions() {
		if a.GetVerb() != "get" {
			t.Errorf("unexpected %s of %s", a.GetVerb(), a.GetResource().Resource)
		}
	}
}
