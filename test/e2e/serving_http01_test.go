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
	"crypto/x509"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"

	"knative.dev/net-certmanager/pkg/certclass"
	"knative.dev/net-certmanager/pkg/kncm"
)

// TestServingHTTP01 issues certificates for real over HTTP-01: Serving's
// DomainMapping reconciler creates the KCert, our controller publishes the
// Challenge in status.http01Challenges, Serving writes the KIngress rule for
// /.well-known/acme-challenge/<token>, the minimal ingress routes it to the
// solver Service, behind which localenv runs cert-manager's own solver, and
// Pebble validates through that route. Nothing hands Pebble the solver's
// address: Pebble resolves the name to the ingress.
func TestServingHTTP01(t *testing.T) {
	env := startServingEnv(t)
	env.setNetworkClass(t, certclass.Default)
	env.startController(t, "controller-http01")
	// For the whole test: a step's own setConfig is undone when it ends,
	// and our controller re-issues every Certificate on an issuer change.
	env.c.setConfig(t, map[string]string{"issuerRef": issuerRef("ClusterIssuer", acmeIssuer)})
	roots, intermediates, root := env.pebbleCA(t)
	// The ClusterIssuer step's DomainMapping, renewed later.
	var renewNS, renewHost string

	steps := []struct {
		name string
		run  func(t *testing.T)
	}{{
		name: "ClusterIssuer",
		run: func(t *testing.T) {
			renewNS = env.c.newNamespace(t)
			renewHost = env.issueOverHTTP01(t, renewNS, roots, intermediates, root)
		},
	}, {
		name: "renewal: the KCert stays Ready and lists the new challenge",
		run: func(t *testing.T) {
			if renewHost == "" {
				t.Skip("needs the ClusterIssuer step")
			}
			// Right after it: the next step's issuerRef change re-issues
			// that Certificate (hot reload).
			env.renewOverHTTP01(t, renewNS, renewHost, roots, intermediates)
		},
	}, {
		name: "namespaced Issuer whose first solver is DNS-01 for another zone",
		run: func(t *testing.T) {
			ns := env.c.newNamespace(t)
			env.c.newACMEIssuer(t, ns, "acme", env.c.acmeTemplate(t), []acmev1.ACMEChallengeSolver{dns01OtherZone(), http01Solver()})
			// No kind: cert-manager's meaning, an Issuer in the KCert's namespace.
			env.c.setConfig(t, map[string]string{"issuerRef": "name: acme\n"})
			env.issueOverHTTP01(t, ns, roots, intermediates, root)
			env.checkDNS01Survives(t, ns)
		},
	}, {
		name: "control: the same issuance without a published challenge stays pending",
		run: func(t *testing.T) {
			env.controlWithoutPublishing(t)
		},
	}, {
		name: "time to Ready of DomainMappings created together",
		run: func(t *testing.T) {
			env.timeToReady(t, timedDomainMappings)
		},
	}}
	for _, s := range steps {
		if !t.Run(s.name, s.run) {
			return
		}
	}
}

func http01Solver() acmev1.ACMEChallengeSolver {
	return acmev1.ACMEChallengeSolver{HTTP01: &acmev1.ACMEChallengeSolverHTTP01{Ingress: &acmev1.ACMEChallengeSolverHTTP01Ingress{}}}
}

// dns01OtherZone is a DNS-01 solver for other-zone.test, whose RFC2136
// server does not exist.
func dns01OtherZone() acmev1.ACMEChallengeSolver {
	return acmev1.ACMEChallengeSolver{
		Selector: &acmev1.CertificateDNSNameSelector{DNSZones: []string{"other-zone." + servingDomainTLD}},
		DNS01:    &acmev1.ACMEChallengeSolverDNS01{RFC2136: &acmev1.ACMEIssuerDNS01ProviderRFC2136{Nameserver: "127.0.0.1:1"}},
	}
}

// servingDomainTLD is the TLD localenv's name server answers for.
const servingDomainTLD = "test"

