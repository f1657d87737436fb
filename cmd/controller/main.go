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

// The controller turns Knative Certificates of its class into cert-manager
// Certificates.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"

	filteredinformerfactory "knative.dev/pkg/client/injection/kube/informers/factory/filtered"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection/sharedmain"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/signals"

	"knative.dev/net-certmanager/pkg/certclass"
	"knative.dev/net-certmanager/pkg/reconciler/certificate"
)

// component names the controller in logs, metrics and leader election
// Lease names (see docs/operating.md).
const component = "net-certmanager-controller"

func main() {
	// The environment variable sets the class when the flag is not given.
	class := flag.String(certclass.Flag, envOr(certclass.Env, certclass.Default),
		"the networking.knative.dev/certificate.class of the Knative Certificates this controller serves (env "+certclass.Env+")")
	workersFlag := flag.String("workers", os.Getenv(workersEnv),
		fmt.Sprintf("reconcile workers, 1 to %d (env %s; default %d)", maxWorkers, workersEnv, defaultWorkers))

	pr := &probes{}
	// The constructor runs after sharedmain has parsed the flags and set up
	// logging and metrics, and before it starts any informer: the place to
	// wait for cert-manager's CRDs.
	ctor := func(ctx context.Context, cmw configmap.Watcher) *controller.Impl {
		workers, err := parseWorkers(*workersFlag)
		if err != nil {
			logging.FromContext(ctx).Fatal(err)
		}
		waitForCertManager(ctx, pr)
		impl := certificate.NewController(*class, workers)(ctx, cmw)
		// sharedmain starts and waits for the other caches.
		certificate.StartOwnedInformers(ctx)
		synced := informersSynced(ctx)
		pr.synced.Store(&synced)
		return impl
	}

	setClientLimitDefaults()
	certificate.ListPrimaryCaches()
	setCardinalityLimitDefault()

	// Only cert-manager's HTTP-01 solver Services are cached, never every Service.
	ctx := filteredinformerfactory.WithSelectors(signals.NewContext(), certificate.SolverServiceSelector)
	// Our own probes replace sharedmain's: they must answer (not ready)
	// while the constructor waits, before sharedmain would serve them.
	ctx = sharedmain.WithHealthProbesDisabled(ctx)
	port, err := probesPort(os.Getenv)
	if err != nil {
		log.Fatal(err)
	}
	l, err := pr.listen(port)
	if err != nil {
		log.Fatalf("probes port: %v", err)
	}
	go func() {
		if err := pr.serve(ctx, l); err != nil {
			log.Printf("probes server: %v", err)
		}
	}()
	sharedmain.MainWithContext(ctx, component, ctor)
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}
