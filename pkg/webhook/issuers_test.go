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
	"slices"
	"testing"

	cmacme "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	cmlisters "github.com/cert-manager/cert-manager/pkg/client/listers/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"

	"knative.dev/net-certmanager/pkg/issuerconfig"
)

var (
	acme = &cmv1.IssuerSpec{IssuerConfig: cmv1.IssuerConfig{ACME: &cmacme.ACMEIssuer{}}}
	ca   = &cmv1.IssuerSpec{IssuerConfig: cmv1.IssuerConfig{CA: &cmv1.CAIssuer{SecretName: "ca"}}}
)

// fakeLookup serves fixed issuers; err, if set, fails every lookup.
type fakeLookup struct {
	cluster map[string]*cmv1.IssuerSpec
	issuers map[string][]NamespacedIssuer
	err     error
}

func (f *fakeLookup) ClusterIssuer(name string) (*cmv1.IssuerSpec, error) {
	return f.cluster[name], f.err
}

func (f *fakeLookup) Issuers(name string) ([]NamespacedIssuer, error) {
	return f.issuers[name], f.err
}

func refs(issuer, clusterLocal, systemInternal cmmeta.IssuerReference) *issuerconfig.CertManagerConfig {
	return &issuerconfig.CertManagerConfig{IssuerRef: issuer, ClusterLocalIssuerRef: clusterLocal, SystemInternalIssuerRef: systemInternal}
}

