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

package main

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netclient "knative.dev/networking/pkg/client/clientset/versioned"
	"knative.dev/pkg/apis"
)

const (
	// nsFloor holds the KCert whose status the harness writes itself; no
	// controller serves its class, and the harness watches only KCerts
	// of the controller's class.
	nsFloor       = "bench-write-floor"
	unservedClass = "unserved.bench-scale.knative.dev"
	floorWrites   = 50
)

// statusWriteFloor times KCert status writes as the controller makes them
// (its credentials, through the counting proxy) on an idle control plane:
// a KCert's added latency cannot be below one such write, so the trickle's
// figure is read against it.
func (h *harness) statusWriteFloor(ctx context.Context) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", h.kubeconfig)
	if err != nil {
		return err
	}
	// The controller's client limits: client-go's default of 5 QPS would
	// time its rate limiter instead.
	cfg.QPS, cfg.Burst = float32(h.o.qps), h.o.burst
	asController, err := netclient.NewForConfig(cfg)
	if err != nil {
		return err
	}
	if _, err := h.kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: nsFloor}}, metav1.CreateOptions{}); err != nil {
		return err
	}
	kc := &v1alpha1.Certificate{
		ObjectMeta: metav1.ObjectMeta{Name: "floor", Namespace: nsFloor,
			Annotations: map[string]string{networking.CertificateClassAnnotationKey: unservedClass}},
		Spec: v1alpha1.CertificateSpec{DNSNames: []string{"floor.example.com"}, SecretName: "floor-tls"},
	}
	if kc, err = h.net.NetworkingV1alpha1().Certificates(nsFloor).Create(ctx, kc, metav1.CreateOptions{}); err != nil {
		return err
	}
	lat := make([]time.Duration, 0, floorWrites)
	for i := range floorWrites {
		// A new message each time: an update that changes nothing skips etcd.
		kc.Status.Conditions = []apis.Condition{{Type: apis.ConditionReady, Status: corev1.ConditionUnknown,
			Reason: "Issuing", Message: fmt.Sprintf("write %d", i), LastTransitionTime: apis.VolatileTime{Inner: metav1.Now()}}}
		t0 := time.Now()
		if kc, err = asController.NetworkingV1alpha1().Certificates(nsFloor).UpdateStatus(ctx, kc, metav1.UpdateOptions{}); err != nil {
			return err
		}
		lat = append(lat, time.Since(t0))
		time.Sleep(20 * time.Millisecond)
	}
	h.setLatency("kcert_status_write", lat)
	return h.net.NetworkingV1alpha1().Certificates(nsFloor).Delete(ctx, kc.Name, metav1.DeleteOptions{})
}
