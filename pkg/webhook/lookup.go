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
	"sort"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmlisters "github.com/cert-manager/cert-manager/pkg/client/listers/certmanager/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/labels"
)

// ListerLookup is an IssuerLookup over informer caches.
type ListerLookup struct {
	ClusterIssuerLister cmlisters.ClusterIssuerLister
	IssuerLister        cmlisters.IssuerLister
}

var _ IssuerLookup = (*ListerLookup)(nil)

// ClusterIssuer implements IssuerLookup.
func (l *ListerLookup) ClusterIssuer(name string) (*cmv1.IssuerSpec, error) {
	ci, err := l.ClusterIssuerLister.Get(name)
	if apierrs.IsNotFound(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return &ci.Spec, nil
}

// Issuers implements IssuerLookup. Issuers are few, so a scan of the cache
// is cheaper than an index kept for every admission request.
func (l *ListerLookup) Issuers(name string) ([]NamespacedIssuer, error) {
	all, err := l.IssuerLister.List(labels.Everything())
	if err != nil {
		return nil, err
	}
	var out []NamespacedIssuer
	for _, is := range all {
		if is.Name == name {
			out = append(out, NamespacedIssuer{Namespace: is.Namespace, Spec: &is.Spec})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Namespace < out[j].Namespace })
	return out, nil
}
