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
	netlisters "knative.dev/networking/pkg/client/listers/networking/v1alpha1"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"
)

// statusWriter writes the KCert status that the Reconciler computes, in
// place of Knative's generated reconciler, which must run with
// skipGeneratedStatusUpdates. It does what the generated one does, except
// that a KCert deleted while it was reconciled is done with: no failed
// status update, no warning and no error to retry.
//
// It also keeps the informer's lag from costing conflicts: right after a
// status write, the next reconcile of the KCert (cert-manager's next change
// arrives within milliseconds) often starts from the cached copy from
// before that write, and writing over it is refused (409), re-read and
// written again. The writer remembers its last write per KCert and, while
// the cache still shows the copy that write replaced, starts from what it
// wrote instead.
type statusWriter struct {
	reconciler *Reconciler
	client     netclientset.Interface
	lister     netlisters.CertificateLister
	written    ownWrites[*v1alpha1.Certificate]
}

var _ kcertreconciler.Interface = (*statusWriter)(nil)

// skipGeneratedStatusUpdates goes with statusWriter into the generated reconciler's options.
func skipGeneratedStatusUpdates(opts controller.Options) controller.Options {
	opts.SkipStatusUpdates = true
	return opts
}

// ReconcileKind implements kcertreconciler.Interface.
func (w *statusWriter) ReconcileKind(ctx context.Context, kcert *v1alpha1.Certificate) pkgreconciler.Event {
	r := w.reconciler
	if r.steadyAsBefore(ctx, kcert) {
		return nil
	}
	original := w.base(kcert)
	pkgreconciler.PreProcessReconcile(ctx, kcert)
	event, steady := r.reconcileKind(ctx, kcert)
	pkgreconciler.PostProcessReconcile(ctx, kcert, original)
	if equality.Semantic.DeepEqual(original.Status, kcert.Status) {
		if steady != nil && event == nil {
			steady.kcertVersion = kcert.ResourceVersion
			r.steady.remember(kcert.UID, *steady)
		} else {
			r.steady.forget(kcert.UID)
		}
		return event
	}
	r.steady.forget(kcert.UID)
	err := w.updateStatus(ctx, original, kcert)
	switch {
	case err == nil:
		return event
	case isKCertGone(err, kcert.Name):
		w.written.forget(kcert.UID)
		logging.FromContext(ctx).Debugw("The KCert was deleted while it was reconciled", zap.Error(err))
		return nil
	}
	logging.FromContext(ctx).Warnw("Failed to update resource status", zap.Error(err))
	// Wrapped, the event is recorded by the generated reconciler and the
	// KCert is retried, as when that reconciler updated the status itself.
	return fmt.Errorf("%w", pkgreconciler.NewEvent(corev1.EventTypeWarning, "UpdateFailed",
		"Failed to update status for %q: %v", kcert.Name, err))
}

// base returns the KCert as stored, which the reconcile's status is
// compared with and written over, and makes kcert (the generated
// reconciler's copy of the cached one) start from it. That is the cached
// copy itself (read-only), or this replica's last write while the cache
// lags behind it.
func (w *statusWriter) base(kcert *v1alpha1.Certificate) *v1alpha1.Certificate {
	if last, ok := w.written.newerThan(kcert); ok {
		kcert.ResourceVersion = last.ResourceVersion
		kcert.Status = *last.Status.DeepCopy()
		return last
	}
	if cached, err := w.lister.Certificates(kcert.Namespace).Get(kcert.Name); err == nil &&
		cached.ResourceVersion == kcert.ResourceVersion {
		return cached
	}
	return kcert.DeepCopy()
}

// updateStatus writes desired's status, first over existing, then, after
// a conflict, over the live object, and remembers what it wrote.
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
		updated, err := kcerts.UpdateStatus(ctx, want, metav1.UpdateOptions{})
		if err == nil {
			w.written.remember(existing.ResourceVersion, updated)
		}
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
