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
	"slices"
	"strings"
	"testing"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgotesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/record"
	clocktesting "k8s.io/utils/clock/testing"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"
	"knative.dev/pkg/controller"
	ktesting "knative.dev/pkg/reconciler/testing"

	fakecmclient "knative.dev/net-certmanager/pkg/client/certmanager/injection/client/fake"
	"knative.dev/net-certmanager/pkg/issuerconfig"
	"knative.dev/net-certmanager/pkg/reconciler/certificate/config"
	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
	rtesting "knative.dev/net-certmanager/pkg/reconciler/testing"
)

// A controller that takes over Certificates built by Knative Serving's own
// reconciler, or touched by others, rewrites (and so re-issues) nothing that
// has the same meaning.
func TestReconcileUpdatesOnlyWhatDiffers(t *testing.T) {
	longHost := "a-very-long-service-name-that-goes-on." + strings.Repeat("x", 30) + "." + testDomain
	shortName := "k." + testDomain
	cmGroup := cmmeta.IssuerReference{Kind: externalIssuer.Kind, Name: externalIssuer.Name, Group: "cert-manager.io"}
	kindless := cmmeta.IssuerReference{Name: "ns-ca"}
	withDuration := func(c *cmv1.Certificate) { c.Spec.Duration = &metav1.Duration{Duration: 90 * 24 * time.Hour} }
	withTemplateAnnotation := func(c *cmv1.Certificate) {
		c.Spec.SecretTemplate.Annotations = map[string]string{"reflector.example/allowed": "true"}
	}
	// mustRepeat checks that the Serving-shaped fixture has k.<domain> twice.
	mustRepeat := func(c *cmv1.Certificate) {
		if n := len(slices.DeleteFunc(slices.Clone(c.Spec.DNSNames), func(s string) bool { return s != shortName })); n != 2 {
			panic("the Serving-shaped Certificate does not list k.<domain> twice")
		}
	}

	runTable(t, ktesting.TableTest{{
		// Serving's route reconciler moved the KCert to our class; the
		// Certificate still has the class annotation it was built with.
		Name: "takeover: a Certificate built by Serving's reconciler, before the class change, makes no update",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(withType("external-domain"), ready),
			servingCertificate(kcert(withType("external-domain"), withClass(netcfg.CertManagerCertificateClassName)), externalIssuer, cmReady),
		},
	}, {
		Name: "takeover: Serving's long-name shape, k.<domain> prepended to a KCert that lists it, makes no update",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(withDNSNames(longHost, shortName), ready),
			servingCertificate(kcert(withDNSNames(longHost, shortName)), externalIssuer, cmReady, mustRepeat),
		},
	}, {
		Name: "takeover: Serving's long-name shape, k.<domain> prepended, makes no update",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(withDNSNames(longHost), ready),
			servingCertificate(kcert(withDNSNames(longHost)), externalIssuer, cmReady),
		},
	}, {
		Name: "takeover: the DNS names in another order, or repeated, make no update",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(withDNSNames(testHost, "www.example.com"), ready),
			servingCertificate(kcert(withDNSNames(testHost, "www.example.com")), externalIssuer, cmReady,
				func(c *cmv1.Certificate) { c.Spec.DNSNames = []string{"www.example.com", testHost, testHost} }),
		},
	}, {
		Name: "takeover: the issuer's group spelled out makes no update",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(ready),
			servingCertificate(kcert(), cmGroup, cmReady),
		},
	}, {
		Name: "takeover: kind Issuer for a kind-less reference makes no update",
		Key:  testKey,
		Ctx: withConfig(&config.Config{CertManager: &issuerconfig.CertManagerConfig{
			IssuerRef: kindless, ClusterLocalIssuerRef: localIssuer, SystemInternalIssuerRef: internalIssuer,
		}}),
		Objects: []runtime.Object{
			kcert(ready),
			servingCertificate(kcert(), cmmeta.IssuerReference{Kind: "Issuer", Name: kindless.Name}, cmReady),
		},
	}, {
		Name: "update: labels, annotations and spec fields that others set stay",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(withLabel("extra", "label"), ready),
			cmCert(kcert(), externalIssuer, cmReady, cmLabel("team", "payments"),
				cmAnnotation("policy.example/mutated", "true"), withDuration, withTemplateAnnotation),
		},
		WantUpdates: []clientgotesting.UpdateActionImpl{
			certUpdate(cmCert(kcert(withLabel("extra", "label")), externalIssuer, cmReady, cmLabel("team", "payments"),
				cmAnnotation("policy.example/mutated", "true"), withDuration, withTemplateAnnotation)),
		},
		WantEvents: []string{updatedEvent},
	}, {
		Name: "update: a label of the KCert's that someone changed is set back",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(ready),
			cmCert(kcert(), externalIssuer, cmReady, cmLabel("serving.knative.dev/route", "someone-else"), cmLabel("team", "payments")),
		},
		WantUpdates: []clientgotesting.UpdateActionImpl{
			certUpdate(cmCert(kcert(), externalIssuer, cmReady, cmLabel("team", "payments"))),
		},
		WantEvents: []string{updatedEvent},
	}})
}

