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
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	cmclientset "github.com/cert-manager/cert-manager/pkg/client/clientset/versioned"
	cmlisters "github.com/cert-manager/cert-manager/pkg/client/listers/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/clock"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	kcertreconciler "knative.dev/networking/pkg/client/injection/reconciler/networking/v1alpha1/certificate"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"

	"knative.dev/net-certmanager/pkg/bounded"
	"knative.dev/net-certmanager/pkg/issuerconfig"
	"knative.dev/net-certmanager/pkg/reconciler/certificate/config"
	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
)

// Reasons this reconciler writes on the KCert's Ready condition. Reasons
// that come from cert-manager are copied as they are.
const (
	ReasonInvalidConfig          = "InvalidConfig"
	ReasonInvalidSpec            = "InvalidSpec"
	ReasonUnknownCertificateType = "UnknownCertificateType"
	ReasonCommonNameTooLong      = "CommonNameTooLong"
	ReasonNotOwned               = "NotOwned"
	ReasonIssuerNotFound         = "IssuerNotFound"
	ReasonSecretNameConflict     = "SecretNameConflict"
)

// RenewingCondition is True while an issued certificate is being renewed;
// Ready stays True meanwhile, since the old certificate is still valid.
const RenewingCondition apis.ConditionType = "Renewing"

// Reconciler turns a KCert into a cert-manager Certificate and reports the
// Certificate's state back.
type Reconciler struct {
	certManagerClient cmclientset.Interface
	certificateLister cmlisters.CertificateLister
	// certificates is the cache behind certificateLister.
	certificates        cache.Indexer
	issuerLister        cmlisters.IssuerLister
	clusterIssuerLister cmlisters.ClusterIssuerLister
	owned               resources.OwnedObjects
	// ownedSynced says when the caches behind owned are filled (owned.go).
	ownedSynced []cache.InformerSynced
	clock       clock.PassiveClock
	// enqueueAfter schedules a KCert to be looked at again, at its renewal time.
	enqueueAfter func(obj interface{}, after time.Duration)
	// stats receives reconcile outcomes and issuance latencies; nil: none.
	stats StatsReporter
	// issued keeps a stale copy's issuance from being recorded twice.
	issued reportedIssuances
	// recent stands in for the informer's copy of Certificates just created.
	recent recentCreates
	// warned remembers the failures already reported as Warning events.
	warned warnedFailures
	// claims finds the other certificates that name a KCert's Secret.
	claims *secretClaims
	// specUpdates remembers why this replica last changed a Certificate's spec.
	specUpdates specUpdates
	// steady remembers what the reconcile of each steady Ready KCert read.
	steady steadyKCerts
	// certWrites stands in for the informer's copy of a Certificate this
	// replica just updated, until the cache shows the update: a reconcile
	// in between (cert-manager and the KCert's own status write bring one
	// within milliseconds) would otherwise update the stale copy again and
	// be refused (409).
	certWrites ownWrites[*cmv1.Certificate]
}

var _ kcertreconciler.Interface = (*Reconciler)(nil)

// forget drops what this replica remembers of a deleted KCert, so that
// warned does not grow with KCerts that no longer exist.
func (c *Reconciler) forget(obj interface{}) {
	if kcert, ok := unwrap[*v1alpha1.Certificate](obj); ok {
		c.warned.forget(kcert.UID)
		c.specUpdates.forget(kcert.UID)
		c.steady.forget(kcert.UID)
	}
}

// ReconcileKind implements kcertreconciler.Interface. A Warning event marks
// each transition to Ready=False; a failure already reported is not
// reported again on every resync.
func (c *Reconciler) ReconcileKind(ctx context.Context, kcert *v1alpha1.Certificate) pkgreconciler.Event {
	event, _ := c.reconcileKind(ctx, kcert)
	return event
}

// reconcileKind is ReconcileKind, and says what it read if the KCert was
// found Ready with nothing to do (steady.go).
func (c *Reconciler) reconcileKind(ctx context.Context, kcert *v1alpha1.Certificate) (pkgreconciler.Event, *steadyInputs) {
	before := kcert.Status.GetCondition(v1alpha1.CertificateConditionReady).DeepCopy()
	event, steady := c.reconcile(ctx, kcert)
	after := kcert.Status.GetCondition(v1alpha1.CertificateConditionReady)
	c.report(ctx, kcert, before, after, event)
	switch c.warned.observe(kcert.UID, before, after) {
	case notFailing:
		return event, steady
	case sameFailure:
		// Unchanged failure: the event was sent when it happened, and
		// retrying cannot help, so this is neither an event nor an error.
		if controller.IsPermanentError(event) {
			return nil, nil
		}
		return event, nil
	}
	// A new failure. One returned as an event is recorded by the generated
	// reconciler; one that cert-manager reported is recorded here.
	var reconcilerEvent *pkgreconciler.ReconcilerEvent
	if !pkgreconciler.EventAs(event, &reconcilerEvent) {
		controller.GetEventRecorder(ctx).Event(kcert, corev1.EventTypeWarning, after.Reason, after.Message)
	}
	return event, nil
}

