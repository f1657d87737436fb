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
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	cmclientset "github.com/cert-manager/cert-manager/pkg/client/clientset/versioned"
	cmlisters "github.com/cert-manager/cert-manager/pkg/client/listers/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgotesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/clock"
	clocktesting "k8s.io/utils/clock/testing"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	fakenetworkingclient "knative.dev/networking/pkg/client/injection/client/fake"
	kcertreconciler "knative.dev/networking/pkg/client/injection/reconciler/networking/v1alpha1/certificate"
	netcfg "knative.dev/networking/pkg/config"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"
	ktesting "knative.dev/pkg/reconciler/testing"

	fakecmclient "knative.dev/net-certmanager/pkg/client/certmanager/injection/client/fake"
	"knative.dev/net-certmanager/pkg/issuerconfig"
	"knative.dev/net-certmanager/pkg/reconciler/certificate/config"
	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
	rtesting "knative.dev/net-certmanager/pkg/reconciler/testing"
)

var (
	externalIssuer = cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "letsencrypt"}
	localIssuer    = cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "cluster-ca"}
	internalIssuer = cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "system-ca"}
	acmeNSIssuer   = cmmeta.IssuerReference{Kind: "Issuer", Name: "acme-ns"}
)

func testConfig() *config.Config {
	return &config.Config{CertManager: &issuerconfig.CertManagerConfig{
		IssuerRef:               externalIssuer,
		ClusterLocalIssuerRef:   localIssuer,
		SystemInternalIssuerRef: internalIssuer,
	}}
}

// withConfig runs a row with another config-certmanager.
func withConfig(cfg *config.Config) context.Context {
	return config.ToContext(context.Background(), cfg)
}

// requeues records the reconciler's EnqueueAfter calls of one row.
type requeues struct {
	mu    sync.Mutex
	after []time.Duration
}

func (r *requeues) record(_ interface{}, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.after = append(r.after, d)
}

type requeuesKey struct{}

// innerKey hands a test the Reconciler behind Knative's generated one.
type innerKey struct{}

// staticStore hands the reconciler a fixed Config.
type staticStore struct{ cfg *config.Config }

func (s staticStore) ToContext(ctx context.Context) context.Context {
	return config.ToContext(ctx, s.cfg)
}

func newTestReconciler(ctx context.Context, ls *rtesting.Listers, _ configmap.Watcher) controller.Reconciler {
	cfg := config.FromContext(ctx)
	if cfg == nil {
		cfg = testConfig()
	}
	rq, ok := ctx.Value(requeuesKey{}).(*requeues)
	if !ok {
		rq = &requeues{}
	}
	certificates := ls.GetCertificateIndexer()
	r := &Reconciler{
		certManagerClient:   fakecmclient.Get(ctx),
		certificateLister:   cmlisters.NewCertificateLister(certificates),
		certificates:        certificates,
		issuerLister:        ls.GetIssuerLister(),
		clusterIssuerLister: ls.GetClusterIssuerLister(),
		owned: &ownedIndex{
			certificateRequests: ls.GetCertificateRequestIndexer(),
			orders:              ls.GetOrderIndexer(),
			challenges:          ls.GetChallengeIndexer(),
			services:            ls.GetServiceIndexer(),
		},
		clock:        clocktesting.NewFakePassiveClock(now),
		enqueueAfter: rq.record,
		claims: &secretClaims{
			kcerts:       ls.GetKnativeCertificateIndexer(),
			certificates: certificates,
			classFilter:  pkgreconciler.AnnotationFilterFunc(networking.CertificateClassAnnotationKey, testClass, false),
		},
	}
	if stats, ok := ctx.Value(statsKey{}).(*fakeStats); ok {
		r.stats = stats
	}
	if synced, ok := ctx.Value(ownedSyncedKey{}).(cache.InformerSynced); ok {
		r.ownedSynced = []cache.InformerSynced{synced}
	}
	if inner, ok := ctx.Value(innerKey{}).(**Reconciler); ok {
		*inner = r
	}
	writer := &statusWriter{reconciler: r, client: fakenetworkingclient.Get(ctx), lister: ls.GetKnativeCertificateLister()}
	return kcertreconciler.NewReconciler(ctx, logging.FromContext(ctx), fakenetworkingclient.Get(ctx),
		ls.GetKnativeCertificateLister(), controller.GetEventRecorder(ctx), writer, testClass,
		skipGeneratedStatusUpdates(controller.Options{ConfigStore: staticStore{cfg}}))
}

var testKey = testNS + "/" + testName

// inProgress is the status of a KCert whose issuance goes through the
// routine steps (resources.ReasonIssuing).
func inProgress(generation int64) kcertOption {
	return unknown(resources.ReasonIssuing, fmt.Sprintf(
		"cert-manager is issuing Certificate %s/%s (generation %d); a step that holds it up is named here", testNS, testName, generation))
}

func statusUpdate(kc *v1alpha1.Certificate) clientgotesting.UpdateActionImpl {
	return clientgotesting.UpdateActionImpl{Object: kc}
}

func certUpdate(c *cmv1.Certificate) clientgotesting.UpdateActionImpl {
	return clientgotesting.UpdateActionImpl{Object: c}
}

func event(typ, reason, format string, args ...interface{}) string {
	return ktesting.Eventf(typ, reason, format, args...)
}

