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

package localenv

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
)

// The routing and status logic of the minimal KIngress implementation
// (ingress.go), as pure functions.

// IngressClass is the KIngress class localenv's minimal ingress serves;
// Serving's config-network names it as ingress-class.
const IngressClass = "localenv.ingress.networking.knative.dev"

// IngressDomainInternal is the load balancer address the minimal ingress
// reports in KIngress status. Nothing resolves it: clients reach the ingress
// on its loopback ports (Env.IngressHTTPAddr, Env.IngressHTTPSAddr).
const IngressDomainInternal = "localenv-ingress." + SystemNamespace + ".svc.cluster.local"

// ingressRoute is one KIngress path of one host.
type ingressRoute struct {
	// ingress is the KIngress the route comes from.
	ingress types.NamespacedName
	// prefix is the KIngress path, a literal prefix ("" matches everything).
	prefix string
	// backend is the split the request goes to.
	backend v1alpha1.IngressBackend
	// rewriteHost, if set, replaces the Host header.
	rewriteHost string
	// headers are added to the request (the path's, then the split's).
	headers map[string]string
}

// routeTable maps a lower-case host to its routes, and a host to the TLS
// Secret that serves it.
type routeTable struct {
	routes map[string][]ingressRoute
	tls    map[string]types.NamespacedName
}

// hasIngressClass says whether the minimal ingress serves ing.
func hasIngressClass(ing *v1alpha1.Ingress) bool {
	return ing.Annotations[networking.IngressClassAnnotationKey] == IngressClass
}

// routable says why ing cannot be routed, or nil if it can: every rule
// needs hosts and HTTP paths, and every path a split with a backend.
func routable(ing *v1alpha1.Ingress) error {
	if len(ing.Spec.Rules) == 0 {
		return errors.New("no rules")
	}
	for i, rule := range ing.Spec.Rules {
		if len(rule.Hosts) == 0 {
			return fmt.Errorf("rule %d has no hosts", i)
		}
		if rule.HTTP == nil || len(rule.HTTP.Paths) == 0 {
			return fmt.Errorf("rule %d has no HTTP paths", i)
		}
		for j, p := range rule.HTTP.Paths {
			if _, ok := chooseSplit(p.Splits); !ok {
				return fmt.Errorf("rule %d path %d has no backend", i, j)
			}
		}
	}
	for i, t := range ing.Spec.TLS {
		if t.SecretName == "" || len(t.Hosts) == 0 {
			return fmt.Errorf("tls entry %d needs hosts and a secretName", i)
		}
	}
	return nil
}

// chooseSplit picks the backend of a path: the split with the largest
// percentage (the first of equals). This ingress does not split traffic;
// one backend per path is enough for what localenv routes.
func chooseSplit(splits []v1alpha1.IngressBackendSplit) (v1alpha1.IngressBackendSplit, bool) {
	best, found := v1alpha1.IngressBackendSplit{}, false
	for _, s := range splits {
		if s.ServiceName == "" || s.ServiceNamespace == "" {
			continue
		}
		if !found || s.Percent > best.Percent {
			best, found = s, true
		}
	}
	return best, found
}

// buildRouteTable collects the routes and TLS hosts of the routable
// KIngresses of IngressClass. Paths with header conditions are left out:
// this ingress does not match headers (tag-based routing), and a path that
// only applies to some requests must not catch all of them. Both visibilities
// are served: everything here is on loopback.
func buildRouteTable(ings []*v1alpha1.Ingress) routeTable {
	sorted := append([]*v1alpha1.Ingress(nil), ings...)
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].Namespace != sorted[j].Namespace {
			return sorted[i].Namespace < sorted[j].Namespace
		}
		return sorted[i].Name < sorted[j].Name
	})
	t := routeTable{routes: map[string][]ingressRoute{}, tls: map[string]types.NamespacedName{}}
	for _, ing := range sorted {
		if !hasIngressClass(ing) || ing.DeletionTimestamp != nil || routable(ing) != nil {
			continue
		}
		key := types.NamespacedName{Namespace: ing.Namespace, Name: ing.Name}
		for _, rule := range ing.Spec.Rules {
			for _, p := range rule.HTTP.Paths {
				if len(p.Headers) > 0 {
					continue
				}
				split, _ := chooseSplit(p.Splits)
				r := ingressRoute{
					ingress:     key,
					prefix:      p.Path,
					backend:     split.IngressBackend,
					rewriteHost: p.RewriteHost,
					headers:     mergeHeaders(p.AppendHeaders, split.AppendHeaders),
				}
				for _, h := range rule.Hosts {
					h = strings.ToLower(h)
					t.routes[h] = append(t.routes[h], r)
				}
			}
		}
		for _, tls := range ing.Spec.TLS {
			ns := tls.SecretNamespace
			if ns == "" {
				ns = ing.Namespace
			}
			for _, h := range tls.Hosts {
				t.tls[strings.ToLower(h)] = types.NamespacedName{Namespace: ns, Name: tls.SecretName}
			}
		}
	}
	return t
}

