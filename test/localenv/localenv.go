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

// Package localenv runs a local, kubelet-less Kubernetes control plane for
// developing and testing net-certmanager: etcd and kube-apiserver (envtest,
// RBAC enforced), the Knative Certificate and cert-manager CRDs, cert-manager's
// controllers and a Pebble ACME server in-process, the repository's config/,
// a self-signed CA chain of ClusterIssuers, and optionally the controller
// binary as a child process impersonating its ServiceAccount.
package localenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
	"k8s.io/klog/v2/textlogger"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	crlog "sigs.k8s.io/controller-runtime/pkg/log"
)

const (
	// SystemNamespace is where the controller runs (SYSTEM_NAMESPACE).
	SystemNamespace = "knative-serving"
	// ControllerServiceAccount is the controller's ServiceAccount in
	// SystemNamespace, as config/ declares it.
	ControllerServiceAccount = "net-certmanager-controller"
	// ControllerUser is the user the controller kubeconfig impersonates.
	ControllerUser = "system:serviceaccount:" + SystemNamespace + ":" + ControllerServiceAccount
	// FieldManager is the server-side apply field manager of localenv.
	FieldManager = "localenv"

	// SelfSignedClusterIssuer signs the CA certificate.
	SelfSignedClusterIssuer = "cluster-selfsigned-issuer"
	// CACertificate is the CA Certificate (and Secret) in ClusterResourceNamespace.
	CACertificate = "knative-selfsigned-ca"
	// CAClusterIssuer issues leaf certificates from CACertificate.
	CAClusterIssuer = "knative-selfsigned-issuer"
	// ACMEClusterIssuer is an ACME (Pebble) ClusterIssuer with an HTTP-01
	// ingress solver.
	ACMEClusterIssuer = "pebble-http01"
	// ACMEIngressClass is the ingress class of ACMEClusterIssuer's solver.
	ACMEIngressClass = "localenv"
)

// ControllerGroups are the groups the controller kubeconfig impersonates.
var ControllerGroups = []string{"system:serviceaccounts", "system:serviceaccounts:" + SystemNamespace, "system:authenticated"}

// Options configures Start. The zero value is usable when KUBEBUILDER_ASSETS
// is set or the repository's hack/build-localenv-tools.sh can be found.
type Options struct {
	// AssetsDir holds etcd and kube-apiserver. Default: $KUBEBUILDER_ASSETS,
	// else the output of <repo>/hack/build-localenv-tools.sh.
	AssetsDir string
	// WorkDir receives kubeconfigs, logs/ and the ready file. Default: a new
	// temporary directory, removed by Stop.
	WorkDir string
	// KubeconfigPath is where the admin kubeconfig is written. Default:
	// <WorkDir>/kubeconfig. The controller kubeconfig is always
	// <WorkDir>/kubeconfig-controller.
	KubeconfigPath string
	// ConfigDir is applied (server-side, minus Deployments and the like).
	// Empty: nothing is applied.
	ConfigDir string
	// ControllerBinary, if set, is started once everything else is up.
	ControllerBinary string
	// ControllerArgs and ControllerEnv are passed to ControllerBinary.
	ControllerArgs []string
	ControllerEnv  []string
	// WebhookBinary, if set, is started before the controller, impersonating
	// WebhookUser, behind the webhook Service (see egress.go); config/'s
	// webhook configurations are then applied too. Needs ConfigDir.
	WebhookBinary string
	// WebhookArgs and WebhookEnv are passed to WebhookBinary.
	WebhookArgs []string
	WebhookEnv  []string
	// Progress receives one line per step. Default: discarded.
	Progress io.Writer
	// CertManagerQPS and CertManagerBurst limit cert-manager's client.
	// Default 500 and 1000.
	CertManagerQPS   float32
	CertManagerBurst int
	// CertificateRequestMinimumBackoff is cert-manager's initial back-off
	// after a failed issuance. Default 1h (cert-manager's default).
	CertificateRequestMinimumBackoff time.Duration
	// Timeout bounds the start of each step. Default 2m.
	Timeout time.Duration
	// DeferCertManager starts without cert-manager: no cert-manager CRDs,
	// controllers, Pebble or issuers until InstallCertManager is called.
	DeferCertManager bool
	// Serving, if set, runs Knative Serving's controller too (serving.go).
	Serving *ServingOptions
}

