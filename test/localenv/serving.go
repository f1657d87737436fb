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
	"debug/buildinfo"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"knative.dev/net-certmanager/test/childproc"
)

// Knative Serving in the loop: Serving's real controller process, built from
// knative.dev/serving (hack/build-localenv-tools.sh --serving), with Serving's
// CRDs and ConfigMaps from that module, its RBAC, TLS for external domains
// on, and a minimal KIngress implementation (ingress.go). See servingcore.go
// for what is applied.

const (
	// ServingControllerServiceAccount is Serving's controller ServiceAccount
	// in SystemNamespace (Serving's config/core/200-serviceaccount.yaml).
	ServingControllerServiceAccount = "controller"
	// ServingControllerUser is the user Serving's controller kubeconfig
	// impersonates.
	ServingControllerUser = "system:serviceaccount:" + SystemNamespace + ":" + ServingControllerServiceAccount
	// DefaultServingDomain is config-domain's default domain.
	DefaultServingDomain = "example.test"
	// ServingControllerLog is Serving's controller log in LogDir.
	ServingControllerLog = "serving-controller.log"
	// WorkloadsStandInLog, in LogDir, says which Deployment and
	// PodAutoscaler statuses the workload stand-in wrote (workloads.go).
	WorkloadsStandInLog = "workloads-standin.log"
	// AuditLogFile, in LogDir, is kube-apiserver's audit log: the writes to
	// Knative and cert-manager Certificates and to KIngresses (auditPolicy).
	AuditLogFile = "audit.log"
	// IngressHTTPAddressFile and IngressHTTPSAddressFile, in WorkDir, hold
	// the minimal ingress's loopback addresses (host:port), for processes
	// outside localenv.
	IngressHTTPAddressFile  = "ingress-http-address"
	IngressHTTPSAddressFile = "ingress-https-address"
)

// ServingOptions configures Serving in the loop (Options.Serving).
type ServingOptions struct {
	// ControllerBinary is Serving's controller (knative.dev/serving/cmd/controller).
	// Default: the output of hack/build-localenv-tools.sh --serving.
	ControllerBinary string
	// CertificateClass is config-network's certificate-class: the class of
	// the KCerts Serving creates. Default CertificateClass (ours).
	CertificateClass string
	// Domain is config-domain's default domain. Default DefaultServingDomain.
	Domain string
	// ControllerEnv is added to the Serving controller's environment.
	ControllerEnv []string
}

// ServingEnv is the Serving part of an Env started with Options.Serving.
type ServingEnv struct {
	// Version is the knative.dev/serving version of the controller binary;
	// the CRDs and ConfigMaps are that module's.
	Version string
	// ControllerKubeconfig impersonates ServingControllerUser (RBAC from
	// Serving's config/core); ControllerConfig is its REST config.
	ControllerKubeconfig string
	ControllerConfig     *rest.Config
	// ControllerPID is the Serving controller child's PID.
	ControllerPID int
	// IngressHTTPAddr and IngressHTTPSAddr are the minimal ingress's
	// loopback listeners (IngressClass).
	IngressHTTPAddr, IngressHTTPSAddr string
	// AuditLog is kube-apiserver's audit log (AuditLogFile).
	AuditLog string

	opts    ServingOptions
	modules servingModules
	// httpLn is the minimal ingress's HTTP listener (http01.go).
	httpLn  net.Listener
	ingress *localIngress
	solvers *solverRunner
	// workloads stands in for kube-controller-manager, the kubelet and
	// Serving's autoscaler (workloads.go).
	workloads *workloadStandIn
	hello     *http.Server
	proc      *childproc.Process
}

// ControllerExited is closed when Serving's controller exits; on a nil
// ServingEnv it is nil, which never closes.
func (s *ServingEnv) ControllerExited() <-chan struct{} {
	if s == nil || s.proc == nil {
		return nil
	}
	return s.proc.Done()
}

// servingModules are the module versions the Serving controller binary was
// built with; its CRDs and ConfigMaps are read from these modules.
type servingModules struct {
	serving, networking, caching string
}

