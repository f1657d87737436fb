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
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	cmclient "github.com/cert-manager/cert-manager/pkg/client/clientset/versioned"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	netclient "knative.dev/networking/pkg/client/clientset/versioned"
	netcfg "knative.dev/networking/pkg/config"

	"knative.dev/net-certmanager/test/childproc"
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
	// launcher forks the controller runs.
	launcher *childproc.Launcher
	ctrl     *controllerProc
	starts   int

	mu         sync.Mutex
	cmSeen     map[string]time.Time  // ns/name -> first seen
	cmReady    map[string]time.Time  // ns/name -> first seen Ready=True
	cmIssuer   map[string]string     // ns/name -> issuerRef.name
	cmRevision map[string]int        // ns/name -> status.revision: cert-manager's issuances
	kcertReady map[string]time.Time  // ns/name -> first seen Ready=True
	kcertNow   map[string]kcertState // ns/name -> as last seen
	// reasonSeen holds every condition a KCert was seen with: what the
	// status writes said.
	reasonSeen map[seenReason]bool
}

// seenReason is a KCert (ns/name) and one condition it showed: "True/",
// "Unknown/Issuing", "Renewing True/IssuerChanged".
type seenReason struct{ kcert, reason string }

// kcertState is what the rollout waits on of a KCert.
type kcertState struct {
	ready, renewing bool
	notAfter        time.Time
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

	started := time.Now()
	env, err := localenv.Start(ctx, localenv.Options{ConfigDir: o.configDir, WorkDir: o.workDir, Progress: os.Stderr})
	if err != nil {
		return err
	}
	h := &harness{o: o, r: r, env: env, launcher: childproc.NewLauncher(),
		cmSeen: map[string]time.Time{}, cmReady: map[string]time.Time{}, cmIssuer: map[string]string{}, cmRevision: map[string]int{}, kcertReady: map[string]time.Time{},
		kcertNow: map[string]kcertState{}, reasonSeen: map[seenReason]bool{}}
	defer func() {
		h.stopController()
		h.launcher.Close()
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
	if err := h.exportPrometheus(ctx); err != nil {
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

	var gateErr error
	if err := h.burst(ctx); err != nil {
		if errors.Is(err, errWrites) {
			gateErr = err
		} else {
			return err
		}
	}
	if err := h.trickleLatency(ctx); err != nil {
		return err
	}
	if err := h.statusWriteFloor(ctx); err != nil {
		return err
	}
	total := 1 + o.n + o.trickle
	if err := h.resync(ctx, total); err != nil {
		if errors.Is(err, errWrites) {
			gateErr = errors.Join(gateErr, err)
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
	if err := h.metricSeries(ctx); err != nil {
		return err
	}
	if ps, err := readProc(h.ctrl.pid()); err == nil {
		r.set("final_rss_mb", mb(ps.RSS))
		r.set("final_peak_rss_mb", mb(ps.PeakRSS))
		r.set("final_cpu", ps.CPU)
	}
	h.heapProfile(ctx, "final")
	r.set("load_at_end", loadavg())
	r.set("total", time.Since(started))
	return gateErr
}

var errWrites = errors.New("the controller's writes are over budget")

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

// exportPrometheus turns on the Prometheus endpoint in config-observability,
// whose series the harness counts at the end.
func (h *harness) exportPrometheus(ctx context.Context) error {
	cm, err := h.kube.CoreV1().ConfigMaps(localenv.SystemNamespace).Get(ctx, "config-observability", metav1.GetOptions{})
	if err != nil {
		return err
	}
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
	cm.Data["metrics-protocol"] = "prometheus"
	if h.o.heapProfiles != "" {
		cm.Data["runtime-profiling"] = "enabled"
	}
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
