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
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"

	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
)

// TestStuckStepShowsChallenge: the local environment routes no HTTP-01
// challenge for a KCert nothing serves, so cert-manager's self-check never
// passes. The KCert's Ready message names the Challenge, its state and
// cert-manager's reason for it, within a bounded time of the reason being
// written (one resources.StepRecheck, plus the poll).
func TestStuckStepShowsChallenge(t *testing.T) {
	c := newClients(t)
	ns := c.newNamespace(t)
	c.setConfig(t, map[string]string{"issuerRef": issuerRef("ClusterIssuer", acmeIssuer)})

	host := "stuck." + ns + ".knative-test.dev"
	start := time.Now()
	kc := c.kcert(t, ns, "stuck", netcfg.CertificateExternalDomain, host)
	kc = c.waitKCert(t, ns, kc.Name, "waiting at a Challenge with cert-manager's reason", func(kc *v1alpha1.Certificate) bool {
		cond := kc.Status.GetCondition(v1alpha1.CertificateConditionReady)
		return cond != nil && !cond.IsTrue() && strings.Contains(cond.Message, "; waiting at "+resources.ReasonChallengePending+": Challenge ") &&
			!strings.Contains(cond.Message, "(none given)")
	})
	msg := kc.Status.GetCondition(v1alpha1.CertificateConditionReady).Message
	t.Logf("after %v: %s", time.Since(start).Round(time.Second), msg)

	// The Challenge named is the live one, for this host, in its own words.
	chs, err := c.cm.AcmeV1().Challenges(ns).List(context.Background(), metav1.ListOptions{})
	if err != nil || len(chs.Items) == 0 {
		t.Fatalf("list Challenges: %v (%d)", err, len(chs.Items))
	}
	ch := chs.Items[0]
	if want := "Challenge " + ch.Name + " (HTTP-01 for " + host + ") is "; !strings.Contains(msg, want) {
		t.Errorf("message %q does not name %q", msg, want)
	}
	if ch.Status.Reason == "" || !strings.Contains(msg, firstWords(resources.Stable(ch.Status.Reason))) {
		t.Errorf("message %q lacks the Challenge's reason %q", msg, ch.Status.Reason)
	}

	// Write amplification: cert-manager retries the self-check every few
	// seconds; over three rechecks the KCert is written at most for a real
	// change of step (a state change), not for each retry.
	rv, writes, window := kc.ResourceVersion, 0, 3*resources.StepRecheck
	for end := time.Now().Add(window); time.Now().Before(end); time.Sleep(pollInterval) {
		cur, err := c.net.NetworkingV1alpha1().Certificates(ns).Get(context.Background(), kc.Name, metav1.GetOptions{})
		if err == nil && cur.ResourceVersion != rv {
			rv, writes = cur.ResourceVersion, writes+1
			t.Logf("KCert written: %s", cur.Status.GetCondition(v1alpha1.CertificateConditionReady).Message)
		}
	}
	t.Logf("KCert writes over %v while stuck: %d", window, writes)
	if writes > 2 {
		t.Errorf("KCert written %d times in %v while stuck at one step; want at most 2", writes, window)
	}
}

// firstWords is a prefix of a reason that a later retry is unlikely to change.
func firstWords(s string) string {
	if i := strings.Index(s, ":"); i > 0 {
		return s[:i]
	}
	return s
}
