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

package kncm

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	cmfake "github.com/cert-manager/cert-manager/pkg/client/clientset/versioned/fake"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	fakediscovery "k8s.io/client-go/discovery/fake"
	fakekube "k8s.io/client-go/kubernetes/fake"
	"k8s.io/utils/ptr"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netfake "knative.dev/networking/pkg/client/clientset/versioned/fake"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	"knative.dev/net-certmanager/pkg/certclass"
	"knative.dev/net-certmanager/pkg/trust"
)

var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

type ca struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  string
}

var serial int64

func sign(t *testing.T, tmpl, parent *x509.Certificate, pub, priv any) *x509.Certificate {
	t.Helper()
	serial++
	tmpl.SerialNumber = big.NewInt(serial)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, priv)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func pemOf(certs ...*x509.Certificate) string {
	var b strings.Builder
	for _, c := range certs {
		b.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	}
	return b.String()
}

func newCA(t *testing.T, name string, notAfter time.Time) *ca {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: name}, NotBefore: now.Add(-24 * time.Hour), NotAfter: notAfter,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	c := sign(t, tmpl, tmpl, &key.PublicKey, key)
	return &ca{cert: c, key: key, pem: pemOf(c)}
}

func (c *ca) leaf(t *testing.T, name string, issued time.Time) *x509.Certificate {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	return sign(t, &x509.Certificate{Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: issued, NotAfter: issued.Add(90 * 24 * time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}},
		c.cert, &key.PublicKey, c.key)
}

// world is a cluster: KCerts a and b in namespace "app", all three keys on
// ClusterIssuer "ca-issuer", whose Secret holds issuerCA.
type world struct {
	kube, cm, net []runtime.Object
	// resources and acmeResources are what cert-manager.io/v1 and
	// acme.cert-manager.io/v1 serve.
	resources, acmeResources []metav1.APIResource
	ca1, ca2                 *ca
}

func newWorld(t *testing.T) *world {
	w := &world{ca1: newCA(t, "ca1", now.Add(365*24*time.Hour)), ca2: newCA(t, "ca2", now.Add(2*365*24*time.Hour))}
	w.resources = []metav1.APIResource{{Name: "certificates"}, {Name: "certificates/status"}, {Name: "certificaterequests"}, {Name: "issuers"}, {Name: "clusterissuers"}}
	w.acmeResources = []metav1.APIResource{{Name: "orders"}, {Name: "orders/status"}, {Name: "challenges"}, {Name: "challenges/status"}}
	ref := "kind: ClusterIssuer\nname: ca-issuer\n"
	w.kube = append(w.kube,
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "knative-serving"}},
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "knative-serving", Name: "config-certmanager"},
			Data: map[string]string{"issuerRef": ref, "clusterLocalIssuerRef": ref, "systemInternalIssuerRef": ref}},
		&coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Namespace: "knative-serving", Name: "net-certmanager-controller.knative.dev.net-certmanager.pkg.reconciler.certificate.reconciler.00-of-01"},
			Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr.To("me"), LeaseDurationSeconds: ptr.To[int32](15), RenewTime: &metav1.MicroTime{Time: now.Add(-3 * time.Second)}}},
	)
	w.kube = append(w.kube, servingObjects()...)
	return w
}

func (w *world) issuer(secret string, c *ca, acme bool) {
	spec := cmv1.IssuerSpec{IssuerConfig: cmv1.IssuerConfig{CA: &cmv1.CAIssuer{SecretName: secret}}}
	if acme {
		spec = cmv1.IssuerSpec{IssuerConfig: cmv1.IssuerConfig{ACME: &acmev1.ACMEIssuer{Server: "https://acme.example/directory"}}}
	}
	w.cm = append(w.cm, &cmv1.ClusterIssuer{ObjectMeta: metav1.ObjectMeta{Name: "ca-issuer"}, Spec: spec,
		Status: cmv1.IssuerStatus{Conditions: []cmv1.IssuerCondition{{Type: cmv1.IssuerConditionReady, Status: cmmeta.ConditionTrue, Reason: "KeyPairVerified", Message: "Signing CA verified"}}}})
	w.kube = append(w.kube, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "cert-manager", Name: secret},
		Data: map[string][]byte{corev1.TLSCertKey: []byte(c.pem), corev1.TLSPrivateKeyKey: []byte("private")}})
}

