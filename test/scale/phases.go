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
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmclient "github.com/cert-manager/cert-manager/pkg/client/clientset/versioned"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"knative.dev/net-certmanager/test/localenv"
)

func benchName(i int) string { return fmt.Sprintf("bench-%05d", i) }

// burst creates N KCerts at once and measures throughput, added latency,
// requests, RSS and CPU.
func (h *harness) burst(ctx context.Context) error {
	n := h.o.n
	c0, r0, p0 := h.proxy.snapshot(), h.proxy.refusedSnapshot(), h.procOrZero()
	t0 := time.Now()
	if err := parallel(n, 32, func(i int) error {
		_, err := h.net.NetworkingV1alpha1().Certificates(nsBench).Create(ctx, kcert(nsBench, benchName(i), i), metav1.CreateOptions{})
		return err
	}); err != nil {
		return fmt.Errorf("creating KCerts: %w", err)
	}
	h.r.set("burst_kcerts_created", time.Since(t0))
	if err := h.waitFor(ctx, "all cert-manager Certificates", func() bool { return h.countCM(nsBench) == n }); err != nil {
		return err
	}
	tCM := time.Since(t0)
	h.r.set("burst_all_cm_certificates_exist", tCM)
	h.r.set("burst_controller_create_rate_per_s", float64(n)/tCM.Seconds())
	if err := h.waitFor(ctx, "all KCerts Ready", func() bool { return h.countReady(nsBench) == n }); err != nil {
		return err
	}
	h.r.set("burst_all_kcerts_ready", time.Since(t0))

	h.mu.Lock()
	var lat, afterCreates []time.Duration
	lastCMReady := t0
	for i := 0; i < n; i++ {
		k := nsBench + "/" + benchName(i)
		cr, kr := h.cmReady[k], h.kcertReady[k]
		if cr.After(lastCMReady) {
			lastCMReady = cr
		}
		lat = append(lat, kr.Sub(cr))
		// Once every Certificate exists, no create is queued ahead of a
		// Ready event: what is left is the propagation itself.
		if cr.Sub(t0) > tCM {
			afterCreates = append(afterCreates, kr.Sub(cr))
		}
	}
	h.mu.Unlock()
	h.r.set("burst_all_cm_certificates_ready", lastCMReady.Sub(t0))
	h.setLatency("burst_added_latency", lat)
	h.r.set("burst_ready_after_creates", len(afterCreates))
	h.setLatency("burst_added_latency_after_creates", afterCreates)

	if err := h.quiet(ctx, 5*time.Second); err != nil {
		return err
	}
	p1 := h.procOrZero()
	d := h.proxy.snapshot().sub(c0)
	h.r.set("burst_requests", d.rows())
	h.r.set("burst_refused_requests", h.proxy.refusedSnapshot().sub(r0).rows())
	h.r.set("burst_writes_excluding_leases", d.writes(leases))
	h.r.set("burst_kcert_status_writes", d[requestKey{"update", "certificates/status"}])
	h.r.set("burst_kcerts_by_ready_reason_seen", h.reasonCounts(nsBench))
	h.r.set("burst_controller_cpu", p1.CPU-p0.CPU)
	h.r.set("burst_controller_peak_rss_mb", mb(p1.PeakRSS))
	h.r.set("burst_controller_rss_mb", mb(p1.RSS))
	return h.writeBudget(d.writes(leases), h.proxy.refusedSnapshot().sub(r0).writes(leases), h.reissued(nsBench))
}

// reissued counts the KCerts of ns that showed a Renewing condition: ones
// cert-manager issued a second time (under load it sometimes does right
// after the first), which the KCert reports in 2 more status writes.
func (h *harness) reissued(ns string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	seen := map[string]bool{}
	for k := range h.reasonSeen {
		if strings.HasPrefix(k.kcert, ns+"/") && strings.HasPrefix(k.reason, "Renewing ") {
			seen[k.kcert] = true
		}
	}
	return len(seen)
}

// reasonCounts counts, per condition, the KCerts of ns seen with it.
func (h *harness) reasonCounts(ns string) map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]int{}
	for k := range h.reasonSeen {
		if strings.HasPrefix(k.kcert, ns+"/") {
			out[k.reason]++
		}
	}
	return out
}

