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
	"regexp"
	"testing"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

var (
	now         = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	notAfter    = metav1.NewTime(now.Add(60 * 24 * time.Hour))
	renewalTime = metav1.NewTime(now.Add(30 * 24 * time.Hour))
	// laterNotAfter is the expiry of a replacement certificate.
	laterNotAfter = metav1.NewTime(now.Add(90 * 24 * time.Hour))
)

type certOpt func(*cmv1.Certificate)

func cert(opts ...certOpt) *cmv1.Certificate {
	c := &cmv1.Certificate{ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "ns", Generation: 3}}
	for _, o := range opts {
		o(c)
	}
	return c
}

func cond(t cmv1.CertificateConditionType, s cmmeta.ConditionStatus, reason, msg string) certOpt {
	return func(c *cmv1.Certificate) {
		c.Status.Conditions = append(c.Status.Conditions, cmv1.CertificateCondition{
			Type: t, Status: s, Reason: reason, Message: msg, ObservedGeneration: c.Generation,
		})
	}
}

func staleCond(t cmv1.CertificateConditionType, s cmmeta.ConditionStatus, reason string) certOpt {
	return func(c *cmv1.Certificate) {
		c.Status.Conditions = append(c.Status.Conditions, cmv1.CertificateCondition{
			Type: t, Status: s, Reason: reason, ObservedGeneration: c.Generation - 1,
		})
	}
}

func issued(c *cmv1.Certificate) {
	cond(cmv1.CertificateConditionReady, cmmeta.ConditionTrue, "Ready", "Certificate is up to date and has not expired")(c)
	inService(c)
}

// inService: the Secret holds a valid certificate, of revision 1.
func inService(c *cmv1.Certificate) {
	c.Status.NotAfter = &notAfter
	c.Status.RenewalTime = &renewalTime
	c.Status.Revision = ptr.To(1)
}

// firstIssuance: no revision yet, as before cert-manager records the first.
func firstIssuance(c *cmv1.Certificate) { c.Status.Revision = nil }

func expired(c *cmv1.Certificate) {
	past := metav1.NewTime(now.Add(-time.Minute))
	c.Status.NotAfter = &past
}

func renewalAt(t time.Time) certOpt {
	return func(c *cmv1.Certificate) { rt := metav1.NewTime(t); c.Status.RenewalTime = &rt }
}

var (
	ready = Condition{Status: corev1.ConditionTrue}
	// inProgress and failed take cert-manager's own reason and message.
	inProgress = func(reason, msg string) Condition { return Condition{corev1.ConditionUnknown, reason, msg} }
	failed     = func(reason, msg string) Condition { return Condition{corev1.ConditionFalse, reason, msg} }
	awaiting   = inProgress(ReasonAwaitingCertManager, "Waiting for cert-manager to evaluate Certificate ns/c (generation 3)")
)

