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
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"k8s.io/apimachinery/pkg/labels"

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
// counters; the README lists the Prometheus names.
const (
	ExpiryMetric    = "net_certmanager.certificate.expiry"            // net_certmanager_certificate_expiry_seconds
	IssuanceMetric  = "net_certmanager.certificate.issuance.duration" // net_certmanager_certificate_issuance_duration_seconds
	OutcomeMetric   = "net_certmanager.reconcile.outcomes"            // net_certmanager_reconcile_outcomes_total
	CRDsFoundMetric = "net_certmanager.certmanager.crds.found"        // net_certmanager_certmanager_crds_found
)

// Attribute keys (Prometheus labels).
const (
	AttrNamespace       = "namespace"
	AttrName            = "name"
	AttrCertificateType = "certificate_type"
	AttrReason          = "reason"
)

// Outcome reasons that are not the Ready condition's reason.
const (
	// OutcomeReady counts reconciles that leave the KCert Ready=True.
	OutcomeReady = "Ready"
	// OutcomeError counts reconciles that failed with a transient error
	// (an API call failed) and are retried.
	OutcomeError = "Error"
)

// issuanceBuckets span a CA issuer's seconds to an ACME issuer's minutes
// and a stuck issuance's hours.
var issuanceBuckets = []float64{0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600}

// StatsReporter receives what the reconciler measures.
type StatsReporter interface {
	// ReportOutcome counts one reconcile by how it ended.
	ReportOutcome(ctx context.Context, reason string)
	// ReportIssued records the time a KCert took to become Ready.
	ReportIssued(ctx context.Context, certType, namespace string, latency time.Duration)
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

func (s *otelStats) ReportIssued(ctx context.Context, certType, namespace string, latency time.Duration) {
	s.issuance.Record(ctx, latency.Seconds(), metric.WithAttributes(
		attribute.String(AttrCertificateType, certType), attribute.String(AttrNamespace, namespace)))
}

// outcome names how a reconcile ended, for the outcome counter.
func outcome(ready *apis.Condition, event error) string {
	if event != nil && !controller.IsPermanentError(event) && (ready == nil || !ready.IsFalse()) {
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
		return ready.Reason
	}
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
// reconcile turned the KCert Ready.
func (c *Reconciler) report(ctx context.Context, kcert *v1alpha1.Certificate, before, after *apis.Condition, event error) {
	if c.stats == nil {
		return
	}
	c.stats.ReportOutcome(ctx, outcome(after, event))
	if after != nil && after.IsTrue() && (before == nil || !before.IsTrue()) {
		latency := c.clock.Now().Sub(issuanceStart(kcert, before))
		if latency < 0 {
			latency = 0
		}
		c.stats.ReportIssued(ctx, certificateType(kcert), kcert.Namespace, latency)
	}
}

// expiry is one observation of the expiry gauge.
type expiry struct {
	namespace, name, certType string
	seconds                   float64
}

// expiries computes the expiry gauge: seconds from now to notAfter of
// every KCert of the class that has one (negative once expired).
func expiries(kcerts []*v1alpha1.Certificate, classFilter func(interface{}) bool, now time.Time) []expiry {
	out := make([]expiry, 0, len(kcerts))
	for _, kc := range kcerts {
		if kc.Status.NotAfter == nil || !classFilter(kc) {
			continue
		}
		out = append(out, expiry{namespace: kc.Namespace, name: kc.Name, certType: certificateType(kc),
			seconds: kc.Status.NotAfter.Sub(now).Seconds()})
	}
	return out
}

// registerExpiryGauge reports the expiry of every cached KCert of the class
// at each collection, so deleted KCerts drop out on their own.
func registerExpiryGauge(mp metric.MeterProvider, kcerts netlisters.CertificateLister, classFilter func(interface{}) bool, now func() time.Time) error {
	m := mp.Meter(MeterName)
	_, err := m.Float64ObservableGauge(ExpiryMetric, metric.WithUnit("s"),
		metric.WithDescription("Seconds until the notAfter of each Knative Certificate's issued certificate (negative once expired)"),
		metric.WithFloat64Callback(func(_ context.Context, o metric.Float64Observer) error {
			list, err := kcerts.List(labels.Everything())
			if err != nil {
				return fmt.Errorf("listing Knative Certificates: %w", err)
			}
			for _, e := range expiries(list, classFilter, now()) {
				o.Observe(e.seconds, metric.WithAttributes(attribute.String(AttrNamespace, e.namespace),
					attribute.String(AttrName, e.name), attribute.String(AttrCertificateType, e.certType)))
			}
			return nil
		}))
	return err
}