// A new issuer re-issues the certificate, but the one in service stays
// valid meanwhile: Ready stays True and Renewing says why.
func TestReconcileIssuerChange(t *testing.T) {
	oldCA := cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "old-ca"}
	issuerChanged := renewing(corev1.ConditionTrue, "IssuerChanged",
		"Re-issuing from ClusterIssuer/letsencrypt; the certificate in service stays valid until "+notAfter.UTC().Format(time.RFC3339))
	incorrectIssuer := func(status cmmeta.ConditionStatus, t cmv1.CertificateConditionType) certOption {
		return cmCondition(t, status, "IncorrectIssuer", `Issuing certificate as Secret was previously issued by "ClusterIssuer.cert-manager.io/old-ca"`)
	}
	const failMsg = "The certificate request has failed to complete and will be retried: signing failed"
	secretMismatch := cmCondition(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "SecretMismatch",
		"Secret contains a private key that does not match the current CertificateRequest")

	runTable(t, ktesting.TableTest{{
		Name:         "the issuer changes: the Certificate is updated, Ready stays True, Renewing names the change",
		Key:          testKey,
		Objects:      []runtime.Object{kcert(ready), cmCert(kcert(), oldCA, cmReady)},
		WithReactors: []clientgotesting.ReactionFunc{bumpGenerationOnUpdate},
		WantUpdates:  []clientgotesting.UpdateActionImpl{certUpdate(cmCert(kcert(), externalIssuer, cmReady))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(ready, issuerChanged)),
		},
		WantEvents: []string{updatedEvent},
	}, {
		Name: "the issuer changed, cert-manager has not looked yet: the KCert's Renewing carries it, no write",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(ready, issuerChanged),
			cmCert(kcert(), externalIssuer, cmReady, cmStale),
		},
	}, {
		Name: "the issuer changed, cert-manager says IncorrectIssuer and re-issues: no write",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(ready, issuerChanged),
			cmCert(kcert(), externalIssuer, cmInService,
				incorrectIssuer(cmmeta.ConditionFalse, cmv1.CertificateConditionReady),
				incorrectIssuer(cmmeta.ConditionTrue, cmv1.CertificateConditionIssuing)),
		},
	}, {
		// cert-manager's readiness check sees the new key in the Secret
		// before the issuing controller records the new revision.
		Name: "the issuer changed, SecretMismatch at the end of the re-issuance: no write",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(ready, issuerChanged),
			cmCert(kcert(), externalIssuer, cmInService, secretMismatch,
				incorrectIssuer(cmmeta.ConditionTrue, cmv1.CertificateConditionIssuing)),
		},
	}, {
		Name: "a renewal, SecretMismatch at its end: Ready and Renewing stay, no write",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(ready, renewing(corev1.ConditionTrue, "Renewing", "Renewing certificate as renewal was scheduled")),
			cmCert(kcert(), externalIssuer, cmInService, secretMismatch,
				cmCondition(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "Renewing", "Renewing certificate as renewal was scheduled")),
		},
	}, {
		Name: "the issuer changed after a restart, cert-manager says IncorrectIssuer: Ready stays True",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(ready),
			cmCert(kcert(), externalIssuer, cmInService,
				incorrectIssuer(cmmeta.ConditionFalse, cmv1.CertificateConditionReady),
				incorrectIssuer(cmmeta.ConditionTrue, cmv1.CertificateConditionIssuing)),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{statusUpdate(kcert(ready, issuerChanged))},
	}, {
		Name: "the new issuer failed while the old certificate is valid: Ready, Renewing=False with the failure",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(ready, issuerChanged),
			cmCert(kcert(), externalIssuer, cmInService,
				incorrectIssuer(cmmeta.ConditionFalse, cmv1.CertificateConditionReady),
				cmCondition(cmv1.CertificateConditionIssuing, cmmeta.ConditionFalse, "Failed", failMsg)),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(ready, renewing(corev1.ConditionFalse, "Failed", failMsg))),
		},
	}, {
		Name: "the new issuer's certificate is in: Renewing is cleared",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(ready, issuerChanged),
			cmCert(kcert(), externalIssuer, cmReady),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{statusUpdate(kcert(ready))},
	}, {
		Name:         "the issuer and the DNS names change together: the old certificate does not fit, awaiting",
		Key:          testKey,
		Objects:      []runtime.Object{kcert(withDNSNames("new.default.example.com"), ready), cmCert(kcert(), oldCA, cmReady)},
		WithReactors: []clientgotesting.ReactionFunc{bumpGenerationOnUpdate},
		WantUpdates: []clientgotesting.UpdateActionImpl{
			certUpdate(cmCert(kcert(withDNSNames("new.default.example.com")), externalIssuer, cmReady)),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(withDNSNames("new.default.example.com"), withNotAfter, inProgress(1))),
		},
		WantEvents: []string{updatedEvent},
	}, {
		Name: "a KCert that was not Ready does not become Ready by an issuer change",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(inProgress(0)),
			cmCert(kcert(), oldCA, cmInService),
		},
		WithReactors: []clientgotesting.ReactionFunc{bumpGenerationOnUpdate},
		WantUpdates:  []clientgotesting.UpdateActionImpl{certUpdate(cmCert(kcert(), externalIssuer, cmInService))},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(withNotAfter, inProgress(1))),
		},
		WantEvents: []string{updatedEvent},
	}, {
		// cert-manager sets Ready=True when it writes the Secret, before
		// its issuing controller records revision 1 and drops Issuing.
		Name: "first issuance: Ready=True while Issuing=True is still set is not renewing",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(inProgress(0)),
			cmCert(kcert(), externalIssuer, cmReady, func(c *cmv1.Certificate) { c.Status.Revision = nil },
				cmCondition(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "DoesNotExist", "Issuing certificate as Secret does not exist")),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{statusUpdate(kcert(ready))},
	}})
}