// writeBudget gates the burst on writes per KCert and on refused writes
// (docs/performance.md says why each write is there).
func (h *harness) writeBudget(writes, refused, reissued int) error {
	n := h.o.n
	h.r.set("burst_reissued_by_cert_manager", reissued)
	// A second issuance is a second certificate: its 2 status writes are in budget.
	perKCert := float64(writes-2*reissued) / float64(n)
	allowedRefused := max(1, int(h.o.maxRefusedPer1000*float64(n)/1000))
	h.r.set("burst_writes_per_kcert", perKCert)
	h.r.set("burst_refused_writes", refused)
	var errs []error
	if perKCert > h.o.maxWritesPerKCert {
		errs = append(errs, fmt.Errorf("%w: %.3f writes per KCert in the burst (%d writes for %d KCerts), budget %.2f", errWrites, perKCert, writes, n, h.o.maxWritesPerKCert))
	}
	if refused > allowedRefused {
		errs = append(errs, fmt.Errorf("%w: %d refused writes in the burst of %d, budget %d", errWrites, refused, n, allowedRefused))
	}
	return errors.Join(errs...)
}

func (h *harness) setLatency(prefix string, lat []time.Duration) {
	h.r.set(prefix+"_p50", percentile(lat, 50))
	h.r.set(prefix+"_p90", percentile(lat, 90))
	h.r.set(prefix+"_p99", percentile(lat, 99))
	h.r.set(prefix+"_max", percentile(lat, 100))
}

// trickleLatency creates KCerts one at a time on an idle controller: the
// added latency without a queue in front of it.
func (h *harness) trickleLatency(ctx context.Context) error {
	var lat []time.Duration
	for i := 0; i < h.o.trickle; i++ {
		name := fmt.Sprintf("trickle-%03d", i)
		if _, err := h.net.NetworkingV1alpha1().Certificates(nsTrickle).Create(ctx, kcert(nsTrickle, name, i), metav1.CreateOptions{}); err != nil {
			return err
		}
		k := nsTrickle + "/" + name
		if err := h.waitFor(ctx, "KCert "+k+" to be Ready", func() bool {
			h.mu.Lock()
			defer h.mu.Unlock()
			_, ok := h.kcertReady[k]
			return ok
		}); err != nil {
			return err
		}
		h.mu.Lock()
		lat = append(lat, h.kcertReady[k].Sub(h.cmReady[k]))
		h.mu.Unlock()
	}
	if len(lat) > 0 {
		h.setLatency("trickle_added_latency", lat)
	}
	return h.quiet(ctx, 3*time.Second)
}

// zeroWrites records under key the writes in d, leases aside, and returns
// an errWrites error if there were any: the gate of the no-op phases.
func (h *harness) zeroWrites(key string, d counts, during string) error {
	w := d.writes(leases)
	h.r.set(key, w)
	if w != 0 {
		return fmt.Errorf("%w: %d writes %s", errWrites, w, during)
	}
	return nil
}

// resync changes a key of config-certmanager that selects no issuer, which
// makes the controller resync every KCert of its class, and counts writes.
func (h *harness) resync(ctx context.Context, total int) error {
	base := h.ctrl.tail.succeeded()
	c0 := h.proxy.snapshot()
	t0 := time.Now()
	cm, err := h.kube.CoreV1().ConfigMaps(localenv.SystemNamespace).Get(ctx, configMapName, metav1.GetOptions{})
	if err != nil {
		return err
	}
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
	cm.Data["_example"] = "# bench-scale resync " + t0.Format(time.RFC3339Nano)
	if _, err := h.kube.CoreV1().ConfigMaps(localenv.SystemNamespace).Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		return err
	}
	if err := h.waitFor(ctx, "the resync of every KCert", func() bool { return h.ctrl.tail.succeeded()-base >= total }); err != nil {
		return err
	}
	h.r.set("resync_duration", time.Since(t0))
	if err := h.quiet(ctx, 3*time.Second); err != nil {
		return err
	}
	d := h.proxy.snapshot().sub(c0)
	h.r.set("resync_reconciles", h.ctrl.tail.succeeded()-base)
	h.r.set("resync_requests", d.rows())
	return h.zeroWrites("resync_writes_excluding_leases", d, "on a config-certmanager resync")
}

