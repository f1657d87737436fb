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
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	authzv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/utils/ptr"

	netcfg "knative.dev/networking/pkg/config"
	pkgtest "knative.dev/pkg/test"

	"knative.dev/net-certmanager/test/manifests"
)

const (
	// installManager is the field manager of the install the tests simulate.
	installManager = "e2e-install"
	controllerSA   = "net-certmanager-controller"
	// placeholderImage stands in for ko:// images: no kubelet pulls it, and
	// admission does not look at it.
	placeholderImage = "registry.invalid/placeholder:latest"
)

// dryRunKinds are applied with dryRun=All: a real apply would disturb the
// environment the other tests run in (a second controller Deployment; a
// webhook configuration whose webhook may not be served here, which would
// fail every matching request), while a dry run still goes through
// defaulting, schema validation and admission, i.e. everything a real apply
// is checked against. ConfigMaps are read by the running controller, so they
// are dry-run too. Everything else (RBAC, ServiceAccounts, Services, the
// optional issuers, which localenv has applied already) is applied for real.
var dryRunKinds = map[string]bool{
	"Deployment":                     true,
	"ValidatingWebhookConfiguration": true,
	"MutatingWebhookConfiguration":   true,
	"ConfigMap":                      true,
}

func loadConfig(t *testing.T) []manifests.File {
	t.Helper()
	dir, err := manifests.ConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	files, err := manifests.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// applier server-side applies unstructured objects, finding their resource
// through discovery.
type applier struct {
	c   *clients
	dyn dynamic.Interface
	// resources caches discovery: "apiVersion/Kind" -> resource.
	resources map[string]metav1.APIResource
}

func newApplier(t *testing.T, c *clients) *applier {
	t.Helper()
	cfg, err := pkgtest.Flags.GetRESTConfig()
	if err != nil {
		t.Fatal("REST config:", err)
	}
	return &applier{c: c, dyn: dynamic.NewForConfigOrDie(cfg), resources: map[string]metav1.APIResource{}}
}

func (a *applier) resource(u *unstructured.Unstructured) (schema.GroupVersionResource, bool, error) {
	gv, err := schema.ParseGroupVersion(u.GetAPIVersion())
	if err != nil {
		return schema.GroupVersionResource{}, false, err
	}
	key := u.GetAPIVersion() + "/" + u.GetKind()
	r, ok := a.resources[key]
	if !ok {
		list, err := a.c.kube.Discovery().ServerResourcesForGroupVersion(u.GetAPIVersion())
		if err != nil {
			return schema.GroupVersionResource{}, false, fmt.Errorf("discovery of %s: %w", u.GetAPIVersion(), err)
		}
		for _, res := range list.APIResources {
			if res.Kind == u.GetKind() && !strings.Contains(res.Name, "/") {
				r, ok = res, true
				a.resources[key] = res
				break
			}
		}
		if !ok {
			return schema.GroupVersionResource{}, false, fmt.Errorf("the server has no %s", key)
		}
	}
	return gv.WithResource(r.Name), r.Namespaced, nil
}

// apply is `kubectl apply --server-side` with strict field validation, so
// that an unknown or misspelt field is an error rather than dropped.
func (a *applier) apply(ctx context.Context, u *unstructured.Unstructured, dryRun bool) (*unstructured.Unstructured, error) {
	gvr, namespaced, err := a.resource(u)
	if err != nil {
		return nil, err
	}
	var ri dynamic.ResourceInterface = a.dyn.Resource(gvr)
	if namespaced {
		if u.GetNamespace() == "" {
			return nil, fmt.Errorf("namespaced %s %s has no namespace", u.GetKind(), u.GetName())
		}
		ri = a.dyn.Resource(gvr).Namespace(u.GetNamespace())
	}
	data, err := json.Marshal(u.Object)
	if err != nil {
		return nil, err
	}
	opts := metav1.PatchOptions{FieldManager: installManager, Force: ptr.To(true), FieldValidation: "Strict"}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	return ri.Patch(ctx, u.GetName(), types.ApplyPatchType, data, opts)
}

// TestConfigServerSideApply applies every file under config/, the optional
// ones included, as `kubectl apply --server-side -f` would.
func TestConfigServerSideApply(t *testing.T) {
	c := newClients(t)
	a := newApplier(t, c)
	ctx := context.Background()
	for _, f := range loadConfig(t) {
		t.Run(f.Path, func(t *testing.T) {
			for _, u := range f.Objects {
				dryRun := dryRunKinds[u.GetKind()]
				got, err := a.apply(ctx, u.DeepCopy(), dryRun)
				if err != nil {
					t.Errorf("apply %s %s/%s (dry run %v): %v", u.GetKind(), u.GetNamespace(), u.GetName(), dryRun, err)
					continue
				}
				if got.GetName() != u.GetName() || got.GetKind() != u.GetKind() {
					t.Errorf("apply returned %s %s, want %s %s", got.GetKind(), got.GetName(), u.GetKind(), u.GetName())
				}
				if !dryRun && !managedBy(got, installManager) {
					t.Errorf("%s %s: no managedFields entry of %s after a real apply", u.GetKind(), u.GetName(), installManager)
				}
			}
		})
	}
}

func managedBy(u *unstructured.Unstructured, manager string) bool {
	for _, mf := range u.GetManagedFields() {
		if mf.Manager == manager && mf.Operation == metav1.ManagedFieldsOperationApply {
			return true
		}
	}
	return false
}

// deployments returns every Deployment declared under config/.
func deployments(t *testing.T) []*unstructured.Unstructured {
	t.Helper()
	var out []*unstructured.Unstructured
	for _, u := range manifests.All(loadConfig(t)) {
		if u.GetKind() == "Deployment" {
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		t.Fatal("no Deployment under config/")
	}
	return out
}

// podFromTemplate turns a Deployment's pod template into a Pod in ns, with
// placeholder images; mutate, if set, changes its spec first.
func podFromTemplate(t *testing.T, d *unstructured.Unstructured, ns string, mutate func(*corev1.PodSpec)) *corev1.Pod {
	t.Helper()
	tmpl, found, err := unstructured.NestedMap(d.Object, "spec", "template")
	if err != nil || !found {
		t.Fatalf("Deployment %s: no pod template: %v", d.GetName(), err)
	}
	var pt corev1.PodTemplateSpec
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(tmpl, &pt); err != nil {
		t.Fatalf("Deployment %s: pod template: %v", d.GetName(), err)
	}
	pod := &corev1.Pod{ObjectMeta: pt.ObjectMeta, Spec: pt.Spec}
	pod.Name, pod.Namespace = d.GetName(), ns
	for i := range pod.Spec.InitContainers {
		pod.Spec.InitContainers[i].Image = placeholderImage
	}
	for i := range pod.Spec.Containers {
		pod.Spec.Containers[i].Image = placeholderImage
	}
	if mutate != nil {
		mutate(&pod.Spec)
	}
	return pod
}

// TestPodTemplatesAdmittedRestricted creates each Deployment's pod template
// as a Pod in a namespace that enforces the restricted Pod Security
// Standard, and checks that a weakened copy is rejected there, so that the
// namespace really enforces it.
func TestPodTemplatesAdmittedRestricted(t *testing.T) {
	c := newClients(t)
	ctx := context.Background()
	ns := c.newNamespace(t)
	nsObj, err := c.kube.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	nsObj.Labels["pod-security.kubernetes.io/enforce"] = "restricted"
	nsObj.Labels["pod-security.kubernetes.io/enforce-version"] = "latest"
	if _, err := c.kube.CoreV1().Namespaces().Update(ctx, nsObj, metav1.UpdateOptions{}); err != nil {
		t.Fatal("label namespace:", err)
	}

	weakenings := map[string]func(*corev1.PodSpec){
		"privilege escalation allowed": func(s *corev1.PodSpec) {
			s.Containers[0].SecurityContext.AllowPrivilegeEscalation = ptr.To(true)
		},
		"capabilities not dropped": func(s *corev1.PodSpec) {
			s.Containers[0].SecurityContext.Capabilities = nil
		},
		"may run as root": func(s *corev1.PodSpec) {
			s.SecurityContext.RunAsNonRoot = nil
			s.Containers[0].SecurityContext.RunAsNonRoot = nil
		},
	}
	for _, d := range deployments(t) {
		t.Run(d.GetName(), func(t *testing.T) {
			pod := podFromTemplate(t, d, ns, nil)
			if sa := pod.Spec.ServiceAccountName; sa != "" {
				// A real apiserver's ServiceAccount admission wants it to exist.
				_, err := c.kube.CoreV1().ServiceAccounts(ns).Create(ctx,
					&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa}}, metav1.CreateOptions{})
				if err != nil && !apierrs.IsAlreadyExists(err) {
					t.Fatal("create ServiceAccount:", err)
				}
			}
			if _, err := c.kube.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
				t.Errorf("pod template of %s not admitted under restricted: %v", d.GetName(), err)
			}
			for what, weaken := range weakenings {
				weak := podFromTemplate(t, d, ns, func(s *corev1.PodSpec) {
					// restricted can be met at the container level alone.
					if s.SecurityContext == nil {
						s.SecurityContext = &corev1.PodSecurityContext{}
					}
					if s.Containers[0].SecurityContext == nil {
						s.Containers[0].SecurityContext = &corev1.SecurityContext{}
					}
					weaken(s)
				})
				weak.Name += "-weak"
				_, err := c.kube.CoreV1().Pods(ns).Create(ctx, weak, metav1.CreateOptions{})
				if !apierrs.IsForbidden(err) || !strings.Contains(err.Error(), "PodSecurity") {
					t.Errorf("%s with %s: got %v, want a PodSecurity rejection", d.GetName(), what, err)
				}
			}
		})
	}
}