func mergeHeaders(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// match finds the route of a request: its host (any port removed) and the
// longest path prefix that the request path starts with.
func (t routeTable) match(hostPort, path string) (ingressRoute, bool) {
	best, found := ingressRoute{}, false
	for _, r := range t.routes[requestHost(hostPort)] {
		if strings.HasPrefix(path, r.prefix) && (!found || len(r.prefix) > len(best.prefix)) {
			best, found = r, true
		}
	}
	return best, found
}

// tlsSecret is the Secret serving a TLS server name.
func (t routeTable) tlsSecret(serverName string) (types.NamespacedName, bool) {
	s, ok := t.tls[strings.ToLower(serverName)]
	return s, ok
}

// requestHost is a Host header without its port, lower-case.
func requestHost(hostPort string) string {
	if h, _, err := net.SplitHostPort(hostPort); err == nil {
		hostPort = h
	}
	return strings.ToLower(strings.TrimSuffix(hostPort, "."))
}

// servicePortNumber resolves a KIngress servicePort (a number or a port
// name) against the Service's ports.
func servicePortNumber(ports []corev1.ServicePort, want intstr.IntOrString) (int32, error) {
	for _, p := range ports {
		if (want.Type == intstr.String && p.Name == want.StrVal) || (want.Type == intstr.Int && p.Port == want.IntVal) {
			return p.Port, nil
		}
	}
	return 0, fmt.Errorf("no port %s", want.String())
}

// readyStatus is ing's status once the minimal ingress routes it: observed
// at its generation, network configured and load balancer ready, or, when it
// cannot be routed, the load balancer failed with the reason.
func readyStatus(ing *v1alpha1.Ingress) v1alpha1.IngressStatus {
	st := ing.Status.DeepCopy()
	st.ObservedGeneration = ing.Generation
	st.InitializeConditions()
	if err := routable(ing); err != nil {
		st.MarkLoadBalancerFailed("NotRoutable", err.Error())
		return *st
	}
	lb := []v1alpha1.LoadBalancerIngressStatus{{DomainInternal: IngressDomainInternal}}
	st.MarkNetworkConfigured()
	st.MarkLoadBalancerReady(lb, lb)
	return *st
}

// statusCurrent says whether ing already carries the status readyStatus
// would write (conditions compared without their transition times).
func statusCurrent(ing *v1alpha1.Ingress) bool {
	want := readyStatus(ing)
	got := ing.Status
	if got.ObservedGeneration != want.ObservedGeneration || len(got.Conditions) != len(want.Conditions) {
		return false
	}
	for _, wc := range want.Conditions {
		gc := got.GetCondition(wc.Type)
		if gc == nil || gc.Status != wc.Status || gc.Reason != wc.Reason || gc.Message != wc.Message {
			return false
		}
	}
	return lbEqual(got.PublicLoadBalancer, want.PublicLoadBalancer) && lbEqual(got.PrivateLoadBalancer, want.PrivateLoadBalancer)
}

func lbEqual(a, b *v1alpha1.LoadBalancerStatus) bool {
	if a == nil || b == nil {
		return a == b
	}
	if len(a.Ingress) != len(b.Ingress) {
		return false
	}
	for i := range a.Ingress {
		if a.Ingress[i] != b.Ingress[i] {
			return false
		}
	}
	return true
}