// Env is a running local environment.
type Env struct {
	// WorkDir holds the files below.
	WorkDir string
	// LogDir holds etcd.log, kube-apiserver.log, cert-manager.log,
	// pebble.log and controller.log.
	LogDir string
	// AdminKubeconfig authenticates as a member of system:masters.
	AdminKubeconfig string
	// ControllerKubeconfig impersonates ControllerUser.
	ControllerKubeconfig string
	// ReadyFile is written last by Start.
	ReadyFile string
	// AdminConfig and ControllerConfig are the REST configs of the two
	// kubeconfigs.
	AdminConfig      *rest.Config
	ControllerConfig *rest.Config
	// PebbleDirectoryURL is Pebble's ACME directory; PebbleCABundle the PEM
	// CA of its serving certificate.
	PebbleDirectoryURL string
	PebbleCABundle     []byte
	// ControllerPID is the PID of the controller child, 0 if none.
	ControllerPID int
	// EgressProxy carries kube-apiserver's traffic to Services (webhooks).
	EgressProxy *EgressProxy
	// WebhookKubeconfig impersonates WebhookUser; WebhookConfig is its REST
	// config; WebhookPID the webhook child's PID. Set when a webhook runs.
	WebhookKubeconfig string
	WebhookConfig     *rest.Config
	WebhookPID        int
	// ControllerProbesPort and ControllerMetricsPort are the controller
	// child's health probe and Prometheus ports on loopback.
	ControllerProbesPort, ControllerMetricsPort int
	// Serving is set when Options.Serving is.
	Serving *ServingEnv

	opts       Options
	ownWorkDir bool
	progress   io.Writer
	thread     *lockedThread
	testEnv    *envtest.Environment
	pebble     *pebbleServer
	certMgr    *certManager
	controller *exec.Cmd
	ctrlDone   chan struct{}
	webhook    *exec.Cmd
	whDone     chan struct{}
	logFiles   []*os.File
	stopOnce   sync.Once
	stopErr    error
	// For InstallCertManager and the API server restart (faults.go).
	ap         *applier
	dyn        dynamic.Interface
	cmCRDPaths []string
	faultMu    sync.Mutex
	apiStopped bool
	logger     logr.Logger
}

