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
package main

import (
	"context"
	"os"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// The SDK honours the variable: 3,000 series of one gauge are all exported.
func TestCardinalityLimitLiftedInTheSDK(t *testing.T) {
	t.Setenv(cardinalityLimitEnv, "")
	os.Unsetenv(cardinalityLimitEnv)
	setCardinalityLimitDefault()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	gauge, err := mp.Meter("test").Float64ObservableGauge("expiry")
	if err != nil {
		t.Fatal(err)
	}
	const series = 3000
	if _, err := mp.Meter("test").RegisterCallback(func(_ context.Context, o metric.Observer) error {
		for i := range series {
			o.ObserveFloat64(gauge, 1, metric.WithAttributes(attribute.Int("i", i)))
		}
		return nil
	}, gauge); err != nil {
		t.Fatal(err)
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	got := len(rm.ScopeMetrics[0].Metrics[0].Data.(metricdata.Gauge[float64]).DataPoints)
	if got != series {
		t.Errorf("exported %d series, want %d", got, series)
	}
}