func TestReconcile(t *testing.T) {
	longHost := "a-very-long-service-name-that-goes-on." + strings.Repeat("x", 30) + "." + testDomain
	issuingFailed := cmCondition(cmv1.CertificateConditionIssuing, cmmeta.ConditionFalse, "Failed",
		"The certificate request has failed to complete and will be retried: signing failed")

	table := ktesting.TableTest{{
		Name: "bad key is ignored",
		Key:  "too/many/parts",
	}, {
		Name: "deleted KCert is ignored",
		Key:  testKey,
	}, {
		Name:    "KCert of another class is left alone",
		Key:     testKey,
		Objects: []runtime.Object{kcert(withClass("other.certificate.networking.knative.dev"))},
	}, {
		// The class Serving's built-in cert-manager reconciler serves is not
		// ours by default: the two never write the same KCert.
		Name:    "KCert of Serving's cert-manager class is left alone",
		Key:     testKey,
		Objects: []runtime.Object{kcert(withClass(netcfg.CertManagerCertificateClassName))},
	}, {
		Name:        "create: a new KCert gets its cert-manager Certificate",
		Key:         testKey,
		Objects:     []runtime.Object{kcert()},
		WantCreates: []runtime.Object{cmCert(kcert(), externalIssuer, noUID)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(inProgress(0))),
		},
		WantEvents: []string{
			event(corev1.EventTypeNormal, "Created", "Created cert-manager Certificate %s/%s", testNS, testName),
		},
	}, {
		Name:    "create fails: event, error and retry",
		Key:     testKey,
		Objects: []runtime.Object{kcert()},
		WithReactors: []clientgotesting.ReactionFunc{
			ktesting.InduceFailure("create", "certificates"),
		},
		WantErr:     true,
		WantCreates: []runtime.Object{cmCert(kcert(), externalIssuer, noUID)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			// Knative's generated reconciler marks a failed first reconcile.
			statusUpdate(kcert(unknown("NewObservedGenFailure", "unsuccessfully observed a new generation"))),
		},
		WantEvents: []string{
			event(corev1.EventTypeWarning, "CreationFailed",
				"Failed to create cert-manager Certificate %s/%s: inducing failure for create certificates", testNS, testName),
			event(corev1.EventTypeWarning, "InternalError",
				"failed to create cert-manager Certificate %s/%s: inducing failure for create certificates", testNS, testName),
		},
	}, {
		Name: "steady state: a Ready KCert and an up-to-date Certificate make no API call",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(ready),
			cmCert(kcert(), externalIssuer, cmReady),
		},
	}, {
		Name: "update: the DNS names changed",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(withDNSNames("new.default.example.com"), ready),
			cmCert(kcert(), externalIssuer, cmReady),
		},
		WantUpdates: []clientgotesting.UpdateActionImpl{
			certUpdate(cmCert(kcert(withDNSNames("new.default.example.com")), externalIssuer, cmReady)),
		},
		WantEvents: []string{
			event(corev1.EventTypeNormal, "Updated", "Updated cert-manager Certificate %s/%s", testNS, testName),
		},
	}, {
		Name: "update: the KCert's labels changed",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(withLabel("extra", "label"), ready),
			cmCert(kcert(), externalIssuer, cmReady),
		},
		WantUpdates: []clientgotesting.UpdateActionImpl{
			certUpdate(cmCert(kcert(withLabel("extra", "label")), externalIssuer, cmReady)),
		},
		WantEvents: []string{
			event(corev1.EventTypeNormal, "Updated", "Updated cert-manager Certificate %s/%s", testNS, testName),
		},
	}, {
		Name: "update: the configured issuer changed",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(ready),
			cmCert(kcert(), cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "old-ca"}, cmReady),
		},
		WantUpdates: []clientgotesting.UpdateActionImpl{
			certUpdate(cmCert(kcert(), externalIssuer, cmReady)),
		},
		WantEvents: []string{
			event(corev1.EventTypeNormal, "Updated", "Updated cert-manager Certificate %s/%s", testNS, testName),
		},
	}, {
		Name: "update fails: event and error",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(withDNSNames("new.default.example.com"), ready),
			cmCert(kcert(), externalIssuer, cmReady),
		},
		WithReactors: []clientgotesting.ReactionFunc{
			ktesting.InduceFailure("update", "certificates"),
		},
		WantErr: true,
		WantUpdates: []clientgotesting.UpdateActionImpl{
			certUpdate(cmCert(kcert(withDNSNames("new.default.example.com")), externalIssuer, cmReady)),
		},
		WantEvents: []string{
			event(corev1.EventTypeWarning, "UpdateFailed",
				"Failed to update cert-manager Certificate %s/%s: inducing failure for update certificates", testNS, testName),
			event(corev1.EventTypeWarning, "InternalError",
				"failed to update cert-manager Certificate %s/%s: inducing failure for update certificates", testNS, testName),
		},
	}, {
		// cert-manager writes its Certificates' status all the time: the
		// cached copy is often stale, and a conflict is not a failure.
		Name: "update: a conflict is retried on the live Certificate, without a warning",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(withDNSNames("new.default.example.com"), ready),
			cmCert(kcert(), externalIssuer, cmReady),
		},
		WithReactors: []clientgotesting.ReactionFunc{conflictOnUpdate(1)},
		WantUpdates: []clientgotesting.UpdateActionImpl{
			certUpdate(cmCert(kcert(withDNSNames("new.default.example.com")), externalIssuer, cmReady)),
			certUpdate(cmCert(kcert(withDNSNames("new.default.example.com")), externalIssuer, cmReady)),
		},
		WantEvents: []string{
			event(corev1.EventTypeNormal, "Updated", "Updated cert-manager Certificate %s/%s", testNS, testName),
		},
	}, {
		// Like Knative's generated reconcilers, a conflict is retried without a warning.
		Name: "update: conflicts past the retry limit are retried later, still without a warning",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(withDNSNames("new.default.example.com"), ready),
			cmCert(kcert(), externalIssuer, cmReady),
		},
		WithReactors: []clientgotesting.ReactionFunc{conflictOnUpdate(-1)},
		WantErr:      true,
		WantUpdates:  slices.Repeat([]clientgotesting.UpdateActionImpl{certUpdate(cmCert(kcert(withDNSNames("new.default.example.com")), externalIssuer, cmReady))}, 5),
	}, {
		Name: "update: after a conflict the live Certificate already has the change: no second write, no event",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(withDNSNames("new.default.example.com"), ready),
			cmCert(kcert(), externalIssuer, cmReady),
		},
		WithReactors: []clientgotesting.ReactionFunc{
			conflictOnUpdate(1),
			getReturns(cmCert(kcert(withDNSNames("new.default.example.com")), externalIssuer, cmReady)),
		},
		WantUpdates: []clientgotesting.UpdateActionImpl{
			certUpdate(cmCert(kcert(withDNSNames("new.default.example.com")), externalIssuer, cmReady)),
		},
	}, {
		Name: "update: after a conflict the live Certificate is foreign: left untouched",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(withDNSNames("new.default.example.com"), ready),
			cmCert(kcert(), externalIssuer, cmReady),
		},
		WithReactors: []clientgotesting.ReactionFunc{
			conflictOnUpdate(1),
			getReturns(cmCert(kcert(withDNSNames("someone.else.example.com")), localIssuer, foreign)),
		},
		WantErr: true,
		WantUpdates: []clientgotesting.UpdateActionImpl{
			certUpdate(cmCert(kcert(withDNSNames("new.default.example.com")), externalIssuer, cmReady)),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(withDNSNames("new.default.example.com"), withNotAfter, failed("NotOwned",
				fmt.Sprintf("There is an existing cert-manager Certificate %q that we do not own.", testName)))),
		},
		WantEvents: []string{
			event(corev1.EventTypeWarning, "NotOwned",
				"cert-manager Certificate %s/%s already exists and is not controlled by this Certificate; it is left untouched", testNS, testName),
		},
	}, {
		// With many workers, a KCert's own status event can beat the
		// Certificate's add event: the cache does not show our create yet.
		Name:         "create: the cache lags behind our own create; the live Certificate is used, no warning",
		Key:          testKey,
		Objects:      []runtime.Object{kcert(inProgress(0))},
		WithReactors: createdMeanwhile(cmCert(kcert(), externalIssuer, cmReady)),
		WantCreates:  []runtime.Object{cmCert(kcert(), externalIssuer, noUID)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(ready)),
		},
	}, {
		Name:         "create: a foreign Certificate created meanwhile is left untouched",
		Key:          testKey,
		Objects:      []runtime.Object{kcert()},
		WithReactors: createdMeanwhile(cmCert(kcert(withDNSNames("someone.else.example.com")), localIssuer, foreign)),
		WantCreates:  []runtime.Object{cmCert(kcert(), externalIssuer, noUID)},
		WantErr:      true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(failed("NotOwned",
				fmt.Sprintf("There is an existing cert-manager Certificate %q that we do not own.", testName)))),
		},
		WantEvents: []string{
			event(corev1.EventTypeWarning, "NotOwned",
				"cert-manager Certificate %s/%s already exists and is not controlled by this Certificate; it is left untouched", testNS, testName),
		},
	}, {
		Name:         "create: AlreadyExists and then the Certificate cannot be read: error and retry",
		Key:          testKey,
		Objects:      []runtime.Object{kcert(inProgress(0))},
		WithReactors: append(createdMeanwhile(nil), ktesting.InduceFailure("get", "certificates")),
		WantCreates:  []runtime.Object{cmCert(kcert(), externalIssuer, noUID)},
		WantErr:      true,
		WantEvents: []string{
			event(corev1.EventTypeWarning, "InternalError",
				"failed to get cert-manager Certificate %s/%s: inducing failure for get certificates", testNS, testName),
		},
	}, {
		Name: "not owned: a foreign Certificate is left untouched",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(),
			cmCert(kcert(withDNSNames("someone.else.example.com")), localIssuer, foreign),
		},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(failed("NotOwned",
				fmt.Sprintf("There is an existing cert-manager Certificate %q that we do not own.", testName)))),
		},
		WantEvents: []string{
			event(corev1.EventTypeWarning, "NotOwned",
				"cert-manager Certificate %s/%s already exists and is not controlled by this Certificate; it is left untouched", testNS, testName),
		},
	}, {
		Name: "status: cert-manager has not evaluated the Certificate yet",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(),
			cmCert(kcert(), externalIssuer),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(inProgress(0))),
		},
	}, {
		Name: "status: in progress, and a routine step costs no status write",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(inProgress(0), readySince(now.Add(-time.Second))),
			cmCert(kcert(), externalIssuer, issuingInProgress),
			approvedRequest(cmCert(kcert(), externalIssuer), now.Add(-10*time.Second)),
		},
	}, {
		Name: "status: cert-manager has not evaluated the Certificate for minutes: still in progress, no status write",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(inProgress(0), readySince(now.Add(-time.Hour))),
			cmCert(kcert(), externalIssuer),
		},
	}, {
		Name: "status: DoesNotExist while issuing is in progress, not Failed",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(),
			cmCert(kcert(), externalIssuer,
				cmCondition(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "DoesNotExist", "Issuing certificate as Secret does not exist"),
				cmCondition(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "DoesNotExist", "Issuing certificate as Secret does not exist")),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(inProgress(0))),
		},
	}, {
		Name: "status: issuance failed is Failed, naming the config key",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(),
			cmCert(kcert(), externalIssuer,
				cmCondition(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "DoesNotExist", "Issuing certificate as Secret does not exist"),
				issuingFailed),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(failed("Failed", issuanceFailedMessage))),
		},
		WantEvents: []string{event(corev1.EventTypeWarning, "Failed", "%s", issuanceFailedMessage)},
	}, {
		Name: "events: an issuance failure already reported is not reported again",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(failed("Failed", issuanceFailedMessage)),
			cmCert(kcert(), externalIssuer,
				cmCondition(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "DoesNotExist", "Issuing certificate as Secret does not exist"),
				issuingFailed),
		},
	}, {
		Name:    "events: an unknown type already reported is neither an event nor an error",
		Key:     testKey,
		Objects: []runtime.Object{kcert(withType("mystery"), failed("UnknownCertificateType", unknownTypeMessage))},
	}, {
		Name: "events: NotOwned already reported is neither an event nor an error",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(failed("NotOwned", fmt.Sprintf("There is an existing cert-manager Certificate %q that we do not own.", testName))),
			cmCert(kcert(withDNSNames("someone.else.example.com")), localIssuer, foreign),
		},
	}, {
		Name: "status: issued and valid is Ready, with notAfter, and requeued at renewal time",
		Key:  testKey,
		Ctx:  context.WithValue(context.Background(), requeuesKey{}, renewalRequeues),
		Objects: []runtime.Object{
			kcert(inProgress(0)),
			cmCert(kcert(), externalIssuer, cmReady),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(ready)),
		},
		PostConditions: []func(*testing.T, *ktesting.TableRow){
			func(t *testing.T, _ *ktesting.TableRow) {
				renewalRequeues.mu.Lock()
				defer renewalRequeues.mu.Unlock()
				if want := renewalTime.Sub(now); len(renewalRequeues.after) != 1 || renewalRequeues.after[0] != want {
					t.Errorf("EnqueueAfter calls = %v, want [%v]", renewalRequeues.after, want)
				}
				// The table is a package variable: start the next run (-count) empty.
				renewalRequeues.after = nil
			},
		},
	}, {
		Name: "status: a stale Ready=True from an older generation is not Ready",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(ready),
			cmCert(kcert(), externalIssuer, cmReady, cmGeneration(2)),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(withNotAfter, inProgress(2))),
		},
	}, {
		Name: "renewal: Issuing=True on a Ready certificate sets Renewing and keeps Ready",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(ready),
			cmCert(kcert(), externalIssuer, cmReady,
				cmCondition(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "Renewing", "Renewing certificate as renewal was scheduled at 2026-11-27")),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(ready, renewing(corev1.ConditionTrue, "Renewing", "Renewing certificate as renewal was scheduled at 2026-11-27"))),
		},
	}, {
		Name: "renewal: past renewalTime sets Renewing before cert-manager's trigger fires",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(ready),
			cmCert(kcert(), externalIssuer, cmReady, cmRenewalTime(now.Add(-time.Minute))),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(ready, renewing(corev1.ConditionTrue, "Renewing", "Renewal time 2026-11-27T11:59:00Z has passed"))),
		},
	}, {
		Name: "renewal: a failed renewal keeps Ready and says so on Renewing",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(ready),
			cmCert(kcert(), externalIssuer, cmReady, issuingFailed),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(ready, renewing(corev1.ConditionFalse, "Failed", "The certificate request has failed to complete and will be retried: signing failed"))),
		},
	}, {
		Name: "renewal: done, Renewing and the challenges are cleared",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(ready, renewing(corev1.ConditionTrue, "Renewing", "renewing"),
				withChallenges(http01(testHost, "tok", "cm-acme-http-solver-abc", 8089))),
			cmCert(kcert(), externalIssuer, cmReady),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(ready)),
		},
	}, {
		Name:        "type: cluster-local-domain uses clusterLocalIssuerRef",
		Key:         testKey,
		Objects:     []runtime.Object{kcert(withType(string(netcfg.CertificateClusterLocalDomain)))},
		WantCreates: []runtime.Object{cmCert(kcert(withType(string(netcfg.CertificateClusterLocalDomain))), localIssuer, noUID)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(withType(string(netcfg.CertificateClusterLocalDomain)), inProgress(0))),
		},
		WantEvents: []string{createdEvent},
	}, {
		Name:        "type: system-internal uses systemInternalIssuerRef",
		Key:         testKey,
		Objects:     []runtime.Object{kcert(withType(string(netcfg.CertificateSystemInternal)))},
		WantCreates: []runtime.Object{cmCert(kcert(withType(string(netcfg.CertificateSystemInternal))), internalIssuer, noUID)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(withType(string(netcfg.CertificateSystemInternal)), inProgress(0))),
		},
		WantEvents: []string{createdEvent},
	}, {
		Name:        "type: external-domain uses issuerRef",
		Key:         testKey,
		Objects:     []runtime.Object{kcert(withType(string(netcfg.CertificateExternalDomain)))},
		WantCreates: []runtime.Object{cmCert(kcert(withType(string(netcfg.CertificateExternalDomain))), externalIssuer, noUID)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(withType(string(netcfg.CertificateExternalDomain)), inProgress(0))),
		},
		WantEvents: []string{createdEvent},
	}, {
		Name:    "type: an unknown type is Failed, with no Certificate created",
		Key:     testKey,
		Objects: []runtime.Object{kcert(withType("mystery"))},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(withType("mystery"), failed("UnknownCertificateType", unknownTypeMessage))),
		},
		WantEvents: []string{event(corev1.EventTypeWarning, "UnknownCertificateType", "%s", unknownTypeMessage)},
	}, {
		Name:    "common name: a long first name is shortened to k.<domain>",
		Key:     testKey,
		Objects: []runtime.Object{kcert(withDNSNames(longHost))},
		WantCreates: []runtime.Object{cmCert(kcert(withDNSNames(longHost)), externalIssuer, noUID, func(c *cmv1.Certificate) {
			if c.Spec.CommonName != "k."+testDomain || c.Spec.DNSNames[0] != "k."+testDomain || c.Spec.DNSNames[1] != longHost {
				panic("MakeCertificate did not shorten the common name")
			}
		})},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(withDNSNames(longHost), inProgress(0))),
		},
		WantEvents: []string{createdEvent},
	}, {
		Name:    "common name: too long with no domain is Failed with CommonNameTooLong",
		Key:     testKey,
		Objects: []runtime.Object{kcert(withDNSNames(longHost), withDomain(""))},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(withDNSNames(longHost), withDomain(""), failed("CommonNameTooLong", longCNMessage(longHost)))),
		},
		WantEvents: []string{event(corev1.EventTypeWarning, "CommonNameTooLong", "%s", longCNMessage(longHost))},
	}, {
		Name:    "invalid spec: a secret name that is not a DNS name is Failed with InvalidSpec",
		Key:     testKey,
		Objects: []runtime.Object{kcert(withSecretName("Not_A_Name"))},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(withSecretName("Not_A_Name"), failed("InvalidSpec", invalidSecretMessage))),
		},
		WantEvents: []string{event(corev1.EventTypeWarning, "InvalidSpec", "%s", invalidSecretMessage)},
	}, {
		Name:    "config: an invalid config-certmanager is Failed with InvalidConfig, and nothing is written",
		Key:     testKey,
		Ctx:     withConfig(&config.Config{LoadError: errors.New("invalid config-certmanager: issuerRef: name must not be empty")}),
		Objects: []runtime.Object{kcert()},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(failed("InvalidConfig", "invalid config-certmanager: issuerRef: name must not be empty"))),
		},
		WantEvents: []string{event(corev1.EventTypeWarning, "InvalidConfig", "invalid config-certmanager: issuerRef: name must not be empty")},
	}, {
		Name: "HTTP01: challenges through an ACME ClusterIssuer are published",
		Key:  testKey,
		Objects: append([]runtime.Object{
			kcert(inProgress(0)),
			cmCert(kcert(), externalIssuer, issuingInProgress),
		}, acmeChain(cmCert(kcert(), externalIssuer), acmev1.ACMEChallengeTypeHTTP01)...),
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(unknown("DoesNotExist", "Issuing certificate as Secret does not exist"+waitingAtChallenge(testName+"-1-123-1", acmev1.ACMEChallengeTypeHTTP01, testHost)),
				withChallenges(http01(testHost, "token-1", "cm-acme-http-solver-1", 8089)))),
		},
	}, {
		Name: "stuck step: a Challenge's words reach the Ready message without the ephemeral port",
		Key:  testKey,
		Objects: append([]runtime.Object{
			kcert(inProgress(0)),
			cmCert(kcert(), externalIssuer, issuingInProgress),
		}, challengeSays(acmeChain(cmCert(kcert(), externalIssuer), acmev1.ACMEChallengeTypeHTTP01), selfCheckReset(54321))...),
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(unknown("DoesNotExist", "Issuing certificate as Secret does not exist"+selfCheckResetStep),
				withChallenges(http01(testHost, "token-1", "cm-acme-http-solver-1", 8089)))),
		},
	}, {
		Name: "stuck step: a retry that changes only the ephemeral port writes no status, and the step is walked again later",
		Key:  testKey,
		Ctx:  context.WithValue(context.Background(), requeuesKey{}, stepRequeues),
		PostConditions: []func(*testing.T, *ktesting.TableRow){
			func(t *testing.T, _ *ktesting.TableRow) {
				stepRequeues.mu.Lock()
				defer stepRequeues.mu.Unlock()
				if len(stepRequeues.after) != 1 || stepRequeues.after[0] != resources.StepRecheck {
					t.Errorf("EnqueueAfter calls = %v, want [%v]", stepRequeues.after, resources.StepRecheck)
				}
				stepRequeues.after = nil
			},
		},
		Objects: append([]runtime.Object{
			kcert(unknown("DoesNotExist", "Issuing certificate as Secret does not exist"+selfCheckResetStep),
				withChallenges(http01(testHost, "token-1", "cm-acme-http-solver-1", 8089))),
			cmCert(kcert(), externalIssuer, issuingInProgress),
		}, challengeSays(acmeChain(cmCert(kcert(), externalIssuer), acmev1.ACMEChallengeTypeHTTP01), selfCheckReset(40000))...),
	}, {
		Name: "stuck step: a denied CertificateRequest says so, and by whom",
		Key:  testKey,
		Objects: []runtime.Object{
			kcert(inProgress(0)),
			cmCert(kcert(), externalIssuer, issuingInProgress),
			deniedRequest(cmCert(kcert(), externalIssuer)),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(deniedStep)),
		},
	}, {
		Name: "HTTP01: challenges through a namespaced ACME Issuer are published",
		Key:  testKey,
		Ctx: withConfig(&config.Config{CertManager: &issuerconfig.CertManagerConfig{
			IssuerRef: acmeNSIssuer, ClusterLocalIssuerRef: localIssuer, SystemInternalIssuerRef: internalIssuer,
		}}),
		Objects: append([]runtime.Object{
			kcert(inProgress(0)),
			cmCert(kcert(), acmeNSIssuer, issuingInProgress),
			&cmv1.Issuer{ObjectMeta: metav1.ObjectMeta{Name: acmeNSIssuer.Name, Namespace: testNS}},
		}, acmeChain(cmCert(kcert(), acmeNSIssuer), acmev1.ACMEChallengeTypeHTTP01)...),
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(unknown("DoesNotExist", "Issuing certificate as Secret does not exist"+waitingAtChallenge(testName+"-1-123-1", acmev1.ACMEChallengeTypeHTTP01, testHost)),
				withChallenges(http01(testHost, "token-1", "cm-acme-http-solver-1", 8089)))),
		},
	}, {
		Name: "HTTP01: an issuer whose first solver is DNS-01 still yields its HTTP-01 challenge",
		Key:  testKey,
		Objects: append(append([]runtime.Object{
			kcert(withDNSNames(testHost, "www.example.com"), inProgress(0)),
			cmCert(kcert(withDNSNames(testHost, "www.example.com")), externalIssuer, issuingInProgress),
		}, acmeChain(cmCert(kcert(withDNSNames(testHost, "www.example.com")), externalIssuer), acmev1.ACMEChallengeTypeDNS01)...),
			secondHTTP01Challenge()...),
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(withDNSNames(testHost, "www.example.com"),
				unknown("DoesNotExist", "Issuing certificate as Secret does not exist"+waitingAtChallenge(testName+"-1-123-1", acmev1.ACMEChallengeTypeDNS01, testHost)),
				withChallenges(http01("www.example.com", "token-2", "cm-acme-http-solver-2", 8090)))),
		},
	}, {
		Name: "HTTP01: solver Services without ports or owners are skipped",
		Key:  testKey,
		Objects: append(malformedSolverChain(cmCert(kcert(), externalIssuer)),
			kcert(inProgress(0)),
			cmCert(kcert(), externalIssuer, issuingInProgress)),
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(unknown("DoesNotExist", "Issuing certificate as Secret does not exist"+waitingAtChallenge(testName+"-1-123-1", acmev1.ACMEChallengeTypeHTTP01, testHost)))),
		},
	}, {
		Name: "HTTP01: challenges stay published while a Ready certificate renews",
		Key:  testKey,
		Objects: append([]runtime.Object{
			kcert(ready),
			cmCert(kcert(), externalIssuer, cmReady,
				cmCondition(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "Renewing", "renewing")),
		}, acmeChain(cmCert(kcert(), externalIssuer), acmev1.ACMEChallengeTypeHTTP01)...),
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(ready, renewing(corev1.ConditionTrue, "Renewing", "renewing"),
				withChallenges(http01(testHost, "token-1", "cm-acme-http-solver-1", 8089)))),
		},
	}, {
		Name: "issuer: a missing ClusterIssuer is IssuerNotFound, naming it and its config key",
		Key:  testKey,
		Ctx: withConfig(&config.Config{CertManager: &issuerconfig.CertManagerConfig{
			IssuerRef: cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "not-yet"}, ClusterLocalIssuerRef: localIssuer, SystemInternalIssuerRef: internalIssuer,
		}}),
		Objects: []runtime.Object{
			kcert(inProgress(0)),
			cmCert(kcert(), cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "not-yet"}),
			&cmv1.ClusterIssuer{ObjectMeta: metav1.ObjectMeta{Name: "other"}},
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(failed("IssuerNotFound",
				"ClusterIssuer/not-yet does not exist (selected by config-certmanager key issuerRef); the certificate is issued once it is created"))),
		},
		WantEvents: []string{event(corev1.EventTypeWarning, "IssuerNotFound",
			"ClusterIssuer/not-yet does not exist (selected by config-certmanager key issuerRef); the certificate is issued once it is created")},
	}, {
		Name: "issuer: a kind-less reference is an Issuer in the KCert's namespace",
		Key:  testKey,
		Ctx: withConfig(&config.Config{CertManager: &issuerconfig.CertManagerConfig{
			IssuerRef: externalIssuer, ClusterLocalIssuerRef: cmmeta.IssuerReference{Name: "local"}, SystemInternalIssuerRef: internalIssuer,
		}}),
		Objects: []runtime.Object{
			kcert(withType(string(netcfg.CertificateClusterLocalDomain)), inProgress(0)),
			cmCert(kcert(withType(string(netcfg.CertificateClusterLocalDomain))), cmmeta.IssuerReference{Name: "local"}),
			// Same name, other namespace: not the one.
			&cmv1.Issuer{ObjectMeta: metav1.ObjectMeta{Name: "local", Namespace: "elsewhere"}},
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(withType(string(netcfg.CertificateClusterLocalDomain)), failed("IssuerNotFound",
				"Issuer/local does not exist (selected by config-certmanager key clusterLocalIssuerRef); the certificate is issued once it is created"))),
		},
		WantEvents: []string{event(corev1.EventTypeWarning, "IssuerNotFound",
			"Issuer/local does not exist (selected by config-certmanager key clusterLocalIssuerRef); the certificate is issued once it is created")},
	}, {
		Name: "issuer: an external issuer is not looked up",
		Key:  testKey,
		Ctx: withConfig(&config.Config{CertManager: &issuerconfig.CertManagerConfig{
			IssuerRef: cmmeta.IssuerReference{Kind: "PCAIssuer", Name: "pca", Group: "awspca.cert-manager.io"}, ClusterLocalIssuerRef: localIssuer, SystemInternalIssuerRef: internalIssuer,
		}}),
		Objects: []runtime.Object{
			kcert(),
			cmCert(kcert(), cmmeta.IssuerReference{Kind: "PCAIssuer", Name: "pca", Group: "awspca.cert-manager.io"}, issuingInProgress),
			&cmv1.ClusterIssuer{ObjectMeta: metav1.ObjectMeta{Name: "other"}},
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(inProgress(0))),
		},
	}}
	runTable(t, table)
}

