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

// Command bench-scale measures net-certmanager at scale on the local control
// plane (test/localenv) with cert-manager's CA issuer: throughput, added
// latency, API requests by verb and resource, RSS and CPU, writes on a no-op
// resync and on a restart (a gate: they must be zero), the raw create rate
// at the same client QPS, memory with many unrelated objects, and the
// rollout of an issuer change. See BENCHMARKS.md and hack/bench-scale.sh.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"

	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	cmclient "github.com/cert-manager/cert-manager/pkg/client/clientset/versioned"
	cminformers "github.com/cert-manager/cert-manager/pkg/client/informers/externalversions"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netclient "knative.dev/networking/pkg/client/clientset/versioned"
	netinformers "knative.dev/networking/pkg/client/informers/externalversions"
	netcfg "knative.dev/networking/pkg/config"

	"knative.dev/net-certmanager/test/localenv"
)

// The namespaces of the harness. KCerts live in the first three.
const (
	nsWarmup    = "scale-warmup"
	nsBench     = "scale-bench"
	nsTrickle   = "scale-trickle"
	nsRaw       = "scale-raw"
	nsUnrelated = "scale-unrelated"

	configMapName = "config-certmanager"
	// secondIssuer is a second CA ClusterIssuer over the same CA, the target
	// of the issuer-change rollout.
	secondIssuer = "knative-selfsigned-issuer-b"
	// leases are renewed by leader election every few seconds whatever the
	// load, so they are counted but not part of the zero-writes gate.
	leases = "leases"
)

type options struct {
	n          int
	qps        float64
	burst      int
	workers    int
	trickle    int
	unrelated  int
	controller string
	configDir  string
	workDir    string
	out        string
	timeout    time.Duration
	skipRaw    bool
	skipRoll   bool
}

func main() {
	// The controller gets a parent-death signal tied to the thread that
	// forks it; keep that thread alive.
	runtime.LockOSThread()
	var o options
	flag.IntVar(&o.n, "n", 100, "number of Knative Certificates (mixed types)")
	flag.Float64Var(&o.qps, "qps", 50, "controller client QPS (KUBE_API_QPS); also used for the raw create rate")
	flag.IntVar(&o.burst, "burst", 100, "controller client burst (KUBE_API_BURST)")
	flag.IntVar(&o.workers, "workers", 0, "controller reconcile workers (RECONCILE_WORKERS); 0 keeps the controller's default")
	flag.IntVar(&o.trickle, "trickle", 20, "KCerts created one at a time on an idle controller, for the added latency without queueing")
	flag.IntVar(&o.unrelated, "unrelated", 10000, "plain Services and unrelated ConfigMaps to add (each); 0 skips the check")
	flag.StringVar(&o.controller, "controller", "", "controller binary (required)")
	flag.StringVar(&o.configDir, "config-dir", "", "config/ of the repository (default <repo>/config)")
	flag.StringVar(&o.workDir, "work-dir", "", "work directory (default: a temporary one, removed)")
	flag.StringVar(&o.out, "out", "", "write the results as JSON here")
	flag.DurationVar(&o.timeout, "timeout", 0, "bound of each waiting phase (default 5m + 0.4s per KCert)")
	flag.BoolVar(&o.skipRaw, "skip-raw", false, "skip the raw create rate")
	flag.BoolVar(&o.skipRoll, "skip-rollout", false, "skip the issuer-change rollout")
	flag.Parse()
	if o.controller == "" || o.n <= 0 || o.qps <= 0 || o.burst <= 0 || o.workers < 0 {
		fmt.Fprintln(os.Stderr, "bench-scale: -controller is required; -n, -qps and -burst must be positive, -workers not negative")
		os.Exit(2)
	}
	if o.timeout == 0 {
		o.timeout = 5*time.Minute + time.Duration(o.n)*400*time.Millisecond
	}
	r := &results{}
	err := run(o, r)
	r.print(os.Stdout)
	if o.out != "" {
		if werr := r.writeJSON(o.out); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench-scale: %v\n", err)
		os.Exit(1)
	}
}

// results is an ordered list of named figures.
type results struct {
	mu   sync.Mutex
	keys []string
	vals map[string]any
}

func (r *results) set(key string, v any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.vals == nil {
		r.vals = map[string]any{}
	}
	if _, ok := r.vals[key]; !ok {
		r.keys = append(r.keys, key)
	}
	r.vals[key] = v
	fmt.Fprintf(os.Stderr, "bench-scale: %s = %v\n", key, format(v))
}

