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
	"time"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
)

// applyAdmissionPolicy creates a ValidatingAdmissionPolicy with a binding
// that denies what it refuses, for the rest of the test, and waits until
// probe says the API server enforces it (without a probe, a few seconds:
// the API server picks policies up within about one; the status that says
// so is written by kube-controller-manager, which the local environment
// does not run).
func (c *clients) applyAdmissionPolicy(t *testing.T, policy *admissionv1.ValidatingAdmissionPolicy, probe func(context.Context) bool) {
	t.Helper()
	ctx := context.Background()
	policies, bindings := c.kube.AdmissionregistrationV1().ValidatingAdmissionPolicies(), c.kube.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings()
	if _, err := policies.Create(ctx, policy, metav1.CreateOptions{}); err != nil {
		t.Fatal("create ValidatingAdmissionPolicy:", err)
	}
	binding := &admissionv1.ValidatingAdmissionPolicyBinding{
		ObjectMeta: metav1.ObjectMeta{Name: policy.Name},
		Spec:       admissionv1.ValidatingAdmissionPolicyBindingSpec{PolicyName: policy.Name, ValidationActions: []admissionv1.ValidationAction{admissionv1.Deny}},
	}
	if _, err := bindings.Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal("create ValidatingAdmissionPolicyBinding:", err)
	}
	t.Cleanup(func() {
		_ = bindings.Delete(ctx, binding.Name, metav1.DeleteOptions{})
		_ = policies.Delete(ctx, policy.Name, metav1.DeleteOptions{})
	})
	if probe == nil {
		time.Sleep(3 * time.Second)
		return
	}
	if err := wait.PollUntilContextTimeout(ctx, pollInterval, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		return probe(ctx), nil
	}); err != nil {
		t.Fatalf("ValidatingAdmissionPolicy %s is not enforced after 30 s", policy.Name)
	}
}
