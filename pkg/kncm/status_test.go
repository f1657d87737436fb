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

package kncm

import (
	"context"
	"strings"
	"testing"
	"time"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"

	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
)

// chain is one KCert "a" in "app" with its Certificate, a CertificateRequest
// per revision, an Order and a Challenge, each controlled by the one before.
type chain struct {
	kcert     *v1alpha1.Certificate
	cert      *cmv1.Certificate
	requests  []*cmv1.CertificateRequest
	order     *acmev1.Order
	challenge *acmev1.Challenge
}

func controllerRef(owner metav1.Object, kind string, gv string) []metav1.OwnerReference {
	return []metav1.OwnerReference{{APIVersion: gv, Kind: kind, Name: owner.GetName(), UID: owner.GetUID(), Controller: ptr.To(true)}}
}

func newChain(t *testing.T, w *world) *chain {
	w.kcert(t, "a", w.ca1, false)
	c := &chain{}
	// Take the KCert and Certificate w.kcert made; drop its requests,
	// which carry no owner references.
	var keep []runtime.Object
	for _, o := range w.cm {
		switch o := o.(type) {
		case *cmv1.Certificate:
			c.cert = o
		case *cmv1.CertificateRequest:
			continue
		}
		keep = append(keep, o)
	}
	w.cm = keep
	c.kcert = w.net[len(w.net)-1].(*v1alpha1.Certificate)
	c.cert.Spec = cmv1.CertificateSpec{SecretName: "a-tls", IssuerRef: cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "ca-issuer"}}
	for rev := 1; rev <= 2; rev++ {
		cr := &cmv1.CertificateRequest{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "a-" + string(rune('0'+rev)), UID: types.UID("cr-" + string(rune('0'+rev))),
			CreationTimestamp: metav1.Time{Time: now.Add(-time.Hour)},
			Annotations:       map[string]string{cmv1.CertificateRequestRevisionAnnotationKey: string(rune('0' + rev))},
			OwnerReferences:   controllerRef(c.cert, "Certificate", "cert-manager.io/v1")},
			Status: cmv1.CertificateRequestStatus{Conditions: []cmv1.CertificateRequestCondition{
				{Type: cmv1.CertificateRequestConditionApproved, Status: cmmeta.ConditionTrue, Reason: "cert-manager.io"},
				{Type: cmv1.CertificateRequestConditionReady, Status: cmmeta.ConditionFalse, Reason: cmv1.CertificateRequestReasonPending, Message: "Waiting on certificate issuance"}}}}
		c.requests = append(c.requests, cr)
	}
	c.order = &acmev1.Order{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "a-2-order", UID: "order",
		OwnerReferences: controllerRef(c.requests[1], "CertificateRequest", "cert-manager.io/v1")},
		Status: acmev1.OrderStatus{State: acmev1.Pending}}
	c.challenge = &acmev1.Challenge{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "a-2-order-ch", UID: "challenge",
		OwnerReferences: controllerRef(c.order, "Order", "acme.cert-manager.io/v1")},
		Spec:   acmev1.ChallengeSpec{Type: acmev1.ACMEChallengeTypeHTTP01, DNSName: "a.example.com"},
		Status: acmev1.ChallengeStatus{State: acmev1.Pending, Presented: true, Reason: "Waiting for HTTP-01 challenge propagation: wrong status code '404', expected '200'"}}
	return c
}

func (c *chain) objects() []runtime.Object {
	out := []runtime.Object{c.order, c.challenge}
	for _, cr := range c.requests {
		out = append(out, cr)
	}
	return out
}