// runTable runs the rows against the reconciler on fake clients. Every
// row's world has the three configured ClusterIssuers, unless it says otherwise.
func runTable(t *testing.T, table ktesting.TableTest) {
	t.Helper()
	for i := range table {
		if !slices.ContainsFunc(table[i].Objects, isIssuer) {
			table[i].Objects = append(table[i].Objects, clusterIssuers()...)
		}
	}
	table.Test(t, rtesting.MakeFactory(newTestReconciler, testIndexers))
}

// testIndexers are all the indexes the controller adds to its informers.
var testIndexers = func() cache.Indexers {
	out := cache.Indexers{}
	maps.Copy(out, OwnerUIDIndexers)
	maps.Copy(out, SecretNameIndexers)
	return out
}()

func isIssuer(o runtime.Object) bool {
	switch o.(type) {
	case *cmv1.Issuer, *cmv1.ClusterIssuer:
		return true
	}
	return false
}

func clusterIssuers() []runtime.Object {
	var out []runtime.Object
	for _, ref := range []cmmeta.IssuerReference{externalIssuer, localIssuer, internalIssuer} {
		out = append(out, &cmv1.ClusterIssuer{ObjectMeta: metav1.ObjectMeta{Name: ref.Name}})
	}
	return out
}

var (
	issuanceFailedMessage = "The certificate request has failed to complete and will be retried: signing failed" +
		" (issuer ClusterIssuer/letsencrypt, selected by config-certmanager key issuerRef)"

	renewalRequeues = &requeues{}
	stepRequeues    = &requeues{}
	createdEvent    = event(corev1.EventTypeNormal, "Created", "Created cert-manager Certificate %s/%s", testNS, testName)

	unknownTypeMessage = `unknown certificate type "mystery" in label networking.knative.dev/certificate-type; ` +
		"expected external-domain, cluster-local-domain or system-internal"
	invalidSecretMessage = `invalid Certificate: spec.secretName "Not_A_Name": a lowercase RFC 1123 subdomain must consist of ` +
		`lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character ` +
		`(e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`
)

