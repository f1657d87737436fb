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
	"fmt"
	"sort"
	"strings"

	"github.com/cert-manager/cert-manager/pkg/apis/certmanager"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"

	"knative.dev/networking/pkg/apis/networking"
	netcfg "knative.dev/networking/pkg/config"

	"knative.dev/net-certmanager/pkg/bounded"
)

const (
	// CertManagerConfigName is the name of the ConfigMap holding the issuer references.
	CertManagerConfigName = "config-certmanager"

	// IssuerRefKey selects the issuer of external-domain certificates.
	IssuerRefKey = "issuerRef"
	// ClusterLocalIssuerRefKey selects the issuer of cluster-local-domain certificates.
	ClusterLocalIssuerRefKey = "clusterLocalIssuerRef"
	// SystemInternalIssuerRefKey selects the issuer of system-internal certificates.
	SystemInternalIssuerRefKey = "systemInternalIssuerRef"

	// exampleKey holds documentation only, as in every Knative ConfigMap.
	exampleKey = "_example"

	// DefaultIssuerName is the ClusterIssuer both Knative Serving and the
	// archived net-certmanager fall back to when a key is missing.
	DefaultIssuerName = "knative-selfsigned-issuer"
)

// knownKeys lists the data keys config-certmanager may hold, in a stable order
// for error messages.
var knownKeys = []string{ClusterLocalIssuerRefKey, IssuerRefKey, SystemInternalIssuerRefKey}

// CertManagerConfig is the parsed config-certmanager. Each reference is its
// own value: changing one never changes another.
type CertManagerConfig struct {
	// IssuerRef signs external-domain certificates.
	IssuerRef cmmeta.IssuerReference
	// ClusterLocalIssuerRef signs cluster-local-domain certificates.
	ClusterLocalIssuerRef cmmeta.IssuerReference
	// SystemInternalIssuerRef signs system-internal certificates.
	SystemInternalIssuerRef cmmeta.IssuerReference
}

// DefaultIssuerRef returns the reference a missing key stands for.
func DefaultIssuerRef() cmmeta.IssuerReference {
	return cmmeta.IssuerReference{Name: DefaultIssuerName, Kind: cmv1.ClusterIssuerKind}
}

// NewCertManagerConfigFromConfigMap parses config-certmanager strictly: an
// unknown key, an unknown field in a reference, an empty name or a kind that
// cert-manager's own group does not have is an error naming the key.
func NewCertManagerConfigFromConfigMap(cm *corev1.ConfigMap) (*CertManagerConfig, error) {
	cfg := &CertManagerConfig{
		IssuerRef:               DefaultIssuerRef(),
		ClusterLocalIssuerRef:   DefaultIssuerRef(),
		SystemInternalIssuerRef: DefaultIssuerRef(),
	}
	if cm == nil {
		return cfg, nil
	}

	refs := map[string]*cmmeta.IssuerReference{
		IssuerRefKey:               &cfg.IssuerRef,
		ClusterLocalIssuerRefKey:   &cfg.ClusterLocalIssuerRef,
		SystemInternalIssuerRefKey: &cfg.SystemInternalIssuerRef,
	}

	// Sorted so that the same bad ConfigMap always yields the same message.
	keys := make([]string, 0, len(cm.Data))
	for k := range cm.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	var errs []error
	for _, key := range keys {
		if key == exampleKey {
			continue
		}
		target, known := refs[key]
		if !known {
			errs = append(errs, fmt.Errorf("%s: unknown key; the known keys are %s",
				bounded.Truncate(key, bounded.MaxValue), strings.Join(knownKeys, ", ")))
			continue
		}
		ref, err := parseIssuerRef(cm.Data[key])
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", key, err))
			continue
		}
		*target = ref
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("invalid %s: %w", CertManagerConfigName, errors.Join(errs...))
	}
	return cfg, nil
}

