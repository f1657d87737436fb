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
	"testing"

	"k8s.io/client-go/rest"
	filteredinformerfactory "knative.dev/pkg/client/injection/kube/informers/factory/filtered"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection"
	"knative.dev/pkg/system"

	"knative.dev/net-certmanager/pkg/reconciler/certificate"
)

// sharedmain waits for the informers this binary registers with injection:
// every cache the reconciler reads but the owned ones, which
// certificate.StartOwnedInformers runs instead.
func TestSharedmainWaitsForAllButTheOwnedCaches(t *testing.T) {
	// No request is made: informers are only built here.
	ctx, registered := binaryInformers(t, "https://127.0.0.1:1")
	waited := map[any]bool{}
	for _, inf := range registered {
		waited[inf] = true
	}
	owned := map[any]bool{}
	for _, inf := range certificate.OwnedInformers(ctx) {
		owned[inf] = true
		if waited[inf] {
			t.Errorf("sharedmain waits for the owned informer %T", inf)
		}
	}
	for i, inf := range certificate.Informers(ctx) {
		if !owned[inf] && !waited[inf] {
			t.Errorf("sharedmain does not wait for Informers()[%d] (%T), which is not an owned one", i, inf)
		}
	}
	if len(owned) != 4 {
		t.Errorf("%d owned informers, want 4 (CertificateRequests, Orders, Challenges, solver Services)", len(owned))
	}
}

// binaryInformers builds the informers this binary registers with
// injection, for an API server at host, as sharedmain does.
func binaryInformers(t *testing.T, host string) (context.Context, []controller.Informer) {
	t.Setenv(system.NamespaceEnvKey, "knative-serving")
	ctx := filteredinformerfactory.WithSelectors(context.Background(), certificate.SolverServiceSelector)
	return injection.Default.SetupInformers(ctx, &rest.Config{Host: host})
}