func longCNMessage(name string) string {
	return fmt.Sprintf("common name %q is %d bytes long, over the limit of 63, and spec.domain gives no shorter name", name, len(name))
}

func noUID(c *cmv1.Certificate) { c.UID = "" }

// issuingInProgress is a new Certificate that cert-manager is issuing.
func issuingInProgress(c *cmv1.Certificate) {
	cmCondition(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "DoesNotExist", "Issuing certificate as Secret does not exist")(c)
	cmCondition(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "DoesNotExist", "Issuing certificate as Secret does not exist")(c)
}

// acmeChain is what cert-manager creates for an ACME issuance of cert: a
// request, an order, one challenge of the given type for the test host and,
// for HTTP-01, its solver Service.
func acmeChain(cert *cmv1.Certificate, typ acmev1.ACMEChallengeType) []runtime.Object {
	cr := certificateRequest(cert, testName+"-1")
	o := order(cr, testName+"-1-123")
	ch := challenge(o, testName+"-1-123-1", typ, testHost, "token-1")
	objs := []runtime.Object{cr, o, ch}
	if typ == acmev1.ACMEChallengeTypeHTTP01 {
		objs = append(objs, solverService(ch, "cm-acme-http-solver-1", 8089))
	}
	return objs
}

// challengeSays sets the reason of the Challenge in an acmeChain.
func challengeSays(chain []runtime.Object, reason string) []runtime.Object {
	chain[2].(*acmev1.Challenge).Status.Reason = reason
	return chain
}

