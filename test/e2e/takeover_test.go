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
	"bytes"
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/util/wait"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"
	nettest "knative.dev/networking/test"
	"knative.dev/pkg/kmeta"
)

// Taking over the Certificates that Knative Serving's built-in reconciler
// made, as after a change of config-network's certificate-class, writes
// none of them, so nothing is re-issued: not for the class annotation they
// still carry, not for the long-name shape with k.<domain> listed twice,
// not for the issuer's group spelled out.
func TestTakeoverMakesNoUpdate(t *testing.T) {
	const ca = "e2e-takeover-ca"
	c := newClients(t)
	c.newCAIssuer(t, ca)
	c.setConfig(t, map[string]string{"issuerRef": issuerRef("ClusterIssuer", ca)})
	ns := c.newNamespace(t)
	ctx := context.Background()
	domain := ns + ".example.com"
	long := func(prefix string) string { return prefix + "-" + strings.Repeat("x", 60) + "." + domain }

	type taken struct {
		kcert  *v1alpha1.Certificate
		cert   *cmv1.Certificate
		secret []byte
	}
	var all []taken
	for name, dnsNames := range map[string][]string{
		"short":       {"short." + domain},
		"long":        {long("long")},
		"long-listed": {long("listed"), "k." + domain},
	} {
		kc := &v1alpha1.Certificate{
			ObjectMeta: metav1.ObjectMeta{
				Name: name, Namespace: ns,
				Annotations: map[string]string{networking.CertificateClassAnnotationKey: netcfg.CertManagerCertificateClassName},
				Labels: map[string]string{networking.CertificateTypeLabelKey: string(netcfg.CertificateExternalDomain),
					"serving.knative.dev/route": name},
			},
			Spec: v1alpha1.CertificateSpec{DNSNames: dnsNames, Domain: domain, SecretName: name + "-tls"},
		}
		kc, err := c.net.NetworkingV1alpha1().Certificates(ns).Create(ctx, kc, metav1.CreateOptions{})
		if err != nil {
			t.Fatal("create KCert:", err)
		}
		cert, err := c.cm.CertmanagerV1().Certificates(ns).Create(ctx, servingShaped(kc, cmmeta.IssuerReference{
			Kind: "ClusterIssuer", Name: ca, Group: "cert-manager.io"}), metav1.CreateOptions{})
		if err != nil {
			t.Fatal("create the Serving-shaped Certificate:", err)
		}
		all = append(all, taken{kcert: kc, cert: cert})
	}
	for i, tk := range all {
		all[i].cert = c.waitCertificate(t, tk.cert, "Ready", cmReady)
		secret, _ := c.secretCert(t, tk.kcert)
		all[i].secret = secret.Data[corev1.TLSCertKey]
	}

	// Serving's route reconciler moves each KCert to our class.
	for _, tk := range all {
		kc, err := c.net.NetworkingV1alpha1().Certificates(ns).Get(ctx, tk.kcert.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		kc.Annotations[networking.CertificateClassAnnotationKey] = nettest.NetworkingFlags.CertificateClass
		if _, err := c.net.NetworkingV1alpha1().Certificates(ns).Update(ctx, kc, metav1.UpdateOptions{}); err != nil {
			t.Fatal("move the KCert to our class:", err)
		}
	}
	for _, tk := range all {
		c.waitKCert(t, ns, tk.kcert.Name, "Ready under our class", isReady)
	}
	time.Sleep(3 * time.Second) // room for a late write to show

	for _, tk := range all {
		now, err := c.cm.CertmanagerV1().Certificates(ns).Get(ctx, tk.cert.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if now.Generation != tk.cert.Generation || !slices.Equal(now.Spec.DNSNames, tk.cert.Spec.DNSNames) ||
			now.Spec.IssuerRef != tk.cert.Spec.IssuerRef {
			t.Errorf("%s: the spec was rewritten: generation %d → %d, dnsNames %v → %v, issuerRef %v → %v", tk.cert.Name,
				tk.cert.Generation, now.Generation, tk.cert.Spec.DNSNames, now.Spec.DNSNames, tk.cert.Spec.IssuerRef, now.Spec.IssuerRef)
		}
		if !maps.Equal(now.Labels, tk.cert.Labels) || !maps.Equal(now.Annotations, tk.cert.Annotations) {
			t.Errorf("%s: the metadata was rewritten: labels %v → %v, annotations %v → %v", tk.cert.Name,
				tk.cert.Labels, now.Labels, tk.cert.Annotations, now.Annotations)
		}
		secret, _ := c.secretCert(t, tk.kcert)
		if !bytes.Equal(secret.Data[corev1.TLSCertKey], tk.secret) {
			t.Errorf("%s: the certificate was re-issued", tk.cert.Name)
		}
		evs, err := c.kube.CoreV1().Events(ns).List(ctx, metav1.ListOptions{
			FieldSelector: fields.Set{"involvedObject.uid": string(tk.kcert.UID), "reason": "Updated"}.String(),
		})
		if err != nil {
			t.Fatal("list events:", err)
		}
		if len(evs.Items) > 0 {
			t.Errorf("%s: Updated events on the KCert: %v", tk.kcert.Name, evs.Items[0].Message)
		}
	}
}

// servingShaped is the cert-manager Certificate that Knative Serving v0.50's
// built-in reconciler makes for kc (pkg/reconciler/certificate/resources),
// written out by hand: k.<domain> is prepended to the DNS names when the
// first is too long for a common name, even if the KCert lists it already.
func servingShaped(kc *v1alpha1.Certificate, issuer cmmeta.IssuerReference) *cmv1.Certificate {
	commonName := kc.Spec.DNSNames[0]
	var dnsNames []string
	if len(commonName) > 63 {
		commonName = "k." + kc.Spec.Domain
		dnsNames = append(dnsNames, commonName)
	}
	return &cmv1.Certificate{
		ObjectMeta: metav1.ObjectMeta{
			Name: kc.Name, Namespace: kc.Namespace,
			OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(kc)},
			Annotations:     kc.Annotations,
			Labels:          kc.Labels,
		},
		Spec: cmv1.CertificateSpec{
			CommonName: commonName,
			SecretName: kc.Spec.SecretName,
			DNSNames:   append(dnsNames, kc.Spec.DNSNames...),
			IssuerRef:  issuer,
			SecretTemplate: &cmv1.CertificateSecretTemplate{
				Labels: map[string]string{networking.CertificateUIDLabelKey: string(kc.UID)},
			},
		},
	}
}

// waitCertificate polls a cert-manager Certificate until done says so.
func (c *clients) waitCertificate(t *testing.T, cert *cmv1.Certificate, what string, done func(*cmv1.Certificate) bool) *cmv1.Certificate {
	t.Helper()
	var last *cmv1.Certificate
	err := wait.PollUntilContextTimeout(context.Background(), pollInterval, readyTimeout, true, func(ctx context.Context) (bool, error) {
		got, err := c.cm.CertmanagerV1().Certificates(cert.Namespace).Get(ctx, cert.Name, metav1.GetOptions{})
		if err != nil {
			return false, nil
		}
		last = got
		return done(got), nil
	})
	if err != nil {
		t.Fatalf("Certificate %s/%s never became %s; last status: %+v", cert.Namespace, cert.Name, what, last.Status)
	}
	return last
}