// issueOverHTTP01 maps app.<ns>.<servingDomain> and follows the issuance:
// the DomainMapping becomes Ready with an https URL; its KCert's certificate
// chains to Pebble's issuing CA and names the host; a Challenge for the host
// went valid; the solver answered Pebble's request (and cert-manager's
// self-check); the ingress serves the certificate. It returns the host.
func (s *servingEnv) issueOverHTTP01(t *testing.T, ns string, roots, intermediates *x509.CertPool, root *x509.Certificate) string {
	t.Helper()
	host := "app." + ns + "." + servingDomain
	challenges := s.c.watchChallenges(t, ns)
	s.helloService(t, ns)
	created := time.Now()
	s.mapDomain(t, ns, host, nil)

	kc := s.c.waitKCert(t, ns, host, "listing its HTTP-01 challenge", func(kc *v1alpha1.Certificate) bool {
		return len(kc.Status.HTTP01Challenges) > 0 || kc.IsReady()
	})
	if kc.IsReady() {
		t.Fatalf("KCert %s/%s Ready before it listed a challenge: nothing was validated", ns, host)
	}
	published := time.Since(created)
	if ch := kc.Status.HTTP01Challenges[0]; ch.URL.Host != host || !strings.HasPrefix(ch.URL.Path, acmeChallengePath) {
		t.Errorf("published challenge %v, want http://%s%s<token>", ch.URL, host, acmeChallengePath)
	}
	s.waitDomainMapping(t, ns, host, "Ready with an https URL", func(dm *unstructured.Unstructured) bool {
		return readyOverHTTPS(dm, host)
	})
	t.Logf("DomainMapping %s Ready over https %.1fs after its creation (challenge published after %.1fs)",
		host, time.Since(created).Seconds(), published.Seconds())

	kc = s.c.waitKCert(t, ns, host, "Ready", isReady)
	secret, leaf := s.c.secretCert(t, kc)
	chain := chainOf(t, secret.Data[corev1.TLSCertKey])
	for _, c := range chain[1:] {
		intermediates.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates, DNSName: host}); err != nil {
		t.Errorf("the certificate of %s does not chain to Pebble's issuing CA for the host: %v", host, err)
	}
	if !slices.Contains(leaf.DNSNames, host) {
		t.Errorf("certificate SANs %v, want %s", leaf.DNSNames, host)
	}
	if valid := challenges.valid(host); len(valid) == 0 {
		t.Errorf("no HTTP-01 Challenge for %s went valid; seen: %v", host, challenges)
	}
	reqs := s.solverRequests(t, host)
	pebble, selfCheck := answeredTo(reqs, pebbleUserAgent), answeredTo(reqs, selfCheckUserAgent)
	t.Logf("the solver answered %d requests of Pebble's and %d of cert-manager's self-check for %s", pebble, selfCheck, host)
	if pebble == 0 || selfCheck == 0 {
		t.Errorf("the solver answered Pebble %d and cert-manager's self-check %d times, want both > 0: %+v", pebble, selfCheck, reqs)
	}
	for _, r := range reqs {
		if !strings.HasPrefix(r.Pod, ns+"/") {
			t.Errorf("request for %s answered by solver Pod %s, not one of namespace %s", host, r.Pod, ns)
		}
	}
	s.checkIngressServes(t, host, leaf, root)
	return host
}

// checkDNS01Survives issues a Certificate for a name in the DNS-01 solver's
// zone: cert-manager works the DNS-01 Challenge (finds the zone through
// localenv's name server, fails to reach the RFC2136 server) and the
// environment keeps running. Without DNS-01 nameservers cert-manager v1.20.3
// panics there and takes localenv down.
func (s *servingEnv) checkDNS01Survives(t *testing.T, ns string) {
	t.Helper()
	ctx := context.Background()
	challenges := s.c.watchChallenges(t, ns)
	name := "x.other-zone." + servingDomainTLD
	cert := &cmv1.Certificate{
		ObjectMeta: metav1.ObjectMeta{Name: "dns01", Namespace: ns},
		Spec: cmv1.CertificateSpec{DNSNames: []string{name}, SecretName: "dns01",
			IssuerRef: cmmeta.IssuerReference{Kind: "Issuer", Name: "acme"}},
	}
	if _, err := s.c.cm.CertmanagerV1().Certificates(ns).Create(ctx, cert, metav1.CreateOptions{}); err != nil {
		t.Fatal("create DNS-01 Certificate:", err)
	}
	waitFor(t, "a DNS-01 Challenge for "+name+" worked, with an error", readyTimeout, func() bool {
		if s.proc.Exited() {
			t.Fatal("localenv exited while cert-manager worked a DNS-01 Challenge")
		}
		challenges.mu.Lock()
		defer challenges.mu.Unlock()
		for n, typ := range challenges.types {
			if typ == acmev1.ACMEChallengeTypeDNS01 && challenges.dns[n] == name && challenges.reason[n] != "" {
				return true
			}
		}
		return false
	})
	t.Logf("DNS-01 Challenge for %s: %v", name, challenges)
	time.Sleep(settle)
	if !s.proc.Exited() {
		return
	}
	t.Fatal("localenv exited after cert-manager worked a DNS-01 Challenge")
}

