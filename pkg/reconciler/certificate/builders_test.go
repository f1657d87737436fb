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
	"fmt"
	"time"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/kmeta"

	"knative.dev/net-certmanager/pkg/certclass"
	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
)

const (
	testNS     = "default"
	testName   = "route-abc"
	testClass  = certclass.Default
	testDomain = "example.com"
	testHost   = "hello.default.example.com"
	testSecret = "route-abc-tls"
)

var (
	// now is the fake clock's time in every row.
	now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	// notAfter and renewalTime describe a certificate issued 30 days ago.
	notAfter    = metav1.NewTime(now.Add(60 * 24 * time.Hour))
	renewalTime = metav1.NewTime(now.Add(30 * 24 * time.Hour))
)

type kcertOption func(*v1alpha1.Certificate)

// kcert is a KCert of our class, as Knative Serving creates it.
func kcert(opts ...kcertOption) *v1alpha1.Certificate {
	c := &v1alpha1.Certificate{
		ObjectMeta: metav1.ObjectMeta{
			Name:        testName,
			Namespace:   testNS,
			UID:         "kcert-uid",
			Generation:  1,
			Annotations: map[string]string{networking.CertificateClassAnnotationKey: testClass},
			Labels:      map[string]string{"serving.knative.dev/route": "route"},
		},
		Spec: v1alpha1.CertificateSpec{
			DNSNames:   []string{testHost},
			Domain:     testDomain,
			SecretName: testSecret,
		},
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

func withType(t string) kcertOption {
	return func(c *v1alpha1.Certificate) { c.Labels[networking.CertificateTypeLabelKey] = t }
}

func withDNSNames(names ...string) kcertOption {
	return func(c *v1alpha1.Certificate) { c.Spec.DNSNames = names }
}

func withDomain(d string) kcertOption {
	return func(c *v1alpha1.Certificate) { c.Spec.Domain = d }
}

func withSecretName(n string) kcertOption {
	return func(c *v1alpha1.Certificate) { c.Spec.SecretName = n }
}

func withLabel(k, v string) kcertOption {
	return func(c *v1alpha1.Certificate) { c.Labels[k] = v }
}

func withClass(class string) kcertOption {
	return func(c *v1alpha1.Certificate) { c.Annotations[networking.CertificateClassAnnotationKey] = class }
}

// observed marks the status as written by a reconcile of this generation.
func observed(c *v1alpha1.Certificate) {
	c.Status.InitializeConditions()
	c.Status.ObservedGeneration = c.Generation
}

func ready(c *v1alpha1.Certificate) {
	observed(c)
	c.Status.MarkReady()
	c.Status.NotAfter = &notAfter
}

func unknown(reason, message string) kcertOption {
	return func(c *v1alpha1.Certificate) {
		observed(c)
		c.GetConditionSet().Manage(&c.Status).MarkUnknown(apis.ConditionReady, reason, "%s", message)
	}
}

func failed(reason, message string) kcertOption {
	return func(c *v1alpha1.Certificate) {
		observed(c)
		c.GetConditionSet().Manage(&c.Status).MarkFalse(apis.ConditionReady, reason, "%s", message)
	}
}

func renewing(status corev1.ConditionStatus, reason, message string) kcertOption {
	return func(c *v1alpha1.Certificate) {
		c.GetConditionSet().Manage(&c.Status).SetCondition(apis.Condition{
			Type: RenewingCondition, Status: status, Reason: reason, Message: message,
			Severity: apis.ConditionSeverityInfo,
		})
	}
}

func withNotAfter(c *v1alpha1.Certificate) { c.Status.NotAfter = &notAfter }

func withChallenges(chs ...v1alpha1.HTTP01Challenge) kcertOption {
	return func(c *v1alpha1.Certificate) { c.Status.HTTP01Challenges = chs }
}

// http01 is the challenge entry published for a solver Service.
func http01(host, token, svc string, port int32) v1alpha1.HTTP01Challenge {
	return v1alpha1.HTTP01Challenge{
		URL:              &apis.URL{Scheme: "http", Host: host, Path: "/.well-known/acme-challenge/" + token},
		ServiceName:      svc,
		ServiceNamespace: testNS,
		ServicePort:      intstr.FromInt32(port),
	}
}

type certOption func(*cmv1.Certificate)

// cmCert is the cert-manager Certificate the reconciler builds for kc.
func cmCert(kc *v1alpha1.Certificate, issuer cmmeta.IssuerReference, opts ...certOption) *cmv1.Certificate {
	c, err := resources.MakeCertificate(kc, issuer)
	if err != nil {
		panic(err)
	}
	c.UID = "cert-uid"
	for _, o := range opts {
		o(c)
	}
	return c
}

// foreign drops the owner reference: someone else's Certificate.
func foreign(c *cmv1.Certificate) { c.OwnerReferences = nil }

func cmCondition(t cmv1.CertificateConditionType, s cmmeta.ConditionStatus, reason, message string) certOption {
	return func(c *cmv1.Certificate) {
		c.Status.Conditions = append(c.Status.Conditions, cmv1.CertificateCondition{
			Type: t, Status: s, Reason: reason, Message: message, ObservedGeneration: c.Generation,
		})
	}
}

func cmReady(c *cmv1.Certificate) {
	cmCondition(cmv1.CertificateConditionReady, cmmeta.ConditionTrue, "Ready", "Certificate is up to date and has not expired")(c)
	cmInService(c)
}

// cmInService: the Secret holds a valid certificate, cert-manager's revision 1.
func cmInService(c *cmv1.Certificate) {
	c.Status.NotAfter = &notAfter
	c.Status.RenewalTime = &renewalTime
	c.Status.Revision = ptr.To(1)
}

// cmStale makes the Certificate's spec newer than everything its status says.
func cmStale(c *cmv1.Certificate) { c.Generation++ }

func cmLabel(k, v string) certOption {
	return func(c *cmv1.Certificate) { c.Labels[k] = v }
}

func cmAnnotation(k, v string) certOption {
	return func(c *cmv1.Certificate) { c.Annotations[k] = v }
}

// servingCertificate is the cert-manager Certificate that Knative Serving
// v0.50's own reconciler (pkg/reconciler/certificate/resources) builds for
// kc, written out here by hand: when the first DNS name is too long for a
// common name, it prepends k.<domain> to the KCert's DNS names even if the
// KCert lists it already, and it shares the KCert's label and annotation maps.
func servingCertificate(kc *v1alpha1.Certificate, issuer cmmeta.IssuerReference, opts ...certOption) *cmv1.Certificate {
	commonName := kc.Spec.DNSNames[0]
	var dnsNames []string
	if len(commonName) > 63 {
		commonName = "k." + kc.Spec.Domain
		dnsNames = append(dnsNames, commonName)
	}
	dnsNames = append(dnsNames, kc.Spec.DNSNames...)
	c := &cmv1.Certificate{
		ObjectMeta: metav1.ObjectMeta{
			Name: kc.Name, Namespace: kc.Namespace, UID: "cert-uid",
			OwnerReferences: []metav1.OwnerReference{*kmeta.NewControllerRef(kc)},
			Annotations:     kc.GetAnnotations(),
			Labels:          kc.GetLabels(),
		},
		Spec: cmv1.CertificateSpec{
			CommonName: commonName,
			SecretName: kc.Spec.SecretName,
			DNSNames:   dnsNames,
			IssuerRef:  issuer,
			SecretTemplate: &cmv1.CertificateSecretTemplate{
				Labels: map[string]string{networking.CertificateUIDLabelKey: string(kc.GetUID())},
			},
		},
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

func cmGeneration(g int64) certOption {
	return func(c *cmv1.Certificate) { c.Generation = g }
}

func cmRenewalTime(t time.Time) certOption {
	return func(c *cmv1.Certificate) { rt := metav1.NewTime(t); c.Status.RenewalTime = &rt }
}

// The ACME owner chain: Certificate → CertificateRequest → Order → Challenge → Service.

// certificateRequest is approved and waits for its ACME order, as
// cert-manager leaves one during an HTTP-01 or DNS-01 issuance.
// approvedRequest is a CertificateRequest, created at created, that its
// issuer has not picked up yet.
func approvedRequest(owner *cmv1.Certificate, created time.Time) *cmv1.CertificateRequest {
	cr := certificateRequest(owner, owner.Name+"-1")
	cr.CreationTimestamp = metav1.NewTime(created)
	cr.Status.Conditions = []cmv1.CertificateRequestCondition{{Type: cmv1.CertificateRequestConditionApproved, Status: cmmeta.ConditionTrue}}
	return cr
}

func certificateRequest(owner *cmv1.Certificate, name string) *cmv1.CertificateRequest {
	return &cmv1.CertificateRequest{ObjectMeta: metav1.ObjectMeta{
		Name: name, Namespace: testNS, UID: types.UID(name + "-uid"),
		OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(owner, cmv1.SchemeGroupVersion.WithKind("Certificate"))},
	}, Status: cmv1.CertificateRequestStatus{Conditions: []cmv1.CertificateRequestCondition{
		{Type: cmv1.CertificateRequestConditionApproved, Status: cmmeta.ConditionTrue, Reason: "cert-manager.io"},
		{Type: cmv1.CertificateRequestConditionReady, Status: cmmeta.ConditionFalse, Reason: cmv1.CertificateRequestReasonPending,
			Message: "Waiting on certificate issuance from order " + testNS + "/" + name + "-123: \"pending\""},
	}}}
}

func order(owner *cmv1.CertificateRequest, name string) *acmev1.Order {
	return &acmev1.Order{ObjectMeta: metav1.ObjectMeta{
		Name: name, Namespace: testNS, UID: types.UID(name + "-uid"),
		OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(owner, cmv1.SchemeGroupVersion.WithKind("CertificateRequest"))},
	}, Status: acmev1.OrderStatus{State: acmev1.Pending}}
}

// challengeReason is what cert-manager says of the pending challenges the
// builders make.
const challengeReason = "Waiting for HTTP-01 challenge propagation: wrong status code '404', expected '200'"

// waitingAtChallenge is the end of the Ready message of a KCert whose
// issuance waits at a challenge the builders made.
func waitingAtChallenge(name string, typ acmev1.ACMEChallengeType, host string) string {
	return fmt.Sprintf("; waiting at %s: Challenge %s (%s for %s) is pending: %s",
		resources.ReasonChallengePending, name, typ, host, challengeReason)
}

func challenge(owner *acmev1.Order, name string, typ acmev1.ACMEChallengeType, host, token string) *acmev1.Challenge {
	return &acmev1.Challenge{
		ObjectMeta: metav1.ObjectMeta{
			Name: name, Namespace: testNS, UID: types.UID(name + "-uid"),
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(owner, acmev1.SchemeGroupVersion.WithKind("Order"))},
		},
		Spec:   acmev1.ChallengeSpec{Type: typ, DNSName: host, Token: token},
		Status: acmev1.ChallengeStatus{State: acmev1.Pending, Reason: challengeReason, Processing: true},
	}
}

func solverService(owner *acmev1.Challenge, name string, ports ...int32) *corev1.Service {
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{
		Name: name, Namespace: testNS, UID: types.UID(name + "-uid"),
		Labels: map[string]string{resources.HTTP01SolverLabelKey: "true"},
	}}
	if owner != nil {
		svc.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(owner, acmev1.SchemeGroupVersion.WithKind("Challenge"))}
	}
	for _, p := range ports {
		svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{Port: p})
	}
	return svc
}
