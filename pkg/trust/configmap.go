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

package trust

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
)

// trustBundleSelector selects exactly what Knative's components read.
var trustBundleSelector = labels.SelectorFromSet(labels.Set{TrustBundleLabel: "true"})

// ConfigMapSourceName is the Pool source that holds the trust-bundle
// ConfigMaps of one namespace.
func ConfigMapSourceName(namespace string) string { return "configmap/" + namespace }

// ConfigMapEntries returns the pool entries of a namespace's trust-bundle
// ConfigMaps: every data and binaryData key, keyed by "name/key".
func ConfigMapEntries(cms []*corev1.ConfigMap) map[string][]byte {
	entries := map[string][]byte{}
	for _, cm := range cms {
		if !trustBundleSelector.Matches(labels.Set(cm.Labels)) {
			continue
		}
		for k, v := range cm.Data {
			entries[cm.Name+"/"+k] = []byte(v)
		}
		for k, v := range cm.BinaryData {
			entries[cm.Name+"/"+k] = v
		}
	}
	return entries
}

// WatchConfigMaps feeds pool with the trust-bundle ConfigMaps of each
// namespace, through an informer that watches only those ConfigMaps. It
// returns once every namespace's ConfigMaps are in the pool, and keeps the
// pool up to date until ctx is done. A ConfigMap that loses its label, a
// key removed and a ConfigMap deleted all leave the pool.
func WatchConfigMaps(ctx context.Context, kube kubernetes.Interface, pool *Pool, namespaces ...string) error {
	if len(namespaces) == 0 {
		return fmt.Errorf("WatchConfigMaps: no namespace given")
	}
	var (
		synced  []cache.InformerSynced
		resyncs []func()
	)
	for _, ns := range namespaces {
		factory := informers.NewSharedInformerFactoryWithOptions(kube, 0,
			informers.WithNamespace(ns),
			informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = trustBundleSelector.String() }))
		inf := factory.Core().V1().ConfigMaps()
		lister := inf.Lister()
		src := ConfigMapSourceName(ns)
		// Every event rebuilds the namespace from the lister, so the pool
		// never depends on the order or the content of events.
		resync := func() { resyncNamespace(pool, lister, ns, src) }
		if _, err := inf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    func(any) { resync() },
			UpdateFunc: func(any, any) { resync() },
			DeleteFunc: func(any) { resync() },
		}); err != nil {
			return fmt.Errorf("watch ConfigMaps in %s: %w", ns, err)
		}
		factory.Start(ctx.Done())
		synced = append(synced, inf.Informer().HasSynced)
		resyncs = append(resyncs, resync)
	}
	if !cache.WaitForCacheSync(ctx.Done(), synced...) {
		return fmt.Errorf("trust-bundle ConfigMaps of %v not synced: %w", namespaces, ctx.Err())
	}
	// Make the initial state visible before returning, even for namespaces
	// whose handlers have not run yet.
	for _, resync := range resyncs {
		resync()
	}
	return nil
}

func resyncNamespace(pool *Pool, lister corelisters.ConfigMapLister, ns, src string) {
	cms, err := lister.ConfigMaps(ns).List(trustBundleSelector)
	if err != nil {
		// The lister reads a local cache; it does not fail in practice.
		return
	}
	pool.Set(src, ConfigMapEntries(cms))
}
