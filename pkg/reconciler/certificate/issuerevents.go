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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netlisters "knative.dev/networking/pkg/client/listers/networking/v1alpha1"

	"knative.dev/net-certmanager/pkg/issuerconfig"
)

// waitingOnIssuer returns the handler of the Issuer and ClusterIssuer
// informers. An issuer that appears or goes can change only the status of
// the KCerts that are not Ready and for whose type config-certmanager
// names it: their reconcile checks that the issuer exists (a Ready KCert's
// does not). Those, and no others, are enqueued. Issuer status changes
// need nothing: cert-manager's Certificate status reflects them.
func waitingOnIssuer(kcerts netlisters.CertificateLister, classFilter func(interface{}) bool,
	current func() *issuerconfig.CertManagerConfig, enqueue func(types.NamespacedName)) cache.ResourceEventHandler {
	each := func(obj interface{}) {
		issuer, ok := unwrap[metav1.Object](obj)
		cfg := current()
		if !ok || cfg == nil {
			return
		}
		var candidates []*v1alpha1.Certificate
		if ns := issuer.GetNamespace(); ns != "" {
			candidates, _ = kcerts.Certificates(ns).List(labels.Everything())
		} else {
			candidates, _ = kcerts.List(labels.Everything())
		}
		for _, kc := range candidates {
			if kc.IsReady() || !classFilter(kc) {
				continue
			}
			ref, _, err := cfg.IssuerFor(kc.Labels[networking.CertificateTypeLabelKey])
			if err == nil && issuerconfig.Selects(ref, kc.Namespace, issuer.GetNamespace(), issuer.GetName()) {
				enqueue(types.NamespacedName{Namespace: kc.Namespace, Name: kc.Name})
			}
		}
	}
	return cache.ResourceEventHandlerFuncs{AddFunc: each, DeleteFunc: each}
}
