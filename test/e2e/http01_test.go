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
	"testing"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"
)

// HTTP-01 challenges are found from cert-manager's own objects, so a
// namespaced ACME Issuer works, and so does one whose FIRST solver is a
// DNS-01 solver for another zone.
func TestHTTP01ChallengeDiscovery(t *testing.T) {
	c := newClients(t)
	acme := c.acmeTemplate(t)

	http01Solver := acmev1.ACMEChallengeSolver{HTTP01: &acmev1.ACMEChallengeSolverHTTP01{
		Ingress: &acmev1.ACMEChallengeSolverHTTP01Ingress{},
	}}
	dns01OtherZone := acmev1.ACMEChallengeSolver{
		Selector: &acmev1.CertificateDNSNameSelector{DNSZones: []string{"other-zone.test"}},
		DNS01: &acmev1.ACMEChallengeSolverDNS01{
			RFC2136: &acmev1.ACMEIssuerDNS01ProviderRFC2136{Nameserver: "127.0.0.1:1"},
		},
	}
	tests := []struct {
		name    string
		solvers []acmev1.ACMEChallengeSolver
	}{
		{"namespaced-issuer", []acmev1.ACMEChallengeSolver{http01Solver}},
		{"dns01-first", []acmev1.ACMEChallengeSolver{dns01OtherZone, http01Solver}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ns := c.newNamespace(t)
			c.newACMEIssuer(t, ns, "acme", acme, tc.solvers)
			// No kind: cert-manager's meaning, an Issuer in the KCert's namespace.
			c.setConfig(t, map[string]string{"issuerRef": "name: acme\n"})

			hosts := []string{"a." + ns + ".knative-test.dev", "b." + ns + ".knative-test.dev"}
			kc := c.kcert(t, ns, "acme", netcfg.CertificateExternalDomain, hosts...)
			kc = c.waitKCert(t, ns, kc.Name, "published HTTP-01 challenges", func(kc *v1alpha1.Certificate) bool {
				return len(kc.Status.HTTP01Challenges) == len(hosts)
			})
			for i, ch := range kc.Status.HTTP01Challenges {
				if ch.URL.Host != hosts[i] || ch.URL.Scheme != "http" || len(ch.URL.Path) <= len("/.well-known/acme-challenge/") {
					t.Errorf("challenge %d URL = %v, want http://%s/.well-known/acme-challenge/<token>", i, ch.URL, hosts[i])
				}
				svc, err := c.kube.CoreV1().Services(ch.ServiceNamespace).Get(context.Background(), ch.ServiceName, metav1.GetOptions{})
				if err != nil {
					t.Errorf("challenge %d names Service %s/%s: %v", i, ch.ServiceNamespace, ch.ServiceName, err)
					continue
				}
				if svc.Labels["acme.cert-manager.io/http01-solver"] != "true" || ch.ServicePort.IntVal != svc.Spec.Ports[0].Port {
					t.Errorf("challenge %d Service %s: labels %v port %v, published port %v",
						i, svc.Name, svc.Labels, svc.Spec.Ports, ch.ServicePort)
				}
			}
		})
	}
}

// acmeTemplate reads the environment's ACME server and trust from its ACME
// ClusterIssuer, so the test needs no knowledge of how it was set up.
func (c *clients) acmeTemplate(t *testing.T) *acmev1.ACMEIssuer {
	t.Helper()
	ci, err := c.cm.CertmanagerV1().ClusterIssuers().Get(context.Background(), acmeIssuer, metav1.GetOptions{})
	if err != nil || ci.Spec.ACME == nil {
		t.Fatalf("ClusterIssuer %s is not an ACME issuer: %v", acmeIssuer, err)
	}
	return ci.Spec.ACME
}

func (c *clients) newACMEIssuer(t *testing.T, ns, name string, tmpl *acmev1.ACMEIssuer, solvers []acmev1.ACMEChallengeSolver) {
	t.Helper()
	ctx := context.Background()
	issuer := &cmv1.Issuer{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: cmv1.IssuerSpec{IssuerConfig: cmv1.IssuerConfig{ACME: &acmev1.ACMEIssuer{
			Server:        tmpl.Server,
			CABundle:      tmpl.CABundle,
			SkipTLSVerify: tmpl.SkipTLSVerify,
			Email:         "e2e@example.com",
			PrivateKey:    cmmeta.SecretKeySelector{LocalObjectReference: cmmeta.LocalObjectReference{Name: name + "-account"}},
			Solvers:       solvers,
		}}},
	}
	if _, err := c.cm.CertmanagerV1().Issuers(ns).Create(ctx, issuer, metav1.CreateOptions{}); err != nil {
		t.Fatal("create ACME Issuer:", err)
	}
	waitIssuerReady(t, "Issuer "+ns+"/"+name, func(ctx context.Context) (cmv1.GenericIssuer, error) {
		return c.cm.CertmanagerV1().Issuers(ns).Get(ctx, name, metav1.GetOptions{})
	})
}
