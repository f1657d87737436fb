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
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"

	"knative.dev/net-certmanager/pkg/certclass"
	"knative.dev/net-certmanager/pkg/reconciler/certificate"
)

const (
	// servingCAIssuer is the issuer config-certmanager names for external
	// domains in the Serving tests; missingIssuer names none.
	servingCAIssuer = "serving-e2e-ca"
	servingSecondCA = "serving-e2e-ca-2"
	missingIssuer   = "serving-e2e-does-not-exist"
	// settle is how long the tests wait for writes that should not come.
	settle = 5 * time.Second
	// fightWindow and fightMinWrites bound the control run's fight over a
	// KCert that cannot be issued: more than fightMinWrites writes by each
	// controller within fightWindow (the issue measured 5 a second each).
	fightWindow    = 10 * time.Second
	fightMinWrites = 10
)

// TestServing runs Knative Serving's real controller next to ours, in one
// environment, through the class handover: with config-network pointing at
// our class (the shipped default), Serving's built-in certificate reconciler
// never writes our KCerts or their Certificates; with both on Serving's
// class (the control run), both write, and a KCert that cannot be issued is
// written again and again. Each step needs the state the previous one left.
func TestServing(t *testing.T) {
	env := startServingEnv(t)
	// Serving's own config-certmanager (localenv applies Serving's) names
	// the configured issuers; the last step checks our install leaves it.
	env.c.newCAIssuer(t, servingCAIssuer)
	env.c.newCAIssuer(t, servingSecondCA)
	env.c.setConfig(t, map[string]string{
		"issuerRef":             issuerRef("ClusterIssuer", servingCAIssuer),
		"clusterLocalIssuerRef": issuerRef("ClusterIssuer", missingIssuer),
	})
	ca := env.c.caCert(t, servingCAIssuer)

	steps := []struct {
		name string
		run  func(t *testing.T)
	}{{
		name: "handover: on our class, Serving's reconciler writes none of our KCerts or Certificates",
		run: func(t *testing.T) {
			class := certclass.Default
			env.setNetworkClass(t, class)
			ctrl := env.startController(t, "controller-handover")
			defer ctrl.stop(t)
			ns := env.c.newNamespace(t)
			host := env.domainMapping(t, ns)
			env.stuckKCert(t, ns, class)

			env.checkDomainMappingTLS(t, ns, host, class, ca)
			env.c.waitKCert(t, ns, "stuck", "IssuerNotFound", func(kc *v1alpha1.Certificate) bool {
				c := kc.Status.GetCondition(v1alpha1.CertificateConditionReady)
				return c != nil && c.Reason == certificate.ReasonIssuerNotFound
			})
			time.Sleep(settle)
			all := certificateWrites(t, env.auditLog, writeFilter{namespace: ns})
			stuck := certificateWrites(t, env.auditLog, writeFilter{namespace: ns, name: "stuck"})
			owner := certificateWrites(t, env.auditLog, writeFilter{namespace: ns, owner: true})
			t.Logf("certificate reconcilers' writes to the KCerts and Certificates of namespace %s: %s; to the stuck KCert: %s; KCert spec writes (owners): %s",
				ns, describe(all), describe(stuck), describe(owner))
			if all[servingUser] != 0 {
				t.Errorf("Serving's certificate reconciler wrote our KCerts or their Certificates %d times, want 0 (class %s)", all[servingUser], class)
			}
			if all[controllerUser] == 0 {
				t.Error("no writes of our controller in the audit log: the count sees nothing")
			}
			if owner[servingUser] == 0 {
				t.Error("no KCert created by Serving's controller in the audit log")
			}
			if who := certManagerCertificateCreators(t, env.auditLog, ns, host); len(who) != 1 || who[0] != controllerUser {
				t.Errorf("the Certificate %s/%s was created by %v, want our controller only", ns, host, who)
			}
			// The controller runs as a process: the doctor finds no
			// Deployment and takes the built-in default class.
			checks := env.doctor(t)
			for _, name := range []string{doctorClassCheck, doctorReconcilerCheck, doctorWebhookCheck} {
				wantDoctor(t, checks, name, true, "")
			}
			// Alone on its class, ours says IssuerNotFound once and waits.
			if n := stuck[controllerUser]; n > 3 {
				t.Errorf("our controller wrote the stuck KCert %d times, want at most 3", n)
			}
			env.deleteDomainMapping(t, ns, host)
		},
	}, {
		name: "control: on Serving's class both write, and the stuck KCert without end",
		run: func(t *testing.T) {
			class := netcfg.CertManagerCertificateClassName
			env.setNetworkClass(t, class)
			ctrl := env.startController(t, "controller-control", "CERTIFICATE_CLASS="+class)
			defer ctrl.stop(t)
			ns := env.c.newNamespace(t)
			host := env.domainMapping(t, ns)
			env.stuckKCert(t, ns, class)

			env.checkDomainMappingTLS(t, ns, host, class, ca)
			from := time.Now()
			time.Sleep(fightWindow)
			to := time.Now()
			all := certificateWrites(t, env.auditLog, writeFilter{namespace: ns})
			stuck := certificateWrites(t, env.auditLog, writeFilter{namespace: ns, name: "stuck", since: from, until: to})
			t.Logf("certificate reconcilers' writes to the KCerts and Certificates of namespace %s: %s; to the stuck KCert in %v: %s", ns, describe(all), fightWindow, describe(stuck))
			for _, who := range []string{servingUser, controllerUser} {
				if all[who] == 0 {
					t.Errorf("%s wrote nothing in namespace %s: no fight to show", who, ns)
				}
				if stuck[who] <= fightMinWrites {
					t.Errorf("%s wrote the stuck KCert %d times in %v, want more than %d", who, stuck[who], fightWindow, fightMinWrites)
				}
			}
			checks := env.doctor(t, "--certificate-class", class)
			wantDoctor(t, checks, doctorClassCheck, true, "")
			wantDoctor(t, checks, doctorReconcilerCheck, false, certclass.Env+"="+certclass.Default)
			// Our controller on its default class, config-network still on
			// Serving's: the handover is missing.
			checks = env.doctor(t)
			wantDoctor(t, checks, doctorClassCheck, false, fmt.Sprintf(`{"data":{"%s":"%s"}}`, netcfg.DefaultCertificateClassKey, certclass.Default))
			// End the fight before the next step.
			if err := env.c.net.NetworkingV1alpha1().Certificates(ns).Delete(context.Background(), "stuck", metav1.DeleteOptions{}); err != nil {
				t.Error("delete the stuck KCert:", err)
			}
			env.deleteDomainMapping(t, ns, host)
		},
	}, {
		name: "takeover: Certificates that Serving's reconciler built, the long-name shape included, are taken over without a write",
		run:  func(t *testing.T) { env.takeover(t, ca) },
	}, {
		name: "issuer switch: the DomainMapping keeps Ready and its https URL while its certificate moves to a second CA",
		run:  func(t *testing.T) { env.issuerSwitch(t, servingSecondCA) },
	}, {
		// Last: it deletes our release, RBAC and webhook included.
		name: "install and uninstall: our release leaves Serving's config-certmanager as it is",
		run: func(t *testing.T) {
			objs := releaseObjects(t)
			for _, u := range objs {
				if u.GetKind() == "ConfigMap" && u.GetName() == configName {
					t.Fatalf("the release holds %s/%s: applying it resets Serving's, deleting it deletes Serving's", u.GetNamespace(), configName)
				}
			}
			before := env.configCertManager(t)
			if before.Data["issuerRef"] == "" {
				t.Fatalf("config-certmanager is not customised: %v", before.Data)
			}
			env.applyRelease(t, objs)
			env.checkConfigUnchanged(t, "after applying the release", before)
			// Our webhook validates Serving's config-certmanager.
			err := env.c.updateConfigData(context.Background(), map[string]string{"issuerRef": "nmae: x\n"}, nil)
			want := denied + `invalid config-certmanager: issuerRef: not a {name, kind, group} object: error unmarshaling JSON: while decoding JSON: json: unknown field "nmae"`
			if err == nil || err.Error() != want {
				t.Errorf("invalid update of Serving's config-certmanager: error %v, want %s", err, want)
			}
			wantDoctor(t, env.doctor(t), doctorWebhookCheck, true, "")
			env.deleteRelease(t, objs)
			env.checkConfigUnchanged(t, "after deleting the release", before)
			wantDoctor(t, env.doctor(t), doctorWebhookCheck, false, "kubectl apply --server-side -f net-certmanager.yaml")
		},
	}}
	for _, s := range steps {
		if !t.Run(s.name, s.run) {
			return
		}
	}
}

