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
	"reflect"
	"slices"
	"strings"
	"testing"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"
)

// Each certificate type gets the issuer its config key names, and its
// Secret chains to THAT issuer's CA.
func TestIssuerPerCertificateType(t *testing.T) {
	c := newClients(t)
	for _, name := range []string{"e2e-external-ca", "e2e-local-ca", "e2e-internal-ca"} {
		c.newCAIssuer(t, name)
	}
	c.setConfig(t, map[string]string{
		"issuerRef":               issuerRef("ClusterIssuer", "e2e-external-ca"),
		"clusterLocalIssuerRef":   issuerRef("ClusterIssuer", "e2e-local-ca"),
		"systemInternalIssuerRef": issuerRef("ClusterIssuer", "e2e-internal-ca"),
	})
	ns := c.newNamespace(t)

	tests := []struct {
		name     string
		certType netcfg.CertificateType
		issuer   string
		dnsNames []string
	}{
		{"external", netcfg.CertificateExternalDomain, "e2e-external-ca", []string{"myapp." + ns + ".example.com"}},
		{"cluster-local", netcfg.CertificateClusterLocalDomain, "e2e-local-ca",
			[]string{"myapp." + ns, "myapp." + ns + ".svc", "myapp." + ns + ".svc.cluster.local"}},
		{"system-internal", netcfg.CertificateSystemInternal, "e2e-internal-ca",
			[]string{"kn-routing", "kn-user-" + ns, "data-plane.knative.dev"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kc := c.kcert(t, ns, tc.name, tc.certType, tc.dnsNames...)
			kc = c.waitKCert(t, ns, kc.Name, "Ready", isReady)

			cert, err := c.cm.CertmanagerV1().Certificates(ns).Get(context.Background(), kc.Name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if cert.Spec.IssuerRef.Name != tc.issuer {
				t.Errorf("issuerRef = %v, want %s", cert.Spec.IssuerRef, tc.issuer)
			}
			secret, leaf := c.secretCert(t, kc)
			if !slices.Equal(leaf.DNSNames, tc.dnsNames) {
				t.Errorf("SANs = %v, want %v", leaf.DNSNames, tc.dnsNames)
			}
			if err := verifiesAgainst(leaf, c.caCert(t, tc.issuer)); err != nil {
				t.Errorf("leaf does not chain to %s: %v", tc.issuer, err)
			}
			for _, other := range tests {
				if other.issuer != tc.issuer && verifiesAgainst(leaf, c.caCert(t, other.issuer)) == nil {
					t.Errorf("leaf also chains to %s", other.issuer)
				}
			}
			if got := secret.Labels[networking.CertificateUIDLabelKey]; got != string(kc.UID) {
				t.Errorf("Secret label %s = %q, want the KCert UID %q", networking.CertificateUIDLabelKey, got, kc.UID)
			}
			if kc.Status.NotAfter == nil || !kc.Status.NotAfter.Time.Equal(leaf.NotAfter) {
				t.Errorf("status.notAfter = %v, want %v", kc.Status.NotAfter, leaf.NotAfter)
			}
		})
	}
}

// Pointing issuerRef at another CA re-issues existing certificates from it,
// with no restart of the controller.
func TestHotReloadReissues(t *testing.T) {
	c := newClients(t)
	c.newCAIssuer(t, "e2e-reload-ca-1")
	c.newCAIssuer(t, "e2e-reload-ca-2")
	c.setConfig(t, map[string]string{"issuerRef": issuerRef("ClusterIssuer", "e2e-reload-ca-1")})
	ns := c.newNamespace(t)

	kc := c.kcert(t, ns, "reload", netcfg.CertificateExternalDomain, "reload."+ns+".example.com")
	kc = c.waitKCert(t, ns, kc.Name, "Ready", isReady)
	if _, leaf := c.secretCert(t, kc); verifiesAgainst(leaf, c.caCert(t, "e2e-reload-ca-1")) != nil {
		t.Fatal("the first certificate does not chain to CA 1")
	}

	c.setConfig(t, map[string]string{"issuerRef": issuerRef("ClusterIssuer", "e2e-reload-ca-2")})
	ca2 := c.caCert(t, "e2e-reload-ca-2")
	err := wait.PollUntilContextTimeout(context.Background(), pollInterval, readyTimeout, true, func(ctx context.Context) (bool, error) {
		s, err := c.kube.CoreV1().Secrets(ns).Get(ctx, kc.Spec.SecretName, metav1.GetOptions{})
		if err != nil {
			return false, nil
		}
		return verifiesAgainst(parsePEM(t, s.Data["tls.crt"]), ca2) == nil, nil
	})
	if err != nil {
		t.Fatal("the certificate was never re-issued by CA 2")
	}
	c.waitKCert(t, ns, kc.Name, "Ready again", isReady)
}

// A cert-manager Certificate that someone else owns is never written: the
// KCert says NotOwned and the object stays byte for byte as it was.
func TestForeignCertificateIsNotOwned(t *testing.T) {
	c := newClients(t)
	ns := c.newNamespace(t)
	ctx := context.Background()
	foreign := &cmv1.Certificate{
		ObjectMeta: metav1.ObjectMeta{Name: "taken", Namespace: ns, Labels: map[string]string{"owner": "someone-else"}},
		Spec: cmv1.CertificateSpec{
			DNSNames:   []string{"someone-else.example.com"},
			SecretName: "someone-else",
			IssuerRef:  cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: caIssuer},
		},
	}
	foreign, err := c.cm.CertmanagerV1().Certificates(ns).Create(ctx, foreign, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Let cert-manager settle the foreign object, so later changes are ours alone.
	if err := wait.PollUntilContextTimeout(ctx, pollInterval, readyTimeout, true, func(ctx context.Context) (bool, error) {
		got, err := c.cm.CertmanagerV1().Certificates(ns).Get(ctx, foreign.Name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		foreign = got
		// Ready, and the key manager done with its next private key.
		return cmReady(got) && got.Status.NextPrivateKeySecretName == nil, nil
	}); err != nil {
		t.Fatal("the foreign Certificate never became Ready")
	}

	c.kcert(t, ns, "taken", netcfg.CertificateExternalDomain, "taken."+ns+".example.com")
	kc := c.waitKCert(t, ns, "taken", "NotOwned", func(kc *v1alpha1.Certificate) bool {
		cond := kc.Status.GetCondition(v1alpha1.CertificateConditionReady)
		return cond != nil && cond.IsFalse() && cond.Reason == "NotOwned"
	})
	t.Logf("NotOwned message: %s", kc.Status.GetCondition(v1alpha1.CertificateConditionReady).Message)

	after, err := c.cm.CertmanagerV1().Certificates(ns).Get(ctx, foreign.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// cert-manager may still write the status subresource; the object itself
	// (spec and metadata) must be exactly as the test wrote it.
	if !reflect.DeepEqual(after.Spec, foreign.Spec) || !reflect.DeepEqual(after.Labels, foreign.Labels) ||
		!reflect.DeepEqual(after.Annotations, foreign.Annotations) || len(after.OwnerReferences) != 0 || after.Generation != foreign.Generation {
		t.Errorf("the foreign Certificate changed:\nbefore %+v %+v\nafter  %+v %+v", foreign.ObjectMeta, foreign.Spec, after.ObjectMeta, after.Spec)
	}
	for _, mf := range after.ManagedFields {
		if mf.Subresource == "" && !strings.HasPrefix(mf.Manager, "e2e") {
			t.Errorf("%s wrote to the foreign Certificate: %s", mf.Manager, mf.FieldsV1)
		}
	}
}

func cmReady(c *cmv1.Certificate) bool {
	for _, cond := range c.Status.Conditions {
		if cond.Type == cmv1.CertificateConditionReady && cond.Status == cmmeta.ConditionTrue && cond.ObservedGeneration == c.Generation {
			return true
		}
	}
	return false
}

// A cert-manager Certificate deleted by hand is recreated.
func TestDeletedCertificateIsRecreated(t *testing.T) {
	c := newClients(t)
	ns := c.newNamespace(t)
	ctx := context.Background()
	kc := c.kcert(t, ns, "recreate", netcfg.CertificateExternalDomain, "recreate."+ns+".example.com")
	c.waitKCert(t, ns, kc.Name, "Ready", isReady)

	certs := c.cm.CertmanagerV1().Certificates(ns)
	old, err := certs.Get(ctx, kc.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := certs.Delete(ctx, kc.Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	err = wait.PollUntilContextTimeout(ctx, pollInterval, readyTimeout, true, func(ctx context.Context) (bool, error) {
		cert, err := certs.Get(ctx, kc.Name, metav1.GetOptions{})
		if apierrs.IsNotFound(err) {
			return false, nil
		}
		return err == nil && cert.UID != old.UID, err
	})
	if err != nil {
		t.Fatal("the deleted Certificate was not recreated:", err)
	}
	c.waitKCert(t, ns, kc.Name, "Ready after recreation", isReady)
}

// A reference to an issuer that does not exist yet is allowed: the KCert
// says IssuerNotFound, naming it, and is issued once the issuer appears.
func TestIssuerCreatedLater(t *testing.T) {
	c := newClients(t)
	late := "e2e-late-ca-" + c.newNamespace(t)
	c.setConfig(t, map[string]string{"clusterLocalIssuerRef": issuerRef("ClusterIssuer", late)})
	ns := c.newNamespace(t)

	kc := c.kcert(t, ns, "late", netcfg.CertificateClusterLocalDomain, "late."+ns, "late."+ns+".svc")
	kc = c.waitKCert(t, ns, kc.Name, "IssuerNotFound", func(kc *v1alpha1.Certificate) bool {
		cond := kc.Status.GetCondition(v1alpha1.CertificateConditionReady)
		return cond != nil && cond.IsFalse() && cond.Reason == "IssuerNotFound"
	})
	msg := kc.Status.GetCondition(v1alpha1.CertificateConditionReady).Message
	if !strings.Contains(msg, late) || !strings.Contains(msg, "clusterLocalIssuerRef") {
		t.Errorf("message %q does not name the issuer and the config key", msg)
	}

	c.newCAIssuer(t, late)
	kc = c.waitKCert(t, ns, kc.Name, "Ready once the issuer exists", isReady)
	if _, leaf := c.secretCert(t, kc); verifiesAgainst(leaf, c.caCert(t, late)) != nil {
		t.Error("the certificate does not chain to the late issuer's CA")
	}
}
