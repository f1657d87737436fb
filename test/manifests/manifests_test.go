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

package manifests

import (
	"regexp"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const (
	systemNamespace = "knative-serving"
	controllerSA    = "net-certmanager-controller"
)

func load(t *testing.T) []File {
	t.Helper()
	dir, err := ConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	files, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestControllerRBACIsMinimal(t *testing.T) {
	objs := All(load(t))
	for _, p := range CheckNoWildcards(objs) {
		t.Error(p)
	}
	grants, problems := SubjectGrants(objs, systemNamespace, controllerSA)
	for _, p := range problems {
		t.Error(p)
	}
	if len(grants) == 0 {
		t.Fatalf("nothing in config/ is bound to ServiceAccount %s/%s", systemNamespace, controllerSA)
	}
	for _, p := range CheckGrants(grants, controllerUses(), systemNamespace) {
		t.Error(p)
	}
}

// TestRBACChecksCatchExcess weakens the shipped RBAC in one way per row and
// expects the checks to say so: the test above can fail.
func TestRBACChecksCatchExcess(t *testing.T) {
	shipped := All(load(t))
	binding := func(kind, role, ns string) string {
		nsField := ""
		if ns != "" {
			nsField = "\n  namespace: " + ns
		}
		return `
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ` + kind + `
metadata:
  name: extra` + nsField + `
subjects:
  - kind: ServiceAccount
    name: ` + controllerSA + `
    namespace: ` + systemNamespace + `
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ` + role + `
  name: extra`
	}
	clusterRole := func(rules string) string {
		return `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: extra
rules: ` + rules
	}
	for _, tc := range []struct {
		name, extra, want string
	}{{
		name:  "Secrets, cluster-wide",
		extra: clusterRole(`[{apiGroups: [""], resources: ["secrets"], verbs: ["get"]}]`) + binding("ClusterRoleBinding", "ClusterRole", ""),
		want:  "Secret access: get core/secrets cluster-wide",
	}, {
		name: "Secrets, in the system namespace",
		extra: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: extra, namespace: ` + systemNamespace + `}
rules: [{apiGroups: [""], resources: ["secrets"], verbs: ["list"]}]` + binding("RoleBinding", "Role", systemNamespace),
		want: "Secret access: list core/secrets in " + systemNamespace,
	}, {
		name:  "a wildcard verb, even unbound",
		extra: clusterRole(`[{apiGroups: ["cert-manager.io"], resources: ["issuers"], verbs: ["*"]}]`),
		want:  `wildcard "*" in verbs`,
	}, {
		name:  "a wildcard resource",
		extra: clusterRole(`[{apiGroups: [""], resources: ["*"], verbs: ["get"]}]`),
		want:  `wildcard "*" in resources`,
	}, {
		name:  "a write verb no code uses",
		extra: clusterRole(`[{apiGroups: [""], resources: ["services"], verbs: ["delete"]}]`) + binding("ClusterRoleBinding", "ClusterRole", ""),
		want:  "not used by the code: delete core/services cluster-wide",
	}, {
		name:  "patch and delete of cert-manager Certificates, which no code calls",
		extra: clusterRole(`[{apiGroups: ["cert-manager.io"], resources: ["certificates"], verbs: ["patch", "delete"]}]`) + binding("ClusterRoleBinding", "ClusterRole", ""),
		want:  "not used by the code: delete cert-manager.io/certificates cluster-wide",
	}, {
		name:  "get of a resource read only from the cache",
		extra: clusterRole(`[{apiGroups: ["acme.cert-manager.io"], resources: ["challenges"], verbs: ["get"]}]`) + binding("ClusterRoleBinding", "ClusterRole", ""),
		want:  "not used by the code: get acme.cert-manager.io/challenges cluster-wide",
	}, {
		name:  "KCert writes beyond status",
		extra: clusterRole(`[{apiGroups: ["networking.internal.knative.dev"], resources: ["certificates"], verbs: ["update"]}]`) + binding("ClusterRoleBinding", "ClusterRole", ""),
		want:  "not used by the code: update networking.internal.knative.dev/certificates cluster-wide",
	}, {
		name:  "leases cluster-wide",
		extra: clusterRole(`[{apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["update"]}]`) + binding("ClusterRoleBinding", "ClusterRole", ""),
		want:  "allowed only in " + systemNamespace + ": update coordination.k8s.io/leases cluster-wide",
	}, {
		name:  "a binding to a role config/ does not declare",
		extra: binding("ClusterRoleBinding", "ClusterRole", "")[len("\n---"):],
		want:  "which config/ does not declare",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			extra, err := Decode([]byte(tc.extra))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			objs := append(append([]*unstructured.Unstructured{}, shipped...), extra...)
			problems := CheckNoWildcards(objs)
			grants, more := SubjectGrants(objs, systemNamespace, controllerSA)
			problems = append(append(problems, more...), CheckGrants(grants, controllerUses(), systemNamespace)...)
			for _, p := range problems {
				if strings.Contains(p, tc.want) {
					return
				}
			}
			t.Errorf("no problem mentions %q; got %q", tc.want, problems)
		})
	}

	// And a missing grant is reported too (the uses are exact).
	grants, _ := SubjectGrants(shipped, systemNamespace, controllerSA)
	var fewer []Grant
	for _, g := range grants {
		if g.Resource != "certificates/status" {
			fewer = append(fewer, g)
		}
	}
	if got := CheckGrants(fewer, controllerUses(), systemNamespace); len(got) != 1 || !strings.Contains(got[0], "missing: update networking.internal.knative.dev/certificates/status") {
		t.Errorf("without KCert status: problems = %q, want one missing grant", got)
	}
}

var clusterScoped = map[string]bool{
	"ClusterRole": true, "ClusterRoleBinding": true, "ClusterIssuer": true, "Namespace": true,
	"CustomResourceDefinition": true, "ValidatingWebhookConfiguration": true, "MutatingWebhookConfiguration": true,
}

// TestConventions checks the Knative conventions of the issue on every file:
// numbered names, the labels on every object, the namespace, ko images.
func TestConventions(t *testing.T) {
	numbered := regexp.MustCompile(`^(optional/)?[0-9]{3}-[a-z0-9-]+\.yaml$`)
	for _, f := range load(t) {
		if !numbered.MatchString(f.Path) {
			t.Errorf("%s: not a numbered NNN-name.yaml file", f.Path)
		}
		if len(f.Objects) == 0 {
			t.Errorf("%s: no objects", f.Path)
		}
		for _, u := range f.Objects {
			id := f.Path + ": " + u.GetKind() + " " + u.GetName()
			l := u.GetLabels()
			wantLabels := KnativeLabels
			if f.Path == ConfigCertManagerFile {
				// Serving's object, for a Serving without it.
				wantLabels = ServingConfigCertManagerLabels
			}
			for k, want := range wantLabels {
				if l[k] != want {
					t.Errorf("%s: label %s = %q, want %q", id, k, l[k], want)
				}
			}
			wantNS := systemNamespace
			switch {
			case clusterScoped[u.GetKind()]:
				wantNS = ""
			case f.Optional() && u.GetKind() == "Certificate":
				wantNS = "cert-manager" // the CA, in cert-manager's cluster resource namespace
			}
			if u.GetNamespace() != wantNS {
				t.Errorf("%s: namespace %q, want %q", id, u.GetNamespace(), wantNS)
			}
			if f.Optional() && strings.HasPrefix(u.GetAPIVersion(), "cert-manager.io/") && l["knative.dev/issuer-install"] != "true" {
				t.Errorf(`%s: optional issuer objects are labelled knative.dev/issuer-install: "true"`, id)
			}
			if u.GetKind() == "Deployment" {
				containers, _, _ := unstructured.NestedSlice(u.Object, "spec", "template", "spec", "containers")
				for _, c := range containers {
					image, _, _ := unstructured.NestedString(c.(map[string]any), "image")
					if !strings.HasPrefix(image, "ko://knative.dev/net-certmanager/cmd/") {
						t.Errorf("%s: image %q is not a ko://knative.dev/net-certmanager/cmd/... reference", id, image)
					}
				}
			}
		}
	}
}

// TestOptionalFiles checks the shape of the self-signed chain and the trust
// bundle example, which the e2e suite applies.
func TestOptionalFiles(t *testing.T) {
	kinds := map[string]*unstructured.Unstructured{}
	for _, f := range load(t) {
		if !f.Optional() {
			continue
		}
		for _, u := range f.Objects {
			kinds[u.GetKind()+"/"+u.GetName()] = u
		}
	}
	ca := kinds["Certificate/knative-selfsigned-ca"]
	if ca == nil {
		t.Fatalf("no Certificate knative-selfsigned-ca under config/optional: %v", kinds)
	}
	usages, _, _ := unstructured.NestedStringSlice(ca.Object, "spec", "usages")
	if strings.Join(usages, ",") != "cert sign,crl sign" {
		t.Errorf("CA usages = %v, want [cert sign crl sign]", usages)
	}
	if isCA, _, _ := unstructured.NestedBool(ca.Object, "spec", "isCA"); !isCA {
		t.Error("CA Certificate without isCA: true")
	}
	secret, _, _ := unstructured.NestedString(ca.Object, "spec", "secretName")
	issuer := kinds["ClusterIssuer/knative-selfsigned-issuer"]
	if issuer == nil {
		t.Fatal("no ClusterIssuer knative-selfsigned-issuer")
	}
	if got, _, _ := unstructured.NestedString(issuer.Object, "spec", "ca", "secretName"); got != secret || secret == "" {
		t.Errorf("CA ClusterIssuer reads Secret %q, the CA Certificate writes %q", got, secret)
	}
	if issuerName, _, _ := unstructured.NestedString(ca.Object, "spec", "issuerRef", "name"); kinds["ClusterIssuer/"+issuerName] == nil {
		t.Errorf("CA Certificate is signed by %q, which is not in the file", issuerName)
	}
	bundle := kinds["ConfigMap/knative-bundle"]
	if bundle == nil || bundle.GetLabels()["networking.knative.dev/trust-bundle"] != "true" {
		t.Errorf(`no ConfigMap knative-bundle labelled networking.knative.dev/trust-bundle: "true"`)
	}
}
