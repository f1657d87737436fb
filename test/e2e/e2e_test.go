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
	"encoding/pem"
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	cmclientset "github.com/cert-manager/cert-manager/pkg/client/clientset/versioned"
	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netclientset "knative.dev/networking/pkg/client/clientset/versioned"
	netcfg "knative.dev/networking/pkg/config"
	nettest "knative.dev/networking/test"
	pkgtest "knative.dev/pkg/test"

	"knative.dev/net-certmanager/pkg/certclass"
)

const (
	systemNamespace      = "knative-serving"
	certManagerNamespace = "cert-manager"
	configName           = "config-certmanager"
	// caIssuer is the seed's CA ClusterIssuer, set up by the environment.
	caIssuer = "knative-selfsigned-issuer"
	// acmeIssuer is an ACME ClusterIssuer with an HTTP-01 solver, set up by
	// the environment against a test ACME server.
	acmeIssuer = "pebble-http01"

	pollInterval = 250 * time.Millisecond
	readyTimeout = 2 * time.Minute
)

// init makes the controller's default class the default of networking's
// -certificateClass flag (Knative's default, the class Serving's built-in
// reconciler serves), before the flags are parsed: every KCert of this
// suite, the conformance suites' included, is of the class under test, and
// -certificateClass still picks another.
func init() {
	f := flag.Lookup("certificateClass")
	if f == nil {
		panic("knative.dev/networking/test no longer registers -certificateClass")
	}
	f.DefValue = certclass.Default
	if err := f.Value.Set(f.DefValue); err != nil {
		panic(err)
	}
}

// clients talk to the cluster as its administrator; the controller under
// test runs with its own identity.
type clients struct {
	// cfg is the REST config the clients were made from.
	cfg  *rest.Config
	kube kubernetes.Interface
	net  netclientset.Interface
	cm   cmclientset.Interface
}

func newClients(t *testing.T) *clients {
	t.Helper()
	cfg, err := pkgtest.Flags.GetRESTConfig()
	if err != nil {
		t.Fatal("REST config:", err)
	}
	cfg.QPS, cfg.Burst = 100, 200
	return &clients{
		cfg:  cfg,
		kube: kubernetes.NewForConfigOrDie(cfg),
		net:  netclientset.NewForConfigOrDie(cfg),
		cm:   cmclientset.NewForConfigOrDie(cfg),
	}
}

// newNamespace creates a fresh namespace: without a kube-controller-manager
// a deleted namespace never goes away, so none is reused.
func (c *clients) newNamespace(t *testing.T) string {
	t.Helper()
	name := "e2e-" + strings.ToLower(rand.String(6))
	_, err := c.kube.CoreV1().Namespaces().Create(context.Background(),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal("create namespace:", err)
	}
	return name
}

// setConfig replaces config-certmanager's data for the rest of the test.
func (c *clients) setConfig(t *testing.T, data map[string]string) {
	t.Helper()
	ctx := context.Background()
	cms := c.kube.CoreV1().ConfigMaps(systemNamespace)
	orig, err := cms.Get(ctx, configName, metav1.GetOptions{})
	if err != nil {
		t.Fatal("get config-certmanager:", err)
	}
	update := func(data map[string]string) error {
		cm, err := cms.Get(ctx, configName, metav1.GetOptions{})
		if err != nil {
			return err
		}
		cm.Data = data
		_, err = cms.Update(ctx, cm, metav1.UpdateOptions{})
		return err
	}
	if err := update(data); err != nil {
		t.Fatal("update config-certmanager:", err)
	}
	t.Cleanup(func() {
		if err := update(orig.Data); err != nil {
			t.Error("restore config-certmanager:", err)
		}
	})
}

func issuerRef(kind, name string) string {
	return fmt.Sprintf("kind: %s\nname: %s\n", kind, name)
}

// kcert creates a KCert of the class under test (-certificateClass, by
// default the controller's), as Knative Serving pointed at it would.
func (c *clients) kcert(t *testing.T, ns, name string, certType netcfg.CertificateType, dnsNames ...string) *v1alpha1.Certificate {
	t.Helper()
	kc := &v1alpha1.Certificate{
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Namespace:   ns,
			Annotations: map[string]string{networking.CertificateClassAnnotationKey: nettest.NetworkingFlags.CertificateClass},
			Labels:      map[string]string{networking.CertificateTypeLabelKey: string(certType)},
		},
		Spec: v1alpha1.CertificateSpec{DNSNames: dnsNames, SecretName: name + "-tls"},
	}
	kc, err := c.net.NetworkingV1alpha1().Certificates(ns).Create(context.Background(), kc, metav1.CreateOptions{})
	if err != nil {
		t.Fatal("create KCert:", err)
	}
	return kc
}

