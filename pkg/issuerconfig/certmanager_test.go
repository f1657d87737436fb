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

	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
		wantErr: []string{"issuerRef: not a {name, kind, group} object"},
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
	f.Fuzz(func(t *testing.T, key, value string) {
		cfg, err := NewCertManagerConfigFromConfigMap(configMap(map[string]string{key: value}))
		if (cfg == nil) == (err == nil) {
			t.Fatalf("exactly one of config and error must be set: %+v, %v", cfg, err)
		}
		if err != nil {
			return
		}
		// Whatever is accepted must be usable as-is by cert-manager.
		for _, ref := range []cmmeta.IssuerReference{cfg.IssuerRef, cfg.ClusterLocalIssuerRef, cfg.SystemInternalIssuerRef} {
			if err := ValidateIssuerRef(ref); err != nil {
				t.Fatalf("accepted an invalid reference %+v: %v", ref, err)
			}
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