// One row per state cert-manager v1.20 can put a Certificate in.
func TestComputeStatus(t *testing.T) {
	const failMsg = "The certificate request has failed to complete and will be retried: the issuer is not ready"
	const incorrectIssuerMsg = `Issuing certificate as Secret was previously issued by "ClusterIssuer.cert-manager.io/old-ca"`
	const secretMismatchMsg = "Secret contains a private key that does not match the current CertificateRequest"
	issuerChangeUnderway := &Condition{corev1.ConditionTrue, ReasonIssuerChanged, ""}
	renewalUnderway := &Condition{corev1.ConditionTrue, "Renewing", "Renewing certificate as renewal was scheduled"}
	issuerChangedTo := func(status corev1.ConditionStatus) *Condition {
		return &Condition{status, ReasonIssuerChanged, "Re-issuing from ClusterIssuer/new-ca; the certificate in service stays valid until " +
			notAfter.UTC().Format(time.RFC3339)}
	}
	newIssuer := func(c *cmv1.Certificate) {
		c.Spec.IssuerRef = cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "new-ca"}
	}
	tests := []struct {
		name  string
		cert  *cmv1.Certificate
		known Known
		want  Status
	}{{
		name: "just created: no conditions",
		cert: cert(),
		want: Status{Ready: awaiting},
	}, {
		name: "conditions of an older generation only",
		cert: cert(staleCond(cmv1.CertificateConditionReady, cmmeta.ConditionTrue, "Ready"), staleCond(cmv1.CertificateConditionIssuing, cmmeta.ConditionFalse, "Failed")),
		want: Status{Ready: awaiting},
	}, {
		name: "trigger fired before readiness: Issuing=True only",
		cert: cert(cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "DoesNotExist", "Issuing certificate as Secret does not exist")),
		want: Status{Ready: inProgress("DoesNotExist", "Issuing certificate as Secret does not exist")},
	}, {
		name: "DoesNotExist while issuing is in progress, not Failed",
		cert: cert(cond(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "DoesNotExist", "Issuing certificate as Secret does not exist"),
			cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "DoesNotExist", "Issuing certificate as Secret does not exist")),
		want: Status{Ready: inProgress("DoesNotExist", "Issuing certificate as Secret does not exist")},
	}, {
		name: "Ready=False without Issuing (e.g. Expired, before the trigger) is in progress",
		cert: cert(cond(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "Expired", "Certificate expired on ...")),
		want: Status{Ready: inProgress("Expired", "Certificate expired on ...")},
	}, {
		name: "Ready=Unknown is in progress",
		cert: cert(cond(cmv1.CertificateConditionReady, cmmeta.ConditionUnknown, "Pending", "pending")),
		want: Status{Ready: inProgress("Pending", "pending")},
	}, {
		name: "issuance failed: Issuing=False with reason Failed",
		cert: cert(cond(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "DoesNotExist", "Issuing certificate as Secret does not exist"),
			cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionFalse, "Failed", failMsg)),
		want: Status{Ready: failed("Failed", failMsg)},
	}, {
		name: "issuance denied by an approver",
		cert: cert(cond(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "DoesNotExist", "x"),
			cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionFalse, "Denied", "The certificate request has failed to complete and will be retried: denied")),
		want: Status{Ready: failed("Denied", "The certificate request has failed to complete and will be retried: denied")},
	}, {
		name: "issuance failed for the current spec while Ready is stale",
		cert: cert(staleCond(cmv1.CertificateConditionReady, cmmeta.ConditionTrue, "Ready"),
			cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionFalse, "Failed", failMsg)),
		want: Status{Ready: failed("Failed", failMsg)},
	}, {
		name: "a stale failure after a spec change is not Failed",
		cert: cert(cond(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "IncorrectIssuer", "Issuer of the certificate is not up to date"),
			staleCond(cmv1.CertificateConditionIssuing, cmmeta.ConditionFalse, "Failed")),
		want: Status{Ready: inProgress("IncorrectIssuer", "Issuer of the certificate is not up to date")},
	}, {
		name: "issued and valid",
		cert: cert(issued),
		want: Status{Ready: ready, NotAfter: &notAfter, RenewalTime: &renewalTime},
	}, {
		name: "issued, with Issuing=False reason Issued (server-side apply mode)",
		cert: cert(issued, cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionFalse, "Issued", "The certificate has been successfully issued")),
		want: Status{Ready: ready, NotAfter: &notAfter, RenewalTime: &renewalTime},
	}, {
		name: "renewing: Issuing=True on a Ready certificate",
		cert: cert(issued, cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "Renewing", "Renewing certificate as renewal was scheduled")),
		want: Status{Ready: ready, NotAfter: &notAfter, RenewalTime: &renewalTime,
			Renewing: &Condition{corev1.ConditionTrue, "Renewing", "Renewing certificate as renewal was scheduled"}},
	}, {
		name: "renewing: the renewal time has passed",
		cert: cert(issued, renewalAt(now)),
		want: Status{Ready: ready, NotAfter: &notAfter, RenewalTime: &metav1.Time{Time: now},
			Renewing: &Condition{corev1.ConditionTrue, ReasonRenewing, "Renewal time 2026-11-27T12:00:00Z has passed"}},
	}, {
		// cert-manager sets Ready=True on the Secret's write, before its
		// issuing controller records revision 1 and drops Issuing.
		name: "first issuance: Ready=True while Issuing=True is not renewing",
		cert: cert(issued, firstIssuance, cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "DoesNotExist", "Issuing certificate as Secret does not exist")),
		want: Status{Ready: ready, NotAfter: &notAfter, RenewalTime: &renewalTime},
	}, {
		name:  "issuer changed, not yet evaluated by cert-manager: still Ready, Renewing for the issuer",
		cert:  cert(newIssuer, inService, staleCond(cmv1.CertificateConditionReady, cmmeta.ConditionTrue, "Ready")),
		known: Known{Reissue: issuerChangeUnderway},
		want:  Status{Ready: ready, NotAfter: &notAfter, RenewalTime: &renewalTime, Renewing: issuerChangedTo(corev1.ConditionTrue)},
	}, {
		name: "another spec change, not yet evaluated by cert-manager: awaiting, the old certificate does not fit",
		cert: cert(newIssuer, inService, staleCond(cmv1.CertificateConditionReady, cmmeta.ConditionTrue, "Ready")),
		want: Status{Ready: awaiting, NotAfter: &notAfter, RenewalTime: &renewalTime},
	}, {
		name: "issuer changed: cert-manager says IncorrectIssuer and re-issues; still Ready",
		cert: cert(newIssuer, inService,
			cond(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "IncorrectIssuer", incorrectIssuerMsg),
			cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "IncorrectIssuer", incorrectIssuerMsg)),
		want: Status{Ready: ready, NotAfter: &notAfter, RenewalTime: &renewalTime, Renewing: issuerChangedTo(corev1.ConditionTrue)},
	}, {
		name: "issuer changed: cert-manager's trigger fired before its readiness check; still Ready",
		cert: cert(newIssuer, inService, staleCond(cmv1.CertificateConditionReady, cmmeta.ConditionTrue, "Ready"),
			cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "IncorrectIssuer", incorrectIssuerMsg)),
		want: Status{Ready: ready, NotAfter: &notAfter, RenewalTime: &renewalTime, Renewing: issuerChangedTo(corev1.ConditionTrue)},
	}, {
		// Seen at N = 1,000 in the scale harness: without this row's mapping,
		// a KCert said IncorrectIssuer, then IssuerChanged again (2 writes).
		name: "issuer changed: cert-manager says Ready for the new generation while it issues; still IssuerChanged",
		cert: cert(newIssuer, inService,
			cond(cmv1.CertificateConditionReady, cmmeta.ConditionTrue, "Ready", "Certificate is up to date and has not expired"),
			cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "IncorrectIssuer", incorrectIssuerMsg)),
		known: Known{Reissue: issuerChangeUnderway},
		want:  Status{Ready: ready, NotAfter: &notAfter, RenewalTime: &renewalTime, Renewing: issuerChangedTo(corev1.ConditionTrue)},
	}, {
		name: "issuer changed: Ready for the new generation and IncorrectIssuer, not known to the reconciler; still IssuerChanged",
		cert: cert(newIssuer, inService,
			cond(cmv1.CertificateConditionReady, cmmeta.ConditionTrue, "Ready", "Certificate is up to date and has not expired"),
			cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "IncorrectIssuer", incorrectIssuerMsg)),
		want: Status{Ready: ready, NotAfter: &notAfter, RenewalTime: &renewalTime, Renewing: issuerChangedTo(corev1.ConditionTrue)},
	}, {
		name: "issuer changed and the new issuance failed: still Ready while the old certificate is valid",
		cert: cert(newIssuer, inService,
			cond(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "IncorrectIssuer", incorrectIssuerMsg),
			cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionFalse, "Failed", failMsg)),
		want: Status{Ready: ready, NotAfter: &notAfter, RenewalTime: &renewalTime, Renewing: &Condition{corev1.ConditionFalse, "Failed", failMsg}},
	}, {
		name: "issuer changed, the new issuance failed and the old certificate expired: Failed",
		cert: cert(newIssuer, inService, expired,
			cond(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "IncorrectIssuer", incorrectIssuerMsg),
			cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionFalse, "Failed", failMsg)),
		want: Status{Ready: failed("Failed", failMsg), NotAfter: &metav1.Time{Time: now.Add(-time.Minute)}, RenewalTime: &renewalTime},
	}, {
		name: "issuer changed with no certificate in service: in progress, as any issuance",
		cert: cert(newIssuer, cond(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "IncorrectIssuer", incorrectIssuerMsg),
			cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "IncorrectIssuer", incorrectIssuerMsg)),
		known: Known{Reissue: issuerChangeUnderway},
		want:  Status{Ready: inProgress("IncorrectIssuer", incorrectIssuerMsg)},
	}, {
		// cert-manager's readiness check sees the new key in the Secret
		// before the issuing controller records the new revision.
		name: "issuer changed: SecretMismatch at the end of the re-issuance; still Ready",
		cert: cert(newIssuer, inService,
			cond(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "SecretMismatch", secretMismatchMsg),
			cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "IncorrectIssuer", incorrectIssuerMsg)),
		known: Known{Reissue: issuerChangeUnderway},
		want:  Status{Ready: ready, NotAfter: &notAfter, RenewalTime: &renewalTime, Renewing: issuerChangedTo(corev1.ConditionTrue)},
	}, {
		name: "renewal: SecretMismatch at the end of a renewal under way; still Ready",
		cert: cert(inService,
			cond(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "SecretMismatch", secretMismatchMsg),
			cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "Renewing", "Renewing certificate as renewal was scheduled")),
		known: Known{Reissue: renewalUnderway},
		want: Status{Ready: ready, NotAfter: &notAfter, RenewalTime: &renewalTime,
			Renewing: &Condition{corev1.ConditionTrue, "Renewing", "Renewing certificate as renewal was scheduled"}},
	}, {
		// With server-side apply, the readiness check's write can land
		// after the issuing controller dropped Issuing.
		name: "issuer changed: SecretMismatch after Issuing is gone; still Ready",
		cert: cert(newIssuer, inService,
			cond(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "SecretMismatch", secretMismatchMsg)),
		known: Known{Reissue: issuerChangeUnderway},
		want:  Status{Ready: ready, NotAfter: &notAfter, RenewalTime: &renewalTime, Renewing: issuerChangedTo(corev1.ConditionTrue)},
	}, {
		// cert-manager records the new expiry before it says Ready: the KCert
		// keeps the one in service, so that nothing changes until Ready.
		name: "issuer changed: the new expiry recorded before Ready; the one in service is kept",
		cert: cert(newIssuer, inService, func(c *cmv1.Certificate) { c.Status.NotAfter = &laterNotAfter },
			cond(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "SecretMismatch", secretMismatchMsg)),
		known: Known{Reissue: issuerChangeUnderway, InService: &notAfter},
		want:  Status{Ready: ready, NotAfter: &notAfter, RenewalTime: &renewalTime, Renewing: issuerChangedTo(corev1.ConditionTrue)},
	}, {
		name: "renewal: the new expiry recorded before Ready; the one in service is kept",
		cert: cert(inService, func(c *cmv1.Certificate) { c.Status.NotAfter = &laterNotAfter },
			cond(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "SecretMismatch", secretMismatchMsg)),
		known: Known{Reissue: renewalUnderway, InService: &notAfter},
		want:  Status{Ready: ready, NotAfter: &notAfter, RenewalTime: &renewalTime, Renewing: renewalUnderway},
	}, {
		name: "renewal done: the new expiry is published with Ready",
		cert: cert(inService, func(c *cmv1.Certificate) { c.Status.NotAfter = &laterNotAfter },
			cond(cmv1.CertificateConditionReady, cmmeta.ConditionTrue, "Ready", "")),
		known: Known{Reissue: renewalUnderway, InService: &notAfter},
		want:  Status{Ready: ready, NotAfter: &laterNotAfter, RenewalTime: &renewalTime},
	}, {
		name: "renewal: SecretMismatch after Issuing is gone; still Ready, Renewing as the KCert says",
		cert: cert(inService,
			cond(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "SecretMismatch", secretMismatchMsg)),
		known: Known{Reissue: renewalUnderway},
		want:  Status{Ready: ready, NotAfter: &notAfter, RenewalTime: &renewalTime, Renewing: renewalUnderway},
	}, {
		name: "renewal under way, the new issuance failed, the old certificate valid: Ready, Renewing=False",
		cert: cert(inService,
			cond(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "SecretMismatch", secretMismatchMsg),
			cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionFalse, "Failed", failMsg)),
		known: Known{Reissue: renewalUnderway},
		want: Status{Ready: ready, NotAfter: &notAfter, RenewalTime: &renewalTime,
			Renewing: &Condition{corev1.ConditionFalse, "Failed", failMsg}},
	}, {
		name: "issuer and DNS names changed together: IncorrectIssuer, but the old certificate does not fit",
		cert: cert(newIssuer, inService,
			cond(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "IncorrectIssuer", incorrectIssuerMsg),
			cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "IncorrectIssuer", incorrectIssuerMsg)),
		known: Known{Refit: true},
		want:  Status{Ready: inProgress("IncorrectIssuer", incorrectIssuerMsg), NotAfter: &notAfter, RenewalTime: &renewalTime},
	}, {
		name: "SecretMismatch while issuing, with nothing known to be under way: in progress",
		cert: cert(inService,
			cond(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "SecretMismatch", secretMismatchMsg),
			cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "Renewing", "Renewing certificate as renewal was scheduled")),
		want: Status{Ready: inProgress("SecretMismatch", secretMismatchMsg), NotAfter: &notAfter, RenewalTime: &renewalTime},
	}, {
		name: "a renewal under way whose certificate expired: in progress",
		cert: cert(inService, expired,
			cond(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "Expired", "Certificate expired"),
			cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "Renewing", "Renewing")),
		known: Known{Reissue: renewalUnderway},
		want:  Status{Ready: inProgress("Expired", "Certificate expired"), NotAfter: &metav1.Time{Time: now.Add(-time.Minute)}, RenewalTime: &renewalTime},
	}, {
		name: "renewal failed: still Ready, Renewing=False with the failure",
		cert: cert(issued, cond(cmv1.CertificateConditionIssuing, cmmeta.ConditionFalse, "Failed", failMsg)),
		want: Status{Ready: ready, NotAfter: &notAfter, RenewalTime: &renewalTime,
			Renewing: &Condition{corev1.ConditionFalse, "Failed", failMsg}},
	}}
	camel := regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ComputeStatus(tc.cert, now, tc.known)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ComputeStatus (-want +got):\n%s", diff)
			}
			if got.Ready.Reason != "" && !camel.MatchString(got.Ready.Reason) {
				t.Errorf("reason %q is not CamelCase", got.Ready.Reason)
			}
		})
	}
}