// parseIssuerRef reads one `{name, kind, group}` YAML object.
func parseIssuerRef(data string) (cmmeta.IssuerReference, error) {
	var ref cmmeta.IssuerReference
	if err := checkFields(data); err != nil {
		return ref, err
	}
	// UnmarshalStrict rejects unknown fields (a typo such as `nmae`) and
	// duplicate fields, instead of silently ignoring them. Its message may
	// quote the input, hence the bound.
	if err := yaml.UnmarshalStrict([]byte(data), &ref); err != nil {
		return ref, fmt.Errorf("not a {name, kind, group} object: %s", bounded.Truncate(err.Error(), bounded.MaxValue))
	}
	return ref, ValidateIssuerRef(ref)
}

// ValidateIssuerRef checks a reference the way cert-manager and the
// apiserver will use it: the name is an object name (a DNS-1123 subdomain of
// at most 253 bytes), the kind a kind as the apiserver accepts one for a
// CRD, the group an API group (a DNS-1123 subdomain); and in cert-manager's
// own group, the kind is one of its issuer kinds. Every problem is reported.
func ValidateIssuerRef(ref cmmeta.IssuerReference) error {
	var errs []error
	if strings.TrimSpace(ref.Name) == "" {
		errs = append(errs, errors.New("name must not be empty"))
	} else if msgs := validation.IsDNS1123Subdomain(ref.Name); len(msgs) > 0 {
		errs = append(errs, fmt.Errorf("name %s is not a valid object name: %s", bounded.Quote(ref.Name), strings.Join(msgs, "; ")))
	}
	if ref.Group != "" {
		if msgs := validation.IsDNS1123Subdomain(ref.Group); len(msgs) > 0 {
			errs = append(errs, fmt.Errorf("group %s is not an API group (a DNS subdomain such as example.com): %s",
				bounded.Quote(ref.Group), strings.Join(msgs, "; ")))
		}
	}
	// The apiserver's rule for a CRD's kind.
	if ref.Kind != "" && len(validation.IsDNS1035Label(strings.ToLower(ref.Kind))) > 0 {
		errs = append(errs, fmt.Errorf("kind %s is not a kind: a letter, then letters, digits or '-', at most %d characters",
			bounded.Quote(ref.Kind), validation.DNS1035LabelMaxLength))
	} else if !IsExternal(ref) {
		switch ref.Kind {
		// An empty kind keeps cert-manager's meaning: an Issuer in the certificate's namespace.
		case "", cmv1.IssuerKind, cmv1.ClusterIssuerKind:
		default:
			errs = append(errs, fmt.Errorf("kind %q is not an issuer kind of group %s; use %s or %s, or set group for an external issuer",
				ref.Kind, certmanager.GroupName, cmv1.IssuerKind, cmv1.ClusterIssuerKind))
		}
	}
	return errors.Join(errs...)
}

// UnknownCertificateTypeError is returned for a certificate-type label value
// that names no issuer key.
// +k8s:deepcopy-gen=false
type UnknownCertificateTypeError struct {
	Type string
}

func (e *UnknownCertificateTypeError) Error() string {
	return fmt.Sprintf("unknown certificate type %q in label %s; expected %s, %s or %s",
		e.Type, networking.CertificateTypeLabelKey,
		netcfg.CertificateExternalDomain, netcfg.CertificateClusterLocalDomain, netcfg.CertificateSystemInternal)
}

// IssuerFor selects the issuer for a certificate-type label value, and
// returns the config key that selected it so that messages can name it.
// An absent label means external-domain, as Knative Serving treats it.
func (c *CertManagerConfig) IssuerFor(certType string) (cmmeta.IssuerReference, string, error) {
	switch netcfg.CertificateType(certType) {
	case "", netcfg.CertificateExternalDomain:
		return c.IssuerRef, IssuerRefKey, nil
	case netcfg.CertificateClusterLocalDomain:
		return c.ClusterLocalIssuerRef, ClusterLocalIssuerRefKey, nil
	case netcfg.CertificateSystemInternal:
		return c.SystemInternalIssuerRef, SystemInternalIssuerRefKey, nil
	default:
		return cmmeta.IssuerReference{}, "", &UnknownCertificateTypeError{Type: certType}
	}
}