func format(v any) string {
	switch x := v.(type) {
	case time.Duration:
		return x.Round(time.Millisecond).String()
	case float64:
		return strconv.FormatFloat(x, 'f', 2, 64)
	case []countRow:
		var b strings.Builder
		for i, c := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %s: %d", c.Verb, c.Resource, c.Count)
		}
		return "[" + b.String() + "]"
	}
	return fmt.Sprint(v)
}

func (r *results) print(w *os.File) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintln(w, "=== bench-scale results")
	for _, k := range r.keys {
		fmt.Fprintf(w, "%-40s %s\n", k, format(r.vals[k]))
	}
}

func (r *results) writeJSON(path string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]any{}
	for k, v := range r.vals {
		if d, ok := v.(time.Duration); ok {
			v = d.Seconds()
			k += "_s"
		}
		out[k] = v
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// harness holds the environment, the clients and what the watches saw.
type harness struct {
	o     options
	r     *results
	env   *localenv.Env
	kube  kubernetes.Interface
	net   netclient.Interface
	cm    cmclient.Interface
	proxy *countingProxy
	// kubeconfig points the controller at the counting proxy.
	kubeconfig string
	ctrl       *controllerProc
	starts     int

	mu         sync.Mutex
	cmSeen     map[string]time.Time // ns/name -> first seen
	cmReady    map[string]time.Time // ns/name -> first seen Ready=True
	cmIssuer   map[string]string    // ns/name -> issuerRef.name
	kcertReady map[string]time.Time // ns/name -> first seen Ready=True
}

func run(o options, r *results) error {
	// Interrupted, the phases return and everything started is stopped.
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	r.set("date", time.Now().UTC().Format(time.RFC3339))
	r.set("n", o.n)
	r.set("controller_qps", o.qps)
	r.set("controller_burst", o.burst)
	r.set("controller_workers", workersLabel(o.workers))
	r.set("load_at_start", loadavg())

	if o.configDir == "" {
		root, err := localenv.RepoRoot()
		if err != nil {
			return err
		}
		o.configDir = filepath.Join(root, "config")
	}
	started := time.Now()
	env, err := localenv.Start(ctx, localenv.Options{ConfigDir: o.configDir, WorkDir: o.workDir, Progress: os.Stderr})
	if err != nil {
		return err
	}
	h := &harness{o: o, r: r, env: env,
		cmSeen: map[string]time.Time{}, cmReady: map[string]time.Time{}, cmIssuer: map[string]string{}, kcertReady: map[string]time.Time{}}
	defer func() {
		h.stopController()
		_ = env.Stop()
	}()
	r.set("localenv_up", time.Since(started))

	// The harness' own clients are fast, so that they never limit the
	// controller.
	admin := rest.CopyConfig(env.AdminConfig)
	admin.QPS, admin.Burst = 2000, 4000
	if h.kube, err = kubernetes.NewForConfig(admin); err != nil {
		return err
	}
	if h.net, err = netclient.NewForConfig(admin); err != nil {
		return err
	}
	if h.cm, err = cmclient.NewForConfig(admin); err != nil {
		return err
	}
	if err := h.startProxy(ctx); err != nil {
		return err
	}
	h.startWatches(ctx)
	for _, ns := range []string{nsWarmup, nsBench, nsTrickle, nsRaw, nsUnrelated} {
		if _, err := h.kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
			return err
		}
	}

	if err := h.disableLogSampling(ctx); err != nil {
		return err
	}
	if err := h.startController(); err != nil {
		return err
	}
	// One KCert end to end: the controller is leader, synced and working.
	warm := kcert(nsWarmup, "warmup", 0)
	t := time.Now()
	if _, err := h.net.NetworkingV1alpha1().Certificates(nsWarmup).Create(ctx, warm, metav1.CreateOptions{}); err != nil {
		return err
	}
	if err := h.waitFor(ctx, "the warm-up KCert to be Ready", func() bool { return h.countReady(nsWarmup) == 1 }); err != nil {
		return err
	}
	r.set("warmup_kcert_ready", time.Since(t))

	if err := h.burst(ctx); err != nil {
		return err
	}
	if err := h.trickleLatency(ctx); err != nil {
		return err
	}
	total := 1 + o.n + o.trickle
	var gateErr error
	if err := h.resync(ctx, total); err != nil {
		if errors.Is(err, errWrites) {
			gateErr = err
		} else {
			return err
		}
	}
	if err := h.restart(ctx, total); err != nil {
		if errors.Is(err, errWrites) {
			gateErr = errors.Join(gateErr, err)
		} else {
			return err
		}
	}
	if o.unrelated > 0 {
		if err := h.unrelatedObjects(ctx); err != nil {
			return err
		}
	}
	if !o.skipRaw {
		if err := h.rawCreateRate(ctx); err != nil {
			return err
		}
	}
	if !o.skipRoll {
		if err := h.rollout(ctx, total); err != nil {
			if errors.Is(err, errWrites) {
				gateErr = errors.Join(gateErr, err)
			} else {
				return err
			}
		}
	}
	if ps, err := readProc(h.ctrl.pid()); err == nil {
		r.set("final_rss_mb", mb(ps.RSS))
		r.set("final_peak_rss_mb", mb(ps.PeakRSS))
		r.set("final_cpu", ps.CPU)
	}
	r.set("load_at_end", loadavg())
	r.set("total", time.Since(started))
	return gateErr
}

