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

	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/tools/cache"

	"knative.dev/pkg/logging"
)

// The caches of the objects under a Certificate (its CertificateRequests,
// their Orders and Challenges, the solver Services) serve only KCerts that
// are being issued or renewed, and they are the largest to fill: a
// request carries its CSR, certificate and CA. So sharedmain does not wait
// for them (they are not injection informers); StartOwnedInformers starts
// them once the others are filled, Ready KCerts are reconciled as soon as
// the KCert, Certificate and issuer caches are, and a KCert that needs the
// owned caches before they are filled is looked at again
// (ownedCachesWait) with its status left as it was.

// ownedCachesWait is how soon a KCert that needs the owned caches is
// looked at again while they fill: they take about half a second per
// 1,000 requests.
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

// StartOwnedInformers runs the owned informers until ctx is done, once the
// other caches are filled: on a busy API server the owned lists, the
// largest, would slow those that Ready KCerts wait for. It logs when the
// owned caches are filled. Call it once, after the controller is built
// (its indexers, transforms and handlers are added before).
func StartOwnedInformers(ctx context.Context) {
	start := time.Now()
	owned := OwnedInformers(ctx)
	isOwned := map[cache.SharedIndexInformer]bool{}
	for _, inf := range owned {
		isOwned[inf] = true
	}
	var first []cache.InformerSynced
	for _, inf := range Informers(ctx) {
		if !isOwned[inf] {
			first = append(first, inf.HasSynced)
		}
	}
	synced := ownedSynced(ctx)
	go func() {
		if !waitSynced(ctx, first) {
			return
		}
		for _, inf := range owned {
			go inf.Run(ctx.Done())
		}
		if waitSynced(ctx, synced) {
			logging.FromContext(ctx).Infof("Caches of CertificateRequests, Orders, Challenges and solver Services filled in %v",
				time.Since(start).Round(time.Millisecond))
		}
	}()
}

// syncPoll is how often waitSynced looks: client-go's WaitForCacheSync
// looks every 100 ms, a tenth of the whole start over 1,000 KCerts.
const syncPoll = 10 * time.Millisecond

// waitSynced waits until every cache of synced is filled, or ctx is done.
func waitSynced(ctx context.Context, synced []cache.InformerSynced) bool {
	return wait.PollUntilContextCancel(ctx, syncPoll, true, func(context.Context) (bool, error) {
		return allSynced(synced), nil
	}) == nil
}