// restart stops the controller and starts a new one over the Ready KCerts:
// time to steady state, and writes (must be none).
func (h *harness) restart(ctx context.Context, total int) error {
	h.stopController()
	c0 := h.proxy.snapshot()
	t0 := time.Now()
	if err := h.startController(); err != nil {
		return err
	}
	if err := h.waitFor(ctx, "the restarted controller to reconcile every KCert", func() bool { return h.ctrl.tail.distinct() >= total }); err != nil {
		return err
	}
	h.r.set("restart_steady_state", time.Since(t0))
	// The caches of the objects under Certificates fill after the others;
	// only KCerts being issued or renewed wait for them.
	if err := h.waitFor(ctx, "the restarted controller's owned caches", func() bool { return !h.ctrl.tail.ownedCachesFilledAt().IsZero() }); err != nil {
		return err
	}
	h.r.set("restart_all_caches_filled", h.ctrl.tail.ownedCachesFilledAt().Sub(t0))
	if err := h.quiet(ctx, 3*time.Second); err != nil {
		return err
	}
	d := h.proxy.snapshot().sub(c0)
	if ps, err := readProc(h.ctrl.pid()); err == nil {
		h.r.set("restart_controller_cpu", ps.CPU)
		h.r.set("restart_controller_peak_rss_mb", mb(ps.PeakRSS))
		h.r.set("restart_controller_rss_mb", mb(ps.RSS))
	}
	h.heapProfile(ctx, "restart")
	h.r.set("restart_requests", d.rows())
	return h.zeroWrites("restart_writes_excluding_leases", d, "after a restart")
}

// unrelatedObjects adds plain Services and ConfigMaps the controller must
// not cache, and compares its RSS before and after.
func (h *harness) unrelatedObjects(ctx context.Context) error {
	n := h.o.unrelated
	c0, p0 := h.proxy.snapshot(), h.procOrZero()
	t0 := time.Now()
	if err := parallel(n, 32, func(i int) error {
		name := fmt.Sprintf("unrelated-%05d", i)
		svc := &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: nsUnrelated, Labels: map[string]string{"app": name}},
			// Headless: envtest's service IP range is small.
			Spec: corev1.ServiceSpec{ClusterIP: corev1.ClusterIPNone, Selector: map[string]string{"app": name},
				Ports: []corev1.ServicePort{{Name: "http", Port: 80}}},
		}
		if _, err := h.kube.CoreV1().Services(nsUnrelated).Create(ctx, svc, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return err
		}
		cm := &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: nsUnrelated},
			Data:       map[string]string{"payload": strings.Repeat("x", 512)},
		}
		if _, err := h.kube.CoreV1().ConfigMaps(nsUnrelated).Create(ctx, cm, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return err
		}
		return nil
	}); err != nil {
		return fmt.Errorf("creating unrelated objects: %w", err)
	}
	h.r.set("unrelated_created", time.Since(t0))
	// Time for any informer that did watch them to take them in.
	time.Sleep(15 * time.Second)
	p1 := h.procOrZero()
	d := h.proxy.snapshot().sub(c0)
	h.r.set("unrelated_rss_before_mb", mb(p0.RSS))
	h.r.set("unrelated_rss_after_mb", mb(p1.RSS))
	h.r.set("unrelated_peak_rss_after_mb", mb(p1.PeakRSS))
	h.r.set("unrelated_controller_requests", d.rows())
	return nil
}

// rawCreateRate creates N cert-manager Certificates directly, with a client
// at the controller's QPS and burst, shaped like the controller's own.
func (h *harness) rawCreateRate(ctx context.Context) error {
	tmpl, err := h.cm.CertmanagerV1().Certificates(nsBench).Get(ctx, benchName(0), metav1.GetOptions{})
	if err != nil {
		return err
	}
	cfg := rest.CopyConfig(h.env.AdminConfig)
	cfg.QPS, cfg.Burst = float32(h.o.qps), h.o.burst
	c, err := cmclient.NewForConfig(cfg)
	if err != nil {
		return err
	}
	t0 := time.Now()
	if err := parallel(h.o.n, 8, func(i int) error {
		name := fmt.Sprintf("raw-%05d", i)
		cert := &cmv1.Certificate{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: nsRaw, Labels: tmpl.Labels},
			Spec:       *tmpl.Spec.DeepCopy(),
		}
		cert.Spec.SecretName = name + "-tls"
		_, err := c.CertmanagerV1().Certificates(nsRaw).Create(ctx, cert, metav1.CreateOptions{})
		return err
	}); err != nil {
		return fmt.Errorf("raw creates: %w", err)
	}
	el := time.Since(t0)
	h.r.set("raw_create_duration", el)
	rate := float64(h.o.n) / el.Seconds()
	h.r.set("raw_create_rate_per_s", rate)
	if v, ok := h.r.vals["burst_controller_create_rate_per_s"].(float64); ok && rate > 0 {
		h.r.set("controller_to_raw_ratio", v/rate)
	}
	return nil
}

