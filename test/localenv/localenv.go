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
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
	"k8s.io/klog/v2/textlogger"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	crlog "sigs.k8s.io/controller-runtime/pkg/log"

	"knative.dev/net-certmanager/test/childproc"
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
	// ConfigDir is the repository's config/: everything but its optional
	// files is applied (server-side, minus Deployments and the like), and
	// the self-signed CA chain comes from SelfSignedChainFile in it.
	// Default: <repo>/config. Start fails without it.
	ConfigDir string
	// ControllerBinary, if set, is started once everything else is up.
	ControllerBinary string
	// ControllerArgs and ControllerEnv are passed to ControllerBinary.
	ControllerArgs []string
	ControllerEnv  []string
	// WebhookBinary, if set, is started before the controller, impersonating
	// WebhookUser, behind the webhook Service (see egress.go); config/'s
	// webhook configurations are then applied too.
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

// withDefaults fills in the defaults documented on Options.
func (o Options) withDefaults() (Options, error) {
	if o.CertManagerQPS == 0 {
		o.CertManagerQPS = 500
	}
	if o.CertManagerBurst == 0 {
		o.CertManagerBurst = 1000
	}
	if o.CertificateRequestMinimumBackoff == 0 {
		o.CertificateRequestMinimumBackoff = time.Hour
	}
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Minute
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	var err error
	if o.AssetsDir == "" {
		if o.AssetsDir, err = DefaultAssetsDir(); err != nil {
			return o, err
		}
	}
	if o.ConfigDir == "" {
		root, err := RepoRoot()
		if err != nil {
			return o, fmt.Errorf("no ConfigDir: %w", err)
		}
		o.ConfigDir = filepath.Join(root, "config")
	}
	return o, nil
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
	// chainFile and chain are the self-signed CA chain from ConfigDir.
	chainFile string
	chain     []*unstructured.Unstructured
	// launcher forks every child, envtest's control plane included.
	launcher   *childproc.Launcher
	testEnv    *envtest.Environment
	pebble     *pebbleServer
	names      *nameServer
	certMgr    *certManager
	controller *childproc.Process
	webhook    *childproc.Process
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
	e := &Env{launcher: childproc.NewLauncher()}
	defer func() {
		if err != nil {
			_ = e.Stop()
		}
	}()
	started := time.Now()
	if e.opts, err = opts.withDefaults(); err != nil {
		return nil, err
	}
	// Read before anything starts: without the chain no issuer gets Ready.
	if e.chainFile, e.chain, err = selfSignedChain(e.opts.ConfigDir); err != nil {
		return nil, err
	}
	if err := e.makeWorkDir(); err != nil {
		return nil, err
	}
	if err := e.startLogging(); err != nil {
		return nil, err
	}
	if e.opts.Serving != nil {
		if err := e.prepareServing(); err != nil {
			return nil, err
		}
	}
	if e.names, err = startNameServer(e.nameZones()); err != nil {
		return nil, fmt.Errorf("name server: %w", err)
	}
	e.step("name server on udp %s: %v answer 127.0.0.1", e.names.Addr, e.nameZones())
	if err := e.startAPI(ctx); err != nil {
		return nil, err
	}
	if e.opts.DeferCertManager {
		e.step("cert-manager deferred: no cert-manager CRDs, controllers or issuers until InstallCertManager")
	} else if err := e.runCertManager(ctx); err != nil {
		return nil, err
	}
	// The webhook serves without cert-manager too, as it must when
	// installed first.
	if e.opts.WebhookBinary != "" {
		if err := e.startWebhook(ctx); err != nil {
			return nil, err
		}
	}
	if !e.opts.DeferCertManager && e.Serving != nil {
		if err := e.startServing(ctx); err != nil {
			return nil, err
		}
	}
	if e.opts.ControllerBinary != "" {
		if err := e.startController(); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(e.ReadyFile, []byte(e.AdminKubeconfig+"\n"), 0o644); err != nil {
		return nil, err
	}
	e.step("up in %.1fs", time.Since(started).Seconds())
	return e, nil
}

// makeWorkDir creates the work and log directories and sets the paths of
// the files Start writes there.
func (e *Env) makeWorkDir() (err error) {
	if e.WorkDir = e.opts.WorkDir; e.WorkDir == "" {
		if e.WorkDir, err = os.MkdirTemp("", "localenv-"); err != nil {
			return err
		}
		e.ownWorkDir = true
	}
	if e.WorkDir, err = filepath.Abs(e.WorkDir); err != nil {
		return err
	}
	e.LogDir = filepath.Join(e.WorkDir, "logs")
	e.AdminKubeconfig = filepath.Join(e.WorkDir, "kubeconfig")
	if e.opts.KubeconfigPath != "" {
		if e.AdminKubeconfig, err = filepath.Abs(e.opts.KubeconfigPath); err != nil {
			return err
		}
	}
	e.ControllerKubeconfig = filepath.Join(e.WorkDir, "kubeconfig-controller")
	e.ReadyFile = filepath.Join(e.WorkDir, "ready")
	_ = os.Remove(e.ReadyFile)
	return os.MkdirAll(e.LogDir, 0o755)
}

// startLogging sends what cert-manager, client-go and envtest log through
// klog and logr to cert-manager.log.
func (e *Env) startLogging() error {
	cmLog, err := e.logFile("cert-manager.log")
	if err != nil {
		return err
	}
	e.logger = textlogger.NewLogger(textlogger.NewConfig(textlogger.Output(cmLog), textlogger.Verbosity(2)))
	klog.SetLogger(e.logger)
	crlog.SetLogger(e.logger)
	return nil
}

// startAPI starts the egress proxy, etcd and kube-apiserver, writes the
// kubeconfigs and applies the bootstrap objects and config/.
func (e *Env) startAPI(ctx context.Context) error {
	// The apiserver's egress proxy must listen before the apiserver starts.
	egressLog, err := e.logFile("egress-proxy.log")
	if err != nil {
		return err
	}
	if e.EgressProxy, err = StartEgressProxy(egressLog); err != nil {
		return fmt.Errorf("egress proxy: %w", err)
	}
	e.step("starting etcd and kube-apiserver (%s)", e.opts.AssetsDir)
	if err := e.startControlPlane(); err != nil {
		return err
	}
	e.AdminConfig = e.testEnv.Config
	e.step("kube-apiserver at %s (RBAC); CRDs installed", e.AdminConfig.Host)
	if err := e.writeKubeconfigs(); err != nil {
		return err
	}
	if e.dyn, err = dynamic.NewForConfig(e.AdminConfig); err != nil {
		return err
	}
	if e.ap, err = newApplier(e.AdminConfig, e.dyn); err != nil {
		return err
	}
	e.ap.applyWebhooks = e.opts.WebhookBinary != ""

	// Namespaces and Knative ConfigMaps (config-certmanager, as Serving has
	// it: Serving's own with Serving), then config/.
	if err := e.ap.applyYAML(ctx, "localenv-bootstrap", bootstrapYAML()); err != nil {
		return err
	}
	if e.Serving != nil {
		if err := e.applyServingCore(ctx, e.ap); err != nil {
			return err
		}
	} else if err := e.ap.applyOptionalFile(ctx, e.opts.ConfigDir, ConfigCertManagerFile); err != nil {
		return err
	}
	n, skipped, err := e.ap.applyDir(ctx, e.opts.ConfigDir)
	if err != nil {
		return err
	}
	e.step("applied %d objects from %s (skipped %v)", n, e.opts.ConfigDir, skipped)
	return e.ap.aggregateClusterRoles(ctx)
}

func (e *Env) step(format string, args ...any) {
	fmt.Fprintf(e.opts.Progress, "localenv: "+format+"\n", args...)
}

func (e *Env) logFile(name string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(e.LogDir, name), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	e.logFiles = append(e.logFiles, f)
	return f, nil
}

// Stop tears everything down: the webhook and controller children, cert-manager, Pebble,
// kube-apiserver and etcd. It is safe to call more than once.
func (e *Env) Stop() error {
	e.stopOnce.Do(func() { e.stopErr = e.stop() })
	return e.stopErr
}

func (e *Env) stop() error {
	var errs []error
	if err := e.stopChild("webhook", e.webhook); err != nil {
		errs = append(errs, err)
	}
	if err := e.stopChild("controller", e.controller); err != nil {
		errs = append(errs, err)
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
	if e.names != nil {
		e.names.stop()
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
	e.launcher.Close()
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
