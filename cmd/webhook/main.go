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

// The webhook validates config-certmanager before it is stored: the
// controller's strict parser, plus a check that an existing issuer suits the
// certificates its key selects it for (once cert-manager is installed). It
// provisions its own serving certificate.
package main

import (
	"context"
	"log"
	"os"
	"time"

	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection/sharedmain"
	"knative.dev/pkg/signals"
	"knative.dev/pkg/system"
	pkgwebhook "knative.dev/pkg/webhook"
	"knative.dev/pkg/webhook/certificates"
	"knative.dev/pkg/webhook/configmaps"

	"knative.dev/net-certmanager/pkg/issuerconfig"
	"knative.dev/net-certmanager/pkg/webhook"
)

const (
	// component names the process in logs, leader election and metrics.
	component = "net-certmanager-webhook"
	// serviceName and secretName are declared in config/.
	serviceName = "net-certmanager-webhook"
	secretName  = "net-certmanager-webhook-certs"
	// configWebhookPath is where the apiserver sends config-certmanager.
	configWebhookPath = "/config-validation"
	defaultPort       = 8443
	// drainEnv sets how long the server keeps answering after SIGTERM (and
	// fails readiness) so that endpoints stop sending it requests first.
	drainEnv     = "WEBHOOK_DRAIN_PERIOD"
	defaultDrain = 15 * time.Second
)

func newConfigValidationController(ctx context.Context, _ configmap.Watcher) *controller.Impl {
	lookup := newIssuerCache(ctx)
	impl := configmaps.NewAdmissionController(ctx, webhook.ConfigWebhookName, configWebhookPath,
		configmap.Constructors{
			issuerconfig.CertManagerConfigName: webhook.NewConfigValidator(system.Namespace(), lookup),
		})
	return webhook.WithIssuerWarnings(impl, system.Namespace(), lookup)
}

func main() {
	ctx := pkgwebhook.WithOptions(signals.NewContext(), pkgwebhook.Options{
		ServiceName: serviceName,
		SecretName:  secretName,
		Port:        pkgwebhook.PortFromEnv(defaultPort),
		GracePeriod: drainPeriod(os.Getenv(drainEnv)),
	})
	// The probes are answered on the webhook port itself (kubelet probes
	// with a K-Kubelet-Probe header), which also fails readiness while
	// draining; no second probe port to collide with the controller's.
	ctx = sharedmain.WithHealthProbesDisabled(ctx)
	sharedmain.MainWithContext(ctx, component,
		certificates.NewController,
		newConfigValidationController,
	)
}

// drainPeriod parses drainEnv's value; empty or invalid means defaultDrain.
func drainPeriod(v string) time.Duration {
	if v == "" {
		return defaultDrain
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		log.Printf("%s=%q is not a positive duration; using %v", drainEnv, v, defaultDrain)
		return defaultDrain
	}
	return d
}
