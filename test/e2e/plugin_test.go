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
	"encoding/json"
	"strings"
	"testing"
	"time"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"

	"knative.dev/net-certmanager/pkg/kncm"
	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
)

// TestPluginCheckAndStatus runs `kn-certmanager check` and `status`
// against the live environment: check's dry-run create passes cert-manager's
// API and our webhook; status shows a CA-issued KCert's whole chain down to
// the Secret's certificate (exit 0), and an ACME KCert whose HTTP-01
// challenge cannot pass waiting at its Challenge, as the KCert says (exit 1).
func TestPluginCheckAndStatus(t *testing.T) {
	c := newClients(t)
	ns := c.newNamespace(t)

	out, code := runPlugin(t, "check", "-n", ns, "--wait", "1m", "-o", "json")
	var rep kncm.DoctorReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 || !rep.OK || len(rep.Checks) != 2 {
		t.Fatalf("check: exit %d, %v: %s", code, err, out)
	}
	t.Logf("check: %s; %s", rep.Checks[0].Detail, rep.Checks[1].Detail)

	c.setConfig(t, map[string]string{
		"issuerRef":             issuerRef("ClusterIssuer", acmeIssuer),
		"clusterLocalIssuerRef": issuerRef("ClusterIssuer", caIssuer),
	})
	local := c.kcert(t, ns, "local", netcfg.CertificateClusterLocalDomain, "local."+ns+".svc.cluster.local")
	c.waitKCert(t, ns, local.Name, "Ready", isReady)
	out, code = runPlugin(t, "status", local.Name, "-n", ns, "-o", "json")
	var s kncm.KCertStatus
	if err := json.Unmarshal([]byte(out), &s); err != nil || code != 0 {
		t.Fatalf("status %s: exit %d, %v: %s", local.Name, code, err, out)
	}
	switch {
	case !s.Ready || s.Issuer == nil || s.Issuer.Key != "clusterLocalIssuerRef" || !s.Issuer.Ready:
		t.Errorf("status: ready %v, issuer %+v; want Ready, chosen by clusterLocalIssuerRef and Ready", s.Ready, s.Issuer)
	case s.Certificate == nil || s.Certificate.Revision == nil || s.Request == nil || s.Stuck != nil:
		t.Errorf("status: certificate %+v, request %+v, stuck %+v; want issued, nothing stuck", s.Certificate, s.Request, s.Stuck)
	case s.Secret == nil || s.Secret.Error != "" || len(s.Secret.DNSNames) == 0 || s.Secret.DNSNames[0] != "local."+ns+".svc.cluster.local":
		t.Errorf("status: secret %+v; want the issued certificate", s.Secret)
	}
	text, _ := runPlugin(t, "status", local.Name, "-n", ns)
	t.Logf("status %s:\n%s", local.Name, text)

	host := "stuck." + ns + ".knative-test.dev"
	stuck := c.kcert(t, ns, "stuck", netcfg.CertificateExternalDomain, host)
	c.waitKCert(t, ns, stuck.Name, "waiting at a Challenge", func(kc *v1alpha1.Certificate) bool {
		cond := kc.Status.GetCondition(v1alpha1.CertificateConditionReady)
		return cond != nil && strings.Contains(cond.Message, resources.ReasonChallengePending)
	})
	deadline := time.Now().Add(time.Minute)
	for {
		out, code = runPlugin(t, "status", stuck.Name, "-n", ns, "-o", "json")
		s = kncm.KCertStatus{}
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatalf("status %s: exit %d, %v: %s", stuck.Name, code, err, out)
		}
		if s.Stuck != nil && s.Stuck.Reason == resources.ReasonChallengePending && len(s.Challenges) > 0 && s.Challenges[0].Reason != "" || time.Now().After(deadline) {
			break
		}
		time.Sleep(2 * time.Second)
	}
	if code != 1 || s.Stuck == nil || s.Stuck.Reason != resources.ReasonChallengePending || s.Order == nil || len(s.Challenges) != 1 || s.Challenges[0].DNSName != host {
		t.Errorf("status %s: exit %d, stuck %+v, order %+v, challenges %+v; want exit 1 waiting at the Challenge for %s", stuck.Name, code, s.Stuck, s.Order, s.Challenges, host)
	}
	text, _ = runPlugin(t, "status", "-n", ns, "-o", "wide")
	t.Logf("status -n %s -o wide:\n%s", ns, text)
	if !strings.Contains(text, resources.ReasonChallengePending) || !strings.Contains(text, "local") {
		t.Errorf("status -o wide lacks a KCert or its step:\n%s", text)
	}
}
