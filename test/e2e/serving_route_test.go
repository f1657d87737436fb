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
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"
)

// TestServingHTTP01Renewal renews an HTTP-01 certificate with the KCert
// Ready throughout. Serving's Route reconciler, unlike its DomainMapping
// reconciler, passes a KCert's challenges on to the KIngress while the KCert
// is Ready and Renewing: so a Route to a Revision is issued over HTTP-01
// (Pebble validating through Serving's KIngress, the minimal ingress and
// cert-manager's solver), then renewed as kn-certmanager rotation renew
// does. The Revision becomes Ready through localenv's workload stand-in
// (test/localenv/workloads.go: the Deployment and PodAutoscaler statuses
// kube-controller-manager and Serving's autoscaler would write).
func TestServingHTTP01Renewal(t *testing.T) {
	env, roots, intermediates, root := startACMEServingEnv(t, "controller-http01-renewal")
	ns := env.c.newNamespace(t)
	const name = "app"
	host := name + "." + ns + "." + servingDomain

	created := time.Now()
	env.createRevision(t, ns, name+"-00001")
	env.waitRevisionReady(t, ns, name+"-00001")
	t.Logf("Revision Ready %.1fs after its creation", time.Since(created).Seconds())
	env.createRoute(t, ns, name, name+"-00001")
	kc := env.routeKCert(t, ns, name)
	first := env.c.waitChallengeListed(t, ns, kc.Name, host)
	env.checkRouteShowsKCertReason(t, ns, name, kc.Name)
	env.waitRoute(t, ns, name, "Ready with an https URL", func(r *unstructured.Unstructured) bool {
		return readyOverHTTPS(r, host)
	})
	t.Logf("Route %s Ready over https %.1fs after the Revision's creation", host, time.Since(created).Seconds())
	kc = env.c.waitKCert(t, ns, kc.Name, "Ready", isReady)
	if pebble := answeredTo(env.solverRequests(t, host), pebbleUserAgent); pebble == 0 {
		t.Fatalf("the Route's first certificate was issued without the solver answering Pebble")
	}

	fig := env.renewOverHTTP01(t, renewal{ns: ns, kcert: kc.Name, ingress: name, host: host, mustRoute: true,
		firstChallenge: first}, roots, intermediates)
	t.Logf("renewal, from the trigger: challenge listed on the KCert %.1fs, routed on the KIngress %.1fs, first self-check answered %.1fs, "+
		"Pebble's first request answered %.1fs, new certificate in the Secret %.1fs; the solver answered Pebble %d and cert-manager's self-check %d times; KCert status writes: %s",
		fig.listed.Seconds(), fig.routed.Seconds(), fig.selfChecked.Seconds(), fig.validated.Seconds(), fig.renewed.Seconds(),
		fig.pebble, fig.selfCheck, describe(fig.statusWrites))
	if fig.pebble == 0 || fig.selfCheck == 0 {
		t.Errorf("during the renewal the solver answered Pebble %d and the self-check %d times, want both > 0", fig.pebble, fig.selfCheck)
	}
	for who := range fig.statusWrites {
		if who != controllerUser {
			t.Errorf("%s wrote the KCert's status during the renewal (%d times); only our controller serves it", who, fig.statusWrites[who])
		}
	}
	env.waitRoute(t, ns, name, "Ready with an https URL after the renewal", func(r *unstructured.Unstructured) bool {
		return readyOverHTTPS(r, host)
	})
	kc = env.c.waitKCert(t, ns, kc.Name, "Ready", isReady)
	_, leaf := env.c.secretCert(t, kc)
	env.checkIngressServes(t, host, leaf, root)
}

var (
	revisionGVR = schema.GroupVersionResource{Group: "serving.knative.dev", Version: "v1", Resource: "revisions"}
	routeGVR    = schema.GroupVersionResource{Group: "serving.knative.dev", Version: "v1", Resource: "routes"}
)

// revisionImage is given by digest: Serving resolves nothing (no registry
// is reachable here).
const revisionImage = "registry.example.test/hello@sha256:0000000000000000000000000000000000000000000000000000000000000001"

// createRevision creates a Revision of one container, with the defaults
// Serving's webhook (not running here) would set and its reconcilers
// expect: container name, timeoutSeconds, containerConcurrency, the TCP
// readiness probe, enableServiceLinks.
func (s *servingEnv) createRevision(t *testing.T, ns, name string) {
	t.Helper()
	rev := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "serving.knative.dev/v1",
		"kind":       "Revision",
		"metadata":   map[string]any{"name": name, "namespace": ns},
		"spec": map[string]any{
			"timeoutSeconds":       int64(300),
			"containerConcurrency": int64(0),
			"enableServiceLinks":   false,
			"containers": []any{map[string]any{
				"name":           "user-container",
				"image":          revisionImage,
				"resources":      map[string]any{},
				"readinessProbe": map[string]any{"tcpSocket": map[string]any{"port": int64(0)}, "successThreshold": int64(1)},
			}},
		},
	}}
	if _, err := s.dyn.Resource(revisionGVR).Namespace(ns).Create(context.Background(), rev, metav1.CreateOptions{}); err != nil {
		t.Fatal("create Revision:", err)
	}
}

