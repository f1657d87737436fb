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
	"slices"
	"strings"
	"testing"
	"time"

	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"
	nettest "knative.dev/networking/test"
)

// secretQuietPeriod is how long the shared Secret is watched for rewrites.
const secretQuietPeriod = 30 * time.Second

// Two KCerts naming one Secret: without a guard, cert-manager rewrites it
// about 100 times a second, each Certificate putting its own labels back.
// The second KCert must get SecretNameConflict and no Certificate, the
// Secret must stay quiet, and the second must proceed once the first is gone.
func TestSecretNameConflict(t *testing.T) {
	c := newClients(t)
	ns := c.newNamespace(t)
	ctx := context.Background()

	first := c.kcert(t, ns, "first", netcfg.CertificateExternalDomain, "first."+ns+".example.com")
	first = c.waitKCert(t, ns, first.Name, "Ready", isReady)
	secret, _ := c.secretCert(t, first)

	// Watch from the issued Secret's version on: every event is a rewrite.
	w, err := c.kube.CoreV1().Secrets(ns).Watch(ctx, metav1.ListOptions{
		FieldSelector:   fields.OneTermEqualSelector("metadata.name", first.Spec.SecretName).String(),
		ResourceVersion: secret.ResourceVersion,
	})
	if err != nil {
		t.Fatal("watch the Secret:", err)
	}
	defer w.Stop()

	second := &v1alpha1.Certificate{
		ObjectMeta: metav1.ObjectMeta{
			Name: "second", Namespace: ns,
			Annotations: map[string]string{networking.CertificateClassAnnotationKey: nettest.NetworkingFlags.CertificateClass},
			Labels:      map[string]string{networking.CertificateTypeLabelKey: string(netcfg.CertificateExternalDomain)},
		},
		Spec: v1alpha1.CertificateSpec{DNSNames: []string{"second." + ns + ".example.com"}, SecretName: first.Spec.SecretName},
	}
	if _, err := c.net.NetworkingV1alpha1().Certificates(ns).Create(ctx, second, metav1.CreateOptions{}); err != nil {
		t.Fatal("create the second KCert:", err)
	}
	rewrites, closed := countEvents(w, secretQuietPeriod)
	if closed {
		t.Fatalf("the Secret's watch closed early, after %d events", rewrites)
	}
	t.Logf("Secret %s/%s: %d rewrites in the %v after a second KCert named it", ns, first.Spec.SecretName, rewrites, secretQuietPeriod)
	if rewrites > 0 {
		t.Errorf("the shared Secret was rewritten %d times in %v; want none after the first issuance", rewrites, secretQuietPeriod)
	}
	conflicted := c.waitKCert(t, ns, second.Name, "SecretNameConflict", hasReadyReason("SecretNameConflict"))
	if msg := conflicted.Status.GetCondition(v1alpha1.CertificateConditionReady).Message; !strings.Contains(msg, "KCert first") {
		t.Errorf("the conflict message %q does not name the first KCert", msg)
	}
	if _, err := c.cm.CertmanagerV1().Certificates(ns).Get(ctx, second.Name, metav1.GetOptions{}); !apierrs.IsNotFound(err) {
		t.Errorf("a cert-manager Certificate exists for the second KCert (err %v); want none", err)
	}
	if kc, err := c.net.NetworkingV1alpha1().Certificates(ns).Get(ctx, first.Name, metav1.GetOptions{}); err != nil || !kc.IsReady() {
		t.Errorf("the first KCert is no longer Ready (err %v)", err)
	}

	// The first goes away, and its Certificate with it, as the garbage
	// collector (not running here) would do: the second proceeds by itself.
	if err := c.net.NetworkingV1alpha1().Certificates(ns).Delete(ctx, first.Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.cm.CertmanagerV1().Certificates(ns).Delete(ctx, first.Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	recovered := c.waitKCert(t, ns, second.Name, "Ready once the first is gone", isReady)
	if _, leaf := c.secretCert(t, recovered); !slices.Equal(leaf.DNSNames, second.Spec.DNSNames) {
		t.Errorf("the Secret's certificate is for %v, want the second KCert's %v", leaf.DNSNames, second.Spec.DNSNames)
	}
}

func hasReadyReason(reason string) func(*v1alpha1.Certificate) bool {
	return func(kc *v1alpha1.Certificate) bool {
		cond := kc.Status.GetCondition(v1alpha1.CertificateConditionReady)
		return cond != nil && cond.Reason == reason && kc.Status.ObservedGeneration == kc.Generation
	}
}

// countEvents counts what a watch delivers for d, and says whether the
// watch closed before then.
func countEvents(w watch.Interface, d time.Duration) (n int, closed bool) {
	timeout := time.After(d)
	for {
		select {
		case _, ok := <-w.ResultChan():
			if !ok {
				return n, true
			}
			n++
		case <-timeout:
			return n, false
		}
	}
}
