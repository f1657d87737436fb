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
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"time"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"knative.dev/net-certmanager/pkg/bounded"
	"knative.dev/net-certmanager/pkg/issuerconfig"
)

// Reasons of the step an issuance waits at. They name the object and what
// holds it up, and never change with cert-manager's wording.
const (
	ReasonRequestDenied          = "CertificateRequestDenied"
	ReasonRequestInvalid         = "CertificateRequestInvalid"
	ReasonRequestFailed          = "CertificateRequestFailed"
	ReasonRequestPending         = "CertificateRequestPending"
	ReasonRequestAwaitingApprove = "CertificateRequestAwaitingApproval"
	ReasonRequestNotApproved     = "CertificateRequestNotApproved"
	ReasonRequestAwaitingIssuer  = "CertificateRequestAwaitingIssuer"
	ReasonRequestNotPickedUp     = "CertificateRequestNotPickedUp"
	ReasonOrderFailed            = "OrderFailed"
	ReasonOrderPending           = "OrderPending"
	ReasonChallengeFailed        = "ChallengeFailed"
	ReasonChallengePending       = "ChallengePending"
)

// PickUpWait is how long a CertificateRequest may wait for an approver or
// an issuer controller before the KCert says nothing has picked it up
// (cert-manager's own approver and issuers act within seconds).
const PickUpWait = 2 * time.Minute

// StepRecheck is how often a KCert that waits at a step cert-manager may
// leave without touching the Certificate (an Order or a Challenge moving
// on, an issuer becoming Ready) is walked again, from the caches. The
// Challenge informer drops status churn (events.go), so this, not an event,
// brings a Challenge's new words to the KCert; a status write follows only
// when its Stable text changes.
const StepRecheck = 30 * time.Second

// Stuck is the step of cert-manager's chain an issuance waits at.
type Stuck struct {
	// Reason is one of the Reason constants above.
	Reason string
	// Message names the object and carries cert-manager's own words,
	// without the parts that change on every retry (Stable).
	Message string
	// RecheckAfter, when positive, is when the verdict changes by time
	// alone (PickUpWait runs out) with nothing written to any object.
	RecheckAfter time.Duration
	// Progress: a step every issuance passes through and leaves by itself,
	// not worth a status write (Waiting).
	Progress bool
}

// StuckStep walks Certificate → CertificateRequest → Order → Challenge
// from what the caches hold and says where the newest request waits.
// Each link is followed only to objects its owner controls. It says
// nothing (false) when no request exists yet or the newest is issued.
func StuckStep(cert *cmv1.Certificate, owned OwnedObjects, now time.Time) (Stuck, bool) {
	cr := newest(controlledBy(owned.CertificateRequests(cert.UID), cert, CertificateKind))
	if cr == nil {
		return Stuck{}, false
	}
	what := fmt.Sprintf("CertificateRequest %s", cr.Name)
	if c := requestCondition(cr, cmv1.CertificateRequestConditionDenied); c != nil && c.Status == cmmeta.ConditionTrue {
		return stuck(ReasonRequestDenied, "%s was denied by %s: %s", what, orNone(c.Reason), orNone(c.Message)), true
	}
	if c := requestCondition(cr, cmv1.CertificateRequestConditionInvalidRequest); c != nil && c.Status == cmmeta.ConditionTrue {
		return stuck(ReasonRequestInvalid, "%s is invalid (%s): %s", what, orNone(c.Reason), orNone(c.Message)), true
	}
	ready := requestCondition(cr, cmv1.CertificateRequestConditionReady)
	if ready != nil && ready.Status == cmmeta.ConditionTrue {
		return Stuck{}, false
	}
	if ready != nil && ready.Reason == cmv1.CertificateRequestReasonFailed {
		return stuck(ReasonRequestFailed, "%s failed: %s", what, orNone(ready.Message)), true
	}
	waited := now.Sub(cr.CreationTimestamp.Time)
	if approved := requestCondition(cr, cmv1.CertificateRequestConditionApproved); approved == nil || approved.Status != cmmeta.ConditionTrue {
		if waited < PickUpWait {
			return Stuck{ReasonRequestAwaitingApprove, what + " is waiting to be approved", PickUpWait - waited, true}, true
		}
		return recheck(stuck(ReasonRequestNotApproved, "%s has been neither approved nor denied within %s; is an approver running for %s?",
			what, PickUpWait, issuerOf(cert))), true
	}
	if ready == nil {
		if waited < PickUpWait {
			return Stuck{ReasonRequestAwaitingIssuer, what + " is approved and waiting for its issuer", PickUpWait - waited, true}, true
		}
		return recheck(stuck(ReasonRequestNotPickedUp, "%s is approved but no issuer controller has picked it up within %s; is a controller running for %s?",
			what, PickUpWait, issuerOf(cert))), true
	}
	if s, ok := orderStep(cr, owned); ok {
		return s, true
	}
	// Pending for a reason of the issuer's own, e.g. an issuer not Ready.
	return recheck(stuck(ReasonRequestPending, "%s is pending (%s): %s", what, orNone(ready.Reason), orNone(ready.Message))), true
}

