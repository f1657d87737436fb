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
	"strings"
	"testing"
	"time"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"knative.dev/net-certmanager/pkg/bounded"
)

func TestStuckStep(t *testing.T) {
	now := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	cert := &cmv1.Certificate{ObjectMeta: meta("cert"),
		Spec: cmv1.CertificateSpec{IssuerRef: cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "acme"}}}
	cond := func(t cmv1.CertificateRequestConditionType, s cmmeta.ConditionStatus, reason, msg string) cmv1.CertificateRequestCondition {
		return cmv1.CertificateRequestCondition{Type: t, Status: s, Reason: reason, Message: msg}
	}
	approved := cond(cmv1.CertificateRequestConditionApproved, cmmeta.ConditionTrue, "cert-manager.io", "approved")
	pending := cond(cmv1.CertificateRequestConditionReady, cmmeta.ConditionFalse, cmv1.CertificateRequestReasonPending, "Waiting on certificate issuance from order ns/order-1: \"pending\"")
	request := func(name string, age time.Duration, conds ...cmv1.CertificateRequestCondition) *cmv1.CertificateRequest {
		cr := &cmv1.CertificateRequest{ObjectMeta: meta(name), Status: cmv1.CertificateRequestStatus{Conditions: conds}}
		cr.CreationTimestamp = metav1.NewTime(now.Add(-age))
		return cr
	}
	order := func(state acmev1.State, reason string) *acmev1.Order {
		return &acmev1.Order{ObjectMeta: meta("order-1"), Status: acmev1.OrderStatus{State: state, Reason: reason}}
	}
	challenge := func(name string, state acmev1.State, reason string) *acmev1.Challenge {
		c := ch(name, acmev1.ACMEChallengeTypeHTTP01, name+".example.com")
		c.Status.State, c.Status.Reason = state, reason
		return c
	}
	acme := func(o *acmev1.Order, chs ...*acmev1.Challenge) owned {
		return withControllers(owned{
			crs:    map[types.UID][]*cmv1.CertificateRequest{"cert": {request("cr-1", time.Hour, approved, pending)}},
			orders: map[types.UID][]*acmev1.Order{"cr-1": {o}},
			chs:    map[types.UID][]*acmev1.Challenge{"order-1": chs},
		})
	}
	requests := func(crs ...*cmv1.CertificateRequest) owned {
		return withControllers(owned{crs: map[types.UID][]*cmv1.CertificateRequest{"cert": crs}})
	}
	foreignOrder := acme(order(acmev1.Invalid, "foreign"))
	foreignOrder.orders["cr-1"][0].OwnerReferences[0].Controller = nil

	tests := []struct {
		name   string
		owned  owned
		want   Stuck
		wantOK bool
	}{{
		name:  "no request yet: nothing to say",
		owned: owned{},
	}, {
		name:  "the newest request is issued: nothing to say",
		owned: requests(request("cr-1", time.Minute, approved, cond(cmv1.CertificateRequestConditionReady, cmmeta.ConditionTrue, "Issued", "ok"))),
	}, {
		name: "a request it does not control is not followed",
		owned: func() owned {
			o := requests(request("cr-1", time.Hour))
			o.crs["cert"][0].OwnerReferences = nil
			return o
		}(),
	}, {
		name: "denied, and by whom",
		owned: requests(request("cr-0", 2*time.Hour, approved, pending),
			request("cr-1", time.Hour, cond(cmv1.CertificateRequestConditionDenied, cmmeta.ConditionTrue, "policy.cert-manager.io", "no policy allows example.com"))),
		want:   Stuck{Reason: ReasonRequestDenied, Message: "CertificateRequest cr-1 was denied by policy.cert-manager.io: no policy allows example.com"},
		wantOK: true,
	}, {
		name:   "invalid",
		owned:  requests(request("cr-1", time.Hour, cond(cmv1.CertificateRequestConditionInvalidRequest, cmmeta.ConditionTrue, "BadConfig", "bad CSR"))),
		want:   Stuck{Reason: ReasonRequestInvalid, Message: "CertificateRequest cr-1 is invalid (BadConfig): bad CSR"},
		wantOK: true,
	}, {
		name:   "failed",
		owned:  requests(request("cr-1", time.Hour, approved, cond(cmv1.CertificateRequestConditionReady, cmmeta.ConditionFalse, cmv1.CertificateRequestReasonFailed, "signing failed"))),
		want:   Stuck{Reason: ReasonRequestFailed, Message: "CertificateRequest cr-1 failed: signing failed"},
		wantOK: true,
	}, {
		name:   "awaiting approval, rechecked when the wait runs out",
		owned:  requests(request("cr-1", 30*time.Second)),
		want:   Stuck{Reason: ReasonRequestAwaitingApprove, Message: "CertificateRequest cr-1 is waiting to be approved", RecheckAfter: 90 * time.Second, Progress: true},
		wantOK: true,
	}, {
		name:  "not approved after the wait",
		owned: requests(request("cr-1", PickUpWait)),
		want: Stuck{Reason: ReasonRequestNotApproved,
			Message: "CertificateRequest cr-1 has been neither approved nor denied within 2m0s; is an approver running for ClusterIssuer/acme?", RecheckAfter: StepRecheck},
		wantOK: true,
	}, {
		name:   "approved, awaiting its issuer",
		owned:  requests(request("cr-1", time.Minute, approved)),
		want:   Stuck{Reason: ReasonRequestAwaitingIssuer, Message: "CertificateRequest cr-1 is approved and waiting for its issuer", RecheckAfter: time.Minute, Progress: true},
		wantOK: true,
	}, {
		name:  "approved, never picked up (an external issuer with no controller)",
		owned: requests(request("cr-1", 10*time.Minute, approved)),
		want: Stuck{Reason: ReasonRequestNotPickedUp,
			Message: "CertificateRequest cr-1 is approved but no issuer controller has picked it up within 2m0s; is a controller running for ClusterIssuer/acme?", RecheckAfter: StepRecheck},
		wantOK: true,
	}, {
		name: "pending on an issuer that is not ready",
		owned: requests(request("cr-1", time.Hour, approved, cond(cmv1.CertificateRequestConditionReady, cmmeta.ConditionFalse,
			cmv1.CertificateRequestReasonPending, "Referenced issuer does not have a Ready status condition"))),
		want:   Stuck{Reason: ReasonRequestPending, Message: "CertificateRequest cr-1 is pending (Pending): Referenced issuer does not have a Ready status condition", RecheckAfter: StepRecheck},
		wantOK: true,
	}, {
		name:   "order failed",
		owned:  acme(order(acmev1.Invalid, "Failed to finalize Order: 403 urn:ietf:params:acme:error:unauthorized")),
		want:   Stuck{Reason: ReasonOrderFailed, Message: "Order order-1 is invalid: Failed to finalize Order: 403 urn:ietf:params:acme:error:unauthorized"},
		wantOK: true,
	}, {
		name:   "order pending without challenges yet",
		owned:  acme(order("", "")),
		want:   Stuck{Reason: ReasonOrderPending, Message: "Order order-1 is pending", RecheckAfter: StepRecheck, Progress: true},
		wantOK: true,
	}, {
		name:  "an order it does not control is not followed: the request's own words",
		owned: foreignOrder,
		want: Stuck{Reason: ReasonRequestPending,
			Message: "CertificateRequest cr-1 is pending (Pending): Waiting on certificate issuance from order ns/order-1: \"pending\"", RecheckAfter: StepRecheck},
		wantOK: true,
	}, {
		name: "the first challenge not valid, in cert-manager's words",
		owned: acme(order(acmev1.Pending, ""), challenge("b", acmev1.Pending, "Waiting for HTTP-01 challenge propagation: wrong status code '404', expected '200'"),
			challenge("a", acmev1.Valid, "Successfully authorized domain")),
		want: Stuck{Reason: ReasonChallengePending,
			Message: "Challenge b (HTTP-01 for b.example.com) is pending: Waiting for HTTP-01 challenge propagation: wrong status code '404', expected '200'", RecheckAfter: StepRecheck},
		wantOK: true,
	}, {
		name:   "a challenge without state or reason yet",
		owned:  acme(order(acmev1.Pending, ""), challenge("a", "", "")),
		want:   Stuck{Reason: ReasonChallengePending, Message: "Challenge a (HTTP-01 for a.example.com) is pending: (none given)", RecheckAfter: StepRecheck, Progress: true},
		wantOK: true,
	}, {
		name:   "a failed challenge",
		owned:  acme(order(acmev1.Pending, ""), challenge("a", acmev1.Invalid, "Error accepting authorization: acme: urn:ietf:params:acme:error:connection: 400")),
		want:   Stuck{Reason: ReasonChallengeFailed, Message: "Challenge a (HTTP-01 for a.example.com) is invalid: Error accepting authorization: acme: urn:ietf:params:acme:error:connection: 400"},
		wantOK: true,
	}, {
		name: "volatile parts of a challenge's reason are dropped",
		owned: acme(order(acmev1.Pending, ""), challenge("a", acmev1.Pending,
			`Waiting for HTTP-01 challenge propagation: failed to perform self check GET request 'http://a.example.com/': read tcp 10.0.0.5:54321->10.0.0.1:80: read: connection reset by peer`)),
		want: Stuck{Reason: ReasonChallengePending, Message: `Challenge a (HTTP-01 for a.example.com) is pending: Waiting for HTTP-01 challenge propagation: ` +
			`failed to perform self check GET request 'http://a.example.com/': read tcp 10.0.0.1:80: read: connection reset by peer`, RecheckAfter: StepRecheck},
		wantOK: true,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := StuckStep(cert, tc.owned, now)
			if ok != tc.wantOK {
				t.Fatalf("StuckStep() ok = %v, want %v (%+v)", ok, tc.wantOK, got)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("StuckStep() (-want,+got):\n%s", diff)
			}
		})
	}
}

