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

package issuerconfig

import (
	"testing"

	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
)

func TestIssuerReference(t *testing.T) {
	tests := []struct {
		name         string
		ref          cmmeta.IssuerReference
		wantExternal bool
		wantKind     string
		wantCluster  bool
		wantString   string
	}{{
		name:     "no kind is cert-manager's namespaced Issuer",
		ref:      cmmeta.IssuerReference{Name: "ns-ca"},
		wantKind: "Issuer", wantString: "Issuer/ns-ca",
	}, {
		name:     "Issuer",
		ref:      cmmeta.IssuerReference{Name: "ns-ca", Kind: "Issuer"},
		wantKind: "Issuer", wantString: "Issuer/ns-ca",
	}, {
		name:     "ClusterIssuer",
		ref:      cmmeta.IssuerReference{Name: "ca", Kind: "ClusterIssuer"},
		wantKind: "ClusterIssuer", wantCluster: true, wantString: "ClusterIssuer/ca",
	}, {
		name:     "cert-manager's group spelled out is not external",
		ref:      cmmeta.IssuerReference{Name: "ca", Kind: "ClusterIssuer", Group: "cert-manager.io"},
		wantKind: "ClusterIssuer", wantCluster: true, wantString: "ClusterIssuer/ca",
	}, {
		name:         "another group is external, its kind qualified by the group",
		ref:          cmmeta.IssuerReference{Name: "pca", Kind: "AWSPCAClusterIssuer", Group: "awspca.cert-manager.io"},
		wantExternal: true, wantKind: "AWSPCAClusterIssuer", wantString: "AWSPCAClusterIssuer.awspca.cert-manager.io/pca",
	}, {
		name:         "an external ClusterIssuer kind is not cert-manager's ClusterIssuer",
		ref:          cmmeta.IssuerReference{Name: "x", Kind: "ClusterIssuer", Group: "example.com"},
		wantExternal: true, wantKind: "ClusterIssuer", wantString: "ClusterIssuer.example.com/x",
	}, {
		name:         "an external reference without kind keeps the default kind",
		ref:          cmmeta.IssuerReference{Name: "x", Group: "example.com"},
		wantExternal: true, wantKind: "Issuer", wantString: "Issuer.example.com/x",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsExternal(tc.ref); got != tc.wantExternal {
				t.Errorf("IsExternal() = %v, want %v", got, tc.wantExternal)
			}
			if got := Kind(tc.ref); got != tc.wantKind {
				t.Errorf("Kind() = %q, want %q", got, tc.wantKind)
			}
			if got := IsClusterIssuer(tc.ref); got != tc.wantCluster {
				t.Errorf("IsClusterIssuer() = %v, want %v", got, tc.wantCluster)
			}
			if got := String(tc.ref); got != tc.wantString {
				t.Errorf("String() = %q, want %q", got, tc.wantString)
			}
		})
	}
}

func TestSelects(t *testing.T) {
	tests := []struct {
		name                       string
		ref                        cmmeta.IssuerReference
		certNS, issuerNS, issuerNm string
		want                       bool
	}{
		{"a ClusterIssuer by name", cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "ca"}, "a", "", "ca", true},
		{"another ClusterIssuer", cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "ca"}, "a", "", "other", false},
		{"an Issuer of the ClusterIssuer's name", cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "ca"}, "a", "a", "ca", false},
		{"a kind-less reference is an Issuer in the certificate's namespace", cmmeta.IssuerReference{Name: "ca"}, "a", "a", "ca", true},
		{"an Issuer in another namespace", cmmeta.IssuerReference{Kind: "Issuer", Name: "ca"}, "a", "b", "ca", false},
		{"a ClusterIssuer of the Issuer's name", cmmeta.IssuerReference{Kind: "Issuer", Name: "ca"}, "a", "", "ca", false},
		{"an external issuer is never cert-manager's", cmmeta.IssuerReference{Group: "example.com", Kind: "ClusterIssuer", Name: "ca"}, "a", "", "ca", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Selects(tc.ref, tc.certNS, tc.issuerNS, tc.issuerNm); got != tc.want {
				t.Errorf("Selects = %t, want %t", got, tc.want)
			}
		})
	}
}
