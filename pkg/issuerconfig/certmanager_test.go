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
	"slices"
	"strings"
	"testing"

	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"knative.dev/net-certmanager/pkg/bounded"
)

func configMap(data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: CertManagerConfigName, Namespace: "knative-serving"}, Data: data}
}

func TestNewCertManagerConfigFromConfigMap(t *testing.T) {
	def := DefaultIssuerRef()
	tests := []struct {
		name    string
		cm      *corev1.ConfigMap
		want    *CertManagerConfig
		wantErr []string // every fragment must be in the error
	}{{
		name: "no ConfigMap: every key defaults",
		want: &CertManagerConfig{IssuerRef: def, ClusterLocalIssuerRef: def, SystemInternalIssuerRef: def},
	}, {
		name: "empty data: every key defaults",
		cm:   configMap(nil),
		want: &CertManagerConfig{IssuerRef: def, ClusterLocalIssuerRef: def, SystemInternalIssuerRef: def},
	}, {
		name: "_example is documentation only",
		cm:   configMap(map[string]string{"_example": "anything: [at all"}),
		want: &CertManagerConfig{IssuerRef: def, ClusterLocalIssuerRef: def, SystemInternalIssuerRef: def},
	}, {
		name: "three distinct issuers, as the seed docs configure them",
		cm: configMap(map[string]string{
			"issuerRef":               "kind: ClusterIssuer\nname: letsencrypt\n",
			"clusterLocalIssuerRef":   "kind: Issuer\nname: local-ca\n",
			"systemInternalIssuerRef": "kind: ClusterIssuer\nname: system-ca\ngroup: cert-manager.io\n",
		}),
		want: &CertManagerConfig{
			IssuerRef:               cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "letsencrypt"},
			ClusterLocalIssuerRef:   cmmeta.IssuerReference{Kind: "Issuer", Name: "local-ca"},
			SystemInternalIssuerRef: cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "system-ca", Group: "cert-manager.io"},
		},
	}, {
		name: "one key set: only that key changes, the others keep the default",
		cm:   configMap(map[string]string{"clusterLocalIssuerRef": "kind: ClusterIssuer\nname: local-ca"}),
		want: &CertManagerConfig{IssuerRef: def, ClusterLocalIssuerRef: cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "local-ca"}, SystemInternalIssuerRef: def},
	}, {
		name: "no kind keeps cert-manager's meaning: an Issuer in the certificate's namespace",
		cm:   configMap(map[string]string{"issuerRef": "name: ns-issuer"}),
		want: &CertManagerConfig{IssuerRef: cmmeta.IssuerReference{Name: "ns-issuer"}, ClusterLocalIssuerRef: def, SystemInternalIssuerRef: def},
	}, {
		name: "an external issuer's group allows any kind",
		cm:   configMap(map[string]string{"issuerRef": "kind: AWSPCAClusterIssuer\nname: pca\ngroup: awspca.cert-manager.io"}),
		want: &CertManagerConfig{IssuerRef: cmmeta.IssuerReference{Kind: "AWSPCAClusterIssuer", Name: "pca", Group: "awspca.cert-manager.io"}, ClusterLocalIssuerRef: def, SystemInternalIssuerRef: def},
	}, {
		name:    "unknown top-level key",
		cm:      configMap(map[string]string{"issuerref": "name: x"}),
		wantErr: []string{"issuerref: unknown key", "clusterLocalIssuerRef, issuerRef, systemInternalIssuerRef"},
	}, {
		name:    "unknown field inside a reference (a typo)",
		cm:      configMap(map[string]string{"issuerRef": "kind: ClusterIssuer\nnmae: x"}),
		wantErr: []string{"issuerRef:", `unknown field "nmae"`},
	}, {
		name:    "empty name",
		cm:      configMap(map[string]string{"systemInternalIssuerRef": "kind: ClusterIssuer\nname: \"\""}),
		wantErr: []string{"systemInternalIssuerRef: name must not be empty"},
	}, {
		name:    "empty value",
		cm:      configMap(map[string]string{"issuerRef": ""}),
		wantErr: []string{"issuerRef: name must not be empty"},
	}, {
		name:    "bad kind in cert-manager's group",
		cm:      configMap(map[string]string{"clusterLocalIssuerRef": "kind: Certificate\nname: x"}),
		wantErr: []string{`clusterLocalIssuerRef: kind "Certificate" is not an issuer kind of group cert-manager.io`},
	}, {
		name:    "bad kind with cert-manager's group spelled out",
		cm:      configMap(map[string]string{"issuerRef": "kind: clusterissuer\nname: x\ngroup: cert-manager.io"}),
		wantErr: []string{`issuerRef: kind "clusterissuer"`},
	}, {
		name:    "not an object",
		cm:      configMap(map[string]string{"issuerRef": "- a\n- list"}),
		wantErr: []string{"issuerRef: not a {name, kind, group} object"},
	}, {
		name:    "duplicate field",
		cm:      configMap(map[string]string{"issuerRef": "name: a\nname: b"}),
		wantErr: []string{`issuerRef: field "name" is given twice`},
	}, {
		name:    "duplicate field in another case: json would let the last win",
		cm:      configMap(map[string]string{"issuerRef": "kind: ClusterIssuer\nname: a\nKind: Issuer"}),
		wantErr: []string{`issuerRef: field "kind" is given twice, as "kind" and as "Kind"; field names do not depend on case`},
	}, {
		name:    "duplicate field, both capitalised differently",
		cm:      configMap(map[string]string{"clusterLocalIssuerRef": "NAME: a\nName: a"}),
		wantErr: []string{`clusterLocalIssuerRef: field "name" is given twice, as "NAME" and as "Name"`},
	}, {
		name:    "YAML 1.1 bool: name: on would become \"true\"",
		cm:      configMap(map[string]string{"issuerRef": "name: on"}),
		wantErr: []string{"issuerRef: name: YAML reads this value as the bool true, not a string; quote it if it is meant as text"},
	}, {
		name:    "YAML 1.1 bool in kind",
		cm:      configMap(map[string]string{"issuerRef": "name: x\nkind: yes"}),
		wantErr: []string{"issuerRef: kind: YAML reads this value as the bool true, not a string"},
	}, {
		name:    "number: name: 0x10 would become \"16\"",
		cm:      configMap(map[string]string{"systemInternalIssuerRef": "name: 0x10"}),
		wantErr: []string{"systemInternalIssuerRef: name: YAML reads this value as the number 16, not a string"},
	}, {
		name:    "float group",
		cm:      configMap(map[string]string{"issuerRef": "name: x\ngroup: 1.5"}),
		wantErr: []string{"issuerRef: group: YAML reads this value as the number 1.5, not a string"},
	}, {
		name:    "null kind",
		cm:      configMap(map[string]string{"issuerRef": "name: x\nkind: ~"}),
		wantErr: []string{"issuerRef: kind: YAML reads this value as null, not a string"},
	}, {
		name:    "a capitalised field is checked as well",
		cm:      configMap(map[string]string{"issuerRef": "Name: off"}),
		wantErr: []string{"issuerRef: Name: YAML reads this value as the bool false, not a string"},
	}, {
		name: "quoted, the same words are strings",
		cm:   configMap(map[string]string{"issuerRef": "name: \"on\"\nkind: 'ClusterIssuer'\ngroup: \"cert-manager.io\""}),
		want: &CertManagerConfig{IssuerRef: cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "on", Group: "cert-manager.io"}, ClusterLocalIssuerRef: def, SystemInternalIssuerRef: def},
	}, {
		name:    "name longer than an object name may be",
		cm:      configMap(map[string]string{"issuerRef": "name: " + strings.Repeat("a", 254)}),
		wantErr: []string{"issuerRef: name \"" + strings.Repeat("a", 254) + "\" is not a valid object name: must be no more than 253 characters"},
	}, {
		name: "name of exactly 253 bytes",
		cm:   configMap(map[string]string{"issuerRef": "kind: ClusterIssuer\nname: " + strings.Repeat("a", 253)}),
		want: &CertManagerConfig{IssuerRef: cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: strings.Repeat("a", 253)}, ClusterLocalIssuerRef: def, SystemInternalIssuerRef: def},
	}, {
		name:    "name that is not a DNS subdomain",
		cm:      configMap(map[string]string{"clusterLocalIssuerRef": "name: My_Issuer"}),
		wantErr: []string{`clusterLocalIssuerRef: name "My_Issuer" is not a valid object name: a lowercase RFC 1123 subdomain`},
	}, {
		name:    "kind that is not a kind",
		cm:      configMap(map[string]string{"issuerRef": "name: x\nkind: Cluster.Issuer\ngroup: example.com"}),
		wantErr: []string{`issuerRef: kind "Cluster.Issuer" is not a kind: a letter, then letters, digits or '-', at most 63 characters`},
	}, {
		name:    "kind too long",
		cm:      configMap(map[string]string{"issuerRef": "name: x\ngroup: example.com\nkind: K" + strings.Repeat("k", 63)}),
		wantErr: []string{`is not a kind: a letter, then letters, digits or '-', at most 63 characters`},
	}, {
		name:    "group that is not an API group",
		cm:      configMap(map[string]string{"issuerRef": "name: x\nkind: Foo\ngroup: Example.COM/v1"}),
		wantErr: []string{`issuerRef: group "Example.COM/v1" is not an API group (a DNS subdomain such as example.com)`},
	}, {
		name:    "every field problem of one reference is reported",
		cm:      configMap(map[string]string{"issuerRef": "name: A\nkind: 9\"\ngroup: _"}),
		wantErr: []string{`name "A"`, `kind "9\""`, `group "_"`},
	}, {
		name:    "every problem is reported, not only the first",
		cm:      configMap(map[string]string{"bogus": "x", "issuerRef": "name: \"\""}),
		wantErr: []string{"bogus: unknown key", "issuerRef: name must not be empty"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NewCertManagerConfigFromConfigMap(tc.cm)
			if len(tc.wantErr) > 0 {
				if err == nil {
					t.Fatalf("got %+v, want an error", got)
				}
				for _, frag := range tc.wantErr {
					if !strings.Contains(err.Error(), frag) {
						t.Errorf("error %q does not contain %q", err, frag)
					}
				}
				if !strings.HasPrefix(err.Error(), "invalid config-certmanager: ") {
					t.Errorf("error %q does not name the ConfigMap", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

// A megabyte of input in any place yields a message of bounded size that
// still names the key.
func TestErrorsAreBounded(t *testing.T) {
	huge := strings.Repeat("a", 1_000_000)
	// YAML allows implicit keys of up to 1024 characters.
	longKey := strings.Repeat("k", 1000)
	for name, data := range map[string]map[string]string{
		"name":          {"issuerRef": "name: " + huge},
		"kind":          {"issuerRef": "name: x\ngroup: example.com\nkind: " + huge},
		"group":         {"issuerRef": "name: x\ngroup: " + huge},
		"unknown field": {"issuerRef": longKey + ": x"},
		"unknown key":   {huge: "name: x"},
		"field twice":   {"issuerRef": longKey + ": x\n" + strings.ToUpper(longKey) + ": y"},
		"not a string":  {"issuerRef": "name: [" + huge + "]"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := NewCertManagerConfigFromConfigMap(configMap(data))
			if err == nil {
				t.Fatal("accepted")
			}
			if n := len(err.Error()); n > 2*bounded.MaxMessage {
				t.Errorf("message is %d bytes, want at most %d", n, 2*bounded.MaxMessage)
			}
			if !strings.Contains(err.Error(), "more bytes") && name != "not a string" {
				t.Errorf("message does not say it was cut: %.300s", err)
			}
		})
	}
}

// The archived net-certmanager aliased all three refs to one default
// pointer, so setting one changed all three.
func TestReferencesAreIndependent(t *testing.T) {
	cfg, err := NewCertManagerConfigFromConfigMap(configMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	cfg.IssuerRef.Name = "changed"
	if cfg.ClusterLocalIssuerRef.Name != DefaultIssuerName || cfg.SystemInternalIssuerRef.Name != DefaultIssuerName {
		t.Errorf("changing IssuerRef changed the others: %+v", cfg)
	}
	if DefaultIssuerRef().Name != DefaultIssuerName {
		t.Error("changing a parsed config changed the default")
	}
	cp := cfg.DeepCopy()
	cp.SystemInternalIssuerRef.Name = "copy"
	if cfg.SystemInternalIssuerRef.Name == "copy" {
		t.Error("DeepCopy shares memory")
	}
}

func TestIssuerFor(t *testing.T) {
	cfg := &CertManagerConfig{
		IssuerRef:               cmmeta.IssuerReference{Name: "external"},
		ClusterLocalIssuerRef:   cmmeta.IssuerReference{Name: "local"},
		SystemInternalIssuerRef: cmmeta.IssuerReference{Name: "internal"},
	}
	tests := []struct {
		certType string
		want     string
		wantKey  string
		wantErr  bool
	}{
		{certType: "", want: "external", wantKey: IssuerRefKey},
		{certType: "external-domain", want: "external", wantKey: IssuerRefKey},
		{certType: "cluster-local-domain", want: "local", wantKey: ClusterLocalIssuerRefKey},
		{certType: "system-internal", want: "internal", wantKey: SystemInternalIssuerRefKey},
		{certType: "External-Domain", wantErr: true},
		{certType: "mystery", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.certType, func(t *testing.T) {
			ref, key, err := cfg.IssuerFor(tc.certType)
			var unknown *UnknownCertificateTypeError
			if tc.wantErr {
				if !errors.As(err, &unknown) || !strings.Contains(err.Error(), tc.certType) {
					t.Fatalf("IssuerFor(%q) error = %v, want UnknownCertificateTypeError naming it", tc.certType, err)
				}
				return
			}
			if err != nil || ref.Name != tc.want || key != tc.wantKey {
				t.Errorf("IssuerFor(%q) = %v, %q, %v; want %s from %s", tc.certType, ref, key, err, tc.want, tc.wantKey)
			}
		})
	}
}

func FuzzNewConfigFromConfigMap(f *testing.F) {
	f.Add("issuerRef", "kind: ClusterIssuer\nname: x")
	f.Add("clusterLocalIssuerRef", "name: y\ngroup: example.com\nkind: Foo")
	f.Add("systemInternalIssuerRef", "{")
	f.Add("_example", "")
	f.Add("issuerRef", "name: [1, 2]")
	f.Add("bogus", "\x00\xff")
	f.Add("issuerRef", "name: on\nKind: Issuer\nkind: ClusterIssuer")
	f.Add("issuerRef", "name: 0x10\ngroup: 1e3")
	f.Add("issuerRef", "{name: &a x, kind: *a, group: !!str 1}")
	f.Add("issuerRef", "name: \"on\"\nkind: 'Issuer'")
	f.Fuzz(func(t *testing.T, key, value string) {
		cfg, err := NewCertManagerConfigFromConfigMap(configMap(map[string]string{key: value}))
		if (cfg == nil) == (err == nil) {
			t.Fatalf("exactly one of config and error must be set: %+v, %v", cfg, err)
		}
		if err != nil {
			// One key's problems, each quoting at most a bounded value.
			if n := len(err.Error()); n > 2*bounded.MaxMessage {
				t.Fatalf("error of %d bytes for %d bytes of input", n, len(key)+len(value))
			}
			return
		}
		// Whatever is accepted must be usable as-is by cert-manager.
		for _, ref := range []cmmeta.IssuerReference{cfg.IssuerRef, cfg.ClusterLocalIssuerRef, cfg.SystemInternalIssuerRef} {
			if err := ValidateIssuerRef(ref); err != nil {
				t.Fatalf("accepted an invalid reference %+v: %v", ref, err)
			}
		}
		// Nothing is made up: without escapes (a backslash), every accepted
		// field is written in the input as it is, not coerced from another
		// YAML type (`name: on` read as "true").
		ref, _, _ := cfg.IssuerFor(map[string]string{
			IssuerRefKey: "external-domain", ClusterLocalIssuerRefKey: "cluster-local-domain", SystemInternalIssuerRefKey: "system-internal",
		}[key])
		if !slices.Contains(knownKeys, key) || strings.Contains(value, "\\") {
			return
		}
		for field, v := range map[string]string{"name": ref.Name, "kind": ref.Kind, "group": ref.Group} {
			if !strings.Contains(value, v) {
				t.Fatalf("accepted %s %q, which the input %q does not contain", field, v, value)
			}
		}
	})
}

// FuzzValidateIssuerRef: any field of any size gets a bounded answer, and
// an accepted name is an object name.
func FuzzValidateIssuerRef(f *testing.F) {
	f.Add("x", "ClusterIssuer", "")
	f.Add("a.b", "Foo", "example.com")
	f.Add(strings.Repeat("a", 300), "K-1", "-")
	f.Fuzz(func(t *testing.T, name, kind, group string) {
		err := ValidateIssuerRef(cmmeta.IssuerReference{Name: name, Kind: kind, Group: group})
		if err != nil {
			if n := len(err.Error()); n > 2*bounded.MaxMessage {
				t.Fatalf("error of %d bytes", n)
			}
			return
		}
		if len(name) > 253 || len(kind) > 63 || len(group) > 253 {
			t.Fatalf("accepted a field longer than allowed: %d, %d, %d bytes", len(name), len(kind), len(group))
		}
	})
}

func BenchmarkNewCertManagerConfigFromConfigMap(b *testing.B) {
	cm := configMap(map[string]string{
		"issuerRef":               "kind: ClusterIssuer\nname: letsencrypt\n",
		"clusterLocalIssuerRef":   "kind: ClusterIssuer\nname: local-ca\n",
		"systemInternalIssuerRef": "kind: ClusterIssuer\nname: system-ca\ngroup: cert-manager.io\n",
		"_example":                "################################\n# documentation only\n",
	})
	b.ReportAllocs()
	for range b.N {
		if _, err := NewCertManagerConfigFromConfigMap(cm); err != nil {
			b.Fatal(err)
		}
	}
}