func TestStuckStepIsBounded(t *testing.T) {
	o := withControllers(owned{crs: map[types.UID][]*cmv1.CertificateRequest{"cert": {{ObjectMeta: meta("cr-1"),
		Status: cmv1.CertificateRequestStatus{Conditions: []cmv1.CertificateRequestCondition{{
			Type: cmv1.CertificateRequestConditionDenied, Status: cmmeta.ConditionTrue, Message: strings.Repeat("x", 10*bounded.MaxMessage)}}}}}}})
	got, ok := StuckStep(&cmv1.Certificate{ObjectMeta: meta("cert")}, o, time.Now())
	if !ok || len(got.Message) > bounded.MaxMessage+32 {
		t.Errorf("StuckStep() = %v, %d bytes; want a message of at most about %d bytes", ok, len(got.Message), bounded.MaxMessage)
	}
}

func TestStable(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"read tcp 10.0.0.5:54321->10.0.0.1:80: reset", "read tcp 10.0.0.5:40000->10.0.0.1:80: reset"},
		{"read tcp [fd00::5]:54321->[fd00::1]:80: reset", "read tcp [fd00::5]:1234->[fd00::1]:80: reset"},
		{"failed at 2026-11-30T02:00:00Z", "failed at 2026-11-30T02:05:13.123+01:00"},
		{"lookup failed: try 1", "lookup failed: try 2"},
		{"attempt #3 failed", "attempt #14 failed"},
	} {
		if Stable(tc.a) != Stable(tc.b) {
			t.Errorf("Stable(%q) = %q, Stable(%q) = %q; want equal", tc.a, Stable(tc.a), tc.b, Stable(tc.b))
		}
	}
	// What says something new is kept.
	for _, tc := range []struct{ a, b string }{
		{"wrong status code '404', expected '200'", "wrong status code '503', expected '200'"},
		{"dial tcp 10.0.0.1:80: connection refused", "dial tcp 10.0.0.1:8080: connection refused"},
	} {
		if Stable(tc.a) == Stable(tc.b) {
			t.Errorf("Stable(%q) = Stable(%q) = %q; want them told apart", tc.a, tc.b, Stable(tc.a))
		}
	}
}
