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
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netlisters "knative.dev/networking/pkg/client/listers/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/controller"
)

// MeterName is the OpenTelemetry meter (scope) of the controller's own
// metrics.
const MeterName = "knative.dev/net-certmanager"

// OpenTelemetry instrument names. knative.dev/pkg's Prometheus exporter
// writes them with underscores, the unit as a suffix, and _total on
// counters; docs/operating.md lists the Prometheus names.
const (
	ExpiryMetric    = "net_certmanager.certificate.expiration_timestamp" // net_certmanager_certificate_expiration_timestamp_seconds
	IssuanceMetric  = "net_certmanager.certificate.issuance.duration"    // net_certmanager_certificate_issuance_duration_seconds
	OutcomeMetric   = "net_certmanager.reconcile.outcomes"               // net_certmanager_reconcile_outcomes_total
	CRDsFoundMetric = "net_certmanager.certmanager.crds.found"           // net_certmanager_certmanager_crds_found
	ReadyMetric     = "net_certmanager.certificates"                     // net_certmanager_certificates
)

// Attribute keys (Prometheus labels).
const (
	AttrNamespace       = "namespace"
	AttrName            = "name"
	AttrCertificateType = "certificate_type"
	AttrReason          = "reason"
	AttrReady           = "ready"
)

// Outcome reasons that are not the Ready condition's reason.
const (
	// OutcomeReady counts reconciles that leave the KCert Ready=True.
	OutcomeReady = "Ready"
	// OutcomeError counts reconciles that failed with a transient error
	// (an API call failed) and are retried.
	OutcomeError = "Error"
	// ReasonOther stands for a reason that is not a CamelCase identifier,
	// so that no free text becomes a label value.
	ReasonOther = "Other"
)

// maxReasonLength bounds a reason used as a label value.
const maxReasonLength = 64

// issuanceBuckets span a CA issuer's seconds to an ACME issuer's minutes
// and a stuck issuance's hours.
var issuanceBuckets = []float64{0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600}

// StatsReporter receives what the reconciler measures.
type StatsReporter interface {
	// ReportOutcome counts one reconcile by how it ended.
	ReportOutcome(ctx context.Context, reason string)
	// ReportIssued records the time a KCert took to become Ready.
	ReportIssued(ctx context.Context, certType string, latency time.Duration)
}

type otelStats struct {
	outcomes metric.Int64Counter
	issuance metric.Float64Histogram
}

// NewStatsReporter makes the reconciler's counter and histogram.
func NewStatsReporter(mp metric.MeterProvider) (StatsReporter, error) {
	m := mp.Meter(MeterName)
	outcomes, err := m.Int64Counter(OutcomeMetric,
		metric.WithDescription("Reconciles of Knative Certificates, by outcome: Ready, or the reason of Ready=False/Unknown, or Error"))
	if err != nil {
		return nil, err
	}
	issuance, err := m.Float64Histogram(IssuanceMetric, metric.WithUnit("s"),
		metric.WithDescription("Time from a Knative Certificate's creation, or its spec change, to Ready"),
		metric.WithExplicitBucketBoundaries(issuanceBuckets...))
	if err != nil {
		return nil, err
	}
	return &otelStats{outcomes: outcomes, issuance: issuance}, nil
}

func (s *otelStats) ReportOutcome(ctx context.Context, reason string) {
	s.outcomes.Add(ctx, 1, metric.WithAttributes(attribute.String(AttrReason, reason)))
}

func (s *otelStats) ReportIssued(ctx context.Context, certType string, latency time.Duration) {
	s.issuance.Record(ctx, latency.Seconds(), metric.WithAttributes(attribute.String(AttrCertificateType, certType)))
}

