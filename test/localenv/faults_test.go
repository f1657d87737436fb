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
	"context"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// TestFaults starts without cert-manager, stops and restarts
// kube-apiserver with etcd kept, then installs cert-manager.
func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a control plane")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	env, err := Start(ctx, Options{WorkDir: t.TempDir(), DeferCertManager: true, Progress: testWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = env.Stop() }()
	kube := kubernetes.NewForConfigOrDie(env.AdminConfig)

	if _, err := kube.Discovery().ServerResourcesForGroupVersion("cert-manager.io/v1"); !apierrors.IsNotFound(err) {
		t.Fatalf("cert-manager.io/v1 before InstallCertManager: %v, want NotFound", err)
	}
	if _, err := kube.Discovery().ServerResourcesForGroupVersion("networking.internal.knative.dev/v1alpha1"); err != nil {
		t.Fatalf("the Knative Certificate CRD is missing: %v", err)
	}

	// Same address, same certificates, same data.
	if _, err := kube.CoreV1().Namespaces().Get(ctx, SystemNamespace, metav1.GetOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := env.StopAPIServer(); err != nil {
		t.Fatal(err)
	}
	if _, err := kube.CoreV1().Namespaces().Get(ctx, SystemNamespace, metav1.GetOptions{}); err == nil {
		t.Fatal("kube-apiserver still answers after StopAPIServer")
	}
	if err := env.StopAPIServer(); err == nil {
		t.Error("a second StopAPIServer did not fail")
	}
	if err := env.StartAPIServer(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, time.Minute, "kube-apiserver back with the data in etcd", func() (bool, string) {
		_, err := kube.CoreV1().Namespaces().Get(ctx, SystemNamespace, metav1.GetOptions{})
		return err == nil, errString(err)
	})

	if err := env.InstallCertManager(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := kube.Discovery().ServerResourcesForGroupVersion("acme.cert-manager.io/v1"); err != nil {
		t.Errorf("acme.cert-manager.io/v1 after InstallCertManager: %v", err)
	}
	if err := env.InstallCertManager(ctx); err == nil {
		t.Error("a second InstallCertManager did not fail")
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
