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

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	kubeclient "knative.dev/pkg/client/injection/kube/client"
	"knative.dev/pkg/logging"

	"knative.dev/net-certmanager/pkg/crdgate"
	"knative.dev/net-certmanager/pkg/reconciler/certificate"
)

// waitForCertManager blocks until discovery serves every cert-manager
// resource the controller watches, exporting the state as a gauge and
// logging it at a slow interval. On shutdown it exits the process: nothing
// has started yet that needs stopping.
func waitForCertManager(ctx context.Context, pr *probes) {
	logger := logging.FromContext(ctx)
	_, err := otel.GetMeterProvider().Meter(certificate.MeterName).Int64ObservableGauge(certificate.CRDsFoundMetric,
		metric.WithDescription("1 if the cert-manager CRDs the controller needs were found, 0 while it waits for them"),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			v := int64(0)
			if pr.crdsFound.Load() {
				v = 1
			}
			o.Observe(v)
			return nil
		}))
	if err != nil {
		logger.Errorw("Cannot create the CRD metric; running without it", zap.Error(err))
	}
	gate := &crdgate.Gate{
		Served: crdgate.FromDiscovery(kubeclient.Get(ctx).Discovery()),
		Log:    func(msg string) { logger.Warn(msg) },
		Found:  pr.crdsFound.Store,
	}
	if err := gate.Wait(ctx); err != nil {
		logger.Info("Stopped while waiting for the cert-manager CRDs")
		_ = logger.Sync()
		os.Exit(0)
	}
}

// informersSynced says whether the caches the reconciler reads are filled.
func informersSynced(ctx context.Context) func() bool {
	informers := certificate.Informers(ctx)
	return func() bool {
		for _, inf := range informers {
			if !inf.HasSynced() {
				return false
			}
		}
		return true
	}
}