// selfCheckReset is cert-manager's HTTP-01 self-check failing over a
// connection from the given ephemeral port, which changes on every retry.
func selfCheckReset(port int) string {
	return fmt.Sprintf("Waiting for HTTP-01 challenge propagation: failed to perform self check GET request: "+
		"read tcp 10.0.0.5:%d->10.0.0.1:80: read: connection reset by peer", port)
}

// selfCheckResetStep is what the Ready message says of selfCheckReset.
const selfCheckResetStep = "; waiting at ChallengePending: Challenge " + testName + "-1-123-1 (HTTP-01 for " + testHost + ") is pending: " +
	"Waiting for HTTP-01 challenge propagation: failed to perform self check GET request: read tcp 10.0.0.1:80: read: connection reset by peer"

// deniedRequest is a CertificateRequest that an approver denied.
// deniedStep is what a KCert says of its request denied as deniedRequest denies it.
var deniedStep = unknown("DoesNotExist", "Issuing certificate as Secret does not exist; waiting at "+
	"CertificateRequestDenied: CertificateRequest "+testName+"-1 was denied by policy.cert-manager.io: no policy approves example.com")

func deniedRequest(cert *cmv1.Certificate) *cmv1.CertificateRequest {
	cr := certificateRequest(cert, testName+"-1")
	cr.Status.Conditions = []cmv1.CertificateRequestCondition{{Type: cmv1.CertificateRequestConditionDenied,
		Status: cmmeta.ConditionTrue, Reason: "policy.cert-manager.io", Message: "no policy approves example.com"}}
	return cr
}

