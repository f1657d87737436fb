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
	"sync"

	cmversioned "github.com/cert-manager/cert-manager/pkg/client/clientset/versioned"
	cminformers "github.com/cert-manager/cert-manager/pkg/client/informers/externalversions"
	"k8s.io/client-go/rest"

	netversioned "knative.dev/networking/pkg/client/clientset/versioned"
	networkingclient "knative.dev/networking/pkg/client/injection/client"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection"
	"knative.dev/pkg/logging"

	cmclient "knative.dev/net-certmanager/pkg/client/certmanager/injection/client"
)

// How each cache fills. client-go 1.35 fills a cache from a watch stream
// (its WatchListClient gate, on by default) unless the informer's client
// says it cannot: the API server sends one event per object, and the
// informer decodes and trims each as it comes. A plain list arrives whole
// and is decoded whole before the transform trims it: faster (every cache
// of 1,000 issued KCerts in 0.5-0.9 s listed, 1.2-1.3 s streamed), but it
// holds the whole list at once (RSS after a restart over 5,000 KCerts: 210
// MB with every cache listed, 122 MB with the owned ones streamed;
// BENCHMARKS.md). So the caches that a restart waits for
// (KCerts, Certificates, issuers: small objects) are listed, and the owned
// caches (owned.go), the largest, are streamed.

// listingNetworking and listingCertManager are the injected clients with
// client-go's opt-out of watch streams.
type listingNetworking struct{ netversioned.Interface }
type listingCertManager struct{ cmversioned.Interface }

func (listingNetworking) IsWatchListSemanticsUnSupported() bool  { return true }
func (listingCertManager) IsWatchListSemanticsUnSupported() bool { return true }

var listPrimaryOnce sync.Once

// ListPrimaryCaches has the informers of the injected networking and
// cert-manager clients fill their caches from plain lists. main calls it
// before sharedmain sets up the informers; the owned informers keep the
// stream (ownedFactory).
func ListPrimaryCaches() {
	listPrimaryOnce.Do(func() {
		// Clients are injected in the order they register: this runs after
		// the generated injectors, which its package's imports registered.
		injection.Default.RegisterClient(func(ctx context.Context, _ *rest.Config) context.Context {
			ctx = context.WithValue(ctx, networkingclient.Key{}, listingNetworking{networkingclient.Get(ctx)})
			return context.WithValue(ctx, cmclient.Key{}, listingCertManager{cmclient.Get(ctx)})
		})
	})
}

func init() {
	injection.Default.RegisterInformerFactory(withOwnedFactory)
}

// ownedFactoryKey holds the informer factory of the owned caches.
type ownedFactoryKey struct{}

// withOwnedFactory injects a cert-manager informer factory of its own for
// the owned caches, on the injected client without the list opt-out.
func withOwnedFactory(ctx context.Context) context.Context {
	client := cmclient.Get(ctx)
	if listing, ok := client.(listingCertManager); ok {
		client = listing.Interface
	}
	var opts []cminformers.SharedInformerOption
	if injection.HasNamespaceScope(ctx) {
		opts = append(opts, cminformers.WithNamespace(injection.GetNamespaceScope(ctx)))
	}
	return context.WithValue(ctx, ownedFactoryKey{},
		cminformers.NewSharedInformerFactoryWithOptions(client, controller.GetResyncPeriod(ctx), opts...))
}

// ownedFactory is the informer factory of the owned cert-manager caches.
func ownedFactory(ctx context.Context) cminformers.SharedInformerFactory {
	f, ok := ctx.Value(ownedFactoryKey{}).(cminformers.SharedInformerFactory)
	if !ok {
		logging.FromContext(ctx).Panic("No informer factory of the owned caches in the context: is the certificate package linked?")
	}
	return f
}
