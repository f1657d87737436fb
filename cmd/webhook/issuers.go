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

	cminformers "github.com/cert-manager/cert-manager/pkg/client/informers/externalversions"
	kubeclient "knative.dev/pkg/client/injection/kube/client"
	"knative.dev/pkg/logging"

	cmclient "knative.dev/net-certmanager/pkg/client/certmanager/injection/client"
	"knative.dev/net-certmanager/pkg/crdgate"
	"knative.dev/net-certmanager/pkg/webhook"
)

// newIssuerCache returns the webhook's IssuerLookup and starts filling it.
// The issuer informers are not injection's: sharedmain would wait for them
// to sync before starting anything else, the serving certificate's
// controller included, and without cert-manager's CRDs they never sync. So
// the webhook serves at once, validating without issuers while the CRDs are
// missing, and starts its informers once they are served.
func newIssuerCache(ctx context.Context) *webhook.IssuerCache {
	served := crdgate.FromDiscovery(kubeclient.Get(ctx).Discovery())
	cache := &webhook.IssuerCache{Served: served}
	go func() {
		logger := logging.FromContext(ctx)
		gate := &crdgate.Gate{
			Served:   served,
			Required: webhook.IssuerResources,
			Log: func(msg string) {
				logger.Warnw("Checking config-certmanager without issuers until cert-manager's CRDs are served", "state", msg)
			},
		}
		if gate.Wait(ctx) != nil {
			return
		}
		factory := cminformers.NewSharedInformerFactory(cmclient.Get(ctx), 0)
		clusterIssuers := factory.Certmanager().V1().ClusterIssuers()
		issuers := factory.Certmanager().V1().Issuers()
		ciInformer, isInformer := clusterIssuers.Informer(), issuers.Informer()
		factory.Start(ctx.Done())
		cache.Use(&webhook.ListerLookup{ClusterIssuerLister: clusterIssuers.Lister(), IssuerLister: issuers.Lister()},
			func() bool { return ciInformer.HasSynced() && isInformer.HasSynced() })
		logger.Info("cert-manager's issuer CRDs are served; issuer informers started")
	}()
	return cache
}