// Start brings the environment up. On error everything started is stopped.
// The caller must call Stop.
func Start(ctx context.Context, opts Options) (_ *Env, err error) {
	if opts.CertManagerQPS == 0 {
		opts.CertManagerQPS = 500
	}
	if opts.CertManagerBurst == 0 {
		opts.CertManagerBurst = 1000
	}
	if opts.CertificateRequestMinimumBackoff == 0 {
		opts.CertificateRequestMinimumBackoff = time.Hour
	}
	if opts.Timeout == 0 {
		opts.Timeout = 2 * time.Minute
	}
	e := &Env{opts: opts, progress: opts.Progress}
	if e.progress == nil {
		e.progress = io.Discard
	}
	defer func() {
		if err != nil {
			_ = e.Stop()
		}
	}()
	started := time.Now()

	if opts.AssetsDir == "" {
		if opts.AssetsDir, err = DefaultAssetsDir(); err != nil {
			return nil, err
		}
		e.opts.AssetsDir = opts.AssetsDir
	}
	if e.WorkDir = opts.WorkDir; e.WorkDir == "" {
		if e.WorkDir, err = os.MkdirTemp("", "localenv-"); err != nil {
			return nil, err
		}
		e.ownWorkDir = true
	}
	if e.WorkDir, err = filepath.Abs(e.WorkDir); err != nil {
		return nil, err
	}
	e.LogDir = filepath.Join(e.WorkDir, "logs")
	e.AdminKubeconfig = filepath.Join(e.WorkDir, "kubeconfig")
	if opts.KubeconfigPath != "" {
		if e.AdminKubeconfig, err = filepath.Abs(opts.KubeconfigPath); err != nil {
			return nil, err
		}
	}
	e.ControllerKubeconfig = filepath.Join(e.WorkDir, "kubeconfig-controller")
	e.ReadyFile = filepath.Join(e.WorkDir, "ready")
	_ = os.Remove(e.ReadyFile)
	if err := os.MkdirAll(e.LogDir, 0o755); err != nil {
		return nil, err
	}

	// cert-manager, client-go and envtest log through klog / logr.
	cmLog, err := e.logFile("cert-manager.log")
	if err != nil {
		return nil, err
	}
	logger := textlogger.NewLogger(textlogger.NewConfig(textlogger.Output(cmLog), textlogger.Verbosity(2)))
	klog.SetLogger(logger)
	crlog.SetLogger(logger)
	e.logger = logger

	// The apiserver's egress proxy must listen before the apiserver starts.
	egressLog, err := e.logFile("egress-proxy.log")
	if err != nil {
		return nil, err
	}
	if e.EgressProxy, err = StartEgressProxy(egressLog); err != nil {
		return nil, fmt.Errorf("egress proxy: %w", err)
	}

	if opts.Serving != nil {
		if err := e.prepareServing(); err != nil {
			return nil, err
		}
	}

	// Control plane.
	e.step("starting etcd and kube-apiserver (%s)", opts.AssetsDir)
	if err := e.startControlPlane(); err != nil {
		return nil, err
	}
	e.AdminConfig = e.testEnv.Config
	e.step("kube-apiserver at %s (RBAC); CRDs installed", e.AdminConfig.Host)
	if err := e.writeKubeconfigs(); err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(e.AdminConfig)
	if err != nil {
		return nil, err
	}
	ap, err := newApplier(e.AdminConfig, dyn)
	if err != nil {
		return nil, err
	}
	ap.applyWebhooks = opts.WebhookBinary != ""

	// Namespaces and Knative ConfigMaps, then config/.
	if err := ap.applyYAML(ctx, "localenv-bootstrap", bootstrapYAML()); err != nil {
		return nil, err
	}
	if e.Serving != nil {
		if err := e.applyServingCore(ctx, ap); err != nil {
			return nil, err
		}
	}
	if opts.ConfigDir != "" {
		n, skipped, err := ap.applyDir(ctx, opts.ConfigDir)
		if err != nil {
			return nil, err
		}
		e.step("applied %d objects from %s (skipped %v)", n, opts.ConfigDir, skipped)
		if err := ap.aggregateClusterRoles(ctx); err != nil {
			return nil, err
		}
	}

	if opts.DeferCertManager {
		e.ap, e.dyn = ap, dyn
		e.step("cert-manager deferred: no cert-manager CRDs, controllers or issuers until InstallCertManager")
		if opts.ControllerBinary != "" {
			if err := e.startController(); err != nil {
				return nil, err
			}
			e.step("controller %s started (pid %d)", opts.ControllerBinary, e.ControllerPID)
		}
		if err := os.WriteFile(e.ReadyFile, []byte(e.AdminKubeconfig+"\n"), 0o644); err != nil {
			return nil, err
		}
		e.step("up in %.1fs", time.Since(started).Seconds())
		return e, nil
	}

	// Pebble and cert-manager.
	pebbleLog, err := e.logFile("pebble.log")
	if err != nil {
		return nil, err
	}
	if e.pebble, err = startPebble(pebbleLog); err != nil {
		return nil, fmt.Errorf("pebble: %w", err)
	}
	e.PebbleDirectoryURL, e.PebbleCABundle = e.pebble.DirectoryURL, e.pebble.CABundle
	e.step("pebble ACME directory at %s", e.PebbleDirectoryURL)
	if e.certMgr, err = startCertManager(context.WithoutCancel(ctx), e.AdminKubeconfig, opts, logger.WithName("cert-manager")); err != nil {
		return nil, err
	}
	e.step("cert-manager %s controllers started (%d)", CertManagerVersion, len(CertManagerControllers))

	if err := e.createIssuers(ctx, ap, dyn); err != nil {
		return nil, err
	}

	if opts.WebhookBinary != "" {
		whStarted := time.Now()
		if err := e.startWebhook(ctx); err != nil {
			return nil, err
		}
		e.step("webhook %s serving in %.1fs (pid %d, log %s)", opts.WebhookBinary, time.Since(whStarted).Seconds(), e.WebhookPID, filepath.Join(e.LogDir, "webhook.log"))
	}

	if e.Serving != nil {
		if err := e.startServing(ctx); err != nil {
			return nil, err
		}
	}

	if opts.ControllerBinary != "" {
		if err := e.startController(); err != nil {
			return nil, err
		}
		e.step("controller %s started (pid %d, log %s)", opts.ControllerBinary, e.ControllerPID, filepath.Join(e.LogDir, "controller.log"))
	}

	if err := os.WriteFile(e.ReadyFile, []byte(e.AdminKubeconfig+"\n"), 0o644); err != nil {
		return nil, err
	}
	e.step("up in %.1fs", time.Since(started).Seconds())
	return e, nil
}