// outcome names how a reconcile ended, for the outcome counter.
func outcome(ready *apis.Condition, event error) string {
	// A KCert put back to wait (for the owned caches) has not failed.
	requeued, _ := controller.IsRequeueKey(event)
	if event != nil && !controller.IsPermanentError(event) && !requeued && (ready == nil || !ready.IsFalse()) {
		return OutcomeError
	}
	switch {
	case ready == nil:
		return OutcomeError
	case ready.IsTrue():
		return OutcomeReady
	case ready.Reason == "":
		return string(ready.Status)
	default:
		return reasonLabel(ready.Reason)
	}
}

// reasonLabel is a condition reason as a label value: reasons are CamelCase
// constants of this reconciler, cert-manager and Knative; anything else is
// folded into ReasonOther to keep the label's values few.
func reasonLabel(reason string) string {
	if reason == "" || len(reason) > maxReasonLength || reason[0] < 'A' || reason[0] > 'Z' {
		return ReasonOther
	}
	for _, r := range reason {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return ReasonOther
		}
	}
	return reason
}

// issuanceStart is when the wait for the current certificate began: the
// creation for the first generation; for a changed spec, when Ready left
// True (Knative's reconciler marks it Unknown on a new generation).
func issuanceStart(kcert *v1alpha1.Certificate, before *apis.Condition) time.Time {
	if kcert.Generation > 1 && before != nil && !before.LastTransitionTime.Inner.IsZero() {
		return before.LastTransitionTime.Inner.Time
	}
	return kcert.CreationTimestamp.Time
}

// certificateType is the KCert's type as config-certmanager reads it: no
// label is an external-domain certificate.
func certificateType(kcert *v1alpha1.Certificate) string {
	if t := kcert.Labels[networking.CertificateTypeLabelKey]; t != "" {
		return t
	}
	return string(netcfg.CertificateExternalDomain)
}

// report feeds the outcome counter, and the issuance histogram when this
// reconcile turned the KCert Ready for the first time since the cache last
// showed it Ready.
func (c *Reconciler) report(ctx context.Context, kcert *v1alpha1.Certificate, before, after *apis.Condition, event error) {
	if c.stats == nil {
		return
	}
	c.stats.ReportOutcome(ctx, outcome(after, event))
	if before.IsTrue() {
		c.issued.settled(kcert.UID)
	}
	if after.IsTrue() && !before.IsTrue() {
		now, start := c.clock.Now(), issuanceStart(kcert, before)
		if c.issued.first(kcert.UID, issuance{generation: kcert.Generation, start: start}, now) {
			c.stats.ReportIssued(ctx, certificateType(kcert), max(now.Sub(start), 0))
		}
	}
}

// issuanceMemoTTL bounds how long a reported issuance is remembered when
// the cache never shows its KCert Ready (the KCert was deleted meanwhile).
const issuanceMemoTTL = 10 * time.Minute

// issuance identifies one wait for a KCert's certificate.
type issuance struct {
	generation int64
	start      time.Time
}

// reportedIssuances remembers, by KCert UID, the issuance last recorded in
// the histogram until the informer's copy shows the KCert Ready. Until
// then the next event can bring the stale copy back to a reconcile, which
// turns it Ready again: the same issuance, not to be recorded twice. The
// zero value is ready to use.
type reportedIssuances struct {
	mu      sync.Mutex
	entries map[types.UID]reportedIssuance
	// swept is when expired entries were last dropped.
	swept time.Time
}

type reportedIssuance struct {
	issuance
	at time.Time
}

// first says whether the issuance has not been reported for this KCert yet,
// and remembers it.
func (r *reportedIssuances) first(uid types.UID, is issuance, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if last, ok := r.entries[uid]; ok && last.generation == is.generation && last.start.Equal(is.start) {
		return false
	}
	if r.entries == nil {
		r.entries = make(map[types.UID]reportedIssuance)
	}
	sweepExpired(r.entries, &r.swept, now, issuanceMemoTTL, func(e reportedIssuance) time.Time { return e.at })
	r.entries[uid] = reportedIssuance{issuance: is, at: now}
	return true
}

// settled forgets the KCert's issuance once the cache shows it Ready.
func (r *reportedIssuances) settled(uid types.UID) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.entries, uid)
}