func TestCheckIssuers(t *testing.T) {
	ci := func(name string) cmmeta.IssuerReference {
		return cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: name}
	}
	lookup := &fakeLookup{
		cluster: map[string]*cmv1.IssuerSpec{"acme": acme, "ca": ca},
		issuers: map[string][]NamespacedIssuer{
			"ns-acme": {{Namespace: "b", Spec: acme}, {Namespace: "c", Spec: ca}, {Namespace: "a", Spec: acme}},
			"ns-ca":   {{Namespace: "a", Spec: ca}},
		},
	}
	many := &fakeLookup{issuers: map[string][]NamespacedIssuer{"x": nil}}
	for _, ns := range []string{"n05", "n11", "n03", "n08", "n01", "n10", "n02", "n12", "n04", "n09", "n07", "n06"} {
		many.issuers["x"] = append(many.issuers["x"], NamespacedIssuer{Namespace: ns, Spec: acme})
	}
	tests := []struct {
		name         string
		cfg          *issuerconfig.CertManagerConfig
		lookup       IssuerLookup
		want         string
		wantWarnings []string
	}{{
		name: "CA everywhere",
		cfg:  refs(ci("ca"), ci("ca"), ci("ca")),
	}, {
		name: "ACME for external domains is what it is for",
		cfg:  refs(ci("acme"), ci("ca"), ci("ca")),
	}, {
		name: "missing issuers may be created later",
		cfg:  refs(ci("nope"), ci("nope"), cmmeta.IssuerReference{Name: "nope"}),
	}, {
		name: "ACME ClusterIssuer for cluster-local",
		cfg:  refs(ci("ca"), ci("acme"), ci("ca")),
		want: `invalid config-certmanager: clusterLocalIssuerRef: ClusterIssuer "acme" is an ACME issuer; ACME cannot sign cluster-local names such as *.svc.cluster.local; use a CA or self-signed issuer`,
	}, {
		name: "ACME ClusterIssuer for system-internal",
		cfg:  refs(ci("ca"), ci("ca"), ci("acme")),
		want: `invalid config-certmanager: systemInternalIssuerRef: ClusterIssuer "acme" is an ACME issuer; ACME cannot sign the system-internal SANs (kn-routing, kn-user-<namespace>, data-plane.knative.dev); use a CA or self-signed issuer`,
	}, {
		name: "both reported, in key order",
		cfg:  refs(ci("acme"), ci("acme"), ci("acme")),
		want: "invalid config-certmanager: clusterLocalIssuerRef: ClusterIssuer \"acme\" is an ACME issuer; ACME cannot sign cluster-local names such as *.svc.cluster.local; use a CA or self-signed issuer\n" +
			"systemInternalIssuerRef: ClusterIssuer \"acme\" is an ACME issuer; ACME cannot sign the system-internal SANs (kn-routing, kn-user-<namespace>, data-plane.knative.dev); use a CA or self-signed issuer",
	}, {
		// A tenant's Issuer must not veto the operator's change.
		name:         "kind-less ref: an ACME Issuer of that name in any namespace is a warning, namespaces sorted",
		cfg:          refs(ci("ca"), cmmeta.IssuerReference{Name: "ns-acme"}, ci("ca")),
		wantWarnings: []string{`clusterLocalIssuerRef: Issuer "ns-acme" is an ACME issuer; ACME cannot sign cluster-local names such as *.svc.cluster.local; use a CA or self-signed issuer; the KCerts it selects in namespace a, b will fail`},
	}, {
		name: "Issuer kind: a warning for each key, beside a ClusterIssuer's error",
		cfg:  refs(ci("ca"), cmmeta.IssuerReference{Kind: "Issuer", Name: "ns-acme"}, ci("acme")),
		want: `invalid config-certmanager: systemInternalIssuerRef: ClusterIssuer "acme" is an ACME issuer; ACME cannot sign the system-internal SANs (kn-routing, kn-user-<namespace>, data-plane.knative.dev); use a CA or self-signed issuer`,
	}, {
		name:   "the namespaces named are bounded",
		cfg:    refs(ci("x"), cmmeta.IssuerReference{Name: "x"}, cmmeta.IssuerReference{Name: "x"}),
		lookup: many,
		wantWarnings: []string{
			`clusterLocalIssuerRef: Issuer "x" is an ACME issuer; ACME cannot sign cluster-local names such as *.svc.cluster.local; use a CA or self-signed issuer; the KCerts it selects in namespace n01, n02, n03, n04, n05, n06, n07, n08, n09, n10 and 2 more will fail`,
			`systemInternalIssuerRef: Issuer "x" is an ACME issuer; ACME cannot sign the system-internal SANs (kn-routing, kn-user-<namespace>, data-plane.knative.dev); use a CA or self-signed issuer; the KCerts it selects in namespace n01, n02, n03, n04, n05, n06, n07, n08, n09, n10 and 2 more will fail`,
		},
	}, {
		name:   "issuers not synced yet: refused, try again",
		cfg:    refs(ci("ca"), ci("acme"), ci("ca")),
		lookup: &fakeLookup{err: ErrNotSynced},
		want:   "config-certmanager: issuers not checked: the webhook is still loading cert-manager's issuers; try again in a few seconds",
	}, {
		name:         "no issuer CRDs: no issuer exists, which a warning says",
		cfg:          refs(ci("ca"), ci("acme"), cmmeta.IssuerReference{Name: "x"}),
		lookup:       &fakeLookup{err: ErrNoIssuerCRDs},
		wantWarnings: []string{"config-certmanager: issuers not checked: cert-manager's Issuer and ClusterIssuer CRDs are not installed, so no issuer exists yet"},
	}, {
		name: "Issuer kind with CA Issuers only",
		cfg:  refs(ci("ca"), cmmeta.IssuerReference{Kind: "Issuer", Name: "ns-ca"}, cmmeta.IssuerReference{Kind: "Issuer", Name: "ns-ca", Group: "cert-manager.io"}),
	}, {
		name: "external issuer of the same name is not looked up",
		cfg:  refs(ci("ca"), cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "acme", Group: "example.com"}, ci("ca")),
	}, {
		name:   "lookup failure rejects, naming the key",
		cfg:    refs(ci("ca"), ci("ca"), ci("ca")),
		lookup: &fakeLookup{err: errors.New("boom")},
		want: "invalid config-certmanager: clusterLocalIssuerRef: looking up ClusterIssuer \"ca\": boom\n" +
			"issuerRef: looking up ClusterIssuer \"ca\": boom\n" +
			"systemInternalIssuerRef: looking up ClusterIssuer \"ca\": boom",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := tc.lookup
			if l == nil {
				l = lookup
			}
			warnings, err := CheckIssuers(tc.cfg, l)
			if got := errString(err); got != tc.want {
				t.Errorf("CheckIssuers() =\n%s\nwant\n%s", got, tc.want)
			}
			if !slices.Equal(warnings, tc.wantWarnings) {
				t.Errorf("warnings =\n%q\nwant\n%q", warnings, tc.wantWarnings)
			}
			if tc.want != "" && !errors.Is(err, ErrNotSynced) {
				var ue *issuerconfig.UnsuitableIssuerError
				if errors.As(err, &ue) == (tc.lookup != nil) {
					t.Errorf("errors.As(UnsuitableIssuerError) = %v for %v", !(tc.lookup != nil), err)
				}
			}
		})
	}
}