func (e *Env) step(format string, args ...any) {
	fmt.Fprintf(e.progress, "localenv: "+format+"\n", args...)
}

func (e *Env) logFile(name string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(e.LogDir, name), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	e.logFiles = append(e.logFiles, f)
	return f, nil
}

func (e *Env) startControlPlane() error {
	crds, err := crdPaths()
	if err != nil {
		return fmt.Errorf("locating CRDs: %w", err)
	}
	if e.opts.DeferCertManager {
		// The first is Knative's Certificate CRD; the rest are cert-manager's.
		crds, e.cmCRDPaths = crds[:1], crds[1:]
	}
	etcdLog, err := e.logFile("etcd.log")
	if err != nil {
		return err
	}
	apiLog, err := e.logFile("kube-apiserver.log")
	if err != nil {
		return err
	}
	// State lives in the work directory rather than in fresh temporary
	// directories, so that a killed run leaves nothing elsewhere and the next
	// run starts clean.
	runDir := filepath.Join(e.WorkDir, "run")
	if err := os.RemoveAll(runDir); err != nil {
		return err
	}
	etcdDir, certDir := filepath.Join(runDir, "etcd"), filepath.Join(runDir, "certs")
	wrapDir := filepath.Join(runDir, "wrap")
	for _, d := range []string{etcdDir, certDir, wrapDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
	}
	if err := makeWrapperDir(wrapDir, e.opts.AssetsDir); err != nil {
		return err
	}
	api := &envtest.APIServer{Path: filepath.Join(wrapDir, "kube-apiserver"), CertDir: certDir, Out: apiLog, Err: apiLog}
	api.Configure().
		Set("authorization-mode", "RBAC").
		Set("advertise-address", "127.0.0.1")
	if e.EgressProxy != nil {
		egressFile := filepath.Join(runDir, "egress-selector.yaml")
		if err := os.WriteFile(egressFile, egressSelectorConfig(e.EgressProxy.Socket()), 0o600); err != nil {
			return err
		}
		api.Configure().Set("egress-selector-config-file", egressFile)
	}
	if e.Serving != nil {
		servingCRDs, err := e.Serving.configureControlPlane(api, runDir)
		if err != nil {
			return err
		}
		crds = append(crds, servingCRDs...)
	}
	e.testEnv = &envtest.Environment{
		ControlPlane: envtest.ControlPlane{
			APIServer: api,
			Etcd:      &envtest.Etcd{Path: filepath.Join(wrapDir, "etcd"), DataDir: etcdDir, Out: etcdLog, Err: etcdLog},
		},
		CRDInstallOptions:        envtest.CRDInstallOptions{Paths: crds, ErrorIfPathMissing: true},
		ErrorIfCRDPathMissing:    true,
		UseExistingCluster:       ptr.To(false),
		ControlPlaneStartTimeout: e.opts.Timeout,
		ControlPlaneStopTimeout:  30 * time.Second,
	}
	// The children get a parent-death signal tied to the thread that forks
	// them; fork them from a thread that lives as long as the environment.
	e.thread = newLockedThread()
	e.thread.do(func() { _, err = e.testEnv.Start() })
	if err != nil {
		return fmt.Errorf("starting control plane (logs in %s): %w", e.LogDir, err)
	}
	return nil
}

