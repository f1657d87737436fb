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

	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	nettest "knative.dev/networking/test"
	"knative.dev/networking/test/conformance/certificate/http01"
	"knative.dev/networking/test/conformance/certificate/nonhttp01"
)

// TestConformance runs knative.dev/networking's certificate conformance
// suites: nonhttp01 with a CA issuer, http01 with an ACME issuer.
func TestConformance(t *testing.T) {
	c := newClients(t)
	_, err := c.kube.CoreV1().Namespaces().Create(context.Background(),
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: nettest.ServingNamespace}}, metav1.CreateOptions{})
	if err != nil && !apierrs.IsAlreadyExists(err) {
		t.Fatal("create the conformance namespace:", err)
	}

	t.Run("nonhttp01", func(t *testing.T) {
		c.setConfig(t, map[string]string{"issuerRef": issuerRef("ClusterIssuer", caIssuer)})
		nonhttp01.RunConformance(t)
	})
	t.Run("http01", func(t *testing.T) {
		c.setConfig(t, map[string]string{"issuerRef": issuerRef("ClusterIssuer", acmeIssuer)})
		http01.RunConformance(t)
	})
}