// readServingModules reads the versions of knative.dev/serving, networking
// and caching from the binary's build information.
func readServingModules(bin string) (servingModules, error) {
	bi, err := buildinfo.ReadFile(bin)
	if err != nil {
		return servingModules{}, fmt.Errorf("reading the Serving controller %s: %w", bin, err)
	}
	// Built as `go build knative.dev/serving/cmd/controller`, Serving is the
	// main module; the others are dependencies.
	versions := map[string]string{bi.Main.Path: bi.Main.Version}
	for _, d := range bi.Deps {
		v := d.Version
		if d.Replace != nil {
			v = d.Replace.Version
		}
		versions[d.Path] = v
	}
	m := servingModules{serving: versions[servingModule], networking: versions[networkingModule], caching: versions[cachingModule]}
	if m.serving == "" || m.networking == "" || m.caching == "" {
		return m, fmt.Errorf("the Serving controller %s is not built from %s, %s and %s module versions (%s)", bin, servingModule, networkingModule, cachingModule, bi.Path)
	}
	return m, nil
}

// DefaultServingController runs hack/build-localenv-tools.sh --serving
// (which builds Serving's controller once per version) and returns the
// binary's path, its last output line.
func DefaultServingController() (string, error) {
	return runToolsScript("--serving")
}

// prepareServing resolves the Serving controller binary and the modules it
// was built from, before the control plane starts (it needs their CRDs).
func (e *Env) prepareServing() error {
	o := *e.opts.Serving
	if e.opts.DeferCertManager {
		return errors.New("the Serving options need cert-manager's CRDs at start: Serving and DeferCertManager exclude each other")
	}
	if o.CertificateClass == "" {
		o.CertificateClass = CertificateClass
	}
	if o.Domain == "" {
		o.Domain = DefaultServingDomain
	}
	if o.ControllerBinary == "" {
		bin, err := DefaultServingController()
		if err != nil {
			return err
		}
		o.ControllerBinary = bin
	}
	mods, err := readServingModules(o.ControllerBinary)
	if err != nil {
		return err
	}
	// Our controller, if localenv runs it, serves the class Serving is told
	// to use; ControllerEnv entries still win (the last entry counts).
	e.opts.ControllerEnv = append([]string{"CERTIFICATE_CLASS=" + o.CertificateClass}, e.opts.ControllerEnv...)
	e.Serving = &ServingEnv{Version: mods.serving, opts: o, modules: mods, AuditLog: filepath.Join(e.LogDir, AuditLogFile)}
	return e.Serving.openIngressHTTP()
}

// auditPolicy logs, at Metadata level (user, impersonated user, user agent,
// verb, object and response code), every write to Knative and cert-manager
// Certificates and to KIngresses, and nothing else: who writes what is what
// the Serving tests count.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: Metadata
  verbs: ["create", "update", "patch", "delete", "deletecollection"]
  resources:
  - group: networking.internal.knative.dev
    resources: ["certificates", "certificates/status", "ingresses", "ingresses/status"]
  - group: cert-manager.io
    resources: ["certificates", "certificates/status"]