func (c *Reconciler) reconcile(ctx context.Context, kcert *v1alpha1.Certificate) (pkgreconciler.Event, *steadyInputs) {
	claimsEpoch := c.claims.epochNow()
	cfg := config.FromContext(ctx)
	if cfg == nil || cfg.CertManager == nil {
		why := "no valid config-certmanager has been loaded"
		if cfg != nil && cfg.LoadError != nil {
			why = cfg.LoadError.Error()
		}
		return c.fail(kcert, ReasonInvalidConfig, why), nil
	}
	if err := resources.ValidateSpec(kcert); err != nil {
		return c.fail(kcert, ReasonInvalidSpec, err.Error()), nil
	}
	issuer, key, err := cfg.CertManager.IssuerFor(kcert.Labels[networking.CertificateTypeLabelKey])
	if err != nil {
		return c.fail(kcert, ReasonUnknownCertificateType, err.Error()), nil
	}
	desired, err := resources.MakeCertificate(kcert, issuer)
	if err != nil {
		var tooLong *resources.CommonNameTooLongError
		if errors.As(err, &tooLong) {
			return c.fail(kcert, ReasonCommonNameTooLong, err.Error()), nil
		}
		return c.fail(kcert, ReasonInvalidSpec, err.Error()), nil
	}
	// Checked on every reconcile, not only before a create: a KCert may
	// come to name a Secret that another already writes.
	if err := c.claims.conflict(kcert); err != nil {
		return c.fail(kcert, ReasonSecretNameConflict, err.Error()), nil
	}

	cert, changes, err := c.reconcileCertificate(ctx, kcert, desired)
	var notOwned *notOwnedError
	if errors.As(err, &notOwned) {
		kcert.Status.HTTP01Challenges = nil
		kcert.Status.MarkResourceNotOwned(notOwned.kind, notOwned.name)
		return controller.NewPermanentError(pkgreconciler.NewEvent(corev1.EventTypeWarning, ReasonNotOwned, "%s", err.Error())), nil
	} else if err != nil {
		return err, nil
	}

	c.specUpdates.record(kcert.UID, cert, changes)
	now := c.clock.Now()
	st := resources.ComputeStatus(cert, now, c.known(kcert, cert))
	// Issuance and renewal are explained from the owned caches, which may
	// still be filling after a start (owned.go): wait, saying nothing new.
	if (!st.IsReady() || st.IsRenewing()) && !allSynced(c.ownedSynced) {
		return controller.NewRequeueAfter(ownedCachesWait), nil
	}
	if st.Ready.Status != corev1.ConditionTrue {
		exists, err := c.issuerExists(kcert.Namespace, issuer)
		if err != nil {
			return fmt.Errorf("failed to look up issuer %s: %w", issuerconfig.String(issuer), err), nil
		}
		switch {
		// cert-manager only waits for a missing issuer; say which one and why it was chosen.
		case !exists:
			st.Ready = resources.Condition{Status: corev1.ConditionFalse, Reason: ReasonIssuerNotFound,
				Message: fmt.Sprintf("%s does not exist (selected by %s key %s); the certificate is issued once it is created",
					issuerconfig.String(issuer), issuerconfig.CertManagerConfigName, key)}
		case st.Ready.Status == corev1.ConditionFalse:
			st.Ready.Message = fmt.Sprintf("%s (issuer %s, selected by %s key %s)",
				st.Ready.Message, issuerconfig.String(issuer), issuerconfig.CertManagerConfigName, key)
		}
		if exists {
			c.explainWait(kcert, cert, &st, now)
		}
	}
	applyStatus(kcert, st)

	// Knative's ingress routes the ACME challenge only while it is listed,
	// so the list stays for as long as issuance or renewal goes on.
	if st.IsReady() && !st.IsRenewing() {
		kcert.Status.HTTP01Challenges = nil
	} else {
		kcert.Status.HTTP01Challenges = resources.HTTP01Challenges(cert, c.owned)
	}

	if after, ok := resources.RenewalRequeue(st, now); ok {
		c.enqueueAfter(kcert, after)
	}
	logging.FromContext(ctx).Debugw("Reconciled", "ready", st.Ready.Status, "reason", st.Ready.Reason,
		"renewing", st.IsRenewing(), "challenges", len(kcert.Status.HTTP01Challenges))
	if !st.IsReady() || st.IsRenewing() || changes.Any() {
		return nil, nil
	}
	until := st.NotAfter
	if st.RenewalTime != nil {
		until = st.RenewalTime
	}
	if until == nil {
		return nil, nil
	}
	return nil, &steadyInputs{certificateKey: cert.Namespace + "/" + cert.Name, certificateVersion: cert.ResourceVersion, config: cfg.CertManager, claims: claimsEpoch, until: until.Time}
}

