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

// Package resources holds the pure functions of the certificate reconciler:
// building the cert-manager Certificate, mapping its status back, and
// finding the HTTP-01 challenges that Knative's ingress must route.
package resources

import (
	"fmt"
	"slices"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	"knative.dev/pkg/kmap"
	"knative.dev/pkg/kmeta"

	"knative.dev/net-certmanager/pkg/issuerconfig"
)

const (
	// maxCommonNameLength is the X.509 upper bound (ub-common-name) that
	// cert-manager and every public CA enforce.
	maxCommonNameLength = 63
	// shortNamePrefix is Knative's prefix for a CN shortened to the domain.
	shortNamePrefix = "k."
)

// CommonNameTooLongError says that neither the first DNS name nor its
// shortened form fits in a certificate's common name.
type CommonNameTooLongError struct {
	Name string
}

func (e *CommonNameTooLongError) Error() string {
	return fmt.Sprintf("common name %q is %d bytes long, over the limit of %d, and spec.domain gives no shorter name",
		e.Name, len(e.Name), maxCommonNameLength)
}

// MakeCertificate builds the cert-manager Certificate that a KCert asks for,
// signed by issuer.
func MakeCertificate(kcert *v1alpha1.Certificate, issuer cmmeta.IssuerReference) (*cmv1.Certificate, error) {
	commonName, dnsNames, err := commonNameFor(kcert.Spec)
	if err != nil {
		return nil, err
	}
	return &cmv1.Certificate{
		ObjectMeta: metav1.ObjectMeta{
			Name:            kcert.Name,
			Namespace:       kcert.Namespace,
			OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(kcert)},
			Labels:          kmap.Copy(kcert.Labels),
			// The class only says which controller serves the KCert; on the
			// Certificate it would be stale after a class change (Serving's
			// reconciler never updates metadata), and updating it would be a
			// write for nothing on every Certificate taken over.
			Annotations: kmap.ExcludeKeys(kcert.Annotations, networking.CertificateClassAnnotationKey),
		},
		Spec: cmv1.CertificateSpec{
			CommonName: commonName,
			DNSNames:   dnsNames,
			SecretName: kcert.Spec.SecretName,
			IssuerRef:  issuer,
			// Knative's ingress finds the Secret of a KCert by this label.
			SecretTemplate: &cmv1.CertificateSecretTemplate{
				Labels: map[string]string{networking.CertificateUIDLabelKey: string(kcert.UID)},
			},
		},
	}, nil
}

// commonNameFor applies Knative's rule: the CN is the first DNS name; when
// that is too long, "k.<domain>" stands in for it and joins the DNS names,
// since a CN must also be a SAN.
func commonNameFor(spec v1alpha1.CertificateSpec) (string, []string, error) {
	dnsNames := slices.Clone(spec.DNSNames)
	if len(dnsNames) == 0 {
		return "", nil, fmt.Errorf("spec.dnsNames is empty")
	}
	commonName := dnsNames[0]
	if len(commonName) <= maxCommonNameLength {
		return commonName, dnsNames, nil
	}
	short := shortNamePrefix + spec.Domain
	if spec.Domain == "" || spec.Domain == commonName || len(short) > maxCommonNameLength {
		return "", nil, &CommonNameTooLongError{Name: commonName}
	}
	if !slices.Contains(dnsNames, short) {
		dnsNames = append([]string{short}, dnsNames...)
	}
	return short, dnsNames, nil
}

// Changes says which of the fields this reconciler owns an update changes.
type Changes struct {
	// Issuer: spec.issuerRef names another issuer.
	Issuer bool
	// Spec: another owned spec field, i.e. what is certified or where it goes.
	Spec bool
	// Metadata: labels or annotations copied from the KCert.
	Metadata bool
}

// Any says whether an update is needed at all.
func (c Changes) Any() bool { return c.Issuer || c.Spec || c.Metadata }

// ApplyOwned returns a copy of existing carrying what desired owns of it,
// and what that changed. Only meaningful differences count: DNS names are a
// set (neither order nor duplicates matter to cert-manager's issuance),
// equivalent issuer spellings are equal, and labels, annotations, spec
// fields and Secret template entries that others set are kept, so that a
// Certificate built by Knative Serving's reconciler, or touched by a
// mutating webhook, is not rewritten (and re-issued) for nothing.
func ApplyOwned(existing, desired *cmv1.Certificate) (*cmv1.Certificate, Changes) {
	out := existing.DeepCopy()
	var ch Changes
	if !SameIssuer(out.Spec.IssuerRef, desired.Spec.IssuerRef) {
		out.Spec.IssuerRef = desired.Spec.IssuerRef
		ch.Issuer = true
	}
	if out.Spec.CommonName != desired.Spec.CommonName {
		out.Spec.CommonName = desired.Spec.CommonName
		ch.Spec = true
	}
	if !sets.New(out.Spec.DNSNames...).Equal(sets.New(desired.Spec.DNSNames...)) {
		out.Spec.DNSNames = slices.Clone(desired.Spec.DNSNames)
		ch.Spec = true
	}
	if out.Spec.SecretName != desired.Spec.SecretName {
		out.Spec.SecretName = desired.Spec.SecretName
		ch.Spec = true
	}
	if desired.Spec.SecretTemplate != nil {
		if out.Spec.SecretTemplate == nil {
			out.Spec.SecretTemplate = &cmv1.CertificateSecretTemplate{}
		}
		var changed bool
		out.Spec.SecretTemplate.Labels, changed = mergeInto(out.Spec.SecretTemplate.Labels, desired.Spec.SecretTemplate.Labels)
		ch.Spec = ch.Spec || changed
	}
	var labels, annotations bool
	out.Labels, labels = mergeInto(out.Labels, desired.Labels)
	out.Annotations, annotations = mergeInto(out.Annotations, desired.Annotations)
	ch.Metadata = labels || annotations
	return out, ch
}

// SameIssuer says whether two references name the same issuer, with
// cert-manager's defaults: an empty kind is an Issuer, an empty group is
// cert-manager's own.
func SameIssuer(a, b cmmeta.IssuerReference) bool {
	if a.Name != b.Name || issuerconfig.Kind(a) != issuerconfig.Kind(b) ||
		issuerconfig.IsExternal(a) != issuerconfig.IsExternal(b) {
		return false
	}
	return !issuerconfig.IsExternal(a) || a.Group == b.Group
}

// mergeInto sets want's entries in m, which it may modify, keeping m's
// other entries, and says whether that changed anything.
func mergeInto(m, want map[string]string) (map[string]string, bool) {
	changed := false
	for k, v := range want {
		if cur, ok := m[k]; ok && cur == v {
			continue
		}
		if m == nil {
			m = make(map[string]string, len(want))
		}
		m[k] = v
		changed = true
	}
	return m, changed
}