func (e *Env) startController() error {
	out, err := e.logFile("controller.log")
	if err != nil {
		return err
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	if e.ControllerProbesPort, err = freePort(); err != nil {
		return err
	}
	if e.ControllerMetricsPort, err = freePort(); err != nil {
		return err
	}
	cmd := exec.Command(e.opts.ControllerBinary, e.opts.ControllerArgs...)
	cmd.Env = childEnv(append([]string{
		"SYSTEM_NAMESPACE=" + SystemNamespace,
		"KUBECONFIG=" + e.ControllerKubeconfig,
		"METRICS_DOMAIN=knative.dev/net-certmanager",
		"POD_NAME=net-certmanager-controller-localenv",
		// sharedmain's profiling server otherwise binds :8008.
		"PROFILING_PORT=" + strconv.Itoa(port),
		// Likewise the probes (:8080) and Prometheus metrics (:9090).
		"PROBES_PORT=" + strconv.Itoa(e.ControllerProbesPort),
		"METRICS_PROMETHEUS_PORT=" + strconv.Itoa(e.ControllerMetricsPort),
	}, e.opts.ControllerEnv...)...)
	if e.ctrlDone, err = e.startChild("controller", cmd, out); err != nil {
		return err
	}
	e.controller, e.ControllerPID = cmd, cmd.Process.Pid
	// Fail early if it dies at once (bad binary, bad flags).
	select {
	case <-e.ctrlDone:
		return fmt.Errorf("controller exited at once: %v (see %s)", cmd.ProcessState, out.Name())
	case <-time.After(time.Second):
		return nil
	}
}

// ControllerExited is closed when the controller child exits; nil if no
// controller was started.
func (e *Env) ControllerExited() <-chan struct{} { return e.ctrlDone }

// Stop tears everything down: the webhook and controller children, cert-manager, Pebble,
// kube-apiserver and etcd. It is safe to call more than once.
func (e *Env) Stop() error {
	e.stopOnce.Do(func() { e.stopErr = e.stop() })
	return e.stopErr
}

func (e *Env) stop() error {
	var errs []error
	if err := e.stopWebhook(); err != nil {
		errs = append(errs, err)
	}
	if e.controller != nil {
		if err := e.stopChild("controller", e.ControllerPID, e.ctrlDone); err != nil {
			errs = append(errs, err)
		}
	}
	if err := e.stopServing(); err != nil {
		errs = append(errs, err)
	}
	if e.certMgr != nil {
		e.step("stopping cert-manager controllers")
		if err := e.certMgr.stop(15 * time.Second); err != nil {
			errs = append(errs, err)
		}
	}
	if e.pebble != nil {
		e.pebble.Stop()
	}
	if e.testEnv != nil {
		e.step("stopping kube-apiserver and etcd")
		if err := e.testEnv.Stop(); err != nil {
			errs = append(errs, fmt.Errorf("stopping control plane: %w", err))
		}
	}
	if e.EgressProxy != nil {
		_ = e.EgressProxy.Close()
	}
	if e.thread != nil {
		e.thread.close()
	}
	if e.WorkDir != "" {
		_ = os.Remove(e.ReadyFile)
		_ = os.RemoveAll(filepath.Join(e.WorkDir, "run"))
	}
	// Log output after this point (informers noticing the dead apiserver)
	// must not fail on closed files.
	klog.SetLogger(logr.Discard())
	crlog.SetLogger(logr.Discard())
	for _, f := range e.logFiles {
		_ = f.Close()
	}
	if e.ownWorkDir && e.WorkDir != "" {
		_ = os.RemoveAll(e.WorkDir)
	}
	return errors.Join(errs...)
}

// DefaultAssetsDir returns $KUBEBUILDER_ASSETS, or else runs
// hack/build-localenv-tools.sh of the repository containing the working
// directory (or this source file) and returns its last output line.
func DefaultAssetsDir() (string, error) {
	if d := os.Getenv("KUBEBUILDER_ASSETS"); d != "" {
		return d, nil
	}
	dir, err := runToolsScript()
	if err != nil {
		return "", fmt.Errorf("no --assets / KUBEBUILDER_ASSETS: %w", err)
	}
	return dir, nil
}

// runToolsScript runs the repository's hack/build-localenv-tools.sh with
// args, its progress on stderr, and returns its last output line.
func runToolsScript(args ...string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", fmt.Errorf("running hack/build-localenv-tools.sh %v: %w", args, err)
	}
	cmd := exec.Command(filepath.Join(root, "hack", "build-localenv-tools.sh"), args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("hack/build-localenv-tools.sh %v: %w", args, err)
	}
	lines := splitLines(string(out))
	if len(lines) == 0 {
		return "", fmt.Errorf("hack/build-localenv-tools.sh %v printed nothing", args)
	}
	return lines[len(lines)-1], nil
}

