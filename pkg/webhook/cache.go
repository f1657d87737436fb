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

package webhook

import (
	"errors"
	"fmt"
	"sync"

	"k8s.io/apimachinery/pkg/runtime/schema"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"

	"knative.dev/net-certmanager/pkg/bounded"
	"knative.dev/net-certmanager/pkg/certmanagerapi"
	"knative.dev/net-certmanager/pkg/crdgate"
)

var (
	// ErrNotSynced says that the issuers cannot be looked up yet; a retry
	// in a few seconds succeeds.
	ErrNotSynced = errors.New("the webhook is still loading cert-manager's issuers; try again in a few seconds")
	// ErrNoIssuerCRDs says that cert-manager's issuer CRDs are not served,
	// so that no issuer exists.
	ErrNoIssuerCRDs = errors.New("cert-manager's Issuer and ClusterIssuer CRDs are not installed, so no issuer exists yet")
)

// IssuerResources are the cert-manager resources the webhook reads.
var IssuerResources = []schema.GroupVersionResource{certmanagerapi.Issuers, certmanagerapi.ClusterIssuers}

// IssuerCache is the running webhook's IssuerLookup. cert-manager may be
// installed after the webhook, whose informers cannot start before its CRDs
// exist. Until Use is called, a lookup asks discovery: without the CRDs no
// issuer exists (ErrNoIssuerCRDs); with them, the informers are about to
// start (ErrNotSynced). After Use, lookups fail with ErrNotSynced until the
// informers have synced, for until then every issuer would look missing.
type IssuerCache struct {
	// Served lists served resources (discovery).
	Served crdgate.ServedLister

	mu     sync.RWMutex
	lookup IssuerLookup
	synced func() bool
}

var _ IssuerLookup = (*IssuerCache)(nil)

// Use makes the cache answer from lookup once synced says so.
func (c *IssuerCache) Use(lookup IssuerLookup, synced func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lookup, c.synced = lookup, synced
}

// current returns the lookup to use, or why there is none.
func (c *IssuerCache) current() (IssuerLookup, error) {
	c.mu.RLock()
	lookup, synced := c.lookup, c.synced
	c.mu.RUnlock()
	if lookup != nil {
		if !synced() {
			return nil, ErrNotSynced
		}
		return lookup, nil
	}
	missing, err := crdgate.Missing(IssuerResources, c.Served)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w (%s)", ErrNotSynced, bounded.Truncate(err.Error(), bounded.MaxValue))
	case len(missing) > 0:
		return nil, ErrNoIssuerCRDs
	default:
		return nil, ErrNotSynced
	}
}

// ClusterIssuer implements IssuerLookup.
func (c *IssuerCache) ClusterIssuer(name string) (*cmv1.IssuerSpec, error) {
	lookup, err := c.current()
	if err != nil {
		return nil, err
	}
	return lookup.ClusterIssuer(name)
}

// Issuers implements IssuerLookup.
func (c *IssuerCache) Issuers(name string) ([]NamespacedIssuer, error) {
	lookup, err := c.current()
	if err != nil {
		return nil, err
	}
	return lookup.Issuers(name)
}