var errWrites = errors.New("the controller wrote during a no-op resync")

// kcert is the i-th benchmark KCert; the type cycles through the three.
func kcert(ns, name string, i int) *v1alpha1.Certificate {
	var typ netcfg.CertificateType
	var dns []string
	switch i % 3 {
	case 0:
		typ, dns = netcfg.CertificateExternalDomain, []string{fmt.Sprintf("s%d.%s.example.com", i, ns)}
	case 1:
		typ, dns = netcfg.CertificateClusterLocalDomain, []string{fmt.Sprintf("s%d.%s.svc.cluster.local", i, ns)}
	default:
		typ, dns = netcfg.CertificateSystemInternal, []string{fmt.Sprintf("kn-user-%s-%d", ns, i), "data-plane.knative.dev"}
	}
	return &v1alpha1.Certificate{
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Namespace:   ns,
			Annotations: map[string]string{networking.CertificateClassAnnotationKey: localenv.CertificateClass},
			Labels:      map[string]string{networking.CertificateTypeLabelKey: string(typ)},
		},
		Spec: v1alpha1.CertificateSpec{DNSNames: dns, SecretName: name + "-tls"},
	}
}

// disableLogSampling turns off zap's sampling in config-logging (by
// default it keeps only the first 100 identical messages a second), so
// that every "Reconcile succeeded" line, which the harness counts, is
// logged.
func (h *harness) disableLogSampling(ctx context.Context) error {
	cm, err := h.kube.CoreV1().ConfigMaps(localenv.SystemNamespace).Get(ctx, "config-logging", metav1.GetOptions{})
	if err != nil {
		return err
	}
	zapCfg := map[string]any{}
	if err := json.Unmarshal([]byte(cm.Data["zap-logger-config"]), &zapCfg); err != nil {
		return fmt.Errorf("config-logging: zap-logger-config: %w", err)
	}
	zapCfg["sampling"] = nil
	b, err := json.Marshal(zapCfg)
	if err != nil {
		return err
	}
	cm.Data["zap-logger-config"] = string(b)
	_, err = h.kube.CoreV1().ConfigMaps(localenv.SystemNamespace).Update(ctx, cm, metav1.UpdateOptions{})
	return err
}

func (h *harness) startProxy(ctx context.Context) error {
	target, err := url.Parse(h.env.ControllerConfig.Host)
	if err != nil {
		return err
	}
	// The transport carries the controller's identity (impersonation), so
	// the controller talks plain HTTP to the proxy on loopback.
	tr, err := rest.TransportFor(h.env.ControllerConfig)
	if err != nil {
		return err
	}
	h.proxy = newCountingProxy(target, tr)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h.proxy, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	go func() { <-ctx.Done(); _ = srv.Close() }()

	kc := clientcmdapi.NewConfig()
	kc.Clusters["proxy"] = &clientcmdapi.Cluster{Server: "http://" + l.Addr().String()}
	kc.AuthInfos["controller"] = &clientcmdapi.AuthInfo{}
	kc.Contexts["proxy"] = &clientcmdapi.Context{Cluster: "proxy", AuthInfo: "controller"}
	kc.CurrentContext = "proxy"
	h.kubeconfig = filepath.Join(h.env.WorkDir, "kubeconfig-controller-proxy")
	return clientcmd.WriteToFile(*kc, h.kubeconfig)
}

func key(m metav1.Object) string { return m.GetNamespace() + "/" + m.GetName() }

