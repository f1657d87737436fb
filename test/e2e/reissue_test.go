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
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"
)

// Switching config-certmanager to another CA re-issues every certificate,
// but the ones in service stay valid meanwhile: no KCert is ever seen with
// Ready other than True (Serving would take its hosts off HTTPS), Renewing
// says IssuerChanged, and each ends with the new CA's chain.
func TestIssuerChangeKeepsReady(t *testing.T) {
	const kcerts = 5
	c := newClients(t)
	c.newCAIssuer(t, "e2e-switch-ca-1")
	c.newCAIssuer(t, "e2e-switch-ca-2")
	c.setConfig(t, map[string]string{"issuerRef": issuerRef("ClusterIssuer", "e2e-switch-ca-1")})
	ns := c.newNamespace(t)
	ctx := context.Background()

	for i := range kcerts {
		name := fmt.Sprintf("switch-%d", i)
		c.kcert(t, ns, name, netcfg.CertificateExternalDomain, name+"."+ns+".example.com")
	}
	for i := range kcerts {
		c.waitKCert(t, ns, fmt.Sprintf("switch-%d", i), "Ready", isReady)
	}

	list, err := c.net.NetworkingV1alpha1().Certificates(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := c.net.NetworkingV1alpha1().Certificates(ns).Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion})
	if err != nil {
		t.Fatal("watch the KCerts:", err)
	}
	var notReady []string
	renewing := map[string]bool{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range w.ResultChan() {
			kc, ok := ev.Object.(*v1alpha1.Certificate)
			if !ok {
				continue
			}
			if cond := kc.Status.GetCondition(v1alpha1.CertificateConditionReady); cond == nil || !cond.IsTrue() {
				notReady = append(notReady, fmt.Sprintf("%s: %+v", kc.Name, cond))
			}
			if cond := kc.Status.GetCondition("Renewing"); cond != nil && cond.IsTrue() && cond.Reason == "IssuerChanged" {
				renewing[kc.Name] = true
			}
		}
	}()

	c.setConfig(t, map[string]string{"issuerRef": issuerRef("ClusterIssuer", "e2e-switch-ca-2")})
	ca2 := c.caCert(t, "e2e-switch-ca-2")
	err = wait.PollUntilContextTimeout(ctx, pollInterval, readyTimeout, true, func(ctx context.Context) (bool, error) {
		for i := range kcerts {
			name := fmt.Sprintf("switch-%d", i)
			kc, err := c.net.NetworkingV1alpha1().Certificates(ns).Get(ctx, name, metav1.GetOptions{})
			if err != nil || !kc.IsReady() || kc.Status.GetCondition("Renewing") != nil {
				return false, nil
			}
			s, err := c.kube.CoreV1().Secrets(ns).Get(ctx, kc.Spec.SecretName, metav1.GetOptions{})
			if err != nil || verifiesAgainst(parsePEM(t, s.Data[corev1.TLSCertKey]), ca2) != nil {
				return false, nil
			}
		}
		return true, nil
	})
	w.Stop()
	<-done
	if err != nil {
		t.Fatal("not every certificate was re-issued by CA 2, Ready and done renewing")
	}
	if len(notReady) > 0 {
		t.Errorf("%d KCert states with Ready other than True during the switch: %v", len(notReady), notReady)
	}
	if len(renewing) != kcerts {
		t.Errorf("Renewing=True IssuerChanged seen on %d of %d KCerts: %v", len(renewing), kcerts, renewing)
	}
	t.Logf("%d KCerts switched CA; %d KCert states watched were not Ready; %d KCerts seen Renewing=True IssuerChanged",
		kcerts, len(notReady), len(renewing))
}
