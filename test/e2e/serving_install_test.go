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
	"encoding/json"
	"errors"
	"flag"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"knative.dev/net-certmanager/pkg/kncm"
	"knative.dev/net-certmanager/test/manifests"
)

var (
	releaseYAML         = flag.String("release-yaml", "", "the release (hack/release.sh's net-certmanager.yaml), for the install and uninstall test")
	knCertmanagerBinary = flag.String("kn-certmanager-binary", "", "kn-certmanager (./cmd/kn-certmanager), for the doctor on the Serving environment")
)

// releaseResources maps the kinds of the release to their resources; the
// release holding another kind fails the test, naming it.
var releaseResources = map[string]schema.GroupVersionResource{
	"ServiceAccount":                 {Version: "v1", Resource: "serviceaccounts"},
	"Secret":                         {Version: "v1", Resource: "secrets"},
	"Service":                        {Version: "v1", Resource: "services"},
	"ConfigMap":                      {Version: "v1", Resource: "configmaps"},
	"Deployment":                     {Group: "apps", Version: "v1", Resource: "deployments"},
	"PodDisruptionBudget":            {Group: "policy", Version: "v1", Resource: "poddisruptionbudgets"},
	"ClusterRole":                    {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles"},
	"ClusterRoleBinding":             {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterrolebindings"},
	"Role":                           {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles"},
	"RoleBinding":                    {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings"},
	"ValidatingWebhookConfiguration": {Group: "admissionregistration.k8s.io", Version: "v1", Resource: "validatingwebhookconfigurations"},
}

// releaseFieldManager is the field manager of `kubectl apply --server-side`.
const releaseFieldManager = "kubectl"

// releaseObjects reads the release YAML.
func releaseObjects(t *testing.T) []*unstructured.Unstructured {
	t.Helper()
	if *releaseYAML == "" {
		t.Skip("needs -release-yaml (hack/e2e-local.sh passes it)")
	}
	data, err := os.ReadFile(*releaseYAML)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := manifests.Decode(data)
	if err != nil {
		t.Fatalf("%s: %v", *releaseYAML, err)
	}
	return objs
}

func (s *servingEnv) resourceFor(t *testing.T, u *unstructured.Unstructured) dynamic.ResourceInterface {
	t.Helper()
	gvr, ok := releaseResources[u.GetKind()]
	if !ok {
		t.Fatalf("the release holds a %s (%s): add its resource to releaseResources", u.GetKind(), u.GetName())
	}
	if u.GetNamespace() == "" {
		return s.dyn.Resource(gvr)
	}
	return s.dyn.Resource(gvr).Namespace(u.GetNamespace())
}

// applyRelease applies every object of the release server-side, as
// `kubectl apply --server-side --force-conflicts -f net-certmanager.yaml`
// does: forced, so that any field the release shares with another owner
// would be taken over and show.
func (s *servingEnv) applyRelease(t *testing.T, objs []*unstructured.Unstructured) {
	t.Helper()
	for _, u := range objs {
		_, err := s.resourceFor(t, u).Apply(context.Background(), u.GetName(), u, metav1.ApplyOptions{FieldManager: releaseFieldManager, Force: true})
		if err != nil {
			t.Fatalf("apply %s %s/%s: %v", u.GetKind(), u.GetNamespace(), u.GetName(), err)
		}
	}
}

// deleteRelease deletes every object of the release, as `kubectl delete -f`
// does, and waits until they are gone.
func (s *servingEnv) deleteRelease(t *testing.T, objs []*unstructured.Unstructured) {
	t.Helper()
	ctx := context.Background()
	for _, u := range slices.Backward(objs) {
		if err := s.resourceFor(t, u).Delete(ctx, u.GetName(), metav1.DeleteOptions{}); err != nil && !apierrs.IsNotFound(err) {
			t.Fatalf("delete %s %s/%s: %v", u.GetKind(), u.GetNamespace(), u.GetName(), err)
		}
	}
	for _, u := range objs {
		deadline := time.Now().Add(readyTimeout)
		for {
			_, err := s.resourceFor(t, u).Get(ctx, u.GetName(), metav1.GetOptions{})
			if apierrs.IsNotFound(err) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s %s/%s still there %v after its deletion (%v)", u.GetKind(), u.GetNamespace(), u.GetName(), readyTimeout, err)
			}
			time.Sleep(pollInterval)
		}
	}
}

// configCertManager reads config-certmanager.
func (s *servingEnv) configCertManager(t *testing.T) *corev1.ConfigMap {
	t.Helper()
	cm, err := s.c.kube.CoreV1().ConfigMaps(systemNamespace).Get(context.Background(), configName, metav1.GetOptions{})
	if err != nil {
		t.Fatal("get config-certmanager:", err)
	}
	return cm
}

// checkConfigUnchanged compares config-certmanager's data with want, byte
// for byte, and checks that the release's field manager owns none of it.
func (s *servingEnv) checkConfigUnchanged(t *testing.T, when string, want *corev1.ConfigMap) {
	t.Helper()
	got := s.configCertManager(t)
	if !maps.Equal(got.Data, want.Data) || !maps.EqualFunc(got.BinaryData, want.BinaryData, bytes.Equal) {
		t.Errorf("%s: config-certmanager's data changed:\n got %q\nwant %q", when, got.Data, want.Data)
	}
	for _, mf := range got.ManagedFields {
		if mf.Manager == releaseFieldManager {
			t.Errorf("%s: the release's field manager owns fields of config-certmanager: %s", when, mf.FieldsV1)
		}
	}
}

// doctorChecks are the doctor's checks of the class handover, by name.
const (
	doctorClassCheck      = "config-network certificate-class is the controller's class"
	doctorReconcilerCheck = "Serving's built-in cert-manager reconciler does not serve the controller's class"
	doctorWebhookCheck    = "the validation webhook is registered and answers"
)

// doctor runs `kn-certmanager doctor -o json` against the environment, with
// args, and returns its checks by name. Its exit status (1 when a check
// fails) is not the test's concern.
func (s *servingEnv) doctor(t *testing.T, args ...string) map[string]kncm.Check {
	t.Helper()
	if *knCertmanagerBinary == "" {
		t.Skip("needs -kn-certmanager-binary (hack/e2e-local.sh passes it)")
	}
	cmd := exec.Command(*knCertmanagerBinary, append([]string{"doctor", "-o", "json", "--kubeconfig", filepath.Join(s.dir, "kubeconfig")}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("kn-certmanager doctor: %v: %s", err, stderr.String())
	}
	var r kncm.DoctorReport
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("kn-certmanager doctor output %q: %v", out, err)
	}
	checks := map[string]kncm.Check{}
	for _, c := range r.Checks {
		checks[c.Name] = c
	}
	return checks
}

// wantDoctor checks that the named check is there with the outcome ok, and
// that a failure says how to fix it with fixHas in its fix.
func wantDoctor(t *testing.T, checks map[string]kncm.Check, name string, ok bool, fixHas string) {
	t.Helper()
	c, found := checks[name]
	switch {
	case !found:
		t.Errorf("doctor has no check %q (checks: %v)", name, slices.Collect(maps.Keys(checks)))
	case c.OK != ok:
		t.Errorf("doctor check %q: ok = %v, want %v; detail: %s; fix: %s", name, c.OK, ok, c.Detail, c.Fix)
	case !ok && !strings.Contains(c.Fix, fixHas):
		t.Errorf("doctor check %q fails, but its fix %q does not say %q", name, c.Fix, fixHas)
	default:
		t.Logf("doctor: %s: ok=%v: %s; fix: %s", name, c.OK, c.Detail, c.Fix)
	}
}
