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
	"github.com/cert-manager/cert-manager/pkg/apis/certmanager"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
)

// IsExternal says whether a reference names an external issuer: one of
// another API group than cert-manager's own, whose kinds and state are that
// issuer's business, not ours to look up or judge.
func IsExternal(ref cmmeta.IssuerReference) bool {
	return ref.Group != "" && ref.Group != certmanager.GroupName
}

// Kind is the kind a reference resolves to: an empty kind means Issuer,
// as cert-manager reads it.
func Kind(ref cmmeta.IssuerReference) string {
	if ref.Kind == "" {
		return cmv1.IssuerKind
	}
	return ref.Kind
}

// IsClusterIssuer says whether a reference names a cert-manager
// ClusterIssuer; any other cert-manager reference names an Issuer in the
// certificate's namespace.
func IsClusterIssuer(ref cmmeta.IssuerReference) bool {
	return !IsExternal(ref) && ref.Kind == cmv1.ClusterIssuerKind
}

// String names an issuer as Kind/name with cert-manager's defaults, the
// kind qualified by its group for an external issuer.
func String(ref cmmeta.IssuerReference) string {
	kind := Kind(ref)
	if IsExternal(ref) {
		kind += "." + ref.Group
	}
	return kind + "/" + ref.Name
}

// Selects says whether ref, used for a certificate in certNamespace, names
// the cert-manager issuer given by its namespace (empty for a
// ClusterIssuer) and name.
func Selects(ref cmmeta.IssuerReference, certNamespace, issuerNamespace, issuerName string) bool {
	if IsExternal(ref) || ref.Name != issuerName {
		return false
	}
	if issuerNamespace == "" {
		return IsClusterIssuer(ref)
	}
	return Kind(ref) == cmv1.IssuerKind && certNamespace == issuerNamespace
}