func (h *harness) startWatches(ctx context.Context) {
	cmf := cminformers.NewSharedInformerFactory(h.cm, 0)
	onCert := func(obj any) {
		c, ok := obj.(*cmv1.Certificate)
		if !ok || !strings.HasPrefix(c.Namespace, "scale-") {
			return
		}
		now := time.Now()
		k := key(c)
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.cmSeen[k]; !ok {
			h.cmSeen[k] = now
		}
		h.cmIssuer[k] = c.Spec.IssuerRef.Name
		for _, cond := range c.Status.Conditions {
			if cond.Type == cmv1.CertificateConditionReady && cond.Status == cmmeta.ConditionTrue {
				if _, ok := h.cmReady[k]; !ok {
					h.cmReady[k] = now
				}
			}
		}
	}
	_, _ = cmf.Certmanager().V1().Certificates().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: onCert, UpdateFunc: func(_, obj any) { onCert(obj) },
	})
	nf := netinformers.NewSharedInformerFactory(h.net, 0)
	onKCert := func(obj any) {
		c, ok := obj.(*v1alpha1.Certificate)
		if !ok || !c.Status.GetCondition(v1alpha1.CertificateConditionReady).IsTrue() {
			return
		}
		now := time.Now()
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.kcertReady[key(c)]; !ok {
			h.kcertReady[key(c)] = now
		}
	}
	_, _ = nf.Networking().V1alpha1().Certificates().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: onKCert, UpdateFunc: func(_, obj any) { onKCert(obj) },
	})
	cmf.Start(ctx.Done())
	nf.Start(ctx.Done())
	cmf.WaitForCacheSync(ctx.Done())
	nf.WaitForCacheSync(ctx.Done())
}

func countNS[V any](m map[string]V, ns string) int {
	n := 0
	for k := range m {
		if strings.HasPrefix(k, ns+"/") {
			n++
		}
	}
	return n
}

func (h *harness) countReady(ns string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return countNS(h.kcertReady, ns)
}

func (h *harness) countCM(ns string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return countNS(h.cmSeen, ns)
}

