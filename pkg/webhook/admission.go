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

package webhook

import (
	"context"
	"encoding/json"
	"fmt"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"

	"knative.dev/pkg/controller"
	pkgreconciler "knative.dev/pkg/reconciler"
	pkgwebhook "knative.dev/pkg/webhook"

	"knative.dev/net-certmanager/pkg/issuerconfig"
)

// admissionReconciler is what knative's configmap admission controller
// is: the reconciler of its webhook configuration, leader aware, and the
// admission controller.
type admissionReconciler interface {
	controller.Reconciler
	pkgreconciler.LeaderAware
	pkgwebhook.AdmissionController
}

// withWarnings answers as the wrapped admission controller does, and adds
// CheckIssuers' warnings to an admitted config-certmanager: knative's
// constructors can only accept or refuse.
type withWarnings struct {
	admissionReconciler
	// Stateless, as the wrapped one: the answer does not wait for
	// informers; IssuerCache says when it cannot answer yet.
	pkgwebhook.StatelessAdmissionImpl
	systemNamespace string
	lookup          IssuerLookup
}

// WithIssuerWarnings wraps impl, knative's configmap admission controller
// for config-certmanager (configmaps.NewAdmissionController), so that an
// admitted config-certmanager carries CheckIssuers' warnings.
func WithIssuerWarnings(impl *controller.Impl, systemNamespace string, lookup IssuerLookup) *controller.Impl {
	inner, ok := impl.Reconciler.(admissionReconciler)
	if !ok {
		panic(fmt.Sprintf("WithIssuerWarnings: %T is not a configmap admission controller", impl.Reconciler))
	}
	impl.Reconciler = &withWarnings{admissionReconciler: inner, systemNamespace: systemNamespace, lookup: lookup}
	return impl
}

// Admit implements webhook.AdmissionController.
func (w *withWarnings) Admit(ctx context.Context, req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	resp := w.admissionReconciler.Admit(ctx, req)
	if resp == nil || !resp.Allowed || len(req.Object.Raw) == 0 {
		return resp
	}
	var cm corev1.ConfigMap
	if err := json.Unmarshal(req.Object.Raw, &cm); err != nil || cm.Name != issuerconfig.CertManagerConfigName {
		return resp
	}
	_, warnings, _ := ValidateConfig(w.systemNamespace, w.lookup, &cm)
	resp.Warnings = append(resp.Warnings, warnings...)
	return resp
}
