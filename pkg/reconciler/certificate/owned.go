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
	"time"

	"k8s.io/client-go/tools/cache"

	"knative.dev/pkg/logging"
)

// The caches of the objects under a Certificate (its CertificateRequests,
// their Orders and Challenges, the solver Services) serve only KCerts that
// are being issued or renewed, and they are the largest to fill: a
// request carries its CSR, certificate and CA. So sharedmain does not wait
// for them (they are not injection informers); StartOwnedInformers starts
// them beside the others, Ready KCerts are reconciled as soon as the KCert,
// Certificate and issuer caches are filled, and a KCert that needs the
// owned caches before they are is looked at again (ownedCachesWait) with
// its status left as it was.

// ownedCachesWait is how soon a KCert that needs the owned caches is
// looked at again while they fill: they take about a second per 1,000
// requests.
const ownedCachesWait = 250 * time.Millisecond

// OwnedInformers are the informers of the objects under a Certificate.
func OwnedInformers(ctx context.Context) []cache.SharedIndexInformer {
	return []cache.SharedIndexInformer{
		certManager(ctx).CertificateRequests().Informer(),
		acme(ctx).Orders().Informer(),
		acme(ctx).Challenges().Informer(),
		solverServices(ctx).Informer(),
	}
}

// ownedSynced says whether every owned cache is filled.
func ownedSynced(ctx context.Context) []cache.InformerSynced {
	var out []cache.InformerSynced
	for _, inf := range OwnedInformers(ctx) {
		out = append(out, inf.HasSynced)
	}
	return out
}

// allSynced says whether every cache of synced is filled (none: yes).
func allSynced(synced []cache.InformerSynced) bool {
	for _, hasSynced := range synced {
		if !hasSynced() {
			return false
		}
	}
	return true
}

// StartOwnedInformers runs the owned informers until ctx is done, and logs
// when their caches are filled. Call it once, after the controller is
// built (its indexers, transforms and handlers are added before).
func StartOwnedInformers(ctx context.Context) {
	start := time.Now()
	synced := ownedSynced(ctx)
	for _, inf := range OwnedInformers(ctx) {
		go inf.Run(ctx.Done())
	}
	go func() {
		if cache.WaitForCacheSync(ctx.Done(), synced...) {
			logging.FromContext(ctx).Infof("Caches of CertificateRequests, Orders, Challenges and solver Services filled in %v",
				time.Since(start).Round(time.Millisecond))
		}
	}()
}
