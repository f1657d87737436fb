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

// Scope says where a Use needs a grant.
type Scope int

const (
	// Cluster needs the grant cluster-wide (it is allowed in any namespace).
	Cluster Scope = iota
	// SystemNamespace allows the grant only in the controller's namespace.
	SystemNamespace
)

// Use is what a subject's code calls on one resource: the verbs, where,
// and, for the reader, the code that calls them.
type Use struct {
	Group, Resource string
	Verbs           []string
	Scope           Scope
	By              string
}

type resource struct{ group, resource string }

type allowed struct {
	verbs map[string]bool
	scope Scope
}

// merge collects the verbs of every Use by resource; a resource used with
// two scopes is a problem.
func merge(uses []Use) (map[resource]allowed, []string) {
	out := map[resource]allowed{}
	var problems []string
	for _, u := range uses {
		r := resource{u.Group, u.Resource}
		a, ok := out[r]
		if !ok {
			a = allowed{verbs: map[string]bool{}, scope: u.Scope}
		} else if a.scope != u.Scope {
			problems = append(problems, fmt.Sprintf("%s/%s is used with two scopes", u.Group, u.Resource))
		}
		for _, v := range u.Verbs {
			a.verbs[v] = true
		}
		out[r] = a
	}
	return out, problems
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

// CheckGrants compares a subject's grants with the uses of its code:
// Secret access, a grant that no use needs, a namespace-only grant given
// cluster-wide or in another namespace, and a use that no grant covers are
// problems.
func CheckGrants(grants []Grant, uses []Use, systemNamespace string) []string {
	needed, problems := merge(uses)
	have := map[string]bool{}
	for _, g := range grants {
		have[g.Group+"/"+g.Resource+"/"+g.Verb] = true
		if g.Group == "" && (g.Resource == "secrets" || strings.HasPrefix(g.Resource, "secrets/")) {
			problems = append(problems, fmt.Sprintf("Secret access: %s", g))
			continue
		}
		a, ok := needed[resource{g.Group, g.Resource}]
		if !ok || !a.verbs[g.Verb] {
			problems = append(problems, fmt.Sprintf("not used by the code: %s", g))
			continue
		}
		if a.scope == SystemNamespace && g.Namespace != systemNamespace {
			problems = append(problems, fmt.Sprintf("allowed only in %s: %s", systemNamespace, g))
		}
	}
	for r, a := range needed {
		for v := range a.verbs {
			if !have[r.group+"/"+r.resource+"/"+v] {
				g := Grant{Group: r.group, Resource: r.resource, Verb: v}
				if a.scope == SystemNamespace {
					g.Namespace = systemNamespace
				}
				problems = append(problems, fmt.Sprintf("missing: %s", g))
			}
		}
	}
	sort.Strings(problems)
	return problems
}
