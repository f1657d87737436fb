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
	"fmt"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// Grant is one verb on one resource that a role allows a subject, cluster-wide
// (Namespace "") or in one namespace.
type Grant struct {
	Group, Resource, Verb, Namespace string
}

func (g Grant) String() string {
	where := "cluster-wide"
	if g.Namespace != "" {
		where = "in " + g.Namespace
	}
	group := g.Group
	if group == "" {
		group = "core"
	}
	return fmt.Sprintf("%s %s/%s %s", g.Verb, group, g.Resource, where)
}

// Scope says where the controller table allows a grant.
type Scope int

const (
	// Cluster allows the grant cluster-wide (and so in any namespace).
	Cluster Scope = iota
	// SystemNamespace allows the grant only in the controller's namespace.
	SystemNamespace
)

type resource struct{ group, resource string }

// ControllerTable is the controller's least privilege (issue 4): every verb
// it may have, and where. Anything else bound to its ServiceAccount, Secrets
// above all, is excess.
var ControllerTable = map[resource]struct {
	verbs []string
	scope Scope
}{
	{"cert-manager.io", "certificates"}:                        {[]string{"get", "list", "watch", "create", "update", "patch", "delete"}, Cluster},
	{"cert-manager.io", "certificaterequests"}:                 {[]string{"get", "list", "watch"}, Cluster},
	{"cert-manager.io", "issuers"}:                             {[]string{"get", "list", "watch"}, Cluster},
	{"cert-manager.io", "clusterissuers"}:                      {[]string{"get", "list", "watch"}, Cluster},
	{"acme.cert-manager.io", "orders"}:                         {[]string{"get", "list", "watch"}, Cluster},
	{"acme.cert-manager.io", "challenges"}:                     {[]string{"get", "list", "watch"}, Cluster},
	{"", "services"}:                                           {[]string{"get", "list", "watch"}, Cluster},
	{"networking.internal.knative.dev", "certificates"}:        {[]string{"get", "list", "watch"}, Cluster},
	{"networking.internal.knative.dev", "certificates/status"}: {[]string{"update"}, Cluster},
	{"", "events"}:                    {[]string{"create", "patch"}, Cluster},
	{"", "configmaps"}:                {[]string{"get", "list", "watch"}, SystemNamespace},
	{"coordination.k8s.io", "leases"}: {[]string{"get", "list", "watch", "create", "update", "patch"}, SystemNamespace},
}

// CheckNoWildcards returns one problem per "*" in any Role or ClusterRole
// rule (groups, resources, verbs, resource names, non-resource URLs).
func CheckNoWildcards(objs []*unstructured.Unstructured) []string {
	var problems []string
	for _, u := range objs {
		if u.GetKind() != "Role" && u.GetKind() != "ClusterRole" {
			continue
		}
		var role rbacv1.ClusterRole // Role has the same rules field
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &role); err != nil {
			problems = append(problems, fmt.Sprintf("%s %s: %v", u.GetKind(), u.GetName(), err))
			continue
		}
		for i, r := range role.Rules {
			for field, values := range map[string][]string{
				"apiGroups": r.APIGroups, "resources": r.Resources, "verbs": r.Verbs,
				"resourceNames": r.ResourceNames, "nonResourceURLs": r.NonResourceURLs,
			} {
				for _, v := range values {
					if strings.Contains(v, "*") {
						problems = append(problems, fmt.Sprintf("%s %s rule %d: wildcard %q in %s", u.GetKind(), u.GetName(), i, v, field))
					}
				}
			}
		}
	}
	sort.Strings(problems)
	return problems
}

// SubjectGrants expands the rules of every Role and ClusterRole bound (by a
// RoleBinding or ClusterRoleBinding in objs) to ServiceAccount ns/name. A
// binding to a role that objs does not declare is a problem: the grant
// cannot be checked.
func SubjectGrants(objs []*unstructured.Unstructured, ns, name string) ([]Grant, []string) {
	roles := map[string][]rbacv1.PolicyRule{} // "Kind ns/name"
	var bindings []rbacv1.RoleBinding         // ClusterRoleBindings with Namespace ""
	var problems []string
	for _, u := range objs {
		switch u.GetKind() {
		case "Role", "ClusterRole":
			var role rbacv1.ClusterRole
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &role); err != nil {
				problems = append(problems, fmt.Sprintf("%s %s: %v", u.GetKind(), u.GetName(), err))
				continue
			}
			roles[u.GetKind()+" "+u.GetNamespace()+"/"+u.GetName()] = role.Rules
		case "RoleBinding", "ClusterRoleBinding":
			var b rbacv1.RoleBinding
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &b); err != nil {
				problems = append(problems, fmt.Sprintf("%s %s: %v", u.GetKind(), u.GetName(), err))
				continue
			}
			if u.GetKind() == "ClusterRoleBinding" {
				b.Namespace = ""
			}
			bindings = append(bindings, b)
		}
	}
	var grants []Grant
	for _, b := range bindings {
		if !bindsServiceAccount(b, ns, name) {
			continue
		}
		key := "ClusterRole /" + b.RoleRef.Name
		if b.RoleRef.Kind == "Role" {
			key = "Role " + b.Namespace + "/" + b.RoleRef.Name
		}
		rules, ok := roles[key]
		if !ok {
			problems = append(problems, fmt.Sprintf("binding %s/%s refers to %s, which config/ does not declare", b.Namespace, b.Name, key))
			continue
		}
		for _, r := range rules {
			for _, g := range r.APIGroups {
				for _, res := range r.Resources {
					for _, v := range r.Verbs {
						grants = append(grants, Grant{Group: g, Resource: res, Verb: v, Namespace: b.Namespace})
					}
				}
			}
			if len(r.NonResourceURLs) > 0 {
				problems = append(problems, fmt.Sprintf("%s grants non-resource URLs %v", key, r.NonResourceURLs))
			}
		}
	}
	return grants, problems
}

func bindsServiceAccount(b rbacv1.RoleBinding, ns, name string) bool {
	for _, s := range b.Subjects {
		if s.Kind == rbacv1.ServiceAccountKind && s.Name == name && (s.Namespace == ns || (s.Namespace == "" && b.Namespace == ns)) {
			return true
		}
	}
	return false
}

// CheckControllerGrants compares the controller's grants with
// ControllerTable: Secret access, anything not in the table, a
// namespace-only grant given cluster-wide or in another namespace, and any
// table entry missing are problems.
func CheckControllerGrants(grants []Grant, systemNamespace string) []string {
	var problems []string
	have := map[string]bool{}
	for _, g := range grants {
		have[g.Group+"/"+g.Resource+"/"+g.Verb] = true
		if g.Group == "" && (g.Resource == "secrets" || strings.HasPrefix(g.Resource, "secrets/")) {
			problems = append(problems, fmt.Sprintf("Secret access: %s", g))
			continue
		}
		allowed, ok := ControllerTable[resource{g.Group, g.Resource}]
		if !ok || !contains(allowed.verbs, g.Verb) {
			problems = append(problems, fmt.Sprintf("not in the table: %s", g))
			continue
		}
		if allowed.scope == SystemNamespace && g.Namespace != systemNamespace {
			problems = append(problems, fmt.Sprintf("allowed only in %s: %s", systemNamespace, g))
		}
	}
	for r, allowed := range ControllerTable {
		for _, v := range allowed.verbs {
			if !have[r.group+"/"+r.resource+"/"+v] {
				problems = append(problems, fmt.Sprintf("missing: %s", Grant{Group: r.group, Resource: r.resource, Verb: v}))
			}
		}
	}
	sort.Strings(problems)
	return problems
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
