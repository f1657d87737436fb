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
// does not exist as (nil, nil) or an empty list, not as an error.
type IssuerLookup interface {
	// ClusterIssuer returns the spec of the named ClusterIssuer.
	ClusterIssuer(name string) (*cmv1.IssuerSpec, error)
	// Issuers returns every Issuer of that name, in any namespace.
	Issuers(name string) ([]NamespacedIssuer, error)
}

// CheckIssuers rejects references to existing issuers that cannot sign what
// their key selects them for (issuerconfig.CheckIssuerSuits). A reference to an
// issuer that does not exist yet passes: it may be created later, and the
// controller reports IssuerNotFound meanwhile. External issuers (another
// group) are not cert-manager's to judge here and pass too.
//
// A kind-less or Issuer reference means "the Issuer of that name in each
// KCert's namespace", so every existing Issuer of that name counts: if any is
// ACME, the reference is rejected and the message names their namespaces.
func CheckIssuers(cfg *issuerconfig.CertManagerConfig, lookup IssuerLookup) error {
	var errs []error
	for _, kr := range cfg.Refs() {
		if issuerconfig.IsExternal(kr.Ref) {
			continue
		}
		if err := checkRef(kr, lookup); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid %s: %w", issuerconfig.CertManagerConfigName, errors.Join(errs...))
	}
	return nil
}

func checkRef(kr issuerconfig.KeyedRef, lookup IssuerLookup) error {
	if issuerconfig.IsClusterIssuer(kr.Ref) {
		spec, err := lookup.ClusterIssuer(kr.Ref.Name)
		if err != nil {
			return fmt.Errorf("%s: looking up ClusterIssuer %q: %w", kr.Key, kr.Ref.Name, err)
		}
		return issuerconfig.CheckIssuerSuits(kr.Key, kr.Ref, spec)
	}
	issuers, err := lookup.Issuers(kr.Ref.Name)
	if err != nil {
		return fmt.Errorf("%s: looking up Issuers %q: %w", kr.Key, kr.Ref.Name, err)
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
		return nil
	}
	sort.Strings(namespaces)
	return fmt.Errorf("%w (an Issuer of that name is ACME in namespace %s)", first, strings.Join(namespaces, ", "))
}

// NewConfigValidator returns the constructor the configmap admission
// controller calls for config-certmanager: the controller's own strict parser,
// then CheckIssuers. A ConfigMap of that name in another namespace is not
// ours and passes.
func NewConfigValidator(systemNamespace string, lookup IssuerLookup) func(*corev1.ConfigMap) (*issuerconfig.CertManagerConfig, error) {
	return func(cm *corev1.ConfigMap) (*issuerconfig.CertManagerConfig, error) {
		if cm.Namespace != "" && cm.Namespace != systemNamespace {
			return nil, nil
		}
		cfg, err := issuerconfig.NewCertManagerConfigFromConfigMap(cm)
		if err != nil {
			return nil, err
		}
		if err := CheckIssuers(cfg, lookup); err != nil {
			return nil, err
		}
		return cfg, nil
	}
}