func TestStatus(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, w *world, c *chain)
		check  func(t *testing.T, s KCertStatus)
	}{{
		name: "waiting at the Challenge, newest revision, issuer chosen by issuerRef",
		check: func(t *testing.T, s KCertStatus) {
			if s.Issuer == nil || s.Issuer.Key != "issuerRef" || s.Issuer.Name != "ClusterIssuer ca-issuer" || !s.Issuer.Found || !s.Issuer.Ready {
				t.Errorf("issuer = %+v, want issuerRef → ClusterIssuer ca-issuer, found and Ready", s.Issuer)
			}
			if s.Request == nil || s.Request.Name != "a-2" || s.Request.Revision != "2" {
				t.Errorf("request = %+v, want a-2 (the newest revision)", s.Request)
			}
			if s.Order == nil || s.Order.State != "pending" || len(s.Challenges) != 1 || !strings.Contains(s.Challenges[0].Reason, "wrong status code '404'") {
				t.Errorf("order %+v, challenges %+v: want the pending Order and its Challenge's reason", s.Order, s.Challenges)
			}
			if s.Stuck == nil || s.Stuck.Reason != resources.ReasonChallengePending || !strings.Contains(s.Stuck.Message, "Challenge a-2-order-ch") {
				t.Errorf("stuck = %+v, want %s naming the Challenge", s.Stuck, resources.ReasonChallengePending)
			}
			if s.Secret == nil || s.Secret.Error == "" {
				t.Errorf("secret = %+v, want the missing Secret's error", s.Secret)
			}
		},
	}, {
		name: "denied request",
		change: func(_ *testing.T, _ *world, c *chain) {
			c.requests[1].Status.Conditions = []cmv1.CertificateRequestCondition{{Type: cmv1.CertificateRequestConditionDenied, Status: cmmeta.ConditionTrue, Reason: "policy-approver", Message: "no"}}
		},
		check: func(t *testing.T, s KCertStatus) {
			if s.Stuck == nil || s.Stuck.Reason != resources.ReasonRequestDenied || !strings.Contains(s.Stuck.Message, "policy-approver") {
				t.Errorf("stuck = %+v, want %s by policy-approver", s.Stuck, resources.ReasonRequestDenied)
			}
		},
	}, {
		name: "an Order another request controls is not followed",
		change: func(_ *testing.T, _ *world, c *chain) {
			c.order.OwnerReferences = controllerRef(c.requests[0], "CertificateRequest", "cert-manager.io/v1")
		},
		check: func(t *testing.T, s KCertStatus) {
			if s.Order != nil || len(s.Challenges) != 0 {
				t.Errorf("order %+v, challenges %+v: want none for a-2", s.Order, s.Challenges)
			}
		},
	}, {
		name: "issued: the Secret's certificate, nothing stuck",
		change: func(t *testing.T, w *world, c *chain) {
			c.requests[1].Status.Conditions[1] = cmv1.CertificateRequestCondition{Type: cmv1.CertificateRequestConditionReady, Status: cmmeta.ConditionTrue, Reason: "Issued"}
			leaf := w.ca1.leaf(t, "a.example.com", now.Add(-time.Hour))
			w.kube = append(w.kube, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "a-tls"}, Data: map[string][]byte{corev1.TLSCertKey: []byte(pemOf(leaf))}})
		},
		check: func(t *testing.T, s KCertStatus) {
			if s.Stuck != nil {
				t.Errorf("stuck = %+v, want none", s.Stuck)
			}
			if s.Secret == nil || s.Secret.Error != "" || len(s.Secret.DNSNames) != 1 || s.Secret.DNSNames[0] != "a.example.com" || !strings.Contains(s.Secret.Issuer, "ca1") {
				t.Errorf("secret = %+v, want a.example.com issued by ca1", s.Secret)
			}
			if !s.Ready || s.Certificate == nil || *s.Certificate.Revision != 2 {
				t.Errorf("ready %v, certificate %+v: want Ready at revision 2", s.Ready, s.Certificate)
			}
		},
	}, {
		name: "a Certificate the KCert does not control is someone else's",
		change: func(_ *testing.T, _ *world, c *chain) {
			c.cert.OwnerReferences = nil
		},
		check: func(t *testing.T, s KCertStatus) {
			if s.Certificate == nil || !s.Certificate.NotControlled || s.Request != nil || s.Stuck != nil || s.Secret != nil {
				t.Errorf("certificate %+v, request %+v, stuck %+v: want not controlled and its chain left out", s.Certificate, s.Request, s.Stuck)
			}
		},
	}, {
		name: "no Certificate yet: the configured issuer",
		change: func(_ *testing.T, w *world, c *chain) {
			c.requests, c.order, c.challenge = nil, nil, nil
			w.cm = w.cm[:len(w.cm)-1]
		},
		check: func(t *testing.T, s KCertStatus) {
			if s.Certificate != nil || s.Issuer == nil || s.Issuer.Configured != "ClusterIssuer/ca-issuer" || s.Issuer.Name != "ClusterIssuer ca-issuer" {
				t.Errorf("certificate %+v, issuer %+v: want none, and the configured issuer", s.Certificate, s.Issuer)
			}
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			w.issuer("ca1", w.ca1, false)
			c := newChain(t, w)
			if tc.change != nil {
				tc.change(t, w, c)
			}
			objs := append([]runtime.Object{}, w.cm...)
			if c.order != nil {
				objs = append(objs, c.objects()...)
			}
			w.cm = objs
			cl, _ := w.clients()
			s, err := NewStatusReader(context.Background(), cl, DefaultOptions(), now).Status(context.Background(), c.kcert)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, s)
			var text strings.Builder
			PrintStatus(&text, s)
			if !strings.HasPrefix(text.String(), "KCert app/a\n") {
				t.Errorf("printed status starts %q", text.String())
			}
		})
	}
}