// secondHTTP01Challenge adds an HTTP-01 challenge for www.example.com to
// the order acmeChain made.
func secondHTTP01Challenge() []runtime.Object {
	cert := cmCert(kcert(withDNSNames(testHost, "www.example.com")), externalIssuer)
	o := order(certificateRequest(cert, testName+"-1"), testName+"-1-123")
	ch := challenge(o, testName+"-1-123-2", acmev1.ACMEChallengeTypeHTTP01, "www.example.com", "token-2")
	return []runtime.Object{ch, solverService(ch, "cm-acme-http-solver-2", 8090)}
}

// malformedSolverChain is an HTTP-01 chain whose solver Services cannot be
// used: one has no ports, one has no owner, one is not labelled a solver.
func malformedSolverChain(cert *cmv1.Certificate) []runtime.Object {
	cr := certificateRequest(cert, testName+"-1")
	o := order(cr, testName+"-1-123")
	ch := challenge(o, testName+"-1-123-1", acmev1.ACMEChallengeTypeHTTP01, testHost, "token-1")
	unlabelled := solverService(ch, "not-a-solver", 80)
	unlabelled.Labels = nil
	return []runtime.Object{cr, o, ch,
		solverService(ch, "cm-acme-http-solver-noports"),
		solverService(nil, "cm-acme-http-solver-orphan", 8089),
		unlabelled,
	}
}

