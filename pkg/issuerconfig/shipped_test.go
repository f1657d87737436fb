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

package issuerconfig

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"knative.dev/pkg/configmap"
	cmtesting "knative.dev/pkg/configmap/testing"
	"sigs.k8s.io/yaml"
)

// TestShippedConfigMap reads the optional config-certmanager under
// config/optional/ (through the testdata symlink, as Knative repositories
// do): it must hold exactly the known keys and _example, its example
// checksum must be current (the helper checks it; run
// hack/update-checksums.sh), and both the shipped values and the documented
// example must pass the strict parser.
func TestShippedConfigMap(t *testing.T) {
	orig, example := cmtesting.ConfigMapsFromTestFile(t, CertManagerConfigName, knownKeys...)

	if _, ok := orig.Annotations[configmap.ExampleChecksumAnnotation]; !ok {
		t.Errorf("annotation %s missing: run ./hack/update-checksums.sh", configmap.ExampleChecksumAnnotation)
	}

	def := DefaultIssuerRef()
	want := &CertManagerConfig{IssuerRef: def, ClusterLocalIssuerRef: def, SystemInternalIssuerRef: def}
	for _, tc := range []struct {
		name string
		data map[string]string
	}{{"shipped", orig.Data}, {"example", example.Data}} {
		got, err := NewCertManagerConfigFromConfigMap(configMap(tc.data))
		if err != nil {
			t.Fatalf("%s: NewCertManagerConfigFromConfigMap() = %v", tc.name, err)
		}
		if !cmp.Equal(got, want) {
			t.Errorf("%s config (-got +want):\n%s", tc.name, cmp.Diff(got, want))
		}
	}

	// The example documents every key (not just falls back to the shipped
	// values), and nothing else.
	var documented map[string]string
	if err := yaml.Unmarshal([]byte(orig.Data[exampleKey]), &documented); err != nil {
		t.Fatalf("_example is not a YAML map of strings: %v", err)
	}
	for _, key := range knownKeys {
		if _, ok := documented[key]; !ok {
			t.Errorf("_example does not document %q", key)
		}
	}
	if len(documented) != len(knownKeys) {
		t.Errorf("_example keys = %v, want exactly %v", documented, knownKeys)
	}
}
