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

package certificate

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netclientset "knative.dev/networking/pkg/client/clientset/versioned"
	kcertreconciler "knative.dev/networking/pkg/client/injection/reconciler/networking/v1alpha1/certificate"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"
)

// statusWriter writes the KCert status that the Reconciler computes, in
// place of Knative's generated reconciler, which must run with
// skipGeneratedStatusUpdates. It does what the generated one does, except
// that a KCert deleted while it was reconciled is done with: no failed
// status update, no warning and no error to retry.
type statusWriter struct {
	reconciler *Reconciler
	client     netclientset.Interface
}

var _ kcertreconciler.Interface = (*statusWriter)(nil)

// skipGeneratedStatusUpdates goes with statusWriter into the generated reconciler's options.
func skipGeneratedStatusUpdates(opts controller.Options) controller.Options {
	opts.SkipStatusUpdates = true
	return opts
}

// ReconcileKind implements kcertreconciler.Interface.
func (w *statusWriter) ReconcileKind(ctx context.Context, kcert *v1alpha1.Certificate) pkgreconciler.Event {
	original := kcert.DeepCopy()
	pkgreconciler.PreProcessReconcile(ctx, kcert)
	event := w.reconciler.ReconcileKind(ctx, kcert)
	pkgreconciler.PostProcessReconcile(ctx, kcert, original)
	if equality.Semantic.DeepEqual(original.Status, kcert.Status) {
		return event
	}
	err := w.updateStatus(ctx, original, kcert)
	switch {
	case err == nil:
		return event
	case isKCertGone(err, kcert.Name):
		logging.FromContext(ctx).Debugw("The KCert was deleted while it was reconciled", zap.Error(err))
		return nil
	}
	logging.FromContext(ctx).Warnw("Failed to update resource status", zap.Error(err))
	// Wrapped, the event is recorded by the generated reconciler and the
	// KCert is retried, as when that reconciler updated the status itself.
	return fmt.Errorf("%w", pkgreconciler.NewEvent(corev1.EventTypeWarning, "UpdateFailed",
		"Failed to update status for %q: %v", kcert.Name, err))
}

// updateStatus writes desired's status, first over the cached copy, then,
// after a conflict, over the live object.
func (w *statusWriter) updateStatus(ctx context.Context, existing, desired *v1alpha1.Certificate) error {
	kcerts := w.client.NetworkingV1alpha1().Certificates(desired.Namespace)
	return pkgreconciler.RetryUpdateConflicts(func(attempts int) (err error) {
		if attempts > 0 {
			if existing, err = kcerts.Get(ctx, desired.Name, metav1.GetOptions{}); err != nil {
				return err
			}
		}
		if equality.Semantic.DeepEqual(existing.Status, desired.Status) {
			return nil
		}
		want := existing.DeepCopy()
		want.Status = desired.Status
		_, err = kcerts.UpdateStatus(ctx, want, metav1.UpdateOptions{})
		return err
	})
}

// isKCertGone says whether err is the API server's answer that the KCert of
// this name no longer exists (the namespace is the request's own).
func isKCertGone(err error, name string) bool {
	var status apierrs.APIStatus
	if !errors.As(err, &status) || status.Status().Reason != metav1.StatusReasonNotFound {
		return false
	}
	d := status.Status().Details
	return d != nil && d.Group == networking.GroupName && d.Kind == "certificates" && d.Name == name
}