// Problems that retrying cannot fix are permanent errors, so the workqueue
// does not retry them in a hot loop; a transient API error is not.
func TestPermanentErrors(t *testing.T) {
	tests := []struct {
		name      string
		cfg       *config.Config
		kc        *v1alpha1.Certificate
		objs      []runtime.Object
		reactor   clientgotesting.ReactionFunc
		permanent bool
	}{
		{name: "invalid config", cfg: &config.Config{LoadError: errors.New("bad")}, kc: kcert(), permanent: true},
		{name: "no config at all", kc: kcert(), permanent: true},
		{name: "unknown type", cfg: testConfig(), kc: kcert(withType("mystery")), permanent: true},
		{name: "common name too long", cfg: testConfig(), kc: kcert(withDNSNames(strings.Repeat("a", 70)), withDomain("")), permanent: true},
		{name: "not owned", cfg: testConfig(), kc: kcert(), objs: []runtime.Object{cmCert(kcert(), externalIssuer, foreign)}, permanent: true},
		{name: "create failure is retried", cfg: testConfig(), kc: kcert(), reactor: ktesting.InduceFailure("create", "certificates")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ls := rtesting.NewListers(tc.objs, OwnerUIDIndexers)
			ctx, cmClient := fakecmclient.With(context.Background(), ls.GetCertManagerObjects()...)
			if tc.reactor != nil {
				cmClient.PrependReactor("*", "*", tc.reactor)
			}
			ctx = controller.WithEventRecorder(ctx, record.NewFakeRecorder(10))
			r := bareReconciler(&ls, cmClient, clocktesting.NewFakePassiveClock(now))
			if tc.cfg != nil {
				ctx = config.ToContext(ctx, tc.cfg)
			}
			err := r.ReconcileKind(ctx, tc.kc)
			if err == nil {
				t.Fatal("ReconcileKind = nil, want an error")
			}
			if got := controller.IsPermanentError(err); got != tc.permanent {
				t.Errorf("IsPermanentError(%v) = %v, want %v", err, got, tc.permanent)
			}
			if tc.kc.Status.GetCondition(v1alpha1.CertificateConditionReady).IsTrue() {
				t.Error("Ready is True after an error")
			}
		})
	}
}

