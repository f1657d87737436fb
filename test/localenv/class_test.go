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
	"os"
	"path/filepath"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"knative.dev/net-certmanager/test/manifests"
)

// TestCertificateClassIsShipped ties CertificateClass to the class the
// shipped controller Deployment serves (CERTIFICATE_CLASS, which
// test/manifests ties to the controller's built-in default): the KCerts this
// module creates are the ones the controller serves.
func TestCertificateClassIsShipped(t *testing.T) {
	path := filepath.Join("..", "..", "config", "500-controller.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := manifests.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	var classes []string
	for _, u := range objs {
		containers, _, _ := unstructured.NestedSlice(u.Object, "spec", "template", "spec", "containers")
		for _, c := range containers {
			env, _, _ := unstructured.NestedSlice(c.(map[string]any), "env")
			for _, e := range env {
				if name, _, _ := unstructured.NestedString(e.(map[string]any), "name"); name == "CERTIFICATE_CLASS" {
					value, _, _ := unstructured.NestedString(e.(map[string]any), "value")
					classes = append(classes, value)
				}
			}
		}
	}
	if len(classes) != 1 || classes[0] != CertificateClass {
		t.Errorf("%s: CERTIFICATE_CLASS = %q, want exactly one, %q (localenv.CertificateClass)", path, classes, CertificateClass)
	}
}
