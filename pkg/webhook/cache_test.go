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

package webhook

import (
	"errors"
	"strings"
	"testing"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmlisters "github.com/cert-manager/cert-manager/pkg/client/listers/certmanager/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/cache"

	"knative.dev/net-certmanager/pkg/crdgate"
)

var (
	servedNone crdgate.ServedLister = func(gv string) ([]string, error) {
		return nil, apierrs.NewNotFound(schema.GroupResource{}, gv)
	}
	servedIssuers crdgate.ServedLister = func(string) ([]string, error) {
		return []string{"issuers", "clusterissuers"}, nil
	}
	servedUnknown crdgate.ServedLister = func(string) ([]string, error) {
		return nil, errors.New("connection refused")
	}
)

// acmeListers is a ListerLookup holding one ACME ClusterIssuer, "acme".
func acmeListers(t *testing.T) *ListerLookup {
	t.Helper()
	ci := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	if err := ci.Add(&cmv1.ClusterIssuer{ObjectMeta: metav1.ObjectMeta{Name: "acme"}, Spec: *acme}); err != nil {
		t.Fatal(err)
	}
	is := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	return &ListerLookup{ClusterIssuerLister: cmlisters.NewClusterIssuerLister(ci), IssuerLister: cmlisters.NewIssuerLister(is)}
}

func TestIssuerCache(t *testing.T) {
	synced := func() bool { return true }
	notSynced := func() bool { return false }
	tests := []struct {
		name    string
		served  crdgate.ServedLister
		use     func() bool // nil: Use not called
		wantErr error
		wantMsg string
	}{
		{name: "no CRDs: no issuer exists", served: servedNone, wantErr: ErrNoIssuerCRDs},
		{name: "CRDs served, informers not started yet", served: servedIssuers, wantErr: ErrNotSynced},
		{name: "discovery fails: cannot tell", served: servedUnknown, wantErr: ErrNotSynced, wantMsg: "connection refused"},
		{name: "informers started, not synced", served: servedNone, use: notSynced, wantErr: ErrNotSynced},
		{name: "synced: the listers answer", served: servedNone, use: synced},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &IssuerCache{Served: tc.served}
			if tc.use != nil {
				c.Use(acmeListers(t), tc.use)
			}
			spec, err := c.ClusterIssuer("acme")
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("ClusterIssuer() error = %v, want %v", err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error %q does not contain %q", err, tc.wantMsg)
			}
			if _, ierr := c.Issuers("acme"); !errors.Is(ierr, tc.wantErr) || (tc.wantErr == nil) != (ierr == nil) {
				t.Errorf("Issuers() error = %v, want %v", ierr, tc.wantErr)
			}
			if tc.wantErr == nil && (spec == nil || spec.ACME == nil) {
				t.Errorf("ClusterIssuer() = %v, want the ACME spec", spec)
			}
		})
	}
}

// The webhook never fails open: while its informers have not synced, an
// empty cache must not pass an ACME ClusterIssuer as "not found".
func TestValidatorWaitsForSync(t *testing.T) {
	empty := &ListerLookup{
		ClusterIssuerLister: cmlisters.NewClusterIssuerLister(cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})),
		IssuerLister:        cmlisters.NewIssuerLister(cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})),
	}
	c := &IssuerCache{Served: servedIssuers}
	c.Use(empty, func() bool { return false })
	validate := NewConfigValidator("knative-serving", c)
	acmeForLocal := cm("knative-serving", map[string]string{"clusterLocalIssuerRef": "kind: ClusterIssuer\nname: acme"})
	_, err := validate(acmeForLocal)
	if got, want := errString(err), "config-certmanager: issuers not checked: the webhook is still loading cert-manager's issuers; try again in a few seconds"; got != want {
		t.Errorf("before sync: validate() = %q, want %q", got, want)
	}
	// Schema problems are still reported first, and in full.
	if _, err := validate(cm("knative-serving", map[string]string{"bogus": "x"})); !strings.Contains(errString(err), "bogus: unknown key") {
		t.Errorf("before sync, an unknown key: %v", err)
	}

	c.Use(acmeListers(t), func() bool { return true })
	if _, err := validate(acmeForLocal); !strings.Contains(errString(err), `ClusterIssuer "acme" is an ACME issuer`) {
		t.Errorf("after sync: validate() = %v, want the ACME refusal", err)
	}
}

// Without cert-manager the webhook validates what it can: the schema.
func TestValidatorWithoutCertManager(t *testing.T) {
	c := &IssuerCache{Served: servedNone}
	cfg, warnings, err := ValidateConfig("knative-serving", c, cm("knative-serving", map[string]string{"clusterLocalIssuerRef": "kind: ClusterIssuer\nname: acme"}))
	if err != nil || cfg == nil {
		t.Fatalf("ValidateConfig() = %v, %v; want the config", cfg, err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "CRDs are not installed") {
		t.Errorf("warnings = %q, want one saying the CRDs are not installed", warnings)
	}
	if _, _, err := ValidateConfig("knative-serving", c, cm("knative-serving", map[string]string{"issuerRef": "name: on"})); err == nil {
		t.Error("a schema error passed without cert-manager")
	}
}
