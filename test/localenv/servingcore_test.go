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

package localenv

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"knative.dev/net-certmanager/test/manifests"
)

func TestSelectServingObjects(t *testing.T) {
	objs, err := manifests.Decode([]byte(`apiVersion: v1
kind: ConfigMap
metadata: {name: config-network, namespace: knative-serving}
data: {_example: "docs", certificate-class: old}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: config-domain, namespace: knative-serving}
data: {_example: "docs"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: config-logging, namespace: knative-serving}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: config-certmanager, namespace: knative-serving}
data: {_example: "docs"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: activator, namespace: knative-serving}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: routes.serving.knative.dev}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: config.webhook.serving.knative.dev}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: knative-serving-core}
`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := selectServingObjects(objs, servingConfig{class: "our.class", domain: "example.test"})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*unstructured.Unstructured{}
	for _, u := range got {
		byName[u.GetName()] = u
	}
	for _, name := range []string{"config-network", "config-domain", "config-certmanager", "knative-serving-core"} {
		if byName[name] == nil {
			t.Errorf("%s left out", name)
		}
	}
	for _, name := range []string{"config-logging", "activator", "routes.serving.knative.dev", "config.webhook.serving.knative.dev"} {
		if byName[name] != nil {
			t.Errorf("%s applied; want it left out", name)
		}
	}
	if len(got) != 4 {
		t.Errorf("%d objects selected, want 4", len(got))
	}

	data := func(name string) map[string]string {
		d, _, _ := unstructured.NestedStringMap(byName[name].Object, "data")
		return d
	}
	network := data("config-network")
	for k, want := range map[string]string{
		"certificate-class":                "our.class",
		"external-domain-tls":              "Enabled",
		"ingress-class":                    IngressClass,
		"autocreate-cluster-domain-claims": "true",
		"_example":                         "docs",
	} {
		if network[k] != want {
			t.Errorf("config-network %s = %q, want %q", k, network[k], want)
		}
	}
	if d := data("config-domain"); d["example.test"] != "" || d["_example"] != "docs" || len(d) != 2 {
		t.Errorf("config-domain data = %v, want the domain example.test and the _example kept", d)
	}
	// Serving's config-certmanager is left as Serving ships it.
	if d := data("config-certmanager"); len(d) != 1 || d["_example"] != "docs" {
		t.Errorf("config-certmanager data = %v, want Serving's as shipped", d)
	}
}