// reconcileCertificate creates or updates the cert-manager Certificate, and
// never touches one that this KCert does not control.
// The changes it made tell a re-issuance for a new issuer from others.
func (c *Reconciler) reconcileCertificate(ctx context.Context, kcert *v1alpha1.Certificate, desired *cmv1.Certificate) (*cmv1.Certificate, resources.Changes, error) {
	recorder := controller.GetEventRecorder(ctx)
	certs := c.certManagerClient.CertmanagerV1().Certificates(desired.Namespace)
	key := types.NamespacedName{Namespace: desired.Namespace, Name: desired.Name}

	existing, err := c.certificateLister.Certificates(desired.Namespace).Get(desired.Name)
	if apierrs.IsNotFound(err) {
		if recent, ok := c.recent.lookup(key, kcert, c.clock.Now()); ok {
			existing, err = recent, nil
		}
	}
	if apierrs.IsNotFound(err) {
		created, err := certs.Create(ctx, desired, metav1.CreateOptions{})
		switch {
		case err == nil:
			c.recent.remember(created, c.clock.Now())
			recorder.Eventf(kcert, corev1.EventTypeNormal, "Created",
				"Created cert-manager Certificate %s/%s", desired.Namespace, desired.Name)
			return created, resources.Changes{}, nil
		case apierrs.IsAlreadyExists(err):
			// The cache lags behind the API server (another replica's
			// create, or ours past recentCreateTTL), or another writer was
			// faster: go on with the live object.
			existing, err = certs.Get(ctx, desired.Name, metav1.GetOptions{})
			if err != nil {
				return nil, resources.Changes{}, fmt.Errorf("failed to get cert-manager Certificate %s/%s: %w", desired.Namespace, desired.Name, err)
			}
		default:
			recorder.Eventf(kcert, corev1.EventTypeWarning, "CreationFailed",
				"Failed to create cert-manager Certificate %s/%s: %v", desired.Namespace, desired.Name, err)
			return nil, resources.Changes{}, fmt.Errorf("failed to create cert-manager Certificate %s/%s: %w", desired.Namespace, desired.Name, err)
		}
	} else if err != nil {
		return nil, resources.Changes{}, fmt.Errorf("failed to get cert-manager Certificate %s/%s: %w", desired.Namespace, desired.Name, err)
	} else if last, ok := c.certWrites.newerThan(existing); ok {
		existing = last
	}

	// The check is on the object found, not on the one just built: a
	// foreign Certificate of the same name must stay byte-for-byte as it is.
	if !metav1.IsControlledBy(existing, kcert) {
		return nil, resources.Changes{}, &notOwnedError{kind: "cert-manager Certificate", name: desired.Name, namespace: desired.Namespace}
	}
	updated, changes, err := c.updateCertificate(ctx, kcert, existing, desired)
	var notOwned *notOwnedError
	if errors.As(err, &notOwned) {
		return nil, resources.Changes{}, err
	} else if apierrs.IsConflict(err) {
		// Still stale after the retries: the workqueue tries again, and
		// like Knative's generated reconcilers, a conflict is no warning.
		return nil, resources.Changes{}, err
	} else if err != nil {
		recorder.Eventf(kcert, corev1.EventTypeWarning, "UpdateFailed",
			"Failed to update cert-manager Certificate %s/%s: %v", desired.Namespace, desired.Name, err)
		return nil, resources.Changes{}, fmt.Errorf("failed to update cert-manager Certificate %s/%s: %w", desired.Namespace, desired.Name, err)
	}
	if changes.Any() {
		recorder.Eventf(kcert, corev1.EventTypeNormal, "Updated",
			"Updated cert-manager Certificate %s/%s", desired.Namespace, desired.Name)
	}
	return updated, changes, nil
}

