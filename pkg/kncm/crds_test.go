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
	"errors"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	fakediscovery "k8s.io/client-go/discovery/fake"
	clientgotesting "k8s.io/client-go/testing"

	"knative.dev/net-certmanager/pkg/crdgate"
)

// servedWorld is what discovery serves, by group version; a group version
// that is absent is not served at all.
type servedWorld map[string][]string

func allServed() servedWorld {
	return servedWorld{
		"cert-manager.io/v1":      {"certificates", "certificates/status", "certificaterequests", "issuers", "clusterissuers"},
		"acme.cert-manager.io/v1": {"orders", "orders/status", "challenges", "challenges/status"},
	}
}

func (s servedWorld) discovery() *fakediscovery.FakeDiscovery {
	d := &fakediscovery.FakeDiscovery{Fake: &clientgotesting.Fake{}}
	for gv, names := range s {
		list := &metav1.APIResourceList{GroupVersion: gv}
		for _, n := range names {
			list.APIResources = append(list.APIResources, metav1.APIResource{Name: n})
		}
		d.Resources = append(d.Resources, list)
	}
	return d
}

func (s servedWorld) without(gv, resource string) servedWorld {
	out := servedWorld{}
	for k, names := range s {
		out[k] = slices.DeleteFunc(slices.Clone(names), func(n string) bool { return k == gv && n == resource })
	}
	return out
}

func TestCRDCheck(t *testing.T) {
	tests := []struct {
		name       string
		served     servedWorld
		wantOK     bool
		wantDetail string
		wantFix    string
	}{{
		name:       "everything served",
		served:     allServed(),
		wantOK:     true,
		wantDetail: "cert-manager.io/v1 serves certificaterequests, certificates, clusterissuers, issuers; acme.cert-manager.io/v1 serves challenges, orders",
	}, {
		name:       "acme.cert-manager.io/v1 not served",
		served:     servedWorld{"cert-manager.io/v1": allServed()["cert-manager.io/v1"]},
		wantDetail: `acme.cert-manager.io/v1 is not served: the server could not find the requested resource, GroupVersion "acme.cert-manager.io/v1" not found`,
		wantFix:    "install cert-manager",
	}, {
		name:       "nothing served",
		served:     servedWorld{},
		wantDetail: "cert-manager.io/v1 is not served: ",
		wantFix:    "install cert-manager",
	}, {
		name:       "one resource of each group missing",
		served:     allServed().without("cert-manager.io/v1", "issuers").without("acme.cert-manager.io/v1", "challenges"),
		wantDetail: "cert-manager.io/v1 lacks issuers; acme.cert-manager.io/v1 lacks challenges",
		wantFix:    "reinstall cert-manager's CRDs",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := crdCheck(&Inventory{CertManagerAPIs: loadCertManagerAPIs(tc.served.discovery())})
			if c.OK != tc.wantOK || !strings.Contains(c.Detail, tc.wantDetail) || !strings.Contains(c.Fix, tc.wantFix) {
				t.Errorf("crdCheck() = %+v, want OK %v, detail %q, fix %q", c, tc.wantOK, tc.wantDetail, tc.wantFix)
			}
			if !strings.Contains(c.Name, "cert-manager.io/v1, acme.cert-manager.io/v1") {
				t.Errorf("name %q does not name both group versions", c.Name)
			}
		})
	}
}

// An inventory that never asked discovery proves nothing.
func TestCRDCheckWithoutDiscovery(t *testing.T) {
	if c := crdCheck(&Inventory{}); c.OK || !strings.Contains(c.Detail, "not discovered") {
		t.Errorf("crdCheck(empty inventory) = %+v, want a failure", c)
	}
}

// TestDoctorChecksWhatTheControllerWaitsFor ties the doctor's list to the
// controller's: the doctor's CRD check passes exactly when the controller's
// CRD gate (crdgate.Required, the list its informers follow) finds nothing
// missing, and fails naming each resource the gate waits for.
func TestDoctorChecksWhatTheControllerWaitsFor(t *testing.T) {
	check := func(t *testing.T, served servedWorld) (Check, []string) {
		t.Helper()
		d := served.discovery()
		missing, err := crdgate.Missing(crdgate.Required, crdgate.FromDiscovery(d))
		if err != nil {
			t.Fatal(err)
		}
		return crdCheck(&Inventory{CertManagerAPIs: loadCertManagerAPIs(d)}), missing
	}
	// Everything, and everything but what the controller does not need, pass both.
	for _, served := range []servedWorld{allServed(), allServed().without("cert-manager.io/v1", "certificates/status")} {
		if c, missing := check(t, served); !c.OK || len(missing) > 0 {
			t.Errorf("served %v: doctor %+v, gate missing %v; want both satisfied", served, c, missing)
		}
	}
	for _, gvr := range crdgate.Required {
		gv := gvr.GroupVersion().String()
		c, missing := check(t, allServed().without(gv, gvr.Resource))
		if want := gv + " lacks " + gvr.Resource; c.OK || len(missing) != 1 || !strings.Contains(c.Detail, want) {
			t.Errorf("without %s: doctor %+v, gate missing %v; want both to miss it, the doctor saying %q", gvr, c, missing, want)
		}
	}
}

// A discovery failure is reported, not taken for an answer.
func TestLoadCertManagerAPIsKeepsErrors(t *testing.T) {
	d := allServed().discovery()
	d.PrependReactor("get", "resource", func(clientgotesting.Action) (bool, runtime.Object, error) {
		return true, nil, errors.New("connection refused")
	})
	for _, api := range loadCertManagerAPIs(d) {
		if api.Error != "connection refused" || api.Resources != nil {
			t.Errorf("%+v, want the discovery error", api)
		}
	}
}
