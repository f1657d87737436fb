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

package certmanagerapi

import (
	"slices"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The watched resources, one by one. The v1 APIs appeared in cert-manager 1.0.
var (
	Certificates        = cmv1.SchemeGroupVersion.WithResource("certificates")
	CertificateRequests = cmv1.SchemeGroupVersion.WithResource("certificaterequests")
	Issuers             = cmv1.SchemeGroupVersion.WithResource("issuers")
	ClusterIssuers      = cmv1.SchemeGroupVersion.WithResource("clusterissuers")
	Orders              = acmev1.SchemeGroupVersion.WithResource("orders")
	Challenges          = acmev1.SchemeGroupVersion.WithResource("challenges")
)

// Watched lists every cert-manager resource the controller watches, in the
// order its CRD gate reports the missing ones.
var Watched = []schema.GroupVersionResource{Certificates, CertificateRequests, Issuers, ClusterIssuers, Orders, Challenges}

// GroupVersions returns the group versions of Watched, in its order.
func GroupVersions() []schema.GroupVersion {
	var out []schema.GroupVersion
	for _, gvr := range Watched {
		if gv := gvr.GroupVersion(); !slices.Contains(out, gv) {
			out = append(out, gv)
		}
	}
	return out
}
