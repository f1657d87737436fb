//go:build e2e

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

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"

	"knative.dev/net-certmanager/pkg/issuerconfig"
	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
)

// unservedIssuer is an external issuer whose group no controller serves.
var unservedIssuer = cmmeta.IssuerReference{Group: "issuer.example.com", Kind: "ExampleIssuer", Name: "nobody"}

// TestStuckRequest: a KCert whose CertificateRequest nothing will issue
// says so, naming the request. Both cases wait for resources.PickUpWait,
// so they run in parallel, with each other and after the sequential tests
// (config-certmanager is the cluster's, so no sequential test may run
// meanwhile).
func TestStuckRequest(t *testing.T) {
	t.Parallel()
	c := newClients(t)
	c.setConfig(t, map[string]string{"issuerRef": fmt.Sprintf("group: %s\nkind: %s\nname: %s\n",
		unservedIssuer.Group, unservedIssuer.Kind, unservedIssuer.Name)})

	t.Run("an approved request for an issuer group nothing serves is not picked up after PickUpWait", func(t *testing.T) {
		t.Parallel()
		start := time.Now()
		ns, cr := c.stuckRequest(t, "unserved")
		decide(t, c.operator(t, ns), cr, cmv1.CertificateRequestConditionApproved, "platform-team", "approved for the e2e test")

		steps := c.followSteps(t, ns, "unserved", cr.CreationTimestamp.Add(resources.PickUpWait+30*time.Second),
			func(reason string) bool { return reason == resources.ReasonRequestNotPickedUp })
		last := steps[len(steps)-1]
		if last.reason != resources.ReasonRequestNotPickedUp {
			t.Fatalf("the KCert never said %s within PickUpWait (%v) and 30 s; steps: %v", resources.ReasonRequestNotPickedUp, resources.PickUpWait, steps)
		}
		for _, want := range []string{"CertificateRequest " + cr.Name + " ", issuerconfig.String(unservedIssuer)} {
			if !strings.Contains(last.message, want) {
				t.Errorf("%s message %q does not name %q", last.reason, last.message, want)
			}
		}
		// Until then the KCert waits, as cert-manager says (Ready Unknown),
		// naming at most a waiting reason, never a verdict.
		for _, s := range steps[:len(steps)-1] {
			if s.afterRequest >= resources.PickUpWait {
				t.Errorf("still %q %v after the request was created, past PickUpWait", s, s.afterRequest)
			}
			if !strings.HasPrefix(s.ready, "Unknown ") || (s.reason != "" && s.reason != resources.ReasonRequestAwaitingApprove && s.reason != resources.ReasonRequestAwaitingIssuer) {
				t.Errorf("before PickUpWait the KCert says %q; want Ready Unknown and at most a waiting reason", s)
			}
		}
		if last.afterRequest < resources.PickUpWait {
			t.Errorf("%s %v after the request was created, before PickUpWait (%v)", last.reason, last.afterRequest, resources.PickUpWait)
		}
		t.Logf("MEASURED: %s %v after the request was created; test took %v", last.reason, last.afterRequest.Round(time.Second), time.Since(start).Round(time.Second))
	})

	t.Run("a denied request says denied, and by whom", func(t *testing.T) {
		t.Parallel()
		start := time.Now()
		ns, cr := c.stuckRequest(t, "denied")
		const denier, why = "platform-team", "issuer.example.com is not an approved signer"
		decide(t, c.operator(t, ns), cr, cmv1.CertificateRequestConditionDenied, denier, why)
		deniedAt := time.Now()

		steps := c.followSteps(t, ns, "denied", deniedAt.Add(time.Minute),
			func(reason string) bool { return reason == resources.ReasonRequestDenied })
		shownAfter := time.Since(deniedAt)
		last := steps[len(steps)-1]
		if last.reason != resources.ReasonRequestDenied {
			t.Fatalf("the KCert never said %s within a minute of the denial; steps: %v", resources.ReasonRequestDenied, steps)
		}
		if want := "CertificateRequest " + cr.Name + " was denied by " + denier + ": " + why; last.message != want {
			t.Errorf("%s message = %q, want %q", last.reason, last.message, want)
		}
		// Denied is final: the KCert keeps saying so, however long it waits.
		steps = c.followSteps(t, ns, "denied", cr.CreationTimestamp.Add(resources.PickUpWait+10*time.Second), func(string) bool { return false })
		for _, s := range steps {
			if s.reason != resources.ReasonRequestDenied {
				t.Errorf("%v after the request was created the KCert says %s, want %s still", s.afterRequest, s.reason, resources.ReasonRequestDenied)
			}
		}
		t.Logf("MEASURED: %s %v after the denial; test took %v", resources.ReasonRequestDenied, shownAfter.Round(100*time.Millisecond), time.Since(start).Round(time.Second))
	})
}

// stuckRequest creates a KCert for unservedIssuer in a namespace of its
// own where only operatorUser decides requests, and returns its
// CertificateRequest once nothing has approved it for a few seconds.
func (c *clients) stuckRequest(t *testing.T, name string) (string, *cmv1.CertificateRequest) {
	t.Helper()
	ns := c.newNamespace(t)
	c.onlyOperatorDecides(t, ns)
	c.kcert(t, ns, name, netcfg.CertificateExternalDomain, name+"."+ns+".example.com")
	cr := c.onlyRequest(t, ns)
	time.Sleep(3 * time.Second) // cert-manager's approver acts within milliseconds when it may
	cr, err := c.cm.CertmanagerV1().CertificateRequests(ns).Get(context.Background(), cr.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal("get CertificateRequest:", err)
	}
	if len(cr.Status.Conditions) > 0 {
		t.Fatalf("CertificateRequest %s has conditions before anyone decided: %+v", cr.Name, cr.Status.Conditions)
	}
	return ns, cr
}

// step is what a KCert's Ready condition said, and when: the step it
// names as the one it waits at ("" for none), with what it says of it.
type step struct {
	afterRequest    time.Duration
	ready           string
	reason, message string
}

func (s step) String() string {
	return fmt.Sprintf("%v Ready %s; %s: %s", s.afterRequest.Round(time.Second), s.ready, s.reason, s.message)
}

// followSteps polls a KCert until done says so of the step it waits at or
// until the deadline, and returns each change of its Ready condition, the
// last one seen last, with its time after the KCert's CertificateRequest
// was created.
func (c *clients) followSteps(t *testing.T, ns, name string, deadline time.Time, done func(reason string) bool) []step {
	t.Helper()
	cr := c.onlyRequest(t, ns)
	var steps []step
	for ; time.Now().Before(deadline); time.Sleep(pollInterval) {
		kc, err := c.net.NetworkingV1alpha1().Certificates(ns).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			continue
		}
		cur := step{afterRequest: time.Since(cr.CreationTimestamp.Time), ready: readyStatus(kc)}
		cur.reason, cur.message = waitingAt(kc)
		if n := len(steps); n == 0 || steps[n-1].ready != cur.ready || steps[n-1].reason != cur.reason || steps[n-1].message != cur.message {
			steps = append(steps, cur)
			t.Logf("KCert %s/%s: %s", ns, name, cur)
		}
		if done(cur.reason) {
			break
		}
	}
	if len(steps) == 0 {
		t.Fatalf("KCert %s/%s was never read", ns, name)
	}
	return steps
}

func readyStatus(kc *v1alpha1.Certificate) string {
	if cond := kc.Status.GetCondition(v1alpha1.CertificateConditionReady); cond != nil {
		return string(cond.Status) + " " + cond.Reason
	}
	return "none"
}