// updateCertificate writes what this reconciler owns of desired over the
// Certificate, and says what that changed (nothing when the live object
// turned out to need no update). cert-manager writes the status of its
// Certificates often, so under load the cached copy is often stale: a
// conflict is not a failure but a reason to read the live object and try
// again (knative.dev/pkg's retry limit).
func (c *Reconciler) updateCertificate(ctx context.Context, kcert *v1alpha1.Certificate, existing, desired *cmv1.Certificate) (result *cmv1.Certificate, changes resources.Changes, err error) {
	certs := c.certManagerClient.CertmanagerV1().Certificates(desired.Namespace)
	err = pkgreconciler.RetryUpdateConflicts(func(attempts int) error {
		current := existing
		if attempts > 0 {
			live, err := certs.Get(ctx, desired.Name, metav1.GetOptions{})
			if err != nil {
				return err
			}
			if !metav1.IsControlledBy(live, kcert) {
				return &notOwnedError{kind: "cert-manager Certificate", name: desired.Name, namespace: desired.Namespace}
			}
			current = live
		}
		var want *cmv1.Certificate
		want, changes = resources.ApplyOwned(current, desired)
		if !changes.Any() {
			result = current
			return nil
		}
		updated, err := certs.Update(ctx, want, metav1.UpdateOptions{})
		if err == nil {
			result = updated
			c.certWrites.remember(current.ResourceVersion, updated)
		}
		return err
	})
	if err != nil {
		return nil, changes, err
	}
	return result, changes, nil
}

// notOwnedError says that an object this reconciler would manage already
// exists under the control of something else.
type notOwnedError struct {
	kind, namespace, name string
}

func (e *notOwnedError) Error() string {
	return fmt.Sprintf("%s %s/%s already exists and is not controlled by this Certificate; it is left untouched",
		e.kind, e.namespace, e.name)
}

// fail marks the KCert Failed for a problem that retrying cannot fix; the
// KCert is looked at again when it or config-certmanager changes.
func (c *Reconciler) fail(kcert *v1alpha1.Certificate, reason, message string) pkgreconciler.Event {
	message = bounded.Truncate(message, bounded.MaxMessage)
	kcert.Status.HTTP01Challenges = nil
	kcert.GetConditionSet().Manage(&kcert.Status).MarkFalse(v1alpha1.CertificateConditionReady, reason, "%s", message)
	return controller.NewPermanentError(pkgreconciler.NewEvent(corev1.EventTypeWarning, reason, "%s", message))
}

// applyStatus writes the mapped status. Messages are passed as arguments,
// never as format strings, and bounded, since they come from cert-manager
// and quote config-certmanager; the Warning event repeats the Ready message.
func applyStatus(kcert *v1alpha1.Certificate, st resources.Status) {
	st.Ready.Message = bounded.Truncate(st.Ready.Message, bounded.MaxMessage)
	if st.Renewing != nil {
		renewing := *st.Renewing
		renewing.Message = bounded.Truncate(renewing.Message, bounded.MaxMessage)
		st.Renewing = &renewing
	}
	conds := kcert.GetConditionSet().Manage(&kcert.Status)
	switch st.Ready.Status {
	case corev1.ConditionTrue:
		conds.MarkTrue(v1alpha1.CertificateConditionReady)
	case corev1.ConditionFalse:
		conds.MarkFalse(v1alpha1.CertificateConditionReady, st.Ready.Reason, "%s", st.Ready.Message)
	default:
		conds.MarkUnknown(v1alpha1.CertificateConditionReady, st.Ready.Reason, "%s", st.Ready.Message)
	}
	if st.Renewing == nil {
		_ = conds.ClearCondition(RenewingCondition) // only the happy condition is terminal
	} else {
		// SetCondition, not MarkTrue: a non-dependent Mark would recompute Ready.
		conds.SetCondition(apis.Condition{
			Type:     RenewingCondition,
			Status:   st.Renewing.Status,
			Reason:   st.Renewing.Reason,
			Message:  st.Renewing.Message,
			Severity: apis.ConditionSeverityInfo,
		})
	}
	kcert.Status.NotAfter = st.NotAfter
}

// issuerExists says whether a cert-manager issuer exists. External
// issuers are not cert-manager's kinds, so they are taken on trust.
func (c *Reconciler) issuerExists(namespace string, ref cmmeta.IssuerReference) (bool, error) {
	if issuerconfig.IsExternal(ref) {
		return true, nil
	}
	var err error
	if issuerconfig.IsClusterIssuer(ref) {
		_, err = c.clusterIssuerLister.Get(ref.Name)
	} else {
		// An empty kind is an Issuer in the certificate's namespace.
		_, err = c.issuerLister.Issuers(namespace).Get(ref.Name)
	}
	if apierrs.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}
