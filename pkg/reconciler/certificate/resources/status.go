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
	"fmt"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"knative.dev/net-certmanager/pkg/issuerconfig"
)

const (
	// ReasonAwaitingCertManager: cert-manager has not yet evaluated the
	// current spec of the Certificate.
	ReasonAwaitingCertManager = "AwaitingCertManager"
	// ReasonRenewing: the renewal time has passed and cert-manager has not
	// yet said it is reissuing.
	ReasonRenewing = "Renewing"
	// ReasonIssuerChanged: the certificate in service is being re-issued
	// because the configured issuer changed.
	ReasonIssuerChanged = "IssuerChanged"

	// issuedReason is the Issuing=False reason cert-manager uses, with
	// server-side apply, for a completed issuance rather than a failed one.
	issuedReason = "Issued"
	// incorrectIssuerReason is cert-manager's Ready and Issuing reason when
	// the Secret's certificate comes from another issuer than the spec's.
	incorrectIssuerReason = "IncorrectIssuer"
)

// Condition is one condition to write on the KCert.
type Condition struct {
	Status  corev1.ConditionStatus
	Reason  string
	Message string
}

// Status is what a KCert says about its cert-manager Certificate.
type Status struct {
	// Ready is the KCert's Ready condition.
	Ready Condition
	// Renewing is the KCert's Renewing condition; nil removes it.
	Renewing *Condition
	// NotAfter is the expiry of the issued certificate, if there is one.
	NotAfter *metav1.Time
	// RenewalTime is when cert-manager will renew, if it said so.
	RenewalTime *metav1.Time
}

// IsReady says whether the KCert can be served.
func (s Status) IsReady() bool { return s.Ready.Status == corev1.ConditionTrue }

// IsRenewing says whether a renewal is under way or due.
func (s Status) IsRenewing() bool {
	return s.Renewing != nil && s.Renewing.Status == corev1.ConditionTrue
}

// Known is what the reconciler knows of a Certificate's re-issuance that
// cert-manager may not say (yet).
type Known struct {
	// Reissue is the re-issuance of the certificate in service going on,
	// with its reason (ReasonIssuerChanged, or the KCert's Renewing=True);
	// nil for none.
	Reissue *Condition
	// Refit: what the certificate certifies has changed, so the one in
	// service no longer fits, whatever cert-manager's reason says (it
	// reports IncorrectIssuer first when the issuer changed as well).
	Refit bool
	// InService is the expiry the Ready KCert publishes: that of the
	// certificate in service until a replacement is Ready. cert-manager
	// records the new expiry a moment before it says Ready, and
	// publishing it then would cost a status write that says nothing new.
	InService *metav1.Time
}

