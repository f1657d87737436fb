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

package manifests

import (
	"k8s.io/apimachinery/pkg/runtime/schema"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"

	"knative.dev/net-certmanager/pkg/certmanagerapi"
)

// informed is what an informer calls: list, then watch. The reconciler
// reads informed objects from the cache only (listers and indexes), so an
// informed resource needs no get.
func informed(gr schema.GroupResource, scope Scope, by string) Use {
	return Use{Group: gr.Group, Resource: gr.Resource, Verbs: []string{"list", "watch"}, Scope: scope, By: by}
}

// controllerUses is the least the controller needs: what its code calls,
// each with the code that calls it. The ClusterRole and Role in config/
// must grant exactly this (CheckGrants), so a verb no code calls is
// excess, and a call the manifests forgot fails here before it fails on a
// cluster.
func controllerUses() []Use {
	kcerts := v1alpha1.Resource("certificates")
	var uses []Use
	for _, gvr := range certmanagerapi.Watched {
		uses = append(uses, informed(gvr.GroupResource(), Cluster,
			"certificate.Informers: one informer per certmanagerapi.Watched resource"))
	}
	return append(uses,
		informed(kcerts, Cluster, "certificate.Informers: the KCert informer"),
		informed(schema.GroupResource{Resource: "services"}, Cluster,
			"certificate.Informers: the solver Service informer, filtered by label"),
		Use{Group: certmanagerapi.Certificates.Group, Resource: certmanagerapi.Certificates.Resource,
			Verbs: []string{"create", "update", "get"}, Scope: Cluster,
			By: "Reconciler.reconcileCertificate and updateCertificate: Create, Update, and Get of the live " +
				"object after AlreadyExists or a conflict; never patch or delete (cert-manager's garbage " +
				"collection follows the owner reference)"},
		Use{Group: kcerts.Group, Resource: kcerts.Resource, Verbs: []string{"get"}, Scope: Cluster,
			By: "statusWriter.updateStatus: Get of the live KCert after a conflict"},
		Use{Group: kcerts.Group, Resource: kcerts.Resource + "/status", Verbs: []string{"update"}, Scope: Cluster,
			By: "statusWriter.updateStatus: UpdateStatus; the KCert spec is Serving's"},
		Use{Resource: "events", Verbs: []string{"create", "patch"}, Scope: Cluster,
			By: "client-go's event recorder (knative.dev/pkg controller): Create, and Patch for a repeated event"},
		Use{Resource: "configmaps", Verbs: []string{"get", "list", "watch"}, Scope: SystemNamespace,
			By: "sharedmain: Get of config-logging, config-observability and config-leader-election at start; " +
				"its ConfigMap watcher (config-certmanager) lists and watches"},
		Use{Group: "coordination.k8s.io", Resource: "leases", Verbs: []string{"get", "create", "update"}, Scope: SystemNamespace,
			By: "leader election (knative.dev/pkg over client-go's LeaseLock): Get, Create, Update"},
	)
}
