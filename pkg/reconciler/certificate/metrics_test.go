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
	"sync"
	"testing"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgotesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/record"
	clocktesting "k8s.io/utils/clock/testing"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/controller"
	pkgreconciler "knative.dev/pkg/reconciler"
	ktesting "knative.dev/pkg/reconciler/testing"

	fakecmclient "knative.dev/net-certmanager/pkg/client/certmanager/injection/client/fake"
	"knative.dev/net-certmanager/pkg/reconciler/certificate/config"
	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
	rtesting "knative.dev/net-certmanager/pkg/reconciler/testing"
)

type statsKey struct{}

type issued struct {
	certType string
	latency  time.Duration
}

// fakeStats records what the reconciler reports in one row.
type fakeStats struct {
	mu       sync.Mutex
	outcomes []string
	issued   []issued
}

func (f *fakeStats) ReportOutcome(_ context.Context, reason string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.outcomes = append(f.outcomes, reason)
}

func (f *fakeStats) ReportIssued(_ context.Context, certType string, latency time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.issued = append(f.issued, issued{certType, latency})
}

func withStats(ctx context.Context, f *fakeStats) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	return context.WithValue(ctx, statsKey{}, f)
}

// wantStats checks a row's reports.
func wantStats(f *fakeStats, outcomes []string, iss []issued) func(*testing.T, *ktesting.TableRow) {
	return func(t *testing.T, _ *ktesting.TableRow) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if diff := cmp.Diff(outcomes, f.outcomes); diff != "" {
			t.Errorf("outcomes (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(iss, f.issued, cmp.AllowUnexported(issued{})); diff != "" {
			t.Errorf("issued (-want +got):\n%s", diff)
		}
	}
}

func createdAt(t time.Time) kcertOption {
	return func(c *v1alpha1.Certificate) { c.CreationTimestamp = metav1.NewTime(t) }
}

func withGeneration(g int64) kcertOption {
	return func(c *v1alpha1.Certificate) { c.Generation = g }
}

// readySince sets when the Ready condition last changed.
func readySince(t time.Time) kcertOption {
	return func(c *v1alpha1.Certificate) {
		for i := range c.Status.Conditions {
			if c.Status.Conditions[i].Type == apis.ConditionReady {
				c.Status.Conditions[i].LastTransitionTime = apis.VolatileTime{Inner: metav1.NewTime(t)}
			}
		}
	}
}

func TestReconcileMetrics(t *testing.T) {
	rows := map[string]*fakeStats{}
	stats := func(name string) *fakeStats { rows[name] = &fakeStats{}; return rows[name] }

	created := now.Add(-90 * time.Second)
	specChanged := now.Add(-30 * time.Second)
	longHost := "a-very-long-service-name-that-goes-on." + fmt.Sprintf("%0100d", 0)[:30] + "." + testDomain

	var table ktesting.TableTest
	add := func(row ktesting.TableRow, outcomes []string, iss []issued) {
		s := stats(row.Name)
		row.Ctx = withStats(row.Ctx, s)
		row.Key = testKey
		row.PostConditions = append(row.PostConditions, wantStats(s, outcomes, iss))
		row.Objects = append(row.Objects, clusterIssuers()...)
		table = append(table, row)
	}

	add(ktesting.TableRow{
		Name: "issued: Ready, and the latency from creation",
		Objects: []runtime.Object{
			kcert(createdAt(created), inProgress(0)),
			cmCert(kcert(), externalIssuer, cmReady),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{statusUpdate(kcert(createdAt(created), ready))},
	}, []string{OutcomeReady}, []issued{{"external-domain", 90 * time.Second}})

	add(ktesting.TableRow{
		Name: "reissued after a spec change: the latency from when Ready left True",
		Objects: []runtime.Object{
			kcert(createdAt(created.Add(-time.Hour)), withGeneration(2), withType("cluster-local-domain"),
				inProgress(2), readySince(specChanged)),
			cmCert(kcert(withGeneration(2), withType("cluster-local-domain")), localIssuer, cmReady),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{statusUpdate(kcert(createdAt(created.Add(-time.Hour)),
			withGeneration(2), withType("cluster-local-domain"), ready))},
	}, []string{OutcomeReady}, []issued{{"cluster-local-domain", 30 * time.Second}})

	add(ktesting.TableRow{
		Name: "steady Ready: counted, not issued again",
		Objects: []runtime.Object{
			kcert(ready),
			cmCert(kcert(), externalIssuer, cmReady),
		},
	}, []string{OutcomeReady}, nil)

	add(ktesting.TableRow{
		Name: "in progress: the reason of Ready=Unknown",
		Objects: []runtime.Object{
			kcert(),
			cmCert(kcert(), externalIssuer,
				cmCondition(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "DoesNotExist", "Issuing certificate as Secret does not exist"),
				cmCondition(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "DoesNotExist", "Issuing certificate as Secret does not exist")),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(inProgress(0))),
		},
	}, []string{resources.ReasonIssuing}, nil)

	add(ktesting.TableRow{
		Name:    "CommonNameTooLong",
		Objects: []runtime.Object{kcert(withDNSNames(longHost), withDomain(""))},
		WantErr: true,
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(withDNSNames(longHost), withDomain(""), failed("CommonNameTooLong", longCNMessage(longHost)))),
		},
		WantEvents: []string{event(corev1.EventTypeWarning, "CommonNameTooLong", "%s", longCNMessage(longHost))},
	}, []string{ReasonCommonNameTooLong}, nil)

	add(ktesting.TableRow{
		Name: "NotOwned",
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
	}, []string{ReasonNotOwned}, nil)

	add(ktesting.TableRow{
		Name:    "a failed API call is Error",
		Objects: []runtime.Object{kcert()},
		WithReactors: []clientgotesting.ReactionFunc{
			ktesting.InduceFailure("create", "certificates"),
		},
		WantErr:     true,
		WantCreates: []runtime.Object{cmCert(kcert(), externalIssuer, noUID)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(unknown("NewObservedGenFailure", "unsuccessfully observed a new generation"))),
		},
		WantEvents: []string{
			event(corev1.EventTypeWarning, "CreationFailed",
				"Failed to create cert-manager Certificate %s/%s: inducing failure for create certificates", testNS, testName),
			event(corev1.EventTypeWarning, "InternalError",
				"failed to create cert-manager Certificate %s/%s: inducing failure for create certificates", testNS, testName),
		},
	}, []string{OutcomeError}, nil)

	table.Test(t, rtesting.MakeFactory(newTestReconciler, OwnerUIDIndexers))
}

