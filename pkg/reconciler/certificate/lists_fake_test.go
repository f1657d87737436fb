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

	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection"
)

// The owned caches' factory on the fake cert-manager client, as the
// generated fake factories are.
func init() {
	injection.Fake.RegisterInformerFactory(withOwnedFactory)
}

// withOwnedInformers adds the owned informers, which are not injection
// informers, to those SetupFakeContext returns.
func withOwnedInformers(ctx context.Context, informers []controller.Informer) []controller.Informer {
	for _, inf := range OwnedInformers(ctx) {
		informers = append(informers, inf)
	}
	return informers
}