// renewOverHTTP01 triggers a renewal of the KCert's Certificate as
// kn-certmanager rotation renew does (the Issuing condition) and follows it:
// the KCert lists the new HTTP-01 Challenge while Renewing and stays Ready
// throughout. If Serving routes the challenge (a KIngress path for it),
// Pebble validates it and a new certificate replaces the old; Serving
// v0.50's DomainMapping reconciler does not (it passes challenges on only
// while the KCert is not Ready, unlike its Route reconciler, which does while
// Renewing), so the renewal stays pending and the old certificate is served.
func (s *servingEnv) renewOverHTTP01(t *testing.T, ns, host string, roots, intermediates *x509.CertPool) {
	t.Helper()
	ctx := context.Background()
	kc := s.c.waitKCert(t, ns, host, "Ready", isReady)
	_, old := s.c.secretCert(t, kc)
	// A settled Certificate, as a user renews it: cert-manager's issuing
	// controller, just done, would otherwise clear the Issuing condition.
	var cert *cmv1.Certificate
	waitFor(t, "the Certificate "+host+" Ready and not Issuing", readyTimeout, func() bool {
		var err error
		cert, err = s.c.cm.CertmanagerV1().Certificates(ns).Get(ctx, host, metav1.GetOptions{})
		return err == nil && cmReady(cert) && !slices.ContainsFunc(cert.Status.Conditions, func(c cmv1.CertificateCondition) bool {
			return c.Type == cmv1.CertificateConditionIssuing && c.Status == cmmeta.ConditionTrue
		})
	})
	time.Sleep(settle)
	pebbleBefore := answeredTo(s.solverRequests(t, host), pebbleUserAgent)
	challenges := s.c.watchChallenges(t, ns)
	kw := s.c.watchKCert(t, ns, host)
	// The watch lists the Challenges of the first issuance too.
	time.Sleep(time.Second)
	validBefore := challenges.valid(host)
	target := kncm.KCertInfo{Namespace: ns, Name: host, UID: kc.UID, CertificateFound: true, CertificateUID: cert.UID}
	started := time.Now()
	res, err := kncm.Renew(ctx, kncm.Clients{Kube: s.c.kube, CM: s.c.cm, Net: s.c.net}, []kncm.KCertInfo{target},
		kncm.RenewOptions{Rate: 10}, func(string, string) {})
	if err != nil || len(res.Triggered) != 1 {
		t.Fatalf("renew: %+v, %v", res, err)
	}
	renewing := s.c.waitKCert(t, ns, host, "listing the renewal's challenge while Renewing", func(kc *v1alpha1.Certificate) bool {
		r := kc.Status.GetCondition("Renewing")
		return r != nil && r.Status == corev1.ConditionTrue && len(kc.Status.HTTP01Challenges) > 0
	})
	path := renewing.Status.HTTP01Challenges[0].URL.Path
	// Serving reconciles the KIngress after the KCert changed.
	time.Sleep(settle)
	ing, err := s.c.net.NetworkingV1alpha1().Ingresses(ns).Get(ctx, host, metav1.GetOptions{})
	if err != nil {
		t.Fatal("the DomainMapping's KIngress:", err)
	}
	if !routesPath(ing, path) {
		t.Logf("Serving's DomainMapping KIngress does not route the renewal's challenge %s (Serving passes challenges on only while the KCert is not Ready); the renewal cannot validate: checking that the old certificate stays served and the KCert Ready", path)
		time.Sleep(settle)
		kc = s.c.waitKCert(t, ns, host, "Ready", isReady)
		if _, leaf := s.c.secretCert(t, kc); !leaf.Equal(old) {
			t.Errorf("the certificate changed although no challenge was routed")
		}
		kw.check(t)
		return
	}
	var leaf *x509.Certificate
	err = wait.PollUntilContextTimeout(ctx, pollInterval, readyTimeout, true, func(ctx context.Context) (bool, error) {
		sec, err := s.c.kube.CoreV1().Secrets(ns).Get(ctx, kc.Spec.SecretName, metav1.GetOptions{})
		if err != nil || len(sec.Data[corev1.TLSCertKey]) == 0 {
			return false, nil
		}
		leaf = chainOf(t, sec.Data[corev1.TLSCertKey])[0]
		return leaf.SerialNumber.Cmp(old.SerialNumber) != 0, nil
	})
	if err != nil {
		t.Fatalf("no new certificate for %s within %v; Challenges: %v", host, readyTimeout, challenges)
	}
	t.Logf("renewed %s in %.1fs: serial %x -> %x", host, time.Since(started).Seconds(), old.SerialNumber, leaf.SerialNumber)
	s.c.waitKCert(t, ns, host, "Ready and no longer Renewing", func(kc *v1alpha1.Certificate) bool {
		r := kc.Status.GetCondition("Renewing")
		return kc.IsReady() && (r == nil || r.Status != corev1.ConditionTrue)
	})
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates, DNSName: host}); err != nil {
		t.Errorf("the renewed certificate does not chain to Pebble's issuing CA: %v", err)
	}
	if valid := challenges.valid(host); len(valid) <= len(validBefore) {
		t.Errorf("no new HTTP-01 Challenge for %s went valid: %v", host, challenges)
	}
	if after := answeredTo(s.solverRequests(t, host), pebbleUserAgent); after <= pebbleBefore {
		t.Errorf("the solver answered Pebble %d times before the renewal and %d after, want more", pebbleBefore, after)
	}
	kw.check(t)
}