// waitFor polls cond every 50 ms until it holds or the phase timeout passes.
func (h *harness) waitFor(ctx context.Context, what string, cond func() bool) error {
	deadline := time.Now().Add(h.o.timeout)
	for !cond() {
		if h.ctrl != nil && h.ctrl.exited() {
			return fmt.Errorf("the controller exited while waiting for %s (log %s)", what, h.ctrl.log)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %v waiting for %s", h.o.timeout, what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return nil
}

// quiet waits until the controller has made no write (leases aside) for
// the given time, so that a phase starts from rest.
func (h *harness) quiet(ctx context.Context, d time.Duration) error {
	last, since := h.proxy.snapshot().writes(leases), time.Now()
	return h.waitFor(ctx, "the controller to be quiet", func() bool {
		if w := h.proxy.snapshot().writes(leases); w != last {
			last, since = w, time.Now()
		}
		return time.Since(since) >= d
	})
}

// parallel runs f(0..n-1) on workers goroutines and returns the first error.
func parallel(n, workers int, f func(i int) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  = make(chan int)
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

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
	h.r.set("burst_controller_cpu", p1.CPU-p0.CPU)
	h.r.set("burst_controller_peak_rss_mb", mb(p1.PeakRSS))
	h.r.set("burst_controller_rss_mb", mb(p1.RSS))
	return nil
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
	w := d.writes(leases)
	h.r.set("resync_writes_excluding_leases", w)
	if w != 0 {
		return fmt.Errorf("%w: %d writes on a config-certmanager resync", errWrites, w)
	}
	return nil
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
	if err := h.quiet(ctx, 3*time.Second); err != nil {
		return err
	}
	d := h.proxy.snapshot().sub(c0)
	if ps, err := readProc(h.ctrl.pid()); err == nil {
		h.r.set("restart_controller_cpu", ps.CPU)
		h.r.set("restart_controller_peak_rss_mb", mb(ps.PeakRSS))
		h.r.set("restart_controller_rss_mb", mb(ps.RSS))
	}
	h.r.set("restart_requests", d.rows())
	w := d.writes(leases)
	h.r.set("restart_writes_excluding_leases", w)
	if w != 0 {
		return fmt.Errorf("%w: %d writes after a restart", errWrites, w)
	}
	return nil
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
	// A new ClusterIssuer resyncs every KCert too: a second no-op resync.
	if err := h.waitFor(ctx, "the resync on a new ClusterIssuer", func() bool { return h.ctrl.tail.succeeded()-base >= total }); err != nil {
		return err
	}
	if err := h.quiet(ctx, 3*time.Second); err != nil {
		return err
	}
	d := h.proxy.snapshot().sub(c0)
	w := d.writes(leases)
	h.r.set("issuer_added_resync_writes_excluding_leases", w)
	var gate error
	if w != 0 {
		gate = fmt.Errorf("%w: %d writes on the resync for a new ClusterIssuer", errWrites, w)
	}

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
	h.r.set("rollout_requests", h.proxy.snapshot().sub(c1).rows())
	h.r.set("rollout_refused_requests", h.proxy.refusedSnapshot().sub(r1).rows())
	return gate
}

func (h *harness) procOrZero() procStats {
	if h.ctrl == nil {
		return procStats{}
	}
	ps, _ := readProc(h.ctrl.pid())
	return ps
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// controllerProc is one run of the controller binary.
type controllerProc struct {
	cmd  *exec.Cmd
	done chan struct{}
	log  string
	tail *logTail
}

func (c *controllerProc) pid() int { return c.cmd.Process.Pid }

func (c *controllerProc) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// workersLabel names the worker count a run used, for its results.
func workersLabel(workers int) string {
	if workers > 0 {
		return strconv.Itoa(workers)
	}
	return "controller default"
}

func (h *harness) startController() error {
	h.starts++
	logPath := filepath.Join(h.env.LogDir, fmt.Sprintf("controller-%d.log", h.starts))
	out, err := os.Create(logPath)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	cmd := exec.Command(h.o.controller)
	cmd.Env = append(os.Environ(),
		"SYSTEM_NAMESPACE="+localenv.SystemNamespace,
		"KUBECONFIG="+h.kubeconfig,
		"METRICS_DOMAIN=knative.dev/net-certmanager",
		"POD_NAME=net-certmanager-controller-bench",
		"PROFILING_PORT="+strconv.Itoa(port),
		"KUBE_API_QPS="+strconv.FormatFloat(h.o.qps, 'f', -1, 64),
		"KUBE_API_BURST="+strconv.Itoa(h.o.burst),
	)
	if h.o.workers > 0 {
		cmd.Env = append(cmd.Env, "RECONCILE_WORKERS="+strconv.Itoa(h.o.workers))
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		_ = out.Close()
		return err
	}
	c := &controllerProc{cmd: cmd, done: make(chan struct{}), log: logPath, tail: newLogTail(logPath)}
	go func() { _ = cmd.Wait(); _ = out.Close(); close(c.done) }()
	h.ctrl = c
	return nil
}

func (h *harness) stopController() {
	c := h.ctrl
	if c == nil || c.exited() {
		return
	}
	_ = syscall.Kill(-c.pid(), syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(20 * time.Second):
		_ = syscall.Kill(-c.pid(), syscall.SIGKILL)
		<-c.done
	}
}

// logTail follows a controller log and counts "Reconcile succeeded" lines
// of the harness' KCerts.
type logTail struct {
	path string

	mu      sync.Mutex
	off     int64
	partial []byte
	total   int
	keys    map[string]bool
}

func newLogTail(path string) *logTail { return &logTail{path: path, keys: map[string]bool{}} }

func (t *logTail) read() {
	f, err := os.Open(t.path)
	if err != nil {
		return
	}
	defer f.Close()
	if _, err := f.Seek(t.off, 0); err != nil {
		return
	}
	buf := make([]byte, 1<<20)
	for {
		n, err := f.Read(buf)
		if n > 0 {
			t.off += int64(n)
			data := append(t.partial, buf[:n]...)
			lines := strings.Split(string(data), "\n")
			t.partial = []byte(lines[len(lines)-1])
			for _, line := range lines[:len(lines)-1] {
				if k, ok := reconciledKey(line); ok && strings.HasPrefix(k, "scale-") {
					t.total++
					t.keys[k] = true
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// reconciledKey returns the KCert key of a "Reconcile succeeded" log line.
func reconciledKey(line string) (string, bool) {
	if !strings.Contains(line, "Reconcile succeeded") {
		return "", false
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		return "", false
	}
	if m["message"] != "Reconcile succeeded" {
		return "", false
	}
	k, ok := m["knative.dev/key"].(string)
	return k, ok
}

func (t *logTail) succeeded() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.read()
	return t.total
}

func (t *logTail) distinct() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.read()
	return len(t.keys)
}
