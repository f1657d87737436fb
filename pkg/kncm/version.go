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

package kncm

import (
	"context"
	"fmt"

	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// versionLabel is the label hack/release.sh sets to the release's version.
const versionLabel = "app.kubernetes.io/version"

// ControllerVersion is the controller as its Deployment runs it.
type ControllerVersion struct {
	// Deployment is namespace/name; empty when there is none (a controller
	// run outside a Deployment, as in the local environment).
	Deployment string `json:"deployment,omitempty"`
	// Version is the Deployment's app.kubernetes.io/version label.
	Version string `json:"version,omitempty"`
	// Images are those of its containers.
	Images []string `json:"images,omitempty"`
}

// LoadControllerVersion reads the controller's Deployment. No Deployment is
// no error: the controller may run elsewhere.
func LoadControllerVersion(ctx context.Context, c Clients, o Options) (ControllerVersion, error) {
	d, err := c.Kube.AppsV1().Deployments(o.SystemNamespace).Get(ctx, o.ControllerName, metav1.GetOptions{})
	switch {
	case apierrs.IsNotFound(err):
		return ControllerVersion{}, nil
	case err != nil:
		return ControllerVersion{}, fmt.Errorf("get Deployment %s/%s: %w", o.SystemNamespace, o.ControllerName, err)
	}
	v := ControllerVersion{Deployment: d.Namespace + "/" + d.Name, Version: d.Labels[versionLabel]}
	for _, c := range d.Spec.Template.Spec.Containers {
		v.Images = append(v.Images, c.Image)
	}
	return v, nil
}
