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
	"errors"
	"strings"
	"testing"

	cmacme "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
)

func TestCheckIssuerSuits(t *testing.T) {
	acme := &cmv1.IssuerSpec{IssuerConfig: cmv1.IssuerConfig{ACME: &cmacme.ACMEIssuer{Server: "https://acme.example/dir"}}}
	ca := &cmv1.IssuerSpec{IssuerConfig: cmv1.IssuerConfig{CA: &cmv1.CAIssuer{SecretName: "ca"}}}
	ref := cmmeta.IssuerReference{Name: "letsencrypt", Kind: cmv1.ClusterIssuerKind}

	tests := []struct {
		name    string
		key     string
		spec    *cmv1.IssuerSpec
		wantErr string
	}{
		{name: "missing issuer may be created later", key: ClusterLocalIssuerRefKey},
		{name: "ACME for external domains", key: IssuerRefKey, spec: acme},
		{name: "CA for cluster-local", key: ClusterLocalIssuerRefKey, spec: ca},
		{name: "CA for system-internal", key: SystemInternalIssuerRefKey, spec: ca},
		{name: "ACME for cluster-local", key: ClusterLocalIssuerRefKey, spec: acme,
			wantErr: `clusterLocalIssuerRef: ClusterIssuer "letsencrypt" is an ACME issuer; ACME cannot sign cluster-local names such as *.svc.cluster.local`},
		{name: "ACME for system-internal", key: SystemInternalIssuerRefKey, spec: acme,
			wantErr: `systemInternalIssuerRef: ClusterIssuer "letsencrypt" is an ACME issuer; ACME cannot sign the system-internal SANs`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckIssuerSuits(tc.key, ref, tc.spec)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckIssuerSuits() = %v, want nil", err)
				}
				return
			}
			var unsuitable *UnsuitableIssuerError
			if !errors.As(err, &unsuitable) || unsuitable.Key != tc.key {
				t.Fatalf("CheckIssuerSuits() = %v, want an *UnsuitableIssuerError for %s", err, tc.key)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("message = %q, want it to contain %q", err.Error(), tc.wantErr)
			}
		})
	}
}

func TestUnsuitableIssuerErrorDefaultsKindToIssuer(t *testing.T) {
	err := &UnsuitableIssuerError{Key: IssuerRefKey, Ref: cmmeta.IssuerReference{Name: "x"}, Reason: "r"}
	if got, want := err.Error(), `issuerRef: Issuer "x" is an ACME issuer; r`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestRefsFollowKnownKeys(t *testing.T) {
	cfg := &CertManagerConfig{
		IssuerRef:               cmmeta.IssuerReference{Name: "external"},
		ClusterLocalIssuerRef:   cmmeta.IssuerReference{Name: "local"},
		SystemInternalIssuerRef: cmmeta.IssuerReference{Name: "internal"},
	}
	refs := cfg.Refs()
	if len(refs) != len(knownKeys) {
		t.Fatalf("Refs() has %d entries, want %d", len(refs), len(knownKeys))
	}
	for i, kr := range refs {
		if kr.Key != knownKeys[i] {
			t.Errorf("Refs()[%d].Key = %s, want %s", i, kr.Key, knownKeys[i])
		}
		want, _, _ := cfg.IssuerFor(map[string]string{
			IssuerRefKey: "external-domain", ClusterLocalIssuerRefKey: "cluster-local-domain", SystemInternalIssuerRefKey: "system-internal",
		}[kr.Key])
		if kr.Ref != want {
			t.Errorf("Refs()[%d].Ref = %v, want %v (what IssuerFor selects)", i, kr.Ref, want)
		}
	}
}