func (w *world) bundle(ns string, cas ...*ca) {
	var data string
	for _, c := range cas {
		data += c.pem
	}
	w.kube = append(w.kube, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "bundle", Labels: map[string]string{trust.TrustBundleLabel: "true"}},
		Data: map[string]string{"cacerts.pem": data}})
}

// acmeKCert adds a Ready KCert whose requests carry no CA, as ACME's.
func (w *world) acmeKCert(t *testing.T, name string) {
	w.kcert(t, name, w.ca1, false)
	for _, o := range w.cm {
		if cr, ok := o.(*cmv1.CertificateRequest); ok && cr.Annotations[cmv1.CertificateNameKey] == name {
			cr.Status.CA = nil
		}
	}
}

// kcert adds a Ready KCert, its Certificate at revision 2 and the two
// CertificateRequests: revision 1 by ca1 and revision 2 by signer.
func (w *world) kcert(t *testing.T, name string, signer *ca, issuing bool) {
	issued := now.Add(-time.Hour)
	leaf := signer.leaf(t, name+".example.com", issued)
	kc := &v1alpha1.Certificate{
		ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: name, UID: types.UID("kcert-" + name),
			Labels:      map[string]string{networking.CertificateTypeLabelKey: "external-domain"},
			Annotations: map[string]string{networking.CertificateClassAnnotationKey: certclass.Default}},
		Status: v1alpha1.CertificateStatus{
			Status:   duckv1.Status{Conditions: duckv1.Conditions{{Type: apis.ConditionReady, Status: corev1.ConditionTrue}}},
			NotAfter: &metav1.Time{Time: leaf.NotAfter},
		},
	}
	w.net = append(w.net, kc)
	cert := &cmv1.Certificate{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: name, Generation: 3, UID: types.UID("cert-" + name),
		OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(kc, v1alpha1.SchemeGroupVersion.WithKind("Certificate"))}},
		Status: cmv1.CertificateStatus{Revision: ptr.To(2)}}
	if issuing {
		cert.Status.Conditions = []cmv1.CertificateCondition{{Type: cmv1.CertificateConditionIssuing, Status: cmmeta.ConditionTrue, Reason: "Renewing"}}
	}
	w.cm = append(w.cm, cert)
	old := w.ca1.leaf(t, name+".example.com", issued.Add(-time.Hour))
	for rev, pair := range map[string][2]*x509.Certificate{"1": {old, w.ca1.cert}, "2": {leaf, signer.cert}} {
		w.cm = append(w.cm, &cmv1.CertificateRequest{
			ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: name + "-" + rev, CreationTimestamp: metav1.Time{Time: pair[0].NotBefore},
				Annotations: map[string]string{cmv1.CertificateNameKey: name, cmv1.CertificateRequestRevisionAnnotationKey: rev}},
			Status: cmv1.CertificateRequestStatus{Certificate: []byte(pemOf(pair[0])), CA: []byte(pemOf(pair[1]))},
		})
	}
}

func (w *world) clients() (Clients, *cmfake.Clientset) {
	kube := fakekube.NewSimpleClientset(w.kube...)
	addWebhookReactor(kube, webhookDenies)
	kube.Discovery().(*fakediscovery.FakeDiscovery).Resources = []*metav1.APIResourceList{
		{GroupVersion: "cert-manager.io/v1", APIResources: w.resources},
		{GroupVersion: "acme.cert-manager.io/v1", APIResources: w.acmeResources},
	}
	cm := cmfake.NewSimpleClientset(w.cm...)
	return Clients{Kube: kube, CM: cm, Net: netfake.NewSimpleClientset(w.net...)}, cm
}

func (w *world) load(t *testing.T) *Inventory {
	t.Helper()
	c, _ := w.clients()
	inv, err := Load(context.Background(), c, DefaultOptions(), now)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}