func TestNewConfigValidator(t *testing.T) {
	lookup := &fakeLookup{cluster: map[string]*cmv1.IssuerSpec{"acme": acme}}
	validate := NewConfigValidator("knative-serving", lookup)
	tests := []struct {
		name string
		cm   *corev1.ConfigMap
		want string
	}{{
		name: "empty: the defaults",
		cm:   cm("knative-serving", nil),
	}, {
		name: "parser error comes first",
		cm:   cm("knative-serving", map[string]string{"issuerref": "name: x"}),
		want: "invalid config-certmanager: issuerref: unknown key; the known keys are clusterLocalIssuerRef, issuerRef, systemInternalIssuerRef",
	}, {
		name: "ACME for clusterLocalIssuerRef",
		cm:   cm("knative-serving", map[string]string{"clusterLocalIssuerRef": "kind: ClusterIssuer\nname: acme"}),
		want: `invalid config-certmanager: clusterLocalIssuerRef: ClusterIssuer "acme" is an ACME issuer; ACME cannot sign cluster-local names such as *.svc.cluster.local; use a CA or self-signed issuer`,
	}, {
		name: "another namespace is not ours",
		cm:   cm("other", map[string]string{"bogus": "x"}),
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := validate(tc.cm)
			if got := errString(err); got != tc.want {
				t.Errorf("validate() = %q, want %q", got, tc.want)
			}
			if err != nil && cfg != nil {
				t.Errorf("validate() returned a config with an error: %+v", cfg)
			}
		})
	}
}

func TestListerLookup(t *testing.T) {
	ciIdx := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	isIdx := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(ciIdx.Add(&cmv1.ClusterIssuer{ObjectMeta: metav1.ObjectMeta{Name: "acme"}, Spec: *acme}))
	must(isIdx.Add(&cmv1.Issuer{ObjectMeta: metav1.ObjectMeta{Namespace: "z", Name: "x"}, Spec: *acme}))
	must(isIdx.Add(&cmv1.Issuer{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "x"}, Spec: *ca}))
	must(isIdx.Add(&cmv1.Issuer{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "y"}, Spec: *ca}))
	l := &ListerLookup{ClusterIssuerLister: cmlisters.NewClusterIssuerLister(ciIdx), IssuerLister: cmlisters.NewIssuerLister(isIdx)}

	if spec, err := l.ClusterIssuer("acme"); err != nil || spec == nil || spec.ACME == nil {
		t.Errorf("ClusterIssuer(acme) = %v, %v; want the ACME spec", spec, err)
	}
	if spec, err := l.ClusterIssuer("missing"); err != nil || spec != nil {
		t.Errorf("ClusterIssuer(missing) = %v, %v; want nil, nil", spec, err)
	}
	got, err := l.Issuers("x")
	if err != nil || len(got) != 2 || got[0].Namespace != "a" || got[0].Spec.CA == nil || got[1].Namespace != "z" || got[1].Spec.ACME == nil {
		t.Errorf("Issuers(x) = %+v, %v; want a (CA) then z (ACME)", got, err)
	}
	if got, err := l.Issuers("missing"); err != nil || len(got) != 0 {
		t.Errorf("Issuers(missing) = %+v, %v; want none", got, err)
	}
}

func cm(ns string, data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: issuerconfig.CertManagerConfigName}, Data: data}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
