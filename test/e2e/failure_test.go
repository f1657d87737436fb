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
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"
)

// TestIssuanceFailureAndRecovery uses a CA issuer that cannot sign: its
// Secret holds a CA certificate with a key that is not the CA's, which
// cert-manager accepts as Ready but fails to sign with. The KCert shows
// Failed with cert-manager's message and one Warning event; once
// config-certmanager points at a working issuer it becomes Ready.
func TestIssuanceFailureAndRecovery(t *testing.T) {
	c := newClients(t)
	ctx := context.Background()
	ns := c.newNamespace(t)
	name := "e2e-cannot-sign-" + ns

	certPEM, keyPEM := mismatchedCA(t, name)
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: certManagerNamespace},
		Type:       corev1.SecretTypeTLS,
		Data:       map[string][]byte{corev1.TLSCertKey: certPEM, corev1.TLSPrivateKeyKey: keyPEM},
	}
	if _, err := c.kube.CoreV1().Secrets(certManagerNamespace).Create(ctx, secret, metav1.CreateOptions{}); err != nil {
		t.Fatal("create CA Secret:", err)
	}
	ci := &cmv1.ClusterIssuer{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       cmv1.IssuerSpec{IssuerConfig: cmv1.IssuerConfig{CA: &cmv1.CAIssuer{SecretName: name}}},
	}
	if _, err := c.cm.CertmanagerV1().ClusterIssuers().Create(ctx, ci, metav1.CreateOptions{}); err != nil {
		t.Fatal("create ClusterIssuer:", err)
	}
	waitIssuerReady(t, "ClusterIssuer "+name, func(ctx context.Context) (cmv1.GenericIssuer, error) {
		return c.cm.CertmanagerV1().ClusterIssuers().Get(ctx, name, metav1.GetOptions{})
	})
	c.setConfig(t, map[string]string{"issuerRef": issuerRef("ClusterIssuer", name)})

	kc := c.kcert(t, ns, "fails", netcfg.CertificateExternalDomain, "fails."+ns+".example.com")
	kc = c.waitKCert(t, ns, kc.Name, "Failed", func(kc *v1alpha1.Certificate) bool {
		cond := kc.Status.GetCondition(v1alpha1.CertificateConditionReady)
		return cond != nil && cond.IsFalse() && cond.Reason == "Failed"
	})
	msg := kc.Status.GetCondition(v1alpha1.CertificateConditionReady).Message
	t.Logf("Failed: %s", msg)
	// cert-manager's own message, plus the issuer and the config key.
	if !strings.Contains(msg, "The certificate request has failed to complete") || !strings.Contains(msg, "ClusterIssuer/"+name) ||
		!strings.Contains(msg, "issuerRef") {
		t.Errorf("message %q lacks cert-manager's message, the issuer or the config key", msg)
	}

	// Reconciles of the unchanged failure send no more events. A KCert label
	// change makes one; the controller copies the label to its Certificate,
	// which shows that it ran.
	for i := range 3 {
		round := strconv.Itoa(i)
		patch := fmt.Sprintf(`{"metadata":{"labels":{"e2e-reconcile":%q}}}`, round)
		if _, err := c.net.NetworkingV1alpha1().Certificates(ns).Patch(ctx, kc.Name, types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
			t.Fatal("label the KCert:", err)
		}
		waitFor(t, "the Certificate to carry reconcile label "+round, time.Minute, func() bool {
			cert, err := c.cm.CertmanagerV1().Certificates(ns).Get(ctx, kc.Name, metav1.GetOptions{})
			return err == nil && cert.Labels["e2e-reconcile"] == round
		})
	}
	// Events are sent asynchronously; give the last ones time to land.
	time.Sleep(2 * time.Second)
	if n := c.warningEvents(t, kc, "Failed"); n != 1 {
		t.Errorf("%d Warning events with reason Failed, want 1", n)
	}

	c.setConfig(t, map[string]string{"issuerRef": issuerRef("ClusterIssuer", caIssuer)})
	kc = c.waitKCert(t, ns, kc.Name, "Ready after the config was fixed", isReady)
	if _, leaf := c.secretCert(t, kc); verifiesAgainst(leaf, c.caCert(t, caIssuer)) != nil {
		t.Error("the recovered certificate does not chain to the working issuer's CA")
	}
}

// warningEvents counts the Warning events of a reason on a KCert (by UID:
// cert-manager's Certificate of the same name has events of its own).
func (c *clients) warningEvents(t *testing.T, kc *v1alpha1.Certificate, reason string) int {
	t.Helper()
	evs, err := c.kube.CoreV1().Events(kc.Namespace).List(context.Background(), metav1.ListOptions{
		FieldSelector: fields.Set{"involvedObject.uid": string(kc.UID), "type": corev1.EventTypeWarning}.String(),
	})
	if err != nil {
		t.Fatal("list events:", err)
	}
	n := 0
	for _, ev := range evs.Items {
		if ev.Reason == reason {
			n += int(max(ev.Count, 1))
			t.Logf("event %s x%d at %v: %s", ev.Reason, max(ev.Count, 1), ev.LastTimestamp.Time, ev.Message)
		}
	}
	return n
}

// mismatchedCA returns a self-signed CA certificate and a private key
// that is not the certificate's.
func mismatchedCA(t *testing.T, cn string) (certPEM, keyPEM []byte) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(other)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}