// waitKCert polls a KCert until done says so, and fails the test with the
// KCert's last status otherwise.
func (c *clients) waitKCert(t *testing.T, ns, name string, what string, done func(*v1alpha1.Certificate) bool) *v1alpha1.Certificate {
	t.Helper()
	var last *v1alpha1.Certificate
	err := wait.PollUntilContextTimeout(context.Background(), pollInterval, readyTimeout, true,
		func(ctx context.Context) (bool, error) {
			kc, err := c.net.NetworkingV1alpha1().Certificates(ns).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, nil
			}
			last = kc
			return done(kc), nil
		})
	if err != nil {
		t.Fatalf("KCert %s/%s never became %s; last status: %+v", ns, name, what, statusOf(last))
	}
	return last
}

func statusOf(kc *v1alpha1.Certificate) interface{} {
	if kc == nil {
		return nil
	}
	return kc.Status
}

func isReady(kc *v1alpha1.Certificate) bool { return kc.IsReady() }

// secretCert returns the leaf certificate in the KCert's Secret.
func (c *clients) secretCert(t *testing.T, kc *v1alpha1.Certificate) (*corev1.Secret, *x509.Certificate) {
	t.Helper()
	var secret *corev1.Secret
	err := wait.PollUntilContextTimeout(context.Background(), pollInterval, readyTimeout, true,
		func(ctx context.Context) (bool, error) {
			s, err := c.kube.CoreV1().Secrets(kc.Namespace).Get(ctx, kc.Spec.SecretName, metav1.GetOptions{})
			if err != nil || len(s.Data[corev1.TLSCertKey]) == 0 {
				return false, nil
			}
			secret = s
			return true, nil
		})
	if err != nil {
		t.Fatalf("Secret %s/%s never got a certificate", kc.Namespace, kc.Spec.SecretName)
	}
	return secret, parsePEM(t, secret.Data[corev1.TLSCertKey])
}

func parsePEM(t *testing.T, data []byte) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatalf("no PEM block in %q", data)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal("parse certificate:", err)
	}
	return cert
}

// caCert returns the CA certificate of a CA ClusterIssuer.
func (c *clients) caCert(t *testing.T, clusterIssuer string) *x509.Certificate {
	t.Helper()
	ctx := context.Background()
	ci, err := c.cm.CertmanagerV1().ClusterIssuers().Get(ctx, clusterIssuer, metav1.GetOptions{})
	if err != nil || ci.Spec.CA == nil {
		t.Fatalf("ClusterIssuer %s is not a CA issuer: %v", clusterIssuer, err)
	}
	s, err := c.kube.CoreV1().Secrets(certManagerNamespace).Get(ctx, ci.Spec.CA.SecretName, metav1.GetOptions{})
	if err != nil {
		t.Fatal("get CA Secret:", err)
	}
	return parsePEM(t, s.Data[corev1.TLSCertKey])
}

// verifiesAgainst says whether leaf chains to ca.
func verifiesAgainst(leaf, ca *x509.Certificate) error {
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	_, err := leaf.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	return err
}

// newCAIssuer creates a CA ClusterIssuer whose CA is signed by the
// environment's self-signed ClusterIssuer, and waits until it is Ready.
func (c *clients) newCAIssuer(t *testing.T, name string) {
	t.Helper()
	ctx := context.Background()
	ca := &cmv1.Certificate{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: certManagerNamespace},
		Spec: cmv1.CertificateSpec{
			IsCA:       true,
			CommonName: name,
			SecretName: name,
			Usages:     []cmv1.KeyUsage{cmv1.UsageCertSign, cmv1.UsageCRLSign},
			IssuerRef:  cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "cluster-selfsigned-issuer"},
		},
	}
	if _, err := c.cm.CertmanagerV1().Certificates(certManagerNamespace).Create(ctx, ca, metav1.CreateOptions{}); err != nil && !apierrs.IsAlreadyExists(err) {
		t.Fatal("create CA Certificate:", err)
	}
	ci := &cmv1.ClusterIssuer{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       cmv1.IssuerSpec{IssuerConfig: cmv1.IssuerConfig{CA: &cmv1.CAIssuer{SecretName: name}}},
	}
	if _, err := c.cm.CertmanagerV1().ClusterIssuers().Create(ctx, ci, metav1.CreateOptions{}); err != nil && !apierrs.IsAlreadyExists(err) {
		t.Fatal("create CA ClusterIssuer:", err)
	}
	waitIssuerReady(t, "ClusterIssuer "+name, func(ctx context.Context) (cmv1.GenericIssuer, error) {
		return c.cm.CertmanagerV1().ClusterIssuers().Get(ctx, name, metav1.GetOptions{})
	})
}

// waitIssuerReady polls an Issuer or ClusterIssuer until it is Ready.
func waitIssuerReady(t *testing.T, what string, get func(context.Context) (cmv1.GenericIssuer, error)) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), pollInterval, readyTimeout, true, func(ctx context.Context) (bool, error) {
		issuer, err := get(ctx)
		if err != nil {
			return false, nil
		}
		for _, cond := range issuer.GetStatus().Conditions {
			if cond.Type == cmv1.IssuerConditionReady && cond.Status == cmmeta.ConditionTrue {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("%s never became Ready", what)
	}
}
