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

package resources

import (
	"errors"
	"strings"
	"testing"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	"knative.dev/pkg/ptr"
)

var issuer = cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "ca"}

func kcert(dnsNames []string, domain string) *v1alpha1.Certificate {
	return &v1alpha1.Certificate{
		ObjectMeta: metav1.ObjectMeta{
			Name: "cert", Namespace: "ns", UID: "uid-1",
			Labels:      map[string]string{"l": "1"},
			Annotations: map[string]string{"a": "2"},
		},
		Spec: v1alpha1.CertificateSpec{DNSNames: dnsNames, Domain: domain, SecretName: "secret"},
	}
}

func TestMakeCertificate(t *testing.T) {
	kc := kcert([]string{"host.ns.example.com", "other.example.com"}, "example.com")
	kc.Annotations[networking.CertificateClassAnnotationKey] = "net-certmanager.certificate.networking.knative.dev"
	got, err := MakeCertificate(kc, issuer)
	if err != nil {
		t.Fatal(err)
	}
	want := &cmv1.Certificate{
		ObjectMeta: metav1.ObjectMeta{
			Name: "cert", Namespace: "ns",
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: "networking.internal.knative.dev/v1alpha1", Kind: "Certificate",
				Name: "cert", UID: "uid-1", Controller: ptr.Bool(true), BlockOwnerDeletion: ptr.Bool(true),
			}},
			Labels:      map[string]string{"l": "1"},
			Annotations: map[string]string{"a": "2"},
		},
		Spec: cmv1.CertificateSpec{
			CommonName: "host.ns.example.com",
			DNSNames:   []string{"host.ns.example.com", "other.example.com"},
			SecretName: "secret",
			IssuerRef:  issuer,
			SecretTemplate: &cmv1.CertificateSecretTemplate{
				Labels: map[string]string{"networking.internal.knative.dev/certificate-uid": "uid-1"},
			},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("MakeCertificate (-want +got):\n%s", diff)
	}

	// The builder copies: changing the KCert afterwards changes nothing built.
	kc.Labels["l"] = "changed"
	kc.Spec.DNSNames[0] = "changed"
	if got.Labels["l"] != "1" || got.Spec.DNSNames[0] != "host.ns.example.com" {
		t.Errorf("MakeCertificate shares memory with the KCert: %v %v", got.Labels, got.Spec.DNSNames)
	}
}

func TestCommonName(t *testing.T) {
	long := strings.Repeat("a", 40) + "." + strings.Repeat("b", 20) + ".example.com" // 73 bytes
	longDomain := strings.Repeat("d", 62) + ".com"
	tests := []struct {
		name        string
		dnsNames    []string
		domain      string
		wantCN      string
		wantNames   []string
		wantTooLong bool
		wantErr     bool
	}{{
		name: "first name fits", dnsNames: []string{"a.example.com", "b.example.com"}, domain: "example.com",
		wantCN: "a.example.com", wantNames: []string{"a.example.com", "b.example.com"},
	}, {
		name: "exactly 63 bytes fits", dnsNames: []string{strings.Repeat("c", 51) + ".example.com"},
		wantCN: strings.Repeat("c", 51) + ".example.com", wantNames: []string{strings.Repeat("c", 51) + ".example.com"},
	}, {
		name: "too long: k.<domain> is prepended", dnsNames: []string{long}, domain: "example.com",
		wantCN: "k.example.com", wantNames: []string{"k.example.com", long},
	}, {
		name: "too long: k.<domain> already listed is not repeated", dnsNames: []string{long, "k.example.com"}, domain: "example.com",
		wantCN: "k.example.com", wantNames: []string{long, "k.example.com"},
	}, {
		name: "too long without a domain", dnsNames: []string{long}, wantTooLong: true,
	}, {
		name: "too long and the domain is the name itself", dnsNames: []string{long}, domain: long, wantTooLong: true,
	}, {
		name: "too long and k.<domain> is too long too", dnsNames: []string{"x." + longDomain}, domain: longDomain, wantTooLong: true,
	}, {
		name: "no DNS names", wantErr: true,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cn, names, err := commonNameFor(v1alpha1.CertificateSpec{DNSNames: tc.dnsNames, Domain: tc.domain})
			var tooLong *CommonNameTooLongError
			if gotTooLong := errors.As(err, &tooLong); gotTooLong != tc.wantTooLong {
				t.Fatalf("error = %v, want CommonNameTooLongError: %v", err, tc.wantTooLong)
			}
			if tc.wantTooLong {
				if !strings.Contains(err.Error(), tc.dnsNames[0]) || !strings.Contains(err.Error(), "bytes long") {
					t.Errorf("message %q does not name the name and its length", err)
				}
				return
			}
			if (err != nil) != tc.wantErr {
				t.Fatalf("error = %v, wantErr %v", err, tc.wantErr)
			}
			if cn != tc.wantCN || !cmp.Equal(names, tc.wantNames) {
				t.Errorf("commonNameFor = %q %v, want %q %v", cn, names, tc.wantCN, tc.wantNames)
			}
		})
	}
}