// expiry is one observation of the expiry gauge.
type expiry struct {
	namespace, name, certType string
	// notAfter is in seconds since the Unix epoch.
	notAfter float64
}

// expiries computes the expiry gauge: the notAfter of every KCert of the
// class that has one, as a Unix timestamp (the Prometheus convention, and
// cert-manager's for its own Certificates), so that the value does not
// change from one scrape to the next and alerts compare it with time().
func expiries(kcerts []*v1alpha1.Certificate, classFilter func(interface{}) bool) []expiry {
	out := make([]expiry, 0, len(kcerts))
	for _, kc := range kcerts {
		if kc.Status.NotAfter == nil || !classFilter(kc) {
			continue
		}
		out = append(out, expiry{namespace: kc.Namespace, name: kc.Name, certType: certificateType(kc),
			notAfter: float64(kc.Status.NotAfter.Unix())})
	}
	return out
}

// readiness is a key of the readiness gauge: the Ready condition's status
// and reason.
type readiness struct {
	status, reason string
}

// readinessCounts computes the readiness gauge: the KCerts of the class by
// Ready status and reason. One without a Ready condition is Unknown with no
// reason.
func readinessCounts(kcerts []*v1alpha1.Certificate, classFilter func(interface{}) bool) map[readiness]int64 {
	out := map[readiness]int64{}
	for _, kc := range kcerts {
		if !classFilter(kc) {
			continue
		}
		key := readiness{status: string(corev1.ConditionUnknown)}
		if cond := kc.Status.GetCondition(v1alpha1.CertificateConditionReady); cond != nil {
			if cond.IsTrue() || cond.IsFalse() {
				key.status = string(cond.Status)
			}
			if cond.Reason != "" {
				key.reason = reasonLabel(cond.Reason)
			}
		}
		out[key]++
	}
	return out
}

// registerCacheGauges registers the gauges read from the KCert cache at
// each collection: the expiry of every KCert that reported passes, and the
// count of them by readiness. Deleted KCerts drop out on their own.
func registerCacheGauges(mp metric.MeterProvider, kcerts netlisters.CertificateLister, reported func(interface{}) bool) error {
	m := mp.Meter(MeterName)
	expiryGauge, err := m.Float64ObservableGauge(ExpiryMetric, metric.WithUnit("s"),
		metric.WithDescription("The notAfter of each Knative Certificate's issued certificate, in seconds since the Unix epoch"))
	if err != nil {
		return err
	}
	readyGauge, err := m.Int64ObservableGauge(ReadyMetric,
		metric.WithDescription("Knative Certificates by the status and reason of their Ready condition"))
	if err != nil {
		return err
	}
	_, err = m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		list, err := kcerts.List(labels.Everything())
		if err != nil {
			return fmt.Errorf("listing Knative Certificates: %w", err)
		}
		for _, e := range expiries(list, reported) {
			o.ObserveFloat64(expiryGauge, e.notAfter, metric.WithAttributes(attribute.String(AttrNamespace, e.namespace),
				attribute.String(AttrName, e.name), attribute.String(AttrCertificateType, e.certType)))
		}
		for r, n := range readinessCounts(list, reported) {
			o.ObserveInt64(readyGauge, n, metric.WithAttributes(attribute.String(AttrReady, r.status), attribute.String(AttrReason, r.reason)))
		}
		return nil
	}, expiryGauge, readyGauge)
	return err
}

// reportedHere selects the KCerts of the class whose bucket this replica
// leads. Every replica caches every KCert; if each reported them all, the
// series would multiply with the replicas (5,000 KCerts, 2 replicas:
// 10,000 expiry series), and a sum over replicas would count each twice.
func reportedHere(classFilter func(interface{}) bool, leads func(types.NamespacedName) bool) func(interface{}) bool {
	return func(obj interface{}) bool {
		kc, ok := obj.(*v1alpha1.Certificate)
		return ok && classFilter(kc) && leads(types.NamespacedName{Namespace: kc.Namespace, Name: kc.Name})
	}
}