var updatedEvent = event(corev1.EventTypeNormal, "Updated", "Updated cert-manager Certificate %s/%s", testNS, testName)

// bumpGenerationOnUpdate answers an update of a cert-manager Certificate
// as the API server does: a spec change moves the generation, so the
// status cert-manager wrote describes an older one.
func bumpGenerationOnUpdate(a clientgotesting.Action) (bool, runtime.Object, error) {
	if a.GetVerb() != "update" || a.GetSubresource() != "" || !isCertManagerCertificate(a) {
		return false, nil, nil
	}
	c := a.(clientgotesting.UpdateAction).GetObject().(*cmv1.Certificate).DeepCopy()
	c.Generation++
	return true, c, nil
}

// The next reconcile may read the KCert from a cache that has not caught up
// with the status the last one wrote. What this replica changed of the
// Certificate decides, not that stale status: an issuer change keeps
// Ready, a change of what is certified does not, even on a KCert that a
// stale copy shows Renewing.
func TestSpecUpdatesOutliveAStaleKCert(t *testing.T) {
	oldCA := cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "old-ca"}
	newNames := withDNSNames("new.default.example.com")
	tests := []struct {
		name        string
		kc          *v1alpha1.Certificate // as the cache shows it, both times
		cached      *cmv1.Certificate     // before the update
		cmSays      []certOption          // of the updated Certificate, by the second reconcile
		wantReady   corev1.ConditionStatus
		wantReasons [2]string // of Renewing when Ready, of Ready otherwise
	}{{
		name:      "the issuer alone changed: Ready, Renewing IssuerChanged",
		kc:        kcert(ready),
		cached:    cmCert(kcert(), oldCA, cmReady),
		wantReady: corev1.ConditionTrue, wantReasons: [2]string{"IssuerChanged", "IssuerChanged"},
	}, {
		name:      "the DNS names changed while a renewal went on: a first issuance in progress",
		kc:        kcert(newNames, ready, renewing(corev1.ConditionTrue, "Renewing", "renewing")),
		cached:    cmCert(kcert(), externalIssuer, cmReady),
		wantReady: corev1.ConditionUnknown, wantReasons: [2]string{resources.ReasonIssuing, resources.ReasonIssuing},
	}, {
		// cert-manager reports IncorrectIssuer first, before the request change.
		name:   "the issuer and the DNS names changed together: IncorrectIssuer does not make the old certificate fit",
		kc:     kcert(newNames, ready),
		cached: cmCert(kcert(), oldCA, cmReady),
		cmSays: []certOption{
			cmCondition(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "IncorrectIssuer", "previously issued by old-ca"),
			cmCondition(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "IncorrectIssuer", "previously issued by old-ca"),
		},
		wantReady: corev1.ConditionUnknown, wantReasons: [2]string{resources.ReasonIssuing, resources.ReasonIssuing},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ls := rtesting.NewListers(append([]runtime.Object{tc.cached}, clusterIssuers()...), testIndexers)
			ctx, cmClient := fakecmclient.With(context.Background(), ls.GetCertManagerObjects()...)
			cmClient.PrependReactor("update", "certificates", bumpGenerationOnUpdate)
			ctx = config.ToContext(controller.WithEventRecorder(ctx, record.NewFakeRecorder(10)), testConfig())
			r := bareReconciler(&ls, cmClient, clocktesting.NewFakePassiveClock(now))

			first := tc.kc.DeepCopy()
			if err := r.ReconcileKind(ctx, first); err != nil {
				t.Fatal("first reconcile:", err)
			}
			// The cache now shows the updated Certificate, which cert-manager
			// has not looked at yet, and still the KCert as it was.
			var updated *cmv1.Certificate
			for _, a := range cmClient.Actions() {
				if a.GetVerb() == "update" {
					updated = a.(clientgotesting.UpdateAction).GetObject().(*cmv1.Certificate).DeepCopy()
					updated.Generation++
				}
			}
			if updated == nil {
				t.Fatal("the first reconcile did not update the Certificate")
			}
			for _, o := range tc.cmSays {
				o(updated)
			}
			caughtUp := rtesting.NewListers([]runtime.Object{updated}, testIndexers)
			r.certificateLister = caughtUp.GetCertificateLister()
			second := tc.kc.DeepCopy()
			if err := r.ReconcileKind(ctx, second); err != nil {
				t.Fatal("second reconcile:", err)
			}

			for i, kc := range []*v1alpha1.Certificate{first, second} {
				ready := kc.Status.GetCondition(v1alpha1.CertificateConditionReady)
				reason := ready.Reason
				if renewing := kc.Status.GetCondition(RenewingCondition); ready.IsTrue() && renewing != nil {
					reason = renewing.Reason
				}
				if ready.Status != tc.wantReady || reason != tc.wantReasons[i] {
					t.Errorf("reconcile %d: Ready=%s, reason %q; want Ready=%s, reason %q", i+1, ready.Status, reason, tc.wantReady, tc.wantReasons[i])
				}
			}
		})
	}
}
