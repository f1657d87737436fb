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

package trust

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	fakekube "k8s.io/client-go/kubernetes/fake"
)

func bundleCM(ns, name string, labelled bool, data map[string]string) *corev1.ConfigMap {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Data: data}
	if labelled {
		cm.Labels = map[string]string{TrustBundleLabel: "true"}
	}
	return cm
}

// eventually waits for the pool to hold exactly want.
func eventually(t *testing.T, p *Pool, want ...string) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 5*time.Millisecond, 30*time.Second, true, func(context.Context) (bool, error) {
		got := cns(p.Current())
		if len(got) != len(want) {
			return false, nil
		}
		for i := range want {
			if got[i] != want[i] {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		t.Fatalf("pool = %v, want %v", cns(p.Current()), want)
	}
}

func TestWatchConfigMaps(t *testing.T) {
	ca1, ca2, ca3, other := validCA(t, "ca1"), validCA(t, "ca2"), validCA(t, "ca3"), validCA(t, "other")
	kube := fakekube.NewSimpleClientset(
		bundleCM("knative-serving", "bundle", true, map[string]string{"a.pem": string(cat(ca1.pem, ca2.pem)), "b.pem": string(ca3.pem)}),
		bundleCM("knative-serving", "not-a-bundle", false, map[string]string{"x.pem": string(other.pem)}),
		bundleCM("elsewhere", "bundle", true, map[string]string{"x.pem": string(other.pem)}),
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := NewPool()
	if err := WatchConfigMaps(ctx, kube, p, "knative-serving", "kourier-system"); err != nil {
		t.Fatal(err)
	}
	// The initial state is in the pool when WatchConfigMaps returns.
	wantCNs(t, p.Current(), "ca1", "ca2", "ca3")

	cms := kube.CoreV1().ConfigMaps("knative-serving")
	// A key removed.
	if _, err := cms.Update(ctx, bundleCM("knative-serving", "bundle", true, map[string]string{"a.pem": string(cat(ca1.pem, ca2.pem))}), metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, p, "ca1", "ca2")

	// A bundle in a second watched namespace, with binaryData.
	kcm := bundleCM("kourier-system", "bundle", true, nil)
	kcm.BinaryData = map[string][]byte{"ca.crt": ca3.pem}
	if _, err := kube.CoreV1().ConfigMaps("kourier-system").Create(ctx, kcm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, p, "ca1", "ca2", "ca3")

	// The label removed: no longer a bundle.
	if _, err := cms.Update(ctx, bundleCM("knative-serving", "bundle", false, map[string]string{"a.pem": string(cat(ca1.pem, ca2.pem))}), metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, p, "ca3")

	// A ConfigMap deleted.
	if err := kube.CoreV1().ConfigMaps("kourier-system").Delete(ctx, "bundle", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, p)
}

func TestWatchConfigMapsNeedsANamespace(t *testing.T) {
	if err := WatchConfigMaps(context.Background(), fakekube.NewSimpleClientset(), NewPool()); err == nil {
		t.Error("no error without namespaces")
	}
}

func TestConfigMapEntries(t *testing.T) {
	cms := []*corev1.ConfigMap{
		bundleCM("ns", "a", true, map[string]string{"k": "v"}),
		bundleCM("ns", "b", false, map[string]string{"k": "v"}),
		{ObjectMeta: metav1.ObjectMeta{Name: "c", Labels: map[string]string{TrustBundleLabel: "false"}}, Data: map[string]string{"k": "v"}},
	}
	got := ConfigMapEntries(cms)
	if len(got) != 1 || string(got["a/k"]) != "v" {
		t.Errorf("entries = %v, want only a/k", got)
	}
}