func TestRenewalRequeue(t *testing.T) {
	future := metav1.NewTime(now.Add(time.Hour))
	past := metav1.NewTime(now.Add(-time.Hour))
	tests := []struct {
		name   string
		status Status
		want   time.Duration
		wantOK bool
	}{{
		name: "ready with a future renewal time", status: Status{Ready: ready, RenewalTime: &future},
		want: time.Hour, wantOK: true,
	}, {
		name: "ready with no renewal time", status: Status{Ready: ready},
	}, {
		name: "ready with a past renewal time", status: Status{Ready: ready, RenewalTime: &past},
	}, {
		name: "not ready", status: Status{Ready: awaiting, RenewalTime: &future},
	}, {
		name:   "already renewing",
		status: Status{Ready: ready, RenewalTime: &future, Renewing: &Condition{Status: corev1.ConditionTrue}},
	}, {
		name:   "renewing: at the expiry of the certificate in service",
		status: Status{Ready: ready, RenewalTime: &past, NotAfter: &future, Renewing: &Condition{Status: corev1.ConditionTrue}},
		want:   time.Hour, wantOK: true,
	}, {
		name:   "renewal failed: at the expiry of the certificate in service",
		status: Status{Ready: ready, NotAfter: &future, Renewing: &Condition{Status: corev1.ConditionFalse}},
		want:   time.Hour, wantOK: true,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := RenewalRequeue(tc.status, now)
			if got != tc.want && tc.wantOK || ok != tc.wantOK {
				t.Errorf("RenewalRequeue = %v, %v; want %v, %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}
