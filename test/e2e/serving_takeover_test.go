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
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"

	"knative.dev/net-certmanager/pkg/certclass"
)

// longKCert creates, as Serving's Route reconciler does for a host too long
// for a common name, a KCert whose first DNS name is over 63 bytes, with
// spec.domain and "k.<domain>" among its names: Serving's certificate
// reconciler builds its Certificate with "k.<domain>" twice.
func (s *servingEnv) longKCert(t *testing.T, ns, class string) *v1alpha1.Certificate {
	t.Helper()
	domain := ns + "." + servingDomain
	long := strings.Repeat("l", 60) + "." + domain
	kc := &v1alpha1.Certificate{
		ObjectMeta: metav1.ObjectMeta{
			Name:        "long",
			Namespace:   ns,
			Annotations: map[string]string{networking.CertificateClassAnnotationKey: class},
			Labels:      map[string]string{networking.CertificateTypeLabelKey: string(netcfg.CertificateExternalDomain)},
		},
		Spec: v1alpha1.CertificateSpec{DNSNames: []string{long, "k." + domain}, Domain: domain, SecretName: "long-tls"},
	}
	kc, err := s.c.net.NetworkingV1alpha1().Certificates(ns).Create(context.Background(), kc, metav1.CreateOptions{})
	if err != nil {
		t.Fatal("create KCert:", err)
	}
	return kc
}

// takeover is the migration the README describes: Certificates that
// Serving's built-in reconciler issued (a DomainMapping's, and the long-name
// shape) are taken over by ours when config-network moves to our class, and
// ours writes none of them: no re-issuance.
func (s *servingEnv) takeover(t *testing.T, ca *x509.Certificate) {
	ctx := context.Background()
	s.setNetworkClass(t, netcfg.CertManagerCertificateClassName)
	ctrl := s.startController(t, "controller-takeover")
	defer ctrl.stop(t)
	ns := s.c.newNamespace(t)
	host := s.domainMapping(t, ns)
	long := s.longKCert(t, ns, netcfg.CertManagerCertificateClassName)

	// Serving's reconciler alone issues both.
	s.checkDomainMappingTLS(t, ns, host, netcfg.CertManagerCertificateClassName, ca)
	s.c.waitKCert(t, ns, long.Name, "Ready (by Serving's reconciler)", isReady)
	built := map[string]int64{}
	for _, name := range []string{host, long.Name} {
		cert, err := s.c.cm.CertmanagerV1().Certificates(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if who := certManagerCertificateCreators(t, s.auditLog, ns, name); len(who) != 1 || who[0] != servingUser {
			t.Fatalf("Certificate %s/%s created by %v, want Serving's controller", ns, name, who)
		}
		built[name] = cert.Generation
		t.Logf("Serving built %s: CN %s, DNS names %v, issuer %+v", name, cert.Spec.CommonName, cert.Spec.DNSNames, cert.Spec.IssuerRef)
	}

	// The handover: Serving moves its own KCert to our class in place; the
	// long one we move as Serving would.
	switched := time.Now()
	s.setNetworkClass(t, certclass.Default)
	s.c.waitKCert(t, ns, host, "on our class", func(kc *v1alpha1.Certificate) bool {
		return kc.Annotations[networking.CertificateClassAnnotationKey] == certclass.Default
	})
	patch := fmt.Sprintf(`{"metadata":{"annotations":{%q:%q}}}`, networking.CertificateClassAnnotationKey, certclass.Default)
	if _, err := s.c.net.NetworkingV1alpha1().Certificates(ns).Patch(ctx, long.Name, types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatal("move the long KCert to our class:", err)
	}
	time.Sleep(settle)

	writes := certificateWrites(t, s.auditLog, writeFilter{namespace: ns, since: switched})
	t.Logf("writes to the KCerts and Certificates of %s since the switch: %s", ns, describe(writes))
	for _, name := range []string{host, long.Name} {
		cert, err := s.c.cm.CertmanagerV1().Certificates(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if cert.Generation != built[name] {
			t.Errorf("Certificate %s/%s went from generation %d to %d on the takeover: re-issued", ns, name, built[name], cert.Generation)
		}
		s.c.waitKCert(t, ns, name, "Ready", isReady)
	}
	// Our controller now serves them: a deleted Certificate comes back.
	if err := s.c.cm.CertmanagerV1().Certificates(ns).Delete(ctx, long.Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "our controller to recreate the long Certificate", readyTimeout, func() bool {
		return len(certManagerCertificateCreators(t, s.auditLog, ns, long.Name)) == 2
	})
	if who := certManagerCertificateCreators(t, s.auditLog, ns, long.Name); who[1] != controllerUser {
		t.Errorf("the long Certificate was recreated by %s, want our controller (the takeover did not happen)", who[1])
	}
	updates := certificateWrites(t, s.auditLog, writeFilter{namespace: ns, since: switched, certManagerUpdates: true})
	if n := updates[controllerUser]; n != 0 {
		t.Errorf("our controller updated Serving-built Certificates %d times on the takeover, want 0", n)
	}
	s.deleteDomainMapping(t, ns, host)
}

// issuerSwitch switches config-certmanager's issuerRef to a second CA while
// a DomainMapping is served: its https URL, its Ready and its KCert's Ready
// hold throughout (watched every poll), and the KCert ends on the new CA.
func (s *servingEnv) issuerSwitch(t *testing.T, second string) {
	ctx := context.Background()
	s.setNetworkClass(t, certclass.Default)
	ctrl := s.startController(t, "controller-issuer-switch")
	defer ctrl.stop(t)
	ns := s.c.newNamespace(t)
	host := s.domainMapping(t, ns)
	s.checkDomainMappingTLS(t, ns, host, certclass.Default, s.c.caCert(t, servingCAIssuer))

	var (
		mu     sync.Mutex
		lapses []string
	)
	watch, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for watch.Err() == nil {
			kc, kerr := s.c.net.NetworkingV1alpha1().Certificates(ns).Get(ctx, host, metav1.GetOptions{})
			dm, derr := s.dyn.Resource(domainMappingGVR).Namespace(ns).Get(ctx, host, metav1.GetOptions{})
			if kerr == nil && derr == nil && (!kc.IsReady() || !readyOverHTTPS(dm, host)) {
				dmStatus, _ := json.Marshal(dm.Object["status"])
				kcConds, _ := json.Marshal(kc.Status.Conditions)
				mu.Lock()
				lapses = append(lapses, fmt.Sprintf("%s: DomainMapping %s; KCert %s", time.Now().Format(time.StampMilli), dmStatus, kcConds))
				mu.Unlock()
			}
			time.Sleep(pollInterval)
		}
	}()
	s.c.setConfig(t, map[string]string{
		"issuerRef":             issuerRef("ClusterIssuer", second),
		"clusterLocalIssuerRef": issuerRef("ClusterIssuer", missingIssuer),
	})
	newCA := s.c.caCert(t, second)
	waitFor(t, "the DomainMapping's certificate from the second CA", readyTimeout, func() bool {
		kc, err := s.c.net.NetworkingV1alpha1().Certificates(ns).Get(ctx, host, metav1.GetOptions{})
		if err != nil || !kc.IsReady() {
			return false
		}
		_, leaf := s.c.secretCert(t, kc)
		return verifiesAgainst(leaf, newCA) == nil
	})
	time.Sleep(settle)
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(lapses) > 0 {
		t.Errorf("%d observations of the DomainMapping or its KCert not Ready over https during the issuer switch, first: %s", len(lapses), lapses[0])
	}
	s.deleteDomainMapping(t, ns, host)
}
