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
	"strings"
	"testing"
)

// TestSelfSignedChainFromConfig checks, without a cluster, that localenv
// takes the chain from the shipped optional file, fails without it, and
// rejects a file whose CA is outside cert-manager's cluster resource
// namespace (a ClusterIssuer would never find its Secret).
func TestSelfSignedChainFromConfig(t *testing.T) {
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	configDir := filepath.Join(root, "config")
	source, objs, err := selfSignedChain(configDir)
	if err != nil {
		t.Fatalf("selfSignedChain(%s) = %v", configDir, err)
	}
	if want := filepath.Join(configDir, SelfSignedChainFile); source != want {
		t.Errorf("source = %s, want the shipped file %s", source, want)
	}
	if len(objs) != 3 {
		t.Errorf("got %d objects, want 3", len(objs))
	}

	// No config/optional/: an error naming the missing file.
	empty := t.TempDir()
	if _, _, err := selfSignedChain(empty); err == nil || !strings.Contains(err.Error(), filepath.Join(empty, SelfSignedChainFile)) {
		t.Errorf("selfSignedChain(empty dir) = %v, want an error naming %s", err, SelfSignedChainFile)
	}

	// The CA in another namespace.
	bad := t.TempDir()
	data, err := os.ReadFile(filepath.Join(configDir, SelfSignedChainFile))
	if err != nil {
		t.Fatal(err)
	}
	moved := strings.Replace(string(data), "namespace: "+ClusterResourceNamespace, "namespace: knative-serving", 1)
	if moved == string(data) {
		t.Fatalf("%s has no namespace: %s", SelfSignedChainFile, ClusterResourceNamespace)
	}
	if err := os.MkdirAll(filepath.Join(bad, OptionalDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, SelfSignedChainFile), []byte(moved), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := selfSignedChain(bad); err == nil || !strings.Contains(err.Error(), "cluster resource namespace") {
		t.Errorf("selfSignedChain(CA in knative-serving) = %v, want a namespace error", err)
	}
}
