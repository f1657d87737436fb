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
	"strings"
	"sync"
	"testing"
	"time"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgotesting "k8s.io/client-go/testing"
	clocktesting "k8s.io/utils/clock/testing"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"
	fakenetworkingclient "knative.dev/networking/pkg/client/injection/client/fake"
	kcertreconciler "knative.dev/networking/pkg/client/injection/reconciler/networking/v1alpha1/certificate"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	ktesting "knative.dev/pkg/reconciler/testing"

	fakecmclient "knative.dev/net-certmanager/pkg/client/certmanager/injection/client/fake"
	"knative.dev/net-certmanager/pkg/reconciler/certificate/config"
	rtesting "knative.dev/net-certmanager/pkg/reconciler/testing"
)

var (
	externalIssuer = cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "letsencrypt"}
	localIssuer    = cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "cluster-ca"}
	internalIssuer = cmmeta.IssuerReference{Kind: "ClusterIssuer", Name: "system-ca"}
	acmeNSIssuer   = cmmeta.IssuerReference{Kind: "Issuer", Name: "acme-ns"}
)

func testConfig() *config.Config {
	return &config.Config{CertManager: &config.CertManagerConfig{
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

// staticStore hands the reconciler a fixed Config.
type staticStore struct{ cfg *config.Config }

func (s staticStore) ToContext(ctx context.Context) context.Context { return config.ToContext(ctx, s.cfg) }

func newTestReconciler(ctx context.Context, ls *rtesting.Listers, _ configmap.Watcher) controller.Reconciler {
	cfg := config.FromContext(ctx)
	if cfg == nil {
		cfg = testConfig()
	}
	rq, ok := ctx.Value(requeuesKey{}).(*requeues)
	if !ok {
		rq = &requeues{}
	}
	r := &Reconciler{
		certManagerClient: fakecmclient.Get(ctx),
		certificateLister: ls.GetCertificateLister(),
		owned: &ownedIndex{
			certificateRequests: ls.GetCertificateRequestIndexer(),
			orders:              ls.GetOrderIndexer(),
			challenges:          ls.GetChallengeIndexer(),
			services:            ls.GetServiceIndexer(),
		},
		clock:        clocktesting.NewFakePassiveClock(now),
		enqueueAfter: rq.record,
	}
	return kcertreconciler.NewReconciler(ctx, logging.FromContext(ctx), fakenetworkingclient.Get(ctx),
		ls.GetKnativeCertificateLister(), controller.GetEventRecorder(ctx), r, testClass,
		controller.Options{ConfigStore: staticStore{cfg}})
}

var testKey = testNS + "/" + testName

// awaiting is the status of a KCert whose Certificate cert-manager has not looked at.
func awaiting(generation int64) kcertOption {
	return unknown("AwaitingCertManager", fmt.Sprintf(
		"Waiting for cert-manager to evaluate Certificate %s/%s (generation %d)", testNS, testName, generation))
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
		Name:        "create: a new KCert gets its cert-manager Certificate",
		Key:         testKey,
		Objects:     []runtime.Object{kcert()},
		WantCreates: []runtime.Object{cmCert(kcert(), externalIssuer, func(c *cmv1.Certificate) { c.UID = "" })},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(awaiting(0))),
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
		WantCreates: []runtime.Object{cmCert(kcert(), externalIssuer, func(c *cmv1.Certificate) { c.UID = "" })},
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
	}}

	table.Test(t, rtesting.MakeFactory(newTestReconciler, OwnerUIDIndexers))
	_ = acmev1.ACMEChallengeTypeHTTP01
	_ = issuingFailed
	_ = longHost
	_ = netcfg.CertificateSystemInternal
	_ = metav1.Now
	_ = errors.New
}
