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
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestDoctor(t *testing.T) {
	tests := []struct {
		name string
		// change breaks one thing in a healthy world.
		change func(*world)
		// wantFailed are substrings of the names of the failing checks.
		wantFailed []string
		wantDetail string
	}{{
		name:   "healthy",
		change: func(*world) {},
	}, {
		name:       "no cert-manager.io/v1",
		change:     func(w *world) { w.resources = nil },
		wantFailed: []string{"cert-manager CRDs"},
		wantDetail: "lacks certificaterequests, certificates, clusterissuers, issuers",
	}, {
		// The controller waits for Orders and Challenges at its CRD gate.
		name:       "no Orders and Challenges",
		change:     func(w *world) { w.acmeResources = nil },
		wantFailed: []string{"cert-manager CRDs"},
		wantDetail: "acme.cert-manager.io/v1 lacks challenges, orders",
	}, {
		name: "config-certmanager invalid",
		change: func(w *world) {
			w.kube[1].(*corev1.ConfigMap).Data["issuerRef"] = "nmae: typo\n"
		},
		// With no parsed config there are no issuers to check.
		wantFailed: []string{"config-certmanager parses"},
		wantDetail: "nmae",
	}, {
		name:       "issuer missing",
		change:     func(w *world) { w.cm = w.cm[1:] },
		wantFailed: []string{"clusterLocalIssuerRef: ClusterIssuer ca-issuer exists", "issuerRef: ClusterIssuer ca-issuer exists", "systemInternalIssuerRef: ClusterIssuer ca-issuer exists"},
		wantDetail: "not found",
	}, {
		name: "ACME issuer for cluster-local and system-internal",
		change: func(w *world) {
			w.cm = w.cm[1:]
			w.issuer("ca2", w.ca2, true)
		},
		wantFailed: []string{"clusterLocalIssuerRef: ClusterIssuer ca-issuer suits", "systemInternalIssuerRef: ClusterIssuer ca-issuer suits"},
		wantDetail: "ACME cannot sign",
	}, {
		name: "controller lease stale",
		change: func(w *world) {
			w.kube[2].(*coordinationv1.Lease).Spec.RenewTime = &metav1.MicroTime{Time: now.Add(-time.Minute)}
		},
		wantFailed: []string{"the controller is ready"},
		wantDetail: "last renewed",
	}, {
		name: "no controller at all",
		change: func(w *world) {
			w.kube = slices.DeleteFunc(w.kube, func(o runtime.Object) bool { _, ok := o.(*coordinationv1.Lease); return ok })
		},
		wantFailed: []string{"the controller is ready"},
		wantDetail: "ko apply",
	}, {
		name:       "no bundle in knative-serving",
		change:     func(w *world) { w.kube = w.kube[:len(w.kube)-1] },
		wantFailed: []string{"trust bundle in knative-serving"},
		wantDetail: "kubectl -n knative-serving create configmap",
	}, {
		name:       "bundle lacks the CA of the current certificates",
		change:     func(w *world) { w.bundle("app", w.ca2) },
		wantFailed: []string{"trust bundle in app holds the CA"},
		wantDetail: `missing "ca1"`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			w.issuer("ca1", w.ca1, false)
			w.kcert(t, "a", w.ca1, false)
			w.bundle("knative-serving", w.ca1)
			tc.change(w)
			if tc.name != "bundle lacks the CA of the current certificates" {
				w.bundle("app", w.ca1)
			}
			r := Doctor(w.load(t), DefaultOptions(), now)

			var failed []string
			var text strings.Builder
			PrintDoctor(&text, r)
			for _, c := range r.Checks {
				if !c.OK {
					failed = append(failed, c.Name)
					if c.Fix == "" {
						t.Errorf("failing check %q has no fix", c.Name)
					}
				}
			}
			if len(failed) != len(tc.wantFailed) {
				t.Fatalf("failed checks = %q, want %q\n%s", failed, tc.wantFailed, text.String())
			}
			for i, want := range tc.wantFailed {
				if !strings.Contains(failed[i], want) {
					t.Errorf("failed[%d] = %q, want %q", i, failed[i], want)
				}
			}
			if r.OK != (len(tc.wantFailed) == 0) {
				t.Errorf("OK = %v", r.OK)
			}
			if !strings.Contains(text.String(), tc.wantDetail) {
				t.Errorf("output lacks %q:\n%s", tc.wantDetail, text.String())
			}
		})
	}
}

func TestDoctorControllerDeployment(t *testing.T) {
	// Covered through ControllerInfo: an available Deployment is enough,
	// an unavailable one fails even with a lease.
	o := DefaultOptions()
	if c := controllerCheck(&Inventory{Controller: ControllerInfo{Deployment: "available"}}, o); !c.OK {
		t.Errorf("available Deployment: %+v", c)
	}
	if c := controllerCheck(&Inventory{Controller: ControllerInfo{Deployment: "unavailable"}}, o); c.OK || !strings.Contains(c.Fix, "describe deployment") {
		t.Errorf("unavailable Deployment: %+v", c)
	}
}