// routesPath says whether a KIngress has an HTTP path for path.
func routesPath(ing *v1alpha1.Ingress, path string) bool {
	for _, r := range ing.Spec.Rules {
		if r.HTTP == nil {
			continue
		}
		for _, p := range r.HTTP.Paths {
			if p.Path == path {
				return true
			}
		}
	}
	return false
}

// check fails the test if the KCert left Ready=True or never listed a
// challenge while Renewing.
func (kw *kcertWatch) check(t *testing.T) {
	t.Helper()
	kw.mu.Lock()
	defer kw.mu.Unlock()
	t.Logf("KCert during the renewal: %d updates, %d Renewing, %d of them listing challenges", kw.total, kw.renewingSeen, kw.challengesRenewing)
	if len(kw.notReadyAfterReady) > 0 {
		t.Errorf("the KCert left Ready=True during the renewal: %v", kw.notReadyAfterReady)
	}
	if kw.challengesRenewing == 0 {
		t.Error("the KCert never listed the renewal's challenge while Renewing")
	}
}

// controlWithoutPublishing is the control run: a host that Serving routes
// (a DomainMapping with external-domain TLS off, so no KCert and nothing
// that publishes challenges) gets a cert-manager Certificate from the same
// ACME ClusterIssuer. cert-manager creates the Challenge and the solver runs,
// but no KIngress routes the token to it: the Challenge stays pending, the
// solver sees neither Pebble nor the self-check, and nothing is issued.
func (s *servingEnv) controlWithoutPublishing(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	ns := s.c.newNamespace(t)
	host := "ctl." + ns + "." + servingDomain
	challenges := s.c.watchChallenges(t, ns)
	s.helloService(t, ns)
	s.mapDomain(t, ns, host, map[string]string{networking.DisableExternalDomainTLSAnnotationKey: "true"})
	s.waitDomainMapping(t, ns, host, "Ready over http", func(dm *unstructured.Unstructured) bool {
		url, _, _ := unstructured.NestedString(dm.Object, "status", "url")
		ready, _ := condition(dm, "Ready")
		return url == "http://"+host && ready == "True"
	})
	cert := &cmv1.Certificate{
		ObjectMeta: metav1.ObjectMeta{Name: "ctl", Namespace: ns},
		Spec: cmv1.CertificateSpec{DNSNames: []string{host}, SecretName: "ctl",
			IssuerRef: cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: acmeIssuer}},
	}
	if _, err := s.c.cm.CertmanagerV1().Certificates(ns).Create(ctx, cert, metav1.CreateOptions{}); err != nil {
		t.Fatal("create Certificate:", err)
	}
	waitFor(t, "an HTTP-01 Challenge for "+host, readyTimeout, func() bool {
		challenges.mu.Lock()
		defer challenges.mu.Unlock()
		return slices.Contains(slices.Collect(maps.Values(challenges.dns)), host)
	})
	// Longer than a passing issuance takes (about 13 s).
	time.Sleep(controlWindow)
	t.Logf("control: Challenges after %v: %v", controlWindow, challenges)
	if valid := challenges.valid(host); len(valid) > 0 {
		t.Errorf("Challenges %v for %s went valid without a published challenge", valid, host)
	}
	if sec, err := s.c.kube.CoreV1().Secrets(ns).Get(ctx, "ctl", metav1.GetOptions{}); err == nil && len(sec.Data[corev1.TLSCertKey]) > 0 {
		t.Errorf("a certificate was issued for %s without a published challenge", host)
	}
	if reqs := s.solverRequests(t, host); answeredTo(reqs, pebbleUserAgent)+answeredTo(reqs, selfCheckUserAgent) > 0 {
		t.Errorf("the solver answered requests for %s although no KIngress routes its token: %+v", host, reqs)
	}
}

const (
	// controlWindow is how long the control run waits for an issuance
	// that must not come.
	controlWindow = 30 * time.Second
	// timedDomainMappings are created together to measure time to Ready.
	timedDomainMappings = 10
)
