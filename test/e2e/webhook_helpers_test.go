//go:build e2e

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

package e2e

import (
	"context"
	"sync"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// updateConfigWith is updateConfigData through another client.
func updateConfigWith(ctx context.Context, kube kubernetes.Interface, data map[string]string, mutate func(*corev1.ConfigMap)) error {
	cms := kube.CoreV1().ConfigMaps(systemNamespace)
	cm, err := cms.Get(ctx, configName, metav1.GetOptions{})
	if err != nil {
		return err
	}
	cm.Data = data
	if mutate != nil {
		mutate(cm)
	}
	_, err = cms.Update(ctx, cm, metav1.UpdateOptions{})
	return err
}

// warningLog collects the warnings the apiserver returns, the webhook's
// admission warnings among them.
type warningLog struct {
	mu    sync.Mutex
	texts []string
}

func (w *warningLog) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.texts = append(w.texts, text)
}

// take returns the warnings so far and forgets them.
func (w *warningLog) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.texts
	w.texts = nil
	return out
}

// kubeWithWarnings is a client of cfg whose warnings go to the log.
func kubeWithWarnings(cfg *rest.Config) (kubernetes.Interface, *warningLog) {
	cfg = rest.CopyConfig(cfg)
	log := &warningLog{}
	cfg.WarningHandler = log
	return kubernetes.NewForConfigOrDie(cfg), log
}

// askedLabel marks the ConfigMaps askWebhookIn sends to the webhook.
const askedLabel = "e2e.net-certmanager.knative.dev/ask-webhook"

// askWebhookIn adds, for the rest of the test, a webhook configuration that
// sends every ConfigMap write in ns labelled askedLabel=ns to the webhook's
// Service and path, as the shipped one would without its namespaceSelector.
func (c *clients) askWebhookIn(t *testing.T, ns string) {
	t.Helper()
	ctx := context.Background()
	vwcs := c.kube.AdmissionregistrationV1().ValidatingWebhookConfigurations()
	live, err := vwcs.Get(ctx, webhookConfigName, metav1.GetOptions{})
	if err != nil {
		t.Fatal("get ValidatingWebhookConfiguration:", err)
	}
	wh := *live.Webhooks[0].DeepCopy()
	wh.Name = "ask." + ns + ".e2e.net-certmanager.knative.dev"
	wh.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": ns}}
	wh.ObjectSelector = &metav1.LabelSelector{MatchLabels: map[string]string{askedLabel: ns}}
	fail := admissionregistrationv1.Fail
	wh.FailurePolicy = &fail
	vwc := &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: wh.Name},
		Webhooks:   []admissionregistrationv1.ValidatingWebhook{wh},
	}
	if _, err := vwcs.Create(ctx, vwc, metav1.CreateOptions{}); err != nil {
		t.Fatal("create ValidatingWebhookConfiguration:", err)
	}
	t.Cleanup(func() {
		if err := vwcs.Delete(context.Background(), vwc.Name, metav1.DeleteOptions{}); err != nil {
			t.Error("delete ValidatingWebhookConfiguration:", err)
		}
	})
}