// waitRevisionReady waits until Serving marks the Revision Ready, with the
// scale of one replica it read from the PodAutoscaler (the workload
// stand-in's status, as the autoscaler would report it).
func (s *servingEnv) waitRevisionReady(t *testing.T, ns, name string) {
	t.Helper()
	rev := waitObject(t, fmt.Sprintf("Revision %s/%s never became Ready", ns, name),
		func(ctx context.Context) (*unstructured.Unstructured, error) {
			return s.dyn.Resource(revisionGVR).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
		}, func(u *unstructured.Unstructured) bool {
			ready, _ := condition(u, "Ready")
			gen, _, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration")
			return ready == "True" && gen == u.GetGeneration()
		}, func(u *unstructured.Unstructured) any { return u.Object["status"] })
	if n, _, _ := unstructured.NestedInt64(rev.Object, "status", "actualReplicas"); n != 1 {
		t.Errorf("Revision %s/%s Ready with actualReplicas %d, want 1; status: %v", ns, name, n, rev.Object["status"])
	}
}

// createRoute creates a Route sending all traffic to the Revision, with the
// defaults Serving's webhook would set (latestRevision false for a named
// Revision).
func (s *servingEnv) createRoute(t *testing.T, ns, name, revision string) {
	t.Helper()
	route := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "serving.knative.dev/v1",
		"kind":       "Route",
		"metadata":   map[string]any{"name": name, "namespace": ns},
		"spec": map[string]any{"traffic": []any{map[string]any{
			"revisionName": revision, "percent": int64(100), "latestRevision": false,
		}}},
	}}
	if _, err := s.dyn.Resource(routeGVR).Namespace(ns).Create(context.Background(), route, metav1.CreateOptions{}); err != nil {
		t.Fatal("create Route:", err)
	}
}

// waitRoute polls a Route until done says so.
func (s *servingEnv) waitRoute(t *testing.T, ns, name, what string, done func(*unstructured.Unstructured) bool) {
	t.Helper()
	waitObject(t, fmt.Sprintf("Route %s/%s never became %s", ns, name, what),
		func(ctx context.Context) (*unstructured.Unstructured, error) {
			return s.dyn.Resource(routeGVR).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
		}, done, func(u *unstructured.Unstructured) any { return u.Object["status"] })
}

// checkRouteShowsKCertReason looks at what a user sees on the Route while
// its KCert is not Ready. Serving (v0.50) says "Certificate <name> is not
// ready" in CertificateProvisioned: with the KCert's Ready reason
// (CertificateNotReady), or, with http-protocol Enabled, as HTTPDowngrade;
// never the KCert's message (docs/kcert-status.md). If the KCert is Ready
// before the Route shows either, there is nothing to see.
func (s *servingEnv) checkRouteShowsKCertReason(t *testing.T, ns, route, kcert string) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		kc, err := s.c.net.NetworkingV1alpha1().Certificates(ns).Get(ctx, kcert, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ready := kc.Status.GetCondition(v1alpha1.CertificateConditionReady)
		if ready.IsTrue() {
			t.Logf("KCert %s turned Ready before the Route showed it not ready", kcert)
			return
		}
		r, err := s.dyn.Resource(routeGVR).Namespace(ns).Get(ctx, route, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		status, reason, msg := conditionMessage(r, "CertificateProvisioned")
		if reason == "CertificateNotReady" || reason == "HTTPDowngrade" {
			if !strings.HasPrefix(msg, "Certificate "+kcert+" is not ready") ||
				(ready != nil && ready.Message != "" && strings.Contains(msg, ready.Message)) {
				t.Errorf("the Route says %q; want Serving's words with at most the KCert's Ready reason (the KCert says %+v)", msg, ready)
			}
			t.Logf("MEASURED: while issuing, the Route says CertificateProvisioned=%s %s %q; the KCert says %+v", status, reason, msg, ready)
			return
		}
		time.Sleep(pollInterval)
	}
	t.Errorf("the Route %s/%s never showed its certificate as not ready while KCert %s was not Ready", ns, route, kcert)
}

// conditionMessage returns the status, reason and message of a condition of
// an unstructured object's status.
func conditionMessage(u *unstructured.Unstructured, condType string) (status, reason, message string) {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == condType {
			status, _ = m["status"].(string)
			reason, _ = m["reason"].(string)
			message, _ = m["message"].(string)
			return status, reason, message
		}
	}
	return "", "", ""
}

// routeKCert waits for the KCert Serving creates for the Route's external
// domain (named route-<uid>, labelled with the Route).
func (s *servingEnv) routeKCert(t *testing.T, ns, route string) *v1alpha1.Certificate {
	t.Helper()
	selector := fmt.Sprintf("serving.knative.dev/route=%s,%s=%s", route, networking.CertificateTypeLabelKey, netcfg.CertificateExternalDomain)
	return waitObject(t, fmt.Sprintf("no external-domain KCert for Route %s/%s", ns, route),
		func(ctx context.Context) (*v1alpha1.Certificate, error) {
			l, err := s.c.net.NetworkingV1alpha1().Certificates(ns).List(ctx, metav1.ListOptions{LabelSelector: selector})
			if err != nil {
				return nil, err
			}
			if len(l.Items) != 1 {
				return nil, fmt.Errorf("%d KCerts", len(l.Items))
			}
			return &l.Items[0], nil
		}, func(*v1alpha1.Certificate) bool { return true }, func(kc *v1alpha1.Certificate) any { return kc.Name })
}
