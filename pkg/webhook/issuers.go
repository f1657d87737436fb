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

// Package webhook holds the checks the validation webhook makes on
// config-certmanager beyond what the controller's parser can see.
package webhook

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	corev1 "k8s.io/api/core/v1"

	"knative.dev/net-certmanager/pkg/issuerconfig"
)

// NamespacedIssuer is an existing namespaced Issuer's spec.
type NamespacedIssuer struct {
	Namespace string
	Spec      *cmv1.IssuerSpec
}

// IssuerLookup finds existing cert-manager issuers. It reports an issuer that
// does not exist as (nil, nil) or an empty list, not as an error; it returns
// ErrNotSynced while it cannot tell, and ErrNoIssuerCRDs when cert-manager's
// issuer CRDs are not served.
type IssuerLookup interface {
	// ClusterIssuer returns the spec of the named ClusterIssuer.
	ClusterIssuer(name string) (*cmv1.IssuerSpec, error)
	// Issuers returns every Issuer of that name, in any namespace.
	Issuers(name string) ([]NamespacedIssuer, error)
}

// maxNamespacesNamed bounds the namespaces a warning lists.
const maxNamespacesNamed = 10

// CheckIssuers rejects references to existing ClusterIssuers that cannot
// sign what their key selects them for (issuerconfig.CheckIssuerSuits). A
// reference to an issuer that does not exist yet passes: it may be created
// later, and the controller reports IssuerNotFound meanwhile. External
// issuers (another group) are not cert-manager's to judge here and pass too.
//
// A kind-less or Issuer reference means "the Issuer of that name in each
// KCert's namespace". Those Issuers belong to the namespaces' owners, and a
// tenant's object must not veto the operator's change: an unsuitable one is
// a warning naming its namespaces, whose KCerts of that type will fail.
//
// While the lookup cannot answer yet (ErrNotSynced) nothing is admitted:
// every issuer would look missing. Without cert-manager's CRDs
// (ErrNoIssuerCRDs) no issuer exists, which a warning says.
func CheckIssuers(cfg *issuerconfig.CertManagerConfig, lookup IssuerLookup) (warnings []string, err error) {
	var errs []error
	for _, kr := range cfg.Refs() {
		if issuerconfig.IsExternal(kr.Ref) {
			continue
		}
		warning, err := checkRef(kr, lookup)
		switch {
		case errors.Is(err, ErrNotSynced):
			return nil, fmt.Errorf("%s: issuers not checked: %w", issuerconfig.CertManagerConfigName, err)
		case errors.Is(err, ErrNoIssuerCRDs):
			return []string{fmt.Sprintf("%s: issuers not checked: %v", issuerconfig.CertManagerConfigName, err)}, nil
		case err != nil:
			errs = append(errs, err)
		case warning != "":
			warnings = append(warnings, warning)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("invalid %s: %w", issuerconfig.CertManagerConfigName, errors.Join(errs...))
	}
	return warnings, nil
}

// checkRef returns an error for an unsuitable ClusterIssuer, and a warning
// for unsuitable Issuers of a namespaced reference.
func checkRef(kr issuerconfig.KeyedRef, lookup IssuerLookup) (warning string, err error) {
	if issuerconfig.IsClusterIssuer(kr.Ref) {
		spec, err := lookup.ClusterIssuer(kr.Ref.Name)
		if err != nil {
			return "", lookupError(kr, "ClusterIssuer", err)
		}
		return "", issuerconfig.CheckIssuerSuits(kr.Key, kr.Ref, spec)
	}
	issuers, err := lookup.Issuers(kr.Ref.Name)
	if err != nil {
		return "", lookupError(kr, "Issuers", err)
	}
	var first error
	var namespaces []string
	for _, is := range issuers {
		if err := issuerconfig.CheckIssuerSuits(kr.Key, kr.Ref, is.Spec); err != nil {
			if first == nil {
				first = err
			}
			namespaces = append(namespaces, is.Namespace)
		}
	}
	if first == nil {
		return "", nil
	}
	return fmt.Sprintf("%v; the KCerts it selects in namespace %s will fail", first, namedList(namespaces)), nil
}

// lookupError names the key and issuer of a failed lookup; the lookup's
// own states (ErrNotSynced, ErrNoIssuerCRDs) concern every key alike.
func lookupError(kr issuerconfig.KeyedRef, what string, err error) error {
	if errors.Is(err, ErrNotSynced) || errors.Is(err, ErrNoIssuerCRDs) {
		return err
	}
	return fmt.Errorf("%s: looking up %s %q: %w", kr.Key, what, kr.Ref.Name, err)
}

// namedList joins sorted names, at most maxNamespacesNamed of them.
func namedList(names []string) string {
	sort.Strings(names)
	if len(names) <= maxNamespacesNamed {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:maxNamespacesNamed], ", "), len(names)-maxNamespacesNamed)
}

// NewConfigValidator returns the constructor the configmap admission
// controller calls for config-certmanager: the controller's own strict parser,
// then CheckIssuers. A ConfigMap of that name in another namespace is not
// ours and passes.
func NewConfigValidator(systemNamespace string, lookup IssuerLookup) func(*corev1.ConfigMap) (*issuerconfig.CertManagerConfig, error) {
	return func(cm *corev1.ConfigMap) (*issuerconfig.CertManagerConfig, error) {
		cfg, _, err := ValidateConfig(systemNamespace, lookup, cm)
		return cfg, err
	}
}

// ValidateConfig is NewConfigValidator's check, with CheckIssuers' warnings.
func ValidateConfig(systemNamespace string, lookup IssuerLookup, cm *corev1.ConfigMap) (*issuerconfig.CertManagerConfig, []string, error) {
	if cm.Namespace != "" && cm.Namespace != systemNamespace {
		return nil, nil, nil
	}
	cfg, err := issuerconfig.NewCertManagerConfigFromConfigMap(cm)
	if err != nil {
		return nil, nil, err
	}
	warnings, err := CheckIssuers(cfg, lookup)
	if err != nil {
		return nil, nil, err
	}
	return cfg, warnings, nil
}