// ComputeStatus maps a cert-manager v1 Certificate to the KCert status.
// cert-manager v1 says "issuing" with Issuing=True and "failed" with
// Issuing=False and the failed request's reason; Ready=False alone (e.g.
// DoesNotExist) means only that no valid certificate exists yet.
//
// Re-issuing a certificate in service is a renewal, whatever triggered it:
// the old certificate stays valid, so Ready stays True while it is
// replaced, unless the new issuance fails once the old one has expired.
// cert-manager's own Ready says otherwise for a while: for a new issuer
// (IncorrectIssuer; before it has looked at the new spec, nothing), and at
// the end of any re-issuance, when its readiness check sees the new key in
// the Secret before the new revision is recorded (SecretMismatch). known
// is what the reconciler knows that cert-manager may not say.
func ComputeStatus(cert *cmv1.Certificate, now time.Time, known Known) Status {
	underway := known.Reissue
	s := Status{NotAfter: cert.Status.NotAfter, RenewalTime: cert.Status.RenewalTime}
	ready := currentCondition(cert, cmv1.CertificateConditionReady)
	issuing := currentCondition(cert, cmv1.CertificateConditionIssuing)
	// Knative's convention: a True Ready condition carries no reason.
	readyTrue := Condition{Status: corev1.ConditionTrue}
	failed := issuing != nil && issuing.Status == cmmeta.ConditionFalse && issuing.Reason != issuedReason
	issuingNow := issuing != nil && issuing.Status == cmmeta.ConditionTrue
	valid := !known.Refit && cert.Status.NotAfter != nil && now.Before(cert.Status.NotAfter.Time)
	// A valid certificate, though cert-manager's Ready is not True.
	replacing := valid && (ready == nil || ready.Status != cmmeta.ConditionTrue)
	issuerChange := hasReason(ready, incorrectIssuerReason) || hasReason(issuing, incorrectIssuerReason) ||
		underway != nil && underway.Reason == ReasonIssuerChanged
	// cert-manager can say Ready=True for the new generation while it is
	// still issuing from the new issuer (Issuing=True IncorrectIssuer):
	// the same re-issuance, so the same words.
	newIssuer := issuerChange && (replacing || valid && issuingNow)

	if replacing && known.InService != nil && now.Before(known.InService.Time) {
		s.NotAfter = known.InService
	}

	switch {
	// The certificate in service stays valid while the new issuer's
	// replaces it; a failure to get that is reported as a failed renewal.
	case newIssuer:
		s.Ready = readyTrue
		renewing := Condition{corev1.ConditionTrue, ReasonIssuerChanged,
			fmt.Sprintf("Re-issuing from %s; the certificate in service stays valid until %s",
				issuerconfig.String(cert.Spec.IssuerRef), s.NotAfter.UTC().Format(time.RFC3339))}
		if failed {
			renewing = fromCM(corev1.ConditionFalse, issuing)
		}
		s.Renewing = &renewing

	// A renewal under way, in whatever state cert-manager shows it.
	case replacing && underway != nil:
		s.Ready = readyTrue
		renewing := *underway
		switch {
		case failed:
			renewing = fromCM(corev1.ConditionFalse, issuing)
		case issuingNow:
			renewing = fromCM(corev1.ConditionTrue, issuing)
		}
		s.Renewing = &renewing

	// Neither condition describes the current spec: nothing to say yet.
	case ready == nil && issuing == nil:
		s.Ready = Condition{corev1.ConditionUnknown, ReasonAwaitingCertManager,
			fmt.Sprintf("Waiting for cert-manager to evaluate Certificate %s/%s (generation %d)",
				cert.Namespace, cert.Name, cert.Generation)}

	// No valid certificate, and issuance failed: this is the only Failed.
	case ready == nil || ready.Status != cmmeta.ConditionTrue:
		switch {
		case failed:
			s.Ready = fromCM(corev1.ConditionFalse, issuing)
		case ready != nil:
			s.Ready = fromCM(corev1.ConditionUnknown, ready)
		default:
			s.Ready = fromCM(corev1.ConditionUnknown, issuing)
		}

	// A valid certificate is served while its renewal fails and is retried.
	case failed:
		s.Ready = readyTrue
		renewing := fromCM(corev1.ConditionFalse, issuing)
		s.Renewing = &renewing

	// A valid certificate is served while cert-manager reissues it; a
	// first issuance (no revision yet) that cert-manager has not closed is
	// not a renewal.
	case issuing != nil && issuing.Status == cmmeta.ConditionTrue:
		s.Ready = readyTrue
		if cert.Status.Revision != nil {
			renewing := fromCM(corev1.ConditionTrue, issuing)
			s.Renewing = &renewing
		}

	// The renewal time has passed before cert-manager's trigger fired.
	case cert.Status.RenewalTime != nil && !now.Before(cert.Status.RenewalTime.Time):
		s.Ready = readyTrue
		s.Renewing = &Condition{corev1.ConditionTrue, ReasonRenewing,
			fmt.Sprintf("Renewal time %s has passed", cert.Status.RenewalTime.UTC().Format(time.RFC3339))}

	default:
		s.Ready = readyTrue
	}
	return s
}

// RenewalRequeue returns how long until a Ready KCert must be looked at
// again even if nothing else changes: at its renewal time or, while its
// certificate is being replaced, at that certificate's expiry, past which
// it no longer keeps the KCert Ready (a stuck issuance may write nothing).
func RenewalRequeue(s Status, now time.Time) (time.Duration, bool) {
	at := s.RenewalTime
	if s.Renewing != nil {
		at = s.NotAfter
	}
	if !s.IsReady() || at == nil {
		return 0, false
	}
	d := at.Sub(now)
	return d, d > 0
}

// currentCondition returns a condition of the given type only if it was set
// for the Certificate's current generation: after a spec change, the old
// Ready=True describes a certificate for the old spec.
func currentCondition(cert *cmv1.Certificate, t cmv1.CertificateConditionType) *cmv1.CertificateCondition {
	for i := range cert.Status.Conditions {
		c := &cert.Status.Conditions[i]
		if c.Type != t {
			continue
		}
		if c.ObservedGeneration != cert.Generation {
			return nil
		}
		return c
	}
	return nil
}

// IssuedCurrent says whether cert-manager reports a valid certificate for
// the Certificate's current generation.
func IssuedCurrent(cert *cmv1.Certificate) bool {
	c := currentCondition(cert, cmv1.CertificateConditionReady)
	return c != nil && c.Status == cmmeta.ConditionTrue
}

func hasReason(c *cmv1.CertificateCondition, reason string) bool {
	return c != nil && c.Reason == reason
}

// fromCM copies cert-manager's reason and message under the given status.
func fromCM(status corev1.ConditionStatus, c *cmv1.CertificateCondition) Condition {
	return Condition{Status: status, Reason: c.Reason, Message: c.Message}
}