// TestControllerRBACOnServer asks the apiserver (SubjectAccessReview) what
// the controller's ServiceAccount may do, as installed from config/: no
// Secrets anywhere, no KCert spec writes, and, as a control that the review
// works, the writes it needs.
func TestControllerRBACOnServer(t *testing.T) {
	c := newClients(t)
	user := "system:serviceaccount:" + systemNamespace + ":" + controllerSA
	groups := []string{"system:serviceaccounts", "system:serviceaccounts:" + systemNamespace, "system:authenticated"}
	for _, tc := range []struct {
		group, resource, subresource, verb, namespace string
		want                                          bool
	}{
		{"", "secrets", "", "get", "", false},
		{"", "secrets", "", "list", "", false},
		{"", "secrets", "", "watch", systemNamespace, false},
		{"", "secrets", "", "get", certManagerNamespace, false},
		{"", "secrets", "", "create", "default", false},
		{"networking.internal.knative.dev", "certificates", "", "update", "default", false},
		{"networking.internal.knative.dev", "certificates", "", "delete", "default", false},
		{"", "services", "", "create", "default", false},
		{"coordination.k8s.io", "leases", "", "update", "default", false},
		{"cert-manager.io", "issuers", "", "create", "default", false},
		{"cert-manager.io", "certificates", "", "patch", "default", false},
		{"cert-manager.io", "certificates", "", "delete", "default", false},
		{"acme.cert-manager.io", "challenges", "", "get", "default", false},
		{"coordination.k8s.io", "leases", "", "patch", systemNamespace, false},
		{"cert-manager.io", "certificates", "", "create", "default", true},
		{"networking.internal.knative.dev", "certificates", "status", "update", "default", true},
		{"coordination.k8s.io", "leases", "", "update", systemNamespace, true},
		{"", "events", "", "create", "default", true},
	} {
		group := tc.group
		if group == "" {
			group = "core"
		}
		name := fmt.Sprintf("%s %s/%s", tc.verb, group, tc.resource)
		if tc.subresource != "" {
			name += "/" + tc.subresource
		}
		if tc.namespace != "" {
			name += " in " + tc.namespace
		}
		t.Run(name, func(t *testing.T) {
			sar := &authzv1.SubjectAccessReview{Spec: authzv1.SubjectAccessReviewSpec{
				User:   user,
				Groups: groups,
				ResourceAttributes: &authzv1.ResourceAttributes{
					Group: tc.group, Resource: tc.resource, Subresource: tc.subresource, Verb: tc.verb, Namespace: tc.namespace,
				},
			}}
			got, err := c.kube.AuthorizationV1().SubjectAccessReviews().Create(context.Background(), sar, metav1.CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Status.Allowed != tc.want {
				t.Errorf("allowed = %v (%s), want %v", got.Status.Allowed, got.Status.Reason, tc.want)
			}
		})
	}
}

// TestSelfSignedChainAndTrustBundle applies the optional self-signed chain
// as shipped, waits for knative-selfsigned-issuer, fills the shipped
// trust-bundle example with the chain's CA as its comment says, and checks
// that KCerts of every type, issued under the shipped config-certmanager,
// verify against the trust bundle as Knative's components would read it
// (every data key of every ConfigMap labelled trust-bundle in the namespace).
func TestSelfSignedChainAndTrustBundle(t *testing.T) {
	c := newClients(t)
	a := newApplier(t, c)
	ctx := context.Background()
	dir, err := manifests.ConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	read := func(file string) []*unstructured.Unstructured {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		objs, err := manifests.Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		return objs
	}

	for _, u := range read("optional/100-selfsigned-issuer.yaml") {
		if _, err := a.apply(ctx, u, false); err != nil {
			t.Fatalf("apply %s %s: %v", u.GetKind(), u.GetName(), err)
		}
	}
	waitIssuerReady(t, "ClusterIssuer "+caIssuer, func(ctx context.Context) (cmv1.GenericIssuer, error) {
		return c.cm.CertmanagerV1().ClusterIssuers().Get(ctx, caIssuer, metav1.GetOptions{})
	})

	// The CA, as `kubectl get secret knative-selfsigned-ca -o jsonpath='{.data.ca\.crt}'`.
	caSecret, err := c.kube.CoreV1().Secrets(certManagerNamespace).Get(ctx, "knative-selfsigned-ca", metav1.GetOptions{})
	if err != nil {
		t.Fatal("CA Secret:", err)
	}
	caPEM := caSecret.Data["ca.crt"]
	if len(caPEM) == 0 {
		t.Fatal("CA Secret has no ca.crt")
	}

	// The trust bundle, from the example, in a fresh namespace (as for a
	// namespace where a Knative Service runs), so that a leftover bundle
	// cannot make the test pass.
	ns := c.newNamespace(t)
	bundles := read("optional/200-trust-bundle.yaml")
	if len(bundles) != 1 || bundles[0].GetKind() != "ConfigMap" {
		t.Fatalf("200-trust-bundle.yaml: want one ConfigMap, got %d objects", len(bundles))
	}
	bundle := bundles[0]
	bundle.SetNamespace(ns)
	if err := unstructured.SetNestedField(bundle.Object, string(caPEM), "data", "cacerts.pem"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.apply(ctx, bundle, false); err != nil {
		t.Fatal("apply trust bundle:", err)
	}
	cms, err := c.kube.CoreV1().ConfigMaps(ns).List(ctx, metav1.ListOptions{LabelSelector: "networking.knative.dev/trust-bundle=true"})
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	for _, cm := range cms.Items {
		for _, v := range cm.Data {
			pool.AppendCertsFromPEM([]byte(v))
		}
	}
	if len(cms.Items) != 1 {
		t.Fatalf("%d trust-bundle ConfigMaps in %s, want 1", len(cms.Items), ns)
	}

	// The shipped config-certmanager, not whatever an earlier test left.
	var shipped map[string]string
	for _, u := range read(manifests.ConfigCertManagerFile) {
		if u.GetKind() == "ConfigMap" && u.GetName() == configName {
			shipped, _, _ = unstructured.NestedStringMap(u.Object, "data")
		}
	}
	if shipped == nil {
		t.Fatal(manifests.ConfigCertManagerFile + " has no config-certmanager")
	}
	c.setConfig(t, shipped)

	for _, tc := range []struct {
		name     string
		certType netcfg.CertificateType
		dnsNames []string
	}{
		{"trusted-external", netcfg.CertificateExternalDomain, []string{"myapp." + ns + ".example.com"}},
		{"trusted-local", netcfg.CertificateClusterLocalDomain, []string{"myapp." + ns + ".svc.cluster.local"}},
		{"trusted-internal", netcfg.CertificateSystemInternal, []string{"kn-user-" + ns}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kc := c.kcert(t, ns, tc.name, tc.certType, tc.dnsNames...)
			kc = c.waitKCert(t, ns, kc.Name, "Ready", isReady)
			cert, err := c.cm.CertmanagerV1().Certificates(ns).Get(ctx, kc.Name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if cert.Spec.IssuerRef.Name != caIssuer {
				t.Errorf("issued by %v, want the shipped default %s", cert.Spec.IssuerRef, caIssuer)
			}
			_, leaf := c.secretCert(t, kc)
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: tc.dnsNames[0], KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
				t.Errorf("leaf does not verify against the trust bundle: %v", err)
			}
			// The bundle is what makes it verify.
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: x509.NewCertPool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err == nil {
				t.Error("leaf verifies against an empty pool")
			}
		})
	}
}
