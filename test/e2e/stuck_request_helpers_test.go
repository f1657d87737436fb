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
	"strings"
	"testing"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	cmclientset "github.com/cert-manager/cert-manager/pkg/client/clientset/versioned"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
)

// operatorUser approves and denies CertificateRequests in the stuck-request
// tests, as a person running cmctl approve or deny would.
const operatorUser = "e2e-operator"

// onlyOperatorDecides keeps every other identity from approving or denying
// CertificateRequests in ns. In a cluster, cert-manager's webhook refuses
// its built-in approver a request for an issuer group it is not granted
// (`approve` on signers; cert-manager's RBAC covers only its own groups);
// the local environment runs no cert-manager webhook, so this admission
// policy stands in for that refusal.
func (c *clients) onlyOperatorDecides(t *testing.T, ns string) {
	t.Helper()
	policy := &admissionv1.ValidatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "e2e-only-operator-decides-" + ns},
		Spec: admissionv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: ptr.To(admissionv1.Fail),
			MatchConstraints: &admissionv1.MatchResources{
				NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": ns}},
				ResourceRules: []admissionv1.NamedRuleWithOperations{{RuleWithOperations: admissionv1.RuleWithOperations{
					Operations: []admissionv1.OperationType{admissionv1.Update},
					Rule: admissionv1.Rule{APIGroups: []string{"cert-manager.io"}, APIVersions: []string{"*"},
						Resources: []string{"certificaterequests/status"}},
				}}},
			},
			Variables: []admissionv1.Variable{{
				Name:       "decided",
				Expression: "has(object.status.conditions) && object.status.conditions.exists(c, c.type in ['Approved', 'Denied'])",
			}, {
				Name:       "wasDecided",
				Expression: "has(oldObject.status.conditions) && oldObject.status.conditions.exists(c, c.type in ['Approved', 'Denied'])",
			}},
			Validations: []admissionv1.Validation{{
				Expression: "!variables.decided || variables.wasDecided || request.userInfo.username == '" + operatorUser + "'",
				Message:    "only " + operatorUser + " approves or denies CertificateRequests in this namespace",
			}},
		},
	}
	// Nothing to probe with before the request exists: stuckRequest checks
	// that the request stays undecided.
	c.applyAdmissionPolicy(t, policy, nil)
}

// operator returns a cert-manager client acting as operatorUser, allowed
// to read and decide CertificateRequests in ns.
func (c *clients) operator(t *testing.T, ns string) cmclientset.Interface {
	t.Helper()
	ctx := context.Background()
	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: operatorUser, Namespace: ns},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{"cert-manager.io"}, Resources: []string{"certificaterequests", "certificaterequests/status"},
			Verbs: []string{"get", "list", "update", "patch"}}},
	}
	if _, err := c.kube.RbacV1().Roles(ns).Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal("create Role:", err)
	}
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: operatorUser, Namespace: ns},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: operatorUser},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: operatorUser}},
	}
	if _, err := c.kube.RbacV1().RoleBindings(ns).Create(ctx, rb, metav1.CreateOptions{}); err != nil {
		t.Fatal("create RoleBinding:", err)
	}
	cfg := rest.CopyConfig(c.cfg)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: operatorUser}
	return cmclientset.NewForConfigOrDie(cfg)
}

// decide sets the Approved or Denied condition of a CertificateRequest
// through its status subresource, as `cmctl approve` and `cmctl deny` do:
// the reason names who decided.
func decide(t *testing.T, cm cmclientset.Interface, cr *cmv1.CertificateRequest, kind cmv1.CertificateRequestConditionType, reason, message string) {
	t.Helper()
	cr = cr.DeepCopy()
	now := metav1.Now()
	cr.Status.Conditions = append(cr.Status.Conditions, cmv1.CertificateRequestCondition{
		Type: kind, Status: cmmeta.ConditionTrue, Reason: reason, Message: message, LastTransitionTime: &now,
	})
	if _, err := cm.CertmanagerV1().CertificateRequests(cr.Namespace).UpdateStatus(context.Background(), cr, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("%s CertificateRequest %s as %s: %v", kind, cr.Name, operatorUser, err)
	}
}

// onlyRequest returns the one CertificateRequest in ns, once it exists.
func (c *clients) onlyRequest(t *testing.T, ns string) *cmv1.CertificateRequest {
	t.Helper()
	var cr *cmv1.CertificateRequest
	if err := wait.PollUntilContextTimeout(context.Background(), pollInterval, readyTimeout, true, func(ctx context.Context) (bool, error) {
		crs, err := c.cm.CertmanagerV1().CertificateRequests(ns).List(ctx, metav1.ListOptions{})
		if err != nil || len(crs.Items) == 0 {
			return false, nil
		}
		if len(crs.Items) > 1 {
			t.Fatalf("%d CertificateRequests in %s, want 1", len(crs.Items), ns)
		}
		cr = &crs.Items[0]
		return true, nil
	}); err != nil {
		t.Fatal("no CertificateRequest was created in", ns)
	}
	return cr
}

// waitingAt is the step a KCert's Ready message says it waits at ("" for
// none), with what it says of it.
func waitingAt(kc *v1alpha1.Certificate) (reason, message string) {
	cond := kc.Status.GetCondition(v1alpha1.CertificateConditionReady)
	if cond == nil {
		return "", ""
	}
	_, step, ok := strings.Cut(cond.Message, "; waiting at ")
	if !ok {
		return "", ""
	}
	reason, message, _ = strings.Cut(step, ": ")
	return reason, message
}
