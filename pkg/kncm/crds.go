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

package kncm

import (
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"

	"knative.dev/net-certmanager/pkg/certmanagerapi"
)

// ServedAPI is one cert-manager group version as discovery served it.
type ServedAPI struct {
	GroupVersion string
	// Resources are the resources it serves, sorted, without subresources.
	Resources []string
	// Error is why its resources could not be listed: most often that the
	// group version is not served at all.
	Error string
}

// loadCertManagerAPIs asks discovery about each group version of the
// resources the controller watches (certmanagerapi.Watched).
func loadCertManagerAPIs(d discovery.DiscoveryInterface) []ServedAPI {
	var out []ServedAPI
	for _, gv := range certmanagerapi.GroupVersions() {
		api := ServedAPI{GroupVersion: gv.String()}
		list, err := d.ServerResourcesForGroupVersion(gv.String())
		if err != nil {
			api.Error = err.Error()
		} else {
			for _, r := range list.APIResources {
				if !strings.Contains(r.Name, "/") {
					api.Resources = append(api.Resources, r.Name)
				}
			}
			sort.Strings(api.Resources)
		}
		out = append(out, api)
	}
	return out
}

// crdCheck checks that cert-manager serves every resource the controller
// waits for at its CRD gate: the same list, across both API groups.
func crdCheck(inv *Inventory) Check {
	gvs := certmanagerapi.GroupVersions()
	names := make([]string, 0, len(gvs))
	for _, gv := range gvs {
		names = append(names, gv.String())
	}
	c := Check{Name: "cert-manager CRDs (" + strings.Join(names, ", ") + ", cert-manager ≥ 1.0)"}

	var served, problems []string
	notServed := false
	for _, gv := range gvs {
		want := watchedResourcesOf(gv)
		api := servedAPI(inv, gv)
		if api.Error != "" {
			notServed = true
			problems = append(problems, api.GroupVersion+" is not served: "+api.Error)
			continue
		}
		var missing []string
		for _, r := range want {
			if !slices.Contains(api.Resources, r) {
				missing = append(missing, r)
			}
		}
		if len(missing) > 0 {
			problems = append(problems, api.GroupVersion+" lacks "+strings.Join(missing, ", "))
			continue
		}
		served = append(served, api.GroupVersion+" serves "+strings.Join(want, ", "))
	}
	switch {
	case notServed:
		c.Detail = strings.Join(problems, "; ")
		c.Fix = "install cert-manager ≥ 1.0, e.g. kubectl apply -f https://github.com/cert-manager/cert-manager/releases/download/v1.20.3/cert-manager.yaml"
	case len(problems) > 0:
		c.Detail = strings.Join(problems, "; ")
		c.Fix = "reinstall cert-manager's CRDs (≥ 1.0)"
	default:
		c.OK = true
		c.Detail = strings.Join(served, "; ")
	}
	return c
}

// servedAPI is what the inventory found of a group version; one it did not
// ask about counts as not served.
func servedAPI(inv *Inventory, gv schema.GroupVersion) ServedAPI {
	for _, api := range inv.CertManagerAPIs {
		if api.GroupVersion == gv.String() {
			return api
		}
	}
	return ServedAPI{GroupVersion: gv.String(), Error: "not discovered"}
}

// watchedResourcesOf returns the watched resources of one group version, sorted.
func watchedResourcesOf(gv schema.GroupVersion) []string {
	var out []string
	for _, gvr := range certmanagerapi.Watched {
		if gvr.GroupVersion() == gv {
			out = append(out, gvr.Resource)
		}
	}
	sort.Strings(out)
	return out
}
