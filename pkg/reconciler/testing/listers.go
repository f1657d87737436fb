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

// Package testing holds the listers and the TableTest factory that the
// reconciler's unit tests share.
package testing

import (
	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmfake "github.com/cert-manager/cert-manager/pkg/client/clientset/versioned/fake"
	acmelisters "github.com/cert-manager/cert-manager/pkg/client/listers/acme/v1"
	cmlisters "github.com/cert-manager/cert-manager/pkg/client/listers/certmanager/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	fakekubeclientset "k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/cache"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	fakenetworkingclientset "knative.dev/networking/pkg/client/clientset/versioned/fake"
	netlisters "knative.dev/networking/pkg/client/listers/networking/v1alpha1"
	ktesting "knative.dev/pkg/reconciler/testing"
)

var clientSetSchemes = []func(*runtime.Scheme) error{
	fakekubeclientset.AddToScheme,
	fakenetworkingclientset.AddToScheme,
	cmfake.AddToScheme,
}

// Listers serves the objects of one TableTest row. Every indexer carries
// the extra indexes the controller adds to its informers.
type Listers struct {
	sorter   ktesting.ObjectSorter
	indexers cache.Indexers
}

// NewListers sorts objs by type, indexing each with the given extra indexers.
func NewListers(objs []runtime.Object, indexers cache.Indexers) Listers {
	scheme := runtime.NewScheme()
	for _, addTo := range clientSetSchemes {
		addTo(scheme)
	}
	ls := Listers{sorter: ktesting.NewObjectSorter(scheme), indexers: indexers}
	ls.sorter.AddObjects(objs...)
	return ls
}

// indexerFor returns a fresh indexer holding the row's objects of obj's type.
func (l *Listers) indexerFor(obj runtime.Object) cache.Indexer {
	idx := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	if err := idx.AddIndexers(l.indexers); err != nil {
		panic(err)
	}
	for _, o := range l.sorter.IndexerForObjectType(obj).List() {
		if err := idx.Add(o); err != nil {
			panic(err)
		}
	}
	return idx
}

// GetKubeObjects returns the Kubernetes objects for the fake kube clientset.
func (l *Listers) GetKubeObjects() []runtime.Object {
	return l.sorter.ObjectsForSchemeFunc(fakekubeclientset.AddToScheme)
}

// GetNetworkingObjects returns the Knative networking objects.
func (l *Listers) GetNetworkingObjects() []runtime.Object {
	return l.sorter.ObjectsForSchemeFunc(fakenetworkingclientset.AddToScheme)
}

// GetCertManagerObjects returns the cert-manager objects.
func (l *Listers) GetCertManagerObjects() []runtime.Object {
	return l.sorter.ObjectsForSchemeFunc(cmfake.AddToScheme)
}

// GetKnativeCertificateLister lists KCerts.
func (l *Listers) GetKnativeCertificateLister() netlisters.CertificateLister {
	return netlisters.NewCertificateLister(l.indexerFor(&v1alpha1.Certificate{}))
}

// GetKnativeCertificateIndexer indexes KCerts.
func (l *Listers) GetKnativeCertificateIndexer() cache.Indexer {
	return l.indexerFor(&v1alpha1.Certificate{})
}

// GetCertificateIndexer indexes cert-manager Certificates.
func (l *Listers) GetCertificateIndexer() cache.Indexer {
	return l.indexerFor(&cmv1.Certificate{})
}

// GetCertificateLister lists cert-manager Certificates.
func (l *Listers) GetCertificateLister() cmlisters.CertificateLister {
	return cmlisters.NewCertificateLister(l.indexerFor(&cmv1.Certificate{}))
}

// GetCertificateRequestIndexer indexes CertificateRequests.
func (l *Listers) GetCertificateRequestIndexer() cache.Indexer {
	return l.indexerFor(&cmv1.CertificateRequest{})
}

// GetOrderIndexer indexes Orders.
func (l *Listers) GetOrderIndexer() cache.Indexer {
	return l.indexerFor(&acmev1.Order{})
}

// GetChallengeIndexer indexes Challenges.
func (l *Listers) GetChallengeIndexer() cache.Indexer {
	return l.indexerFor(&acmev1.Challenge{})
}

// GetServiceIndexer indexes Services.
func (l *Listers) GetServiceIndexer() cache.Indexer {
	return l.indexerFor(&corev1.Service{})
}

// GetChallengeLister lists Challenges.
func (l *Listers) GetChallengeLister() acmelisters.ChallengeLister {
	return acmelisters.NewChallengeLister(l.GetChallengeIndexer())
}

// GetCertificateRequestLister lists CertificateRequests.
func (l *Listers) GetCertificateRequestLister() cmlisters.CertificateRequestLister {
	return cmlisters.NewCertificateRequestLister(l.GetCertificateRequestIndexer())
}

// GetOrderLister lists Orders.
func (l *Listers) GetOrderLister() acmelisters.OrderLister {
	return acmelisters.NewOrderLister(l.GetOrderIndexer())
}

// GetIssuerLister lists Issuers.
func (l *Listers) GetIssuerLister() cmlisters.IssuerLister {
	return cmlisters.NewIssuerLister(l.indexerFor(&cmv1.Issuer{}))
}

// GetClusterIssuerLister lists ClusterIssuers.
func (l *Listers) GetClusterIssuerLister() cmlisters.ClusterIssuerLister {
	return cmlisters.NewClusterIssuerLister(l.indexerFor(&cmv1.ClusterIssuer{}))
}