// rollout points every issuer key at a second CA ClusterIssuer and times
// until every cert-manager Certificate has been updated.
func (h *harness) rollout(ctx context.Context, total int) error {
	ci := &cmv1.ClusterIssuer{
		ObjectMeta: metav1.ObjectMeta{Name: secondIssuer},
		Spec:       cmv1.IssuerSpec{IssuerConfig: cmv1.IssuerConfig{CA: &cmv1.CAIssuer{SecretName: localenv.CACertificate}}},
	}
	c0 := h.proxy.snapshot()
	base := h.ctrl.tail.succeeded()
	if _, err := h.cm.CertmanagerV1().ClusterIssuers().Create(ctx, ci, metav1.CreateOptions{}); err != nil {
		return err
	}
	// A new ClusterIssuer concerns only the KCerts waiting on it: here none.
	if err := h.quiet(ctx, 3*time.Second); err != nil {
		return err
	}
	d := h.proxy.snapshot().sub(c0)
	h.r.set("issuer_added_reconciles", h.ctrl.tail.succeeded()-base)
	gate := h.zeroWrites("issuer_added_resync_writes_excluding_leases", d, "on the resync for a new ClusterIssuer")
	before := h.kcertSnapshot()
	revisionsBefore := h.revisionSnapshot()

	c1, r1 := h.proxy.snapshot(), h.proxy.refusedSnapshot()
	cm, err := h.kube.CoreV1().ConfigMaps(localenv.SystemNamespace).Get(ctx, configMapName, metav1.GetOptions{})
	if err != nil {
		return err
	}
	ref := "kind: ClusterIssuer\nname: " + secondIssuer + "\n"
	for _, k := range []string{"issuerRef", "clusterLocalIssuerRef", "systemInternalIssuerRef"} {
		cm.Data[k] = ref
	}
	t0 := time.Now()
	if _, err := h.kube.CoreV1().ConfigMaps(localenv.SystemNamespace).Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		return err
	}
	updated := func() int {
		h.mu.Lock()
		defer h.mu.Unlock()
		n := 0
		for k, v := range h.cmIssuer {
			if v == secondIssuer && !strings.HasPrefix(k, nsRaw+"/") {
				n++
			}
		}
		return n
	}
	if err := h.waitFor(ctx, "every cert-manager Certificate to use the new issuer", func() bool { return updated() >= total }); err != nil {
		return err
	}
	h.r.set("rollout_all_certificates_updated", time.Since(t0))
	// The re-issuance ends when every KCert is Ready again, without
	// Renewing, with a certificate newer than before.
	reissued := func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		for k, old := range before {
			if st := h.kcertNow[k]; !st.ready || st.renewing || !st.notAfter.After(old.notAfter) {
				return false
			}
		}
		return true
	}
	if err := h.waitFor(ctx, "every KCert re-issued by the new issuer", reissued); err != nil {
		return err
	}
	h.r.set("rollout_all_kcerts_reissued", time.Since(t0))
	if err := h.quiet(ctx, 3*time.Second); err != nil {
		return err
	}
	d = h.proxy.snapshot().sub(c1)
	h.r.set("rollout_requests", d.rows())
	h.r.set("rollout_refused_requests", h.proxy.refusedSnapshot().sub(r1).rows())
	h.r.set("rollout_bench_kcerts_by_condition_seen", h.reasonCounts(nsBench))
	statusWrites := d[requestKey{"update", "certificates/status"}]
	h.r.set("rollout_kcert_status_writes_per_kcert", float64(statusWrites)/float64(len(before)))
	// cert-manager issuing a Certificate twice over the change is two
	// re-issuances, each shown on its KCert (2 status writes).
	extra := extraIssuances(revisionsBefore, h.revisionSnapshot(), before)
	h.r.set("rollout_extra_issuances_by_cert_manager", extra)
	h.r.set("rollout_kcert_status_writes_per_kcert_per_issuance", float64(statusWrites-2*extra)/float64(len(before)))
	return gate
}

// extraIssuances counts, over the KCerts of kcerts, cert-manager's
// issuances beyond one between two snapshots of Certificate revisions.
func extraIssuances(before, after map[string]int, kcerts map[string]kcertState) int {
	n := 0
	for k := range kcerts {
		if issued := after[k] - before[k]; issued > 1 {
			n += issued - 1
		}
	}
	return n
}

// revisionSnapshot copies the last revision seen of every Certificate.
func (h *harness) revisionSnapshot() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return maps.Clone(h.cmRevision)
}

// kcertSnapshot copies what the watch last saw of every KCert.
func (h *harness) kcertSnapshot() map[string]kcertState {
	h.mu.Lock()
	defer h.mu.Unlock()
	return maps.Clone(h.kcertNow)
}