// RepoRoot finds the net-certmanager repository: the nearest directory above
// the working directory, or else above this source file, that has
// hack/build-localenv-tools.sh.
func RepoRoot() (string, error) {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		starts = append(starts, filepath.Dir(file))
	}
	for _, dir := range starts {
		for {
			if _, err := os.Stat(filepath.Join(dir, "hack", "build-localenv-tools.sh")); err == nil {
				return dir, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", errors.New("cannot find the repository root (hack/build-localenv-tools.sh)")
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// lockedThread runs functions on one OS thread that stays alive until close,
// so that children forked there keep their parent-death signal armed.
type lockedThread struct {
	work chan func()
	once sync.Once
}

func newLockedThread() *lockedThread {
	t := &lockedThread{work: make(chan func())}
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for f := range t.work {
			f()
		}
	}()
	return t
}

func (t *lockedThread) do(f func()) {
	done := make(chan struct{})
	t.work <- func() { defer close(done); f() }
	<-done
}

func (t *lockedThread) close() { t.once.Do(func() { close(t.work) }) }

// createIssuers applies the shipped self-signed chain and the Pebble ACME
// issuer, and waits until they are Ready. Start and InstallCertManager
// share it, so a deferred cert-manager gets the same issuers.
func (e *Env) createIssuers(ctx context.Context, ap *applier, dyn dynamic.Interface) error {
	chainSource, chain, err := selfSignedChain(e.opts.ConfigDir)
	if err != nil {
		return err
	}
	if err := ap.applyObjects(ctx, chainSource, chain); err != nil {
		return err
	}
	if err := ap.applyYAML(ctx, "localenv-issuers", issuersYAML(e.PebbleDirectoryURL, e.PebbleCABundle)); err != nil {
		return err
	}
	if err := waitIssuersReady(ctx, dyn, e.opts.Timeout); err != nil {
		return err
	}
	e.step("ClusterIssuers %s, %s (from %s), %s ready", SelfSignedClusterIssuer, CAClusterIssuer, chainSource, ACMEClusterIssuer)
	return nil
}

// startChild starts cmd in its own process group, killed if localenv dies,
// with its output to out, and returns a channel closed when it exits.
func (e *Env) startChild(what string, cmd *exec.Cmd, out *os.File) (chan struct{}, error) {
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	var err error
	// Pdeathsig fires when the starting thread exits: start from the locked one.
	e.thread.do(func() { err = cmd.Start() })
	if err != nil {
		return nil, fmt.Errorf("starting %s: %w", what, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	return done, nil
}

// stopChild sends SIGTERM to a child's process group, SIGKILL after 10 s,
// and then kills anything the child left in its group.
func (e *Env) stopChild(what string, pgid int, done <-chan struct{}) error {
	e.step("stopping %s (pid %d)", what, pgid)
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	var err error
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		err = fmt.Errorf("%s did not exit on SIGTERM; killed", what)
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-done
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	return err
}