func TestValidateSpec(t *testing.T) {
	tests := []struct {
		name    string
		kc      *v1alpha1.Certificate
		wantErr string
	}{{
		name: "valid, with a wildcard", kc: kcert([]string{"*.ns.example.com", "kn-routing"}, "example.com"),
	}, {
		name: "no DNS names", kc: kcert(nil, ""), wantErr: "missing field(s): spec.dnsNames",
	}, {
		name: "an empty DNS name", kc: kcert([]string{"a.example.com", ""}, ""), wantErr: "invalid value: : spec.dnsNames[1]",
	}, {
		name: "a DNS name with a space", kc: kcert([]string{"bad name.example.com"}, ""), wantErr: `spec.dnsNames[0] "bad name.example.com"`,
	}, {
		name: "a secret name with upper case", kc: func() *v1alpha1.Certificate {
			kc := kcert([]string{"a.example.com"}, "")
			kc.Spec.SecretName = "Secret"
			return kc
		}(), wantErr: `spec.secretName "Secret"`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateSpec(tc.kc)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateSpec = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("ValidateSpec = %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestSameIssuer(t *testing.T) {
	ext := cmmeta.IssuerReference{Name: "pca", Kind: "PCAIssuer", Group: "awspca.cert-manager.io"}
	tests := []struct {
		name string
		a, b cmmeta.IssuerReference
		want bool
	}{
		{"identical", issuer, issuer, true},
		{"empty kind is Issuer", cmmeta.IssuerReference{Name: "x"}, cmmeta.IssuerReference{Name: "x", Kind: "Issuer"}, true},
		{"empty group is cert-manager.io", issuer, cmmeta.IssuerReference{Name: "ca", Kind: "ClusterIssuer", Group: "cert-manager.io"}, true},
		{"another name", issuer, cmmeta.IssuerReference{Name: "other", Kind: "ClusterIssuer"}, false},
		{"Issuer is not ClusterIssuer", cmmeta.IssuerReference{Name: "ca"}, issuer, false},
		{"an external issuer is not cert-manager's", ext, cmmeta.IssuerReference{Name: "pca", Kind: "PCAIssuer"}, false},
		{"external issuers of two groups", ext, cmmeta.IssuerReference{Name: "pca", Kind: "PCAIssuer", Group: "other.example.com"}, false},
		{"the same external issuer", ext, ext, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := SameIssuer(tc.a, tc.b); got != tc.want {
				t.Errorf("SameIssuer(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
			if got := SameIssuer(tc.b, tc.a); got != tc.want {
				t.Errorf("SameIssuer(%v, %v) = %v, want %v (not symmetric)", tc.b, tc.a, got, tc.want)
			}
		})
	}
}

// ApplyOwned never changes what it was given, and says what it changed.
func TestApplyOwnedChanges(t *testing.T) {
	kc := kcert([]string{"a.example.com"}, "example.com")
	desired, err := MakeCertificate(kc, issuer)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mutate func(*cmv1.Certificate)
		want   Changes
	}{
		{"nothing", func(*cmv1.Certificate) {}, Changes{}},
		{"issuer", func(c *cmv1.Certificate) { c.Spec.IssuerRef.Name = "old" }, Changes{Issuer: true}},
		{"DNS names", func(c *cmv1.Certificate) { c.Spec.DNSNames = []string{"b.example.com"} }, Changes{Spec: true}},
		{"common name", func(c *cmv1.Certificate) { c.Spec.CommonName = "x" }, Changes{Spec: true}},
		{"secret name", func(c *cmv1.Certificate) { c.Spec.SecretName = "x" }, Changes{Spec: true}},
		{"secret template missing", func(c *cmv1.Certificate) { c.Spec.SecretTemplate = nil }, Changes{Spec: true}},
		{"a KCert label missing", func(c *cmv1.Certificate) { c.Labels = nil }, Changes{Metadata: true}},
		{"a foreign annotation", func(c *cmv1.Certificate) { c.Annotations["other"] = "x" }, Changes{}},
		{"issuer and DNS names", func(c *cmv1.Certificate) { c.Spec.IssuerRef.Name = "old"; c.Spec.DNSNames = nil }, Changes{Issuer: true, Spec: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			existing := desired.DeepCopy()
			tc.mutate(existing)
			before := existing.DeepCopy()
			got, changes := ApplyOwned(existing, desired)
			if changes != tc.want {
				t.Errorf("changes = %+v, want %+v", changes, tc.want)
			}
			if !cmp.Equal(existing, before) {
				t.Error("ApplyOwned modified the existing Certificate")
			}
			if _, again := ApplyOwned(got, desired); again.Any() {
				t.Errorf("ApplyOwned's result still differs: %+v", again)
			}
		})
	}
}