// bareReconciler is a Reconciler called directly, without Knative's
// generated one around it, and without owned objects.
func bareReconciler(ls *rtesting.Listers, cmClient cmclientset.Interface, clk clock.PassiveClock) *Reconciler {
	return &Reconciler{
		certManagerClient:   cmClient,
		certificateLister:   ls.GetCertificateLister(),
		issuerLister:        ls.GetIssuerLister(),
		clusterIssuerLister: ls.GetClusterIssuerLister(),
		owned:               &ownedIndex{},
		clock:               clk,
		enqueueAfter:        func(interface{}, time.Duration) {},
	}
}

func TestForgetDropsTheLastWarning(t *testing.T) {
	r := &Reconciler{}
	kcert := &v1alpha1.Certificate{ObjectMeta: metav1.ObjectMeta{UID: "uid-1"}}
	other := &v1alpha1.Certificate{ObjectMeta: metav1.ObjectMeta{UID: "uid-2"}}
	notFound := &apis.Condition{Type: apis.ConditionReady, Status: corev1.ConditionFalse, Reason: "IssuerNotFound"}
	r.warned.observe(kcert.UID, nil, notFound)
	r.warned.observe(other.UID, nil, notFound)

	// A remembered failure would be sameFailure; a forgotten one is new again.
	r.forget(cache.DeletedFinalStateUnknown{Key: "ns/a", Obj: kcert})
	if r.warned.observe(kcert.UID, nil, notFound) != newFailure {
		t.Error("warning of a deleted KCert (tombstone) still remembered")
	}
	r.forget(other)
	if r.warned.observe(other.UID, nil, notFound) != newFailure {
		t.Error("warning of a deleted KCert still remembered")
	}
	r.forget("not a KCert") // must not panic
}

// createdMeanwhile makes cert-manager Certificate creates fail with
// AlreadyExists and reads return live, as when the informer cache lags
// behind the API server. A nil live leaves reads to later reactors.
func createdMeanwhile(live *cmv1.Certificate) []clientgotesting.ReactionFunc {
	reactors := []clientgotesting.ReactionFunc{func(a clientgotesting.Action) (bool, runtime.Object, error) {
		if a.GetVerb() != "create" || !isCertManagerCertificate(a) {
			return false, nil, nil
		}
		return true, nil, apierrs.NewAlreadyExists(cmv1.Resource("certificates"), a.(clientgotesting.CreateAction).GetObject().(*cmv1.Certificate).Name)
	}}
	if live != nil {
		reactors = append(reactors, getReturns(live))
	}
	return reactors
}

// isCertManagerCertificate tells cert-manager's Certificates from Knative's,
// which the fake clients' reactors also see as "certificates".
func isCertManagerCertificate(a clientgotesting.Action) bool {
	return a.GetResource().Group == cmv1.SchemeGroupVersion.Group && a.GetResource().Resource == "certificates"
}

// conflictOnUpdate answers the first times updates of cert-manager
// Certificates with a conflict (every one if times < 0).
func conflictOnUpdate(times int) clientgotesting.ReactionFunc {
	var mu sync.Mutex
	return func(a clientgotesting.Action) (bool, runtime.Object, error) {
		if a.GetVerb() != "update" || a.GetSubresource() != "" || !isCertManagerCertificate(a) {
			return false, nil, nil
		}
		mu.Lock()
		defer mu.Unlock()
		if times == 0 {
			return false, nil, nil
		}
		times--
		return true, nil, apierrs.NewConflict(cmv1.Resource("certificates"), testName, errors.New("the object has been modified"))
	}
}

// getReturns answers reads of cert-manager Certificates with live.
func getReturns(live *cmv1.Certificate) clientgotesting.ReactionFunc {
	return func(a clientgotesting.Action) (bool, runtime.Object, error) {
		if a.GetVerb() != "get" || !isCertManagerCertificate(a) {
			return false, nil, nil
		}
		return true, live.DeepCopy(), nil
	}
}

// A reconcile that runs before the informer shows the Certificate this
// replica just created neither creates it again nor warns; past
// recentCreateTTL it tries, and AlreadyExists is no failure either.
func TestCreatedCertificateIsNotCreatedAgain(t *testing.T) {
	ls := rtesting.NewListers(clusterIssuers(), OwnerUIDIndexers) // no Certificate: a cache that never catches up
	ctx, cmClient := fakecmclient.With(context.Background())
	recorder := record.NewFakeRecorder(10)
	ctx = config.ToContext(controller.WithEventRecorder(ctx, recorder), testConfig())
	clk := clocktesting.NewFakePassiveClock(now)
	r := bareReconciler(&ls, cmClient, clk)
	creates := func() int {
		n := 0
		for _, a := range cmClient.Actions() {
			if a.GetVerb() == "create" {
				n++
			}
		}
		return n
	}

	for i, step := range []struct {
		after       time.Duration
		wantCreates int
	}{{0, 1}, {time.Second, 1}, {recentCreateTTL, 2}} {
		clk.SetTime(now.Add(step.after))
		if err := r.ReconcileKind(ctx, kcert()); err != nil {
			t.Fatalf("reconcile %d: %v", i, err)
		}
		if got := creates(); got != step.wantCreates {
			t.Errorf("reconcile %d, %v after the first: %d creates in all, want %d", i, step.after, got, step.wantCreates)
		}
	}
	close(recorder.Events)
	var events []string
	for e := range recorder.Events {
		events = append(events, e)
	}
	if want := []string{event(corev1.EventTypeNormal, "Created", "Created cert-manager Certificate %s/%s", testNS, testName)}; !slices.Equal(events, want) {
		t.Errorf("events = %q, want %q", events, want)
	}
}
