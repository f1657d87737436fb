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

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	cmfake "github.com/cert-manager/cert-manager/pkg/client/clientset/versioned/fake"
	"github.com/spf13/cobra"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	fakekube "k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
	"sigs.k8s.io/yaml"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netfake "knative.dev/networking/pkg/client/clientset/versioned/fake"
	"knative.dev/pkg/apis"
	duckv1 "knative.dev/pkg/apis/duck/v1"

	"knative.dev/net-certmanager/pkg/certclass"
	"knative.dev/net-certmanager/pkg/kncm"
	"knative.dev/net-certmanager/pkg/webhook"
)

// fakes is a small cluster: KCert "ready" (Ready) and "waiting" (not) in
// "app", each controlling its Certificate; the controller's Deployment;
// our webhook, which rejects the doctor's probe; and cert-manager, whose
// API admits the dry run unless cmAnswer says otherwise.
type fakes struct {
	kube     *fakekube.Clientset
	cm       *cmfake.Clientset
	net      *netfake.Clientset
	cmAnswer error
}

func newFakes() *fakes {
	f := &fakes{}
	var kcerts, certs []runtime.Object
	for _, name := range []string{"ready", "waiting"} {
		status := corev1.ConditionTrue
		if name == "waiting" {
			status = corev1.ConditionUnknown
		}
		kc := &v1alpha1.Certificate{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: name, UID: types.UID("kcert-" + name),
			Labels:      map[string]string{networking.CertificateTypeLabelKey: "external-domain"},
			Annotations: map[string]string{networking.CertificateClassAnnotationKey: certclass.Default}},
			Status: v1alpha1.CertificateStatus{Status: duckv1.Status{Conditions: duckv1.Conditions{{Type: apis.ConditionReady, Status: status}}}}}
		kcerts = append(kcerts, kc)
		certs = append(certs, &cmv1.Certificate{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: name, UID: types.UID("cert-" + name),
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(kc, v1alpha1.SchemeGroupVersion.WithKind("Certificate"))}},
			Spec: cmv1.CertificateSpec{SecretName: name + "-tls", IssuerRef: cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "knative-selfsigned-issuer"}}})
	}
	f.net = netfake.NewSimpleClientset(kcerts...)
	f.cm = cmfake.NewSimpleClientset(certs...)
	f.cm.PrependReactor("create", "certificates", func(clienttesting.Action) (bool, runtime.Object, error) {
		return f.cmAnswer != nil, nil, f.cmAnswer
	})
	f.kube = fakekube.NewSimpleClientset(
		&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "knative-serving", Name: "net-certmanager-controller", Labels: map[string]string{"app.kubernetes.io/version": "v9.9.9"}},
			Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "controller", Image: "example/controller:v9.9.9"}}}}}},
		&admissionregistrationv1.ValidatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: webhook.ConfigWebhookName},
			Webhooks: []admissionregistrationv1.ValidatingWebhook{{Name: webhook.ConfigWebhookName,
				ClientConfig: admissionregistrationv1.WebhookClientConfig{Service: &admissionregistrationv1.ServiceReference{Namespace: "knative-serving", Name: "net-certmanager-webhook"}}}}},
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "knative-serving", Name: "net-certmanager-webhook"}},
	)
	denied := apierrs.NewBadRequest(fmt.Sprintf("admission webhook %q denied the request: unknown key", webhook.ConfigWebhookName))
	f.kube.PrependReactor("patch", "configmaps", func(clienttesting.Action) (bool, runtime.Object, error) { return true, nil, denied })
	f.kube.PrependReactor("create", "configmaps", func(clienttesting.Action) (bool, runtime.Object, error) { return true, nil, denied })
	return f
}

// run runs the plugin on the fakes and returns stdout and the exit code
// main would give.
func (f *fakes) run(t *testing.T, args ...string) (string, int) {
	t.Helper()
	r := newRoot()
	r.newClients = func() (kncm.Clients, error) { return kncm.Clients{Kube: f.kube, CM: f.cm, Net: f.net}, nil }
	var out, errOut bytes.Buffer
	err := execute(context.Background(), r, args, &out, &errOut)
	var code exitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &code):
		return out.String(), int(code)
	}
	t.Logf("error: %v", err)
	return out.String(), 2
}

// TestEveryCommandHasExamples: each command's help shows examples and
// refers to no document outside the repository.
func TestEveryCommandHasExamples(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Name() == "help" || c.Name() == "completion" || c.Parent() != nil && c.Parent().Name() == "completion" {
			return
		}
		if c.Example == "" {
			t.Errorf("%q has no examples", c.CommandPath())
		}
		if help := c.Short + c.Long + c.Example; strings.Contains(help, "http") || strings.Contains(help, ".md") {
			t.Errorf("%q help refers outside: %q", c.CommandPath(), help)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCommand(newRoot()))
}

func TestVersion(t *testing.T) {
	f := newFakes()
	out, code := f.run(t, "version", "-o", "json")
	var v versions
	if err := json.Unmarshal([]byte(out), &v); err != nil || code != 0 {
		t.Fatalf("version -o json: exit %d, %v: %s", code, err, out)
	}
	if v.Plugin.Version == "" || v.Controller == nil || v.Controller.Version != "v9.9.9" || v.Controller.Images[0] != "example/controller:v9.9.9" {
		t.Errorf("version = %+v, want the plugin's and the controller's v9.9.9", v)
	}
	out, code = f.run(t, "version", "--client", "-o", "yaml")
	if code != 0 || !strings.Contains(out, "plugin:") || strings.Contains(out, "controller") {
		t.Errorf("version --client: exit %d: %s", code, out)
	}
	f.kube.PrependReactor("get", "deployments", func(clienttesting.Action) (bool, runtime.Object, error) {
		return true, nil, errors.New("connection refused")
	})
	if out, code = f.run(t, "version"); code != 1 || !strings.Contains(out, "controller: unknown: ") {
		t.Errorf("version, cluster unreachable: exit %d, %q; want 1 and the plugin's version", code, out)
	}
}