// orderStep says where the ACME Order of a request waits, if it has one.
func orderStep(cr *cmv1.CertificateRequest, owned OwnedObjects) (Stuck, bool) {
	order := newest(controlledBy(owned.Orders(cr.UID), cr, CertificateRequestKind))
	if order == nil || order.Status.State == acmev1.Valid {
		return Stuck{}, false
	}
	what := fmt.Sprintf("Order %s", order.Name)
	if isFailure(order.Status.State) {
		return stuck(ReasonOrderFailed, "%s is %s: %s", what, order.Status.State, orNone(order.Status.Reason)), true
	}
	challenges := controlledBy(owned.Challenges(order.UID), order, OrderKind)
	slices.SortFunc(challenges, func(a, b *acmev1.Challenge) int { return cmp.Compare(a.Name, b.Name) })
	for _, ch := range challenges {
		if ch.Status.State == acmev1.Valid {
			continue
		}
		s := stuck(ReasonChallengePending, "Challenge %s (%s for %s) is %s: %s", ch.Name, ch.Spec.Type, ch.Spec.DNSName,
			orValue(string(ch.Status.State), "pending"), orNone(ch.Status.Reason))
		if isFailure(ch.Status.State) {
			s.Reason = ReasonChallengeFailed
			return s, true
		}
		// Without an error text, the Challenge is only not answered yet.
		s.Progress = ch.Status.Reason == ""
		return recheck(s), true
	}
	s := recheck(stuck(ReasonOrderPending, "%s is %s", what, orValue(string(order.Status.State), "pending")))
	s.Progress = true
	return s, true
}

// stuck formats a message from cert-manager's words, made Stable and bounded.
func stuck(reason, format string, args ...any) Stuck {
	return Stuck{Reason: reason, Message: bounded.Truncate(Stable(fmt.Sprintf(format, args...)), bounded.MaxMessage)}
}

// recheck marks a step that may move on with no event for the KCert.
func recheck(s Stuck) Stuck {
	s.RecheckAfter = StepRecheck
	return s
}

// The parts of cert-manager's error texts that change on every retry
// without saying anything new: the local end of a TCP connection (an
// ephemeral port), timestamps, and retry counters.
var (
	localAddress = regexp.MustCompile(`(tcp|udp)[46]? \S+->`)
	timestamp    = regexp.MustCompile(`\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?`)
	retryCount   = regexp.MustCompile(`(?i)\b(try|attempt|retry|retries)( #?)\d+`)
)

// Stable drops the volatile parts of a message, so that a retry that only
// changes them writes no status and enqueues nothing.
func Stable(msg string) string {
	msg = localAddress.ReplaceAllString(msg, "$1 ")
	msg = timestamp.ReplaceAllString(msg, "<time>")
	return retryCount.ReplaceAllString(msg, "$1$2N")
}

// newest picks the most recently created object, by name on a tie.
func newest[T metav1.Object](objs []T) T {
	var best T
	var found bool
	for _, o := range objs {
		if o.GetDeletionTimestamp() != nil {
			continue
		}
		if !found || cmp.Or(o.GetCreationTimestamp().Time.Compare(best.GetCreationTimestamp().Time),
			cmp.Compare(o.GetName(), best.GetName())) > 0 {
			best, found = o, true
		}
	}
	return best
}

func requestCondition(cr *cmv1.CertificateRequest, t cmv1.CertificateRequestConditionType) *cmv1.CertificateRequestCondition {
	for i := range cr.Status.Conditions {
		if cr.Status.Conditions[i].Type == t {
			return &cr.Status.Conditions[i]
		}
	}
	return nil
}

func issuerOf(cert *cmv1.Certificate) string { return issuerconfig.String(cert.Spec.IssuerRef) }

// isFailure: ACME's final states other than valid.
func isFailure(s acmev1.State) bool {
	return s == acmev1.Invalid || s == acmev1.Errored || s == acmev1.Expired
}

func orNone(s string) string { return orValue(s, "(none given)") }

func orValue(s, fallback string) string { return cmp.Or(s, fallback) }