// checkDomainMappingTLS follows a DomainMapping through Serving and our
// controller: Serving creates its KCert with class, our controller its
// Certificate, the KCert becomes Ready with a chain to ca, Serving puts its
// Secret on the KIngress, the minimal ingress marks that Ready and serves
// the certificate, and the DomainMapping is Ready with an https URL.
func (s *servingEnv) checkDomainMappingTLS(t *testing.T, ns, host, class string, ca *x509.Certificate) {
	t.Helper()
	ctx := context.Background()
	kc := s.c.waitKCert(t, ns, host, "Ready", isReady)
	if got := kc.Annotations[networking.CertificateClassAnnotationKey]; got != class {
		t.Errorf("KCert class = %q, want %q (config-network's)", got, class)
	}
	cmc, err := s.c.cm.CertmanagerV1().Certificates(ns).Get(ctx, host, metav1.GetOptions{})
	if err != nil {
		t.Fatal("the KCert's cert-manager Certificate:", err)
	}
	if owner := metav1.GetControllerOf(cmc); owner == nil || owner.UID != kc.UID {
		t.Errorf("Certificate %s/%s is controlled by %+v, want the KCert", ns, host, owner)
	}
	if ref := cmc.Spec.IssuerRef; ref.Kind != "ClusterIssuer" || ref.Name != servingCAIssuer {
		t.Errorf("Certificate issuer = %s/%s, want ClusterIssuer/%s (config-certmanager's issuerRef)", ref.Kind, ref.Name, servingCAIssuer)
	}
	_, leaf := s.c.secretCert(t, kc)
	if err := verifiesAgainst(leaf, ca); err != nil {
		t.Errorf("the KCert's certificate does not chain to %s: %v", servingCAIssuer, err)
	}

	ing := s.waitKIngress(t, ns, host, "Ready with the KCert's Secret", func(ing *v1alpha1.Ingress) bool {
		return ing.IsReady() && ing.Status.ObservedGeneration == ing.Generation &&
			len(ing.Spec.TLS) == 1 && ing.Spec.TLS[0].SecretName == kc.Spec.SecretName
	})
	if got := ing.Annotations[networking.IngressClassAnnotationKey]; got != localenvIngressClass {
		t.Errorf("KIngress class = %q, want %q", got, localenvIngressClass)
	}
	s.checkIngressServes(t, host, leaf, ca)

	s.waitDomainMapping(t, ns, host, "Ready with an https URL", func(dm *unstructured.Unstructured) bool {
		return readyOverHTTPS(dm, host)
	})
}