- level: None
`

// configureControlPlane adds Serving's CRDs to those envtest installs and
// turns on the audit log.
func (s *ServingEnv) configureControlPlane(api *envtest.APIServer, runDir string) ([]string, error) {
	crds, err := s.modules.crdPaths()
	if err != nil {
		return nil, err
	}
	policy := filepath.Join(runDir, "audit-policy.yaml")
	if err := os.WriteFile(policy, []byte(auditPolicy), 0o600); err != nil {
		return nil, err
	}
	api.Configure().
		Set("audit-policy-file", policy).
		Set("audit-log-path", s.AuditLog)
	return crds, nil
}

// startServing starts the minimal ingress and Serving's controller, as its
// ServiceAccount, and waits until the controller reports ready.
func (e *Env) startServing(ctx context.Context) error {
	s := e.Serving
	ingressLog, err := e.logFile("ingress.log")
	if err != nil {
		return err
	}
	ln := s.httpLn
	s.httpLn = nil // startIngress owns it now
	if s.ingress, err = startIngress(e.AdminConfig, e.EgressProxy, ln, ingressLog); err != nil {
		return fmt.Errorf("minimal ingress: %w", err)
	}
	if s.solvers, err = e.startSolvers(); err != nil {
		return fmt.Errorf("HTTP-01 solvers: %w", err)
	}
	workloadsLog, err := e.logFile(WorkloadsStandInLog)
	if err != nil {
		return err
	}
	if s.workloads, err = startWorkloadStandIn(e.AdminConfig, workloadsLog); err != nil {
		return fmt.Errorf("workload stand-in: %w", err)
	}
	e.step("workload stand-in for kube-controller-manager, the kubelet and Serving's autoscaler: Revision Deployment and PodAutoscaler status (log %s)", workloadsLog.Name())
	s.IngressHTTPAddr, s.IngressHTTPSAddr = s.ingress.HTTPAddr(), s.ingress.HTTPSAddr()
	for name, addr := range map[string]string{IngressHTTPAddressFile: s.IngressHTTPAddr, IngressHTTPSAddressFile: s.IngressHTTPSAddr} {
		if err := os.WriteFile(filepath.Join(e.WorkDir, name), []byte(addr+"\n"), 0o644); err != nil {
			return err
		}
	}
	e.step("minimal ingress (class %s) on http://%s and https://%s", IngressClass, s.IngressHTTPAddr, s.IngressHTTPSAddr)
	if s.hello, err = e.startHelloBackend(ctx); err != nil {
		return fmt.Errorf("hello backend: %w", err)
	}

	s.ControllerKubeconfig = filepath.Join(e.WorkDir, "kubeconfig-serving-controller")
	as := rest.ImpersonationConfig{UserName: ServingControllerUser, Groups: ControllerGroups}
	if err := clientcmd.WriteToFile(*kubeconfigFor(e.AdminConfig, ServingControllerServiceAccount, &as), s.ControllerKubeconfig); err != nil {
		return err
	}
	s.ControllerConfig = rest.CopyConfig(e.AdminConfig)
	s.ControllerConfig.Impersonate = as

	out, err := e.logFile(ServingControllerLog)
	if err != nil {
		return err
	}
	if err := probesPortFree(); err != nil {
		return err
	}
	ports := make([]int, 2)
	for i := range ports {
		if ports[i], err = childproc.FreePort(); err != nil {
			return err
		}
	}
	cmd := exec.Command(s.opts.ControllerBinary)
	cmd.Env = childEnv(append([]string{
		"SYSTEM_NAMESPACE=" + SystemNamespace,
		"KUBECONFIG=" + s.ControllerKubeconfig,
		"POD_NAME=serving-controller-localenv",
		// sharedmain binds :8008 (profiling) and :9090 (metrics, when
		// config-observability turns them on) unless told otherwise.
		"PROFILING_PORT=" + strconv.Itoa(ports[0]),
		"METRICS_PROMETHEUS_PORT=" + strconv.Itoa(ports[1]),
	}, s.opts.ControllerEnv...)...)
	started := time.Now()
	if s.proc, err = e.startChild("Serving controller", cmd, out); err != nil {
		return err
	}
	s.ControllerPID = s.proc.Pid()
	if err := s.waitReady(ctx, e.opts.Timeout, out.Name()); err != nil {
		return err
	}
	e.step("Serving %s controller ready in %.1fs (pid %d, %s, log %s)", s.Version, time.Since(started).Seconds(),
		s.ControllerPID, ServingControllerUser, out.Name())
	return nil
}

// ServingProbesPort is where Serving's controller serves its health probes:
// knative.dev/pkg's sharedmain binds :8080 and, unlike our controller
// (PROBES_PORT), offers no setting. So one Serving environment runs per
// machine at a time.
const ServingProbesPort = 8080

// probesPortFree fails, saying why, if ServingProbesPort is taken.
func probesPortFree() error {
	ln, err := net.Listen("tcp", ":"+strconv.Itoa(ServingProbesPort))
	if err != nil {
		return fmt.Errorf("the Serving controller binds :%d for its probes (knative.dev/pkg sharedmain; not configurable), which is in use (another localenv --serving?): %w", ServingProbesPort, err)
	}
	return ln.Close()
}

// waitReady polls the controller's readiness probe.
func (s *ServingEnv) waitReady(ctx context.Context, timeout time.Duration, logName string) error {
	url := fmt.Sprintf("http://127.0.0.1:%d/readiness", ServingProbesPort)
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		select {
		case <-s.proc.Done():
			return false, fmt.Errorf("the Serving controller exited: %v (see %s)", s.proc.Cmd.ProcessState, logName)
		default:
		}
		resp, err := http.Get(url)
		if err != nil {
			return false, nil
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK, nil
	})
	if err != nil {
		return fmt.Errorf("the Serving controller is not ready (see %s): %w", logName, err)
	}
	return nil
}

// stopServing ends Serving's controller and the minimal ingress.
func (e *Env) stopServing() error {
	s := e.Serving
	if s == nil {
		return nil
	}
	err := e.stopChild("Serving controller", s.proc)
	if s.solvers != nil {
		s.solvers.stop()
	}
	if s.workloads != nil {
		s.workloads.stop()
	}
	if s.httpLn != nil {
		_ = s.httpLn.Close()
	}
	if s.ingress != nil {
		s.ingress.stop()
	}
	if s.hello != nil {
		_ = s.hello.Close()
	}
	return err
}
