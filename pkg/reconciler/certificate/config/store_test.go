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

package config

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	logtesting "knative.dev/pkg/logging/testing"

	"knative.dev/net-certmanager/pkg/issuerconfig"
)

func configMap(data map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: issuerconfig.CertManagerConfigName, Namespace: "knative-serving"}, Data: data}
}

func TestStoreHotReload(t *testing.T) {
	var stored []string
	store := NewStore(logtesting.TestLogger(t), func(name string, _ interface{}) { stored = append(stored, name) })

	// Nothing loaded yet: the reconciler sees no config and no error.
	if cfg := FromContext(store.ToContext(context.Background())); cfg.CertManager != nil || cfg.LoadError != nil {
		t.Fatalf("before any load: %+v", cfg)
	}

	store.OnConfigChanged(configMap(map[string]string{"issuerRef": "kind: ClusterIssuer\nname: first"}))
	if got := store.Load().CertManager.IssuerRef.Name; got != "first" {
		t.Fatalf("after the first load IssuerRef = %q, want first", got)
	}

	store.OnConfigChanged(configMap(map[string]string{"issuerRef": "kind: ClusterIssuer\nname: second"}))
	if got := FromContext(store.ToContext(context.Background())).CertManager.IssuerRef.Name; got != "second" {
		t.Fatalf("after a valid update IssuerRef = %q, want second", got)
	}

	// An invalid update keeps the last good config and records why.
	store.OnConfigChanged(configMap(map[string]string{"issuerRef": "kind: ClusterIssuer\nnmae: typo"}))
	cfg := store.Load()
	if cfg.CertManager.IssuerRef.Name != "second" {
		t.Errorf("after an invalid update IssuerRef = %q, want the last good second", cfg.CertManager.IssuerRef.Name)
	}
	if cfg.LoadError == nil || !strings.Contains(cfg.LoadError.Error(), "nmae") {
		t.Errorf("LoadError = %v, want the parse error", cfg.LoadError)
	}
	if len(stored) != 2 {
		t.Errorf("onAfterStore ran %d times, want 2 (valid updates only)", len(stored))
	}

	// Fixing the ConfigMap clears the error.
	store.OnConfigChanged(configMap(map[string]string{"issuerRef": "kind: ClusterIssuer\nname: third"}))
	if cfg := store.Load(); cfg.LoadError != nil || cfg.CertManager.IssuerRef.Name != "third" {
		t.Errorf("after the fix: %+v", cfg)
	}
}

// A bad FIRST config must not exit the process, as knative's store would.
func TestStoreInvalidFirstConfigDoesNotExit(t *testing.T) {
	store := NewStore(logtesting.TestLogger(t))
	store.OnConfigChanged(configMap(map[string]string{"issuerRef": "name: \"\""}))
	cfg := store.Load()
	if cfg.CertManager != nil {
		t.Errorf("CertManager = %+v, want nil", cfg.CertManager)
	}
	if cfg.LoadError == nil || !strings.Contains(cfg.LoadError.Error(), "name must not be empty") {
		t.Errorf("LoadError = %v", cfg.LoadError)
	}
}
