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
	"fmt"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
)

// KeyedRef is one issuer reference with the config key that holds it.
// +k8s:deepcopy-gen=false
type KeyedRef struct {
	Key string
	Ref cmmeta.IssuerReference
}

// Refs lists every reference with its key, in the stable order of knownKeys,
// so that checks over all of them report in the same order every time.
func (c *CertManagerConfig) Refs() []KeyedRef {
	return []KeyedRef{
		{Key: ClusterLocalIssuerRefKey, Ref: c.ClusterLocalIssuerRef},
		{Key: IssuerRefKey, Ref: c.IssuerRef},
		{Key: SystemInternalIssuerRefKey, Ref: c.SystemInternalIssuerRef},
	}
}

// UnsuitableIssuerError says that an existing issuer cannot sign the
// certificates its config key selects it for.
// +k8s:deepcopy-gen=false
type UnsuitableIssuerError struct {
	Key    string
	Ref    cmmeta.IssuerReference
	Reason string
}

func (e *UnsuitableIssuerError) Error() string {
	return fmt.Sprintf("%s: %s %q is an ACME issuer; %s", e.Key, Kind(e.Ref), e.Ref.Name, e.Reason)
}

// CheckIssuerSuits returns an *UnsuitableIssuerError when the issuer spec
// cannot serve the feature that key selects it for, and nil otherwise. A nil
// spec (the issuer does not exist yet) is allowed: it may be created later.
func CheckIssuerSuits(key string, ref cmmeta.IssuerReference, spec *cmv1.IssuerSpec) error {
	if spec == nil || spec.ACME == nil {
		return nil
	}
	switch key {
	case ClusterLocalIssuerRefKey:
		// A public ACME CA cannot validate names that resolve only inside the cluster.
		return &UnsuitableIssuerError{Key: key, Ref: ref,
			Reason: "ACME cannot sign cluster-local names such as *.svc.cluster.local; use a CA or self-signed issuer"}
	case SystemInternalIssuerRefKey:
		// The system-internal SANs (kn-routing, data-plane.knative.dev) are not public DNS names.
		return &UnsuitableIssuerError{Key: key, Ref: ref,
			Reason: "ACME cannot sign the system-internal SANs (kn-routing, kn-user-<namespace>, data-plane.knative.dev); use a CA or self-signed issuer"}
	}
	return nil
}