func TestStatusCommand(t *testing.T) {
	f := newFakes()
	out, code := f.run(t, "status", "ready", "-n", "app", "-o", "yaml")
	var s kncm.KCertStatus
	if err := yaml.Unmarshal([]byte(out), &s); err != nil || code != 0 || s.Name != "ready" || s.Certificate == nil || s.Issuer.Key != "issuerRef" {
		t.Errorf("status ready -o yaml: exit %d, %v, %+v", code, err, s)
	}
	if out, code = f.run(t, "status", "waiting", "-n", "app"); code != 1 || !strings.Contains(out, "KCert app/waiting") || !strings.Contains(out, "Certificate waiting") {
		t.Errorf("status waiting: exit %d, want 1 (not Ready): %s", code, out)
	}
	if out, code = f.run(t, "status", "-A", "-o", "name"); out != "certificate.networking.internal.knative.dev/ready\ncertificate.networking.internal.knative.dev/waiting\n" || code != 1 {
		t.Errorf("status -A -o name: exit %d: %q", code, out)
	}
	if out, _ = f.run(t, "status", "-n", "app", "-o", "wide"); !strings.Contains(out, "ISSUER") || !strings.Contains(out, "ClusterIssuer knative-selfsigned-issuer") {
		t.Errorf("status -o wide: %s", out)
	}
	if _, code = f.run(t, "status", "nope", "-n", "app"); code != 2 {
		t.Errorf("status of a missing KCert: exit %d, want 2", code)
	}
	if _, code = f.run(t, "status", "ready", "-A"); code != 2 {
		t.Errorf("status NAME -A: exit %d, want 2", code)
	}
}

func TestRenewCommand(t *testing.T) {
	f := newFakes()
	if _, code := f.run(t, "renew", "-n", "app"); code != 2 {
		t.Errorf("renew without a KCert, --all or -l: exit %d, want 2", code)
	}
	out, code := f.run(t, "renew", "--all", "-n", "app", "--dry-run", "-o", "json")
	var res kncm.RenewResult
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 || len(res.Triggered) != 2 || issuing(t, f, "ready") {
		t.Errorf("renew --all --dry-run: exit %d, %v, %+v; want both listed, none triggered", code, err, res)
	}
	if out, code = f.run(t, "renew", "ready", "-n", "app"); code != 0 || !strings.Contains(out, "app/ready: re-issuance triggered") || !issuing(t, f, "ready") || issuing(t, f, "waiting") {
		t.Errorf("renew ready: exit %d: %s; want only ready's Certificate Issuing", code, out)
	}
	f.cm.PrependReactor("update", "certificates", func(clienttesting.Action) (bool, runtime.Object, error) {
		return true, nil, errors.New("conflict storm")
	})
	if out, code = f.run(t, "renew", "waiting", "-n", "app"); code != 1 || !strings.Contains(out, "1 failed") {
		t.Errorf("renew with a failure: exit %d, want 1: %s", code, out)
	}
}

// issuing says whether the Certificate's Issuing condition was set by renew.
func issuing(t *testing.T, f *fakes, name string) bool {
	t.Helper()
	cert, err := f.cm.CertmanagerV1().Certificates("app").Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cert.Status.Conditions {
		if c.Type == cmv1.CertificateConditionIssuing && c.Status == cmmeta.ConditionTrue && c.Reason == kncm.ManuallyTriggered {
			return true
		}
	}
	return false
}

func TestCheckCommand(t *testing.T) {
	f := newFakes()
	if out, code := f.run(t, "check", "-n", "app"); code != 0 || !strings.Contains(out, "all 2 checks pass") {
		t.Errorf("check: exit %d: %s", code, out)
	}
	f.cmAnswer = apierrs.NewInternalError(errors.New(`failed calling webhook "webhook.cert-manager.io": connection refused`))
	out, code := f.run(t, "check", "-n", "app", "--wait", "1ms", "-o", "json")
	var rep kncm.DoctorReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 || rep.OK || rep.Checks[0].OK {
		t.Errorf("check, cert-manager's webhook down: exit %d, %v, %+v; want 1 and the API check ✗", code, err, rep)
	}
}

// TestVerdictsInYAML: doctor and rotation status give YAML too, and a "no"
// is exit 1 for both. The fakes serve no cert-manager API by discovery, so
// the doctor fails, and no new CA is known, so the rotation is not done.
func TestVerdictsInYAML(t *testing.T) {
	f := newFakes()
	out, code := f.run(t, "doctor", "-o", "yaml")
	var rep kncm.DoctorReport
	if err := yaml.Unmarshal([]byte(out), &rep); err != nil || code != 1 || rep.OK || len(rep.Checks) == 0 {
		t.Errorf("doctor -o yaml: exit %d, %v: %s", code, err, out)
	}
	out, code = f.run(t, "rotation", "status", "-n", "app", "-o", "yaml")
	var rot kncm.RotationReport
	if err := yaml.Unmarshal([]byte(out), &rot); err != nil || code != 1 || rot.SafeToRemoveOldCA || len(rot.Steps) != 9 {
		t.Errorf("rotation status -o yaml: exit %d, %v: %s", code, err, out)
	}
}