// checkIngressServes connects to the minimal ingress with the host as TLS
// server name: it must present the KCert's certificate. The Service has no
// local process behind it, which the ingress answers with 502.
func (s *servingEnv) checkIngressServes(t *testing.T, host string, leaf, ca *x509.Certificate) {
	t.Helper()
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{ServerName: host, RootCAs: roots, MinVersion: tls.VersionTLS12}},
	}
	req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("https://%s/", s.ingressHTTPS), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host // the ingress routes by Host; the connection goes to its address
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET https://%s/ through the minimal ingress: %v", host, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if got := resp.TLS.PeerCertificates[0]; !got.Equal(leaf) {
		t.Errorf("the ingress served %v for %s, want the KCert's certificate %v", got.Subject, host, leaf.Subject)
	}
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("GET https://%s/ = %d %s, want 502 (no local process behind Service hello)", host, resp.StatusCode, body)
	}
}

// deleteDomainMapping deletes a DomainMapping and waits until Serving has
// removed its finalizer, so that later class changes leave its KCert alone.
func (s *servingEnv) deleteDomainMapping(t *testing.T, ns, name string) {
	t.Helper()
	dms := s.dyn.Resource(domainMappingGVR).Namespace(ns)
	if err := dms.Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil {
		t.Fatal("delete DomainMapping:", err)
	}
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		if _, err := dms.Get(context.Background(), name, metav1.GetOptions{}); err != nil {
			return
		}
		time.Sleep(pollInterval)
	}
	t.Fatalf("DomainMapping %s/%s still there %v after its deletion", ns, name, readyTimeout)
}