func TestOutcome(t *testing.T) {
	cond := func(s corev1.ConditionStatus, reason string) *apis.Condition {
		return &apis.Condition{Type: apis.ConditionReady, Status: s, Reason: reason}
	}
	permanent := controller.NewPermanentError(pkgreconciler.NewEvent(corev1.EventTypeWarning, "X", "x"))
	tests := []struct {
		name  string
		ready *apis.Condition
		event error
		want  string
	}{
		{"ready", cond(corev1.ConditionTrue, ""), nil, OutcomeReady},
		{"failed with a reason", cond(corev1.ConditionFalse, "IssuerNotFound"), nil, "IssuerNotFound"},
		{"permanent failure", cond(corev1.ConditionFalse, "InvalidSpec"), permanent, "InvalidSpec"},
		{"in progress", cond(corev1.ConditionUnknown, "InProgress"), nil, "InProgress"},
		{"no reason", cond(corev1.ConditionUnknown, ""), nil, "Unknown"},
		{"transient error", cond(corev1.ConditionUnknown, "X"), errors.New("boom"), OutcomeError},
		{"put back to wait, status kept", cond(corev1.ConditionUnknown, "Issuing"), controller.NewRequeueAfter(ownedCachesWait), "Issuing"},
		{"no condition", nil, nil, OutcomeError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := outcome(tc.ready, tc.event); got != tc.want {
				t.Errorf("outcome() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestIssuanceStart(t *testing.T) {
	created := now.Add(-time.Hour)
	left := now.Add(-time.Minute)
	unknownSince := &apis.Condition{Status: corev1.ConditionUnknown, LastTransitionTime: apis.VolatileTime{Inner: metav1.NewTime(left)}}
	tests := []struct {
		name   string
		gen    int64
		before *apis.Condition
		want   time.Time
	}{
		{"first generation: creation", 1, unknownSince, created},
		{"no condition yet: creation", 1, nil, created},
		{"changed spec: when Ready left True", 3, unknownSince, left},
		{"changed spec, no condition: creation", 2, nil, created},
		{"changed spec, no transition time: creation", 2, &apis.Condition{Status: corev1.ConditionUnknown}, created},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kc := kcert(createdAt(created), withGeneration(tc.gen))
			if got := issuanceStart(kc, tc.before); !got.Equal(tc.want) {
				t.Errorf("issuanceStart() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestExpiries(t *testing.T) {
	in30d := metav1.NewTime(now.Add(30 * 24 * time.Hour))
	expired := metav1.NewTime(now.Add(-time.Hour))
	withNotAfterAt := func(t metav1.Time) kcertOption {
		return func(c *v1alpha1.Certificate) { c.Status.NotAfter = &t }
	}
	named := func(n string) kcertOption { return func(c *v1alpha1.Certificate) { c.Name = n } }
	kcerts := []*v1alpha1.Certificate{
		kcert(named("a"), withNotAfterAt(in30d)),
		kcert(named("b"), withType("system-internal"), withNotAfterAt(expired)),
		kcert(named("not-issued")),
		kcert(named("other-class"), withClass("other"), withNotAfterAt(in30d)),
	}
	classFilter := func(obj interface{}) bool {
		return obj.(*v1alpha1.Certificate).Annotations["networking.knative.dev/certificate.class"] == testClass
	}
	got := expiries(kcerts, classFilter)
	want := []expiry{
		{namespace: testNS, name: "a", certType: "external-domain", notAfter: float64(in30d.Unix())},
		{namespace: testNS, name: "b", certType: "system-internal", notAfter: float64(expired.Unix())},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(expiry{})); diff != "" {
		t.Errorf("expiries (-want +got):\n%s", diff)
	}
}

// TestStatsReporter checks the instruments as the OpenTelemetry SDK
// collects them: names, units, attributes and values.
func TestStatsReporter(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	s, err := NewStatsReporter(mp)
	if err != nil {
		t.Fatal("NewStatsReporter:", err)
	}
	ctx := context.Background()
	s.ReportOutcome(ctx, OutcomeReady)
	s.ReportOutcome(ctx, OutcomeReady)
	s.ReportOutcome(ctx, ReasonIssuerNotFound)
	s.ReportIssued(ctx, "external-domain", 3*time.Second)

	ls := rtesting.NewListers([]runtime.Object{kcert(withNotAfter, ready)}, nil)
	if err := registerCacheGauges(mp, ls.GetKnativeCertificateLister(), func(interface{}) bool { return true }); err != nil {
		t.Fatal("registerCacheGauges:", err)
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		t.Fatal("Collect:", err)
	}
	got := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != MeterName {
			t.Errorf("scope = %q, want %q", sm.Scope.Name, MeterName)
		}
		for _, m := range sm.Metrics {
			got[m.Name] = m
		}
	}

	counts := map[string]int64{}
	for _, dp := range got[OutcomeMetric].Data.(metricdata.Sum[int64]).DataPoints {
		v, _ := dp.Attributes.Value(AttrReason)
		counts[v.AsString()] = dp.Value
	}
	if diff := cmp.Diff(map[string]int64{OutcomeReady: 2, ReasonIssuerNotFound: 1}, counts); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}

	hist := got[IssuanceMetric]
	if hist.Unit != "s" {
		t.Errorf("issuance unit = %q, want s", hist.Unit)
	}
	hdps := hist.Data.(metricdata.Histogram[float64]).DataPoints
	if len(hdps) != 1 || hdps[0].Count != 1 || hdps[0].Sum != 3 {
		t.Errorf("issuance data points = %+v, want one of 3s", hdps)
	} else if want := attribute.NewSet(attribute.String(AttrCertificateType, "external-domain")); !hdps[0].Attributes.Equals(&want) {
		t.Errorf("issuance attributes = %v, want only the certificate type", hdps[0].Attributes.ToSlice())
	}

	gdps := got[ExpiryMetric].Data.(metricdata.Gauge[float64]).DataPoints
	if len(gdps) != 1 {
		t.Fatalf("expiry data points = %+v, want one", gdps)
	}
	if want := float64(notAfter.Unix()); gdps[0].Value != want {
		t.Errorf("expiry = %v, want %v", gdps[0].Value, want)
	}
	name, _ := gdps[0].Attributes.Value(AttrName)
	typ, _ := gdps[0].Attributes.Value(AttrCertificateType)
	if name.AsString() != testName || typ.AsString() != "external-domain" {
		t.Errorf("expiry attributes = %v", gdps[0].Attributes)
	}

	readyGauge, _ := got[ReadyMetric].Data.(metricdata.Gauge[int64])
	rdps := readyGauge.DataPoints
	if want := attribute.NewSet(attribute.String(AttrReady, "True"), attribute.String(AttrReason, "")); len(rdps) != 1 ||
		rdps[0].Value != 1 || !rdps[0].Attributes.Equals(&want) {
		t.Errorf("readiness data points = %+v, want 1 for ready=True, reason=\"\"", rdps)
	}
}

// TestWarningOncePerTransition reconciles the same stale copy of a KCert
// twice, as happens when the next event arrives before the informer shows
// the first status update: the failure is reported once. A recovery and a
// new failure is a new transition, reported again.
func TestWarningOncePerTransition(t *testing.T) {
	failing := cmCert(kcert(), externalIssuer,
		cmCondition(cmv1.CertificateConditionReady, cmmeta.ConditionFalse, "DoesNotExist", "Issuing certificate as Secret does not exist"),
		cmCondition(cmv1.CertificateConditionIssuing, cmmeta.ConditionFalse, "Failed", "signing failed"))
	objs := append([]runtime.Object{failing}, clusterIssuers()...)
	ls := rtesting.NewListers(objs, OwnerUIDIndexers)
	ctx, _ := fakecmclient.With(context.Background(), ls.GetCertManagerObjects()...)
	recorder := record.NewFakeRecorder(10)
	ctx = controller.WithEventRecorder(ctx, recorder)
	ctx = config.ToContext(ctx, testConfig())
	r := &Reconciler{
		certManagerClient:   fakecmclient.Get(ctx),
		certificateLister:   ls.GetCertificateLister(),
		issuerLister:        ls.GetIssuerLister(),
		clusterIssuerLister: ls.GetClusterIssuerLister(),
		owned:               &ownedIndex{},
		clock:               clocktesting.NewFakePassiveClock(now),
		enqueueAfter:        func(interface{}, time.Duration) {},
	}
	events := func() int {
		n := 0
		for {
			select {
			case <-recorder.Events:
				n++
			default:
				return n
			}
		}
	}

	stale := kcert(inProgress(0))
	for i := 0; i < 2; i++ {
		_ = r.ReconcileKind(ctx, stale.DeepCopy())
	}
	if n := events(); n != 1 {
		t.Errorf("two reconciles of a stale KCert sent %d Warning events, want 1", n)
	}

	// Ready again (e.g. the config was fixed), then failing again.
	ready := kcert(ready)
	readyLs := rtesting.NewListers(append([]runtime.Object{cmCert(kcert(), externalIssuer, cmReady)}, clusterIssuers()...), OwnerUIDIndexers)
	r.certificateLister = readyLs.GetCertificateLister()
	_ = r.ReconcileKind(ctx, ready)
	r.certificateLister = ls.GetCertificateLister()
	_ = r.ReconcileKind(ctx, stale.DeepCopy())
	if n := events(); n != 1 {
		t.Errorf("a new failure after recovery sent %d Warning events, want 1", n)
	}
}

// TestIssuanceObservedOnce reconciles the same stale copy of a KCert twice,
// as happens when the next event arrives before the informer shows the
// status update that made it Ready: one issuance, recorded once. Once the
// cache shows it Ready, the issuance of a new generation is recorded.
func TestIssuanceObservedOnce(t *testing.T) {
	objs := append([]runtime.Object{cmCert(kcert(), externalIssuer, cmReady)}, clusterIssuers()...)
	ls := rtesting.NewListers(objs, OwnerUIDIndexers)
	ctx, cmClient := fakecmclient.With(context.Background(), ls.GetCertManagerObjects()...)
	ctx = config.ToContext(controller.WithEventRecorder(ctx, record.NewFakeRecorder(10)), testConfig())
	r := bareReconciler(&ls, cmClient, clocktesting.NewFakePassiveClock(now))
	stats := &fakeStats{}
	r.stats = stats

	stale := kcert(createdAt(now.Add(-time.Minute)), inProgress(0))
	for i := 0; i < 2; i++ {
		if err := r.ReconcileKind(ctx, stale.DeepCopy()); err != nil {
			t.Fatalf("reconcile %d of the stale copy: %v", i, err)
		}
	}
	if want := []issued{{"external-domain", time.Minute}}; !cmp.Equal(want, stats.issued, cmp.AllowUnexported(issued{})) {
		t.Errorf("two reconciles of a stale copy recorded %v, want %v", stats.issued, want)
	}

	// The cache shows it Ready; then the spec changes.
	_ = r.ReconcileKind(ctx, kcert(createdAt(now.Add(-time.Minute)), ready))
	changed := kcert(createdAt(now.Add(-time.Hour)), withGeneration(2), inProgress(2), readySince(now.Add(-10*time.Second)))
	ls = rtesting.NewListers(append([]runtime.Object{cmCert(kcert(withGeneration(2)), externalIssuer, cmReady)}, clusterIssuers()...), OwnerUIDIndexers)
	r.certificateLister = ls.GetCertificateLister()
	for i := 0; i < 2; i++ {
		_ = r.ReconcileKind(ctx, changed.DeepCopy())
	}
	if want := []issued{{"external-domain", time.Minute}, {"external-domain", 10 * time.Second}}; !cmp.Equal(want, stats.issued, cmp.AllowUnexported(issued{})) {
		t.Errorf("recorded %v, want %v", stats.issued, want)
	}
}
