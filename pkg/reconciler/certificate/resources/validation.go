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
	"context"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
)

// ValidateSpec rejects a KCert that cert-manager would reject anyway, so the
// KCert says why instead of cycling through failed issuances. It adds DNS
// syntax checks to the upstream validation, which a KCert created without
// Knative's webhook never went through.
func ValidateSpec(kcert *v1alpha1.Certificate) error {
	var msgs []string
	if err := kcert.Validate(context.Background()); err != nil {
		msgs = append(msgs, err.Error())
	}
	for i, name := range kcert.Spec.DNSNames {
		if name == "" {
			continue // already reported by the upstream validation
		}
		if errs := validation.IsDNS1123Subdomain(strings.TrimPrefix(name, "*.")); len(errs) > 0 {
			msgs = append(msgs, fmt.Sprintf("spec.dnsNames[%d] %q: %s", i, name, strings.Join(errs, "; ")))
		}
	}
	if name := kcert.Spec.SecretName; name != "" {
		if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
			msgs = append(msgs, fmt.Sprintf("spec.secretName %q: %s", name, strings.Join(errs, "; ")))
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("invalid Certificate: %s", strings.Join(msgs, "; "))
}
