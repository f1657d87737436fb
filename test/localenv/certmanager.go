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
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/resource"

	cmcontroller "github.com/cert-manager/cert-manager/pkg/controller"
	logf "github.com/cert-manager/cert-manager/pkg/logs"

	// The controllers register themselves in cmcontroller.Known().
	_ "github.com/cert-manager/cert-manager/pkg/controller/acmechallenges"
	_ "github.com/cert-manager/cert-manager/pkg/controller/acmeorders"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/acme"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/approver"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/ca"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/selfsigned"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/issuing"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/keymanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/readiness"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/requestmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/revisionmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/trigger"
	_ "github.com/cert-manager/cert-manager/pkg/controller/clusterissuers"
	_ "github.com/cert-manager/cert-manager/pkg/controller/issuers"

	// The issuer backends register themselves with the issuer factory.
	_ "github.com/cert-manager/cert-manager/pkg/issuer/acme"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/ca"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/selfsigned"
)

// CertManagerVersion is the cert-manager whose controllers run in-process.
const CertManagerVersion = "v1.20.3"

// PebbleManagementURLFile, in WorkDir, holds Pebble's management URL: its
// issuing CA is at <url>/roots/0 and <url>/intermediates/0 (TLS with
// Env.PebbleCABundle, which the ACME ClusterIssuer's caBundle carries).
const PebbleManagementURLFile = "pebble-management-url"

// ClusterResourceNamespace holds the Secrets of ClusterIssuers.
const ClusterResourceNamespace = "cert-manager"

// CertManagerControllers are the cert-manager controllers localenv runs.
var CertManagerControllers = []string{
	"issuers",
	"clusterissuers",
	"certificates-trigger",
	"certificates-issuing",
	"certificates-key-manager",
	"certificates-request-manager",
	"certificates-readiness",
	"certificates-revision-manager",
	"certificaterequests-approver",
	"certificaterequests-issuer-selfsigned",
	"certificaterequests-issuer-ca",
	"certificaterequests-issuer-acme",
	"orders",
	"challenges",
}

type certManager struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// startCertManager runs the cert-manager controllers against the cluster of
// kubeconfig until stop is called.
// Every lookup cert-manager makes (DNS-01 zones and propagation, the HTTP-01
// self-check's names) goes to nameservers.
func startCertManager(parent context.Context, kubeconfig string, opts Options, nameservers []string, log logr.Logger) (*certManager, error) {
	ctx, cancel := context.WithCancel(parent)
	ctx = logf.NewContext(ctx, log)
	cm := &certManager{cancel: cancel}

	ctxOpts := cmcontroller.ContextOptions{
		Kubeconfig:         kubeconfig,
		KubernetesAPIQPS:   opts.CertManagerQPS,
		KubernetesAPIBurst: opts.CertManagerBurst,
		IssuerOptions: cmcontroller.IssuerOptions{
			ClusterResourceNamespace:        ClusterResourceNamespace,
			ClusterIssuerAmbientCredentials: true,
		},
		// cert-manager's defaults (cmd/controller options).
		ACMEOptions: cmcontroller.ACMEOptions{
			HTTP01SolverImage:                 "quay.io/jetstack/cert-manager-acmesolver:" + CertManagerVersion,
			HTTP01SolverResourceRequestCPU:    resource.MustParse("10m"),
			HTTP01SolverResourceRequestMemory: resource.MustParse("64Mi"),
			HTTP01SolverResourceLimitsCPU:     resource.MustParse("100m"),
			HTTP01SolverResourceLimitsMemory:  resource.MustParse("64Mi"),
			ACMEHTTP01SolverRunAsNonRoot:      true,
			DNS01CheckAuthoritative:           true,
			DNS01CheckRetryPeriod:             10 * time.Second,
			DNS01Nameservers:                  nameservers,
			HTTP01SolverNameservers:           nameservers,
		},
		CertificateOptions: cmcontroller.CertificateOptions{
			CopiedAnnotationPrefixes:                 []string{"*", "-kubectl.kubernetes.io/", "-fluxcd.io/", "-argocd.argoproj.io/"},
			CertificateRequestMinimumBackoffDuration: opts.CertificateRequestMinimumBackoff,
		},
		SchedulerOptions: cmcontroller.SchedulerOptions{MaxConcurrentChallenges: 60},
	}
	factory, err := cmcontroller.NewContextFactory(ctx, ctxOpts)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("cert-manager context: %w", err)
	}

	known := cmcontroller.Known()
	var ifaces []cmcontroller.Interface
	for _, name := range CertManagerControllers {
		ctor, ok := known[name]
		if !ok {
			cancel()
			return nil, fmt.Errorf("cert-manager controller %q is not registered", name)
		}
		iface, err := ctor(factory)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("cert-manager controller %q: %w", name, err)
		}
		ifaces = append(ifaces, iface)
	}
	for i, iface := range ifaces {
		name := CertManagerControllers[i]
		cm.wg.Add(1)
		go func() {
			defer cm.wg.Done()
			if err := iface.Run(5, ctx); err != nil {
				log.Error(err, "controller exited", "controller", name)
			}
		}()
	}

	// The constructors registered their informers; the factories are shared
	// by every Context the factory builds.
	shared, err := factory.Build("informers")
	if err != nil {
		cancel()
		return nil, err
	}
	shared.SharedInformerFactory.Start(ctx.Done())
	shared.KubeSharedInformerFactory.Start(ctx.Done())
	shared.HTTP01ResourceMetadataInformersFactory.Start(ctx.Done())
	return cm, nil
}

// stop cancels the controllers and waits up to timeout for them to return.
func (cm *certManager) stop(timeout time.Duration) error {
	cm.cancel()
	done := make(chan struct{})
	go func() { cm.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("cert-manager controllers did not stop within %v", timeout)
	}
}

// runCertManager starts Pebble and cert-manager's controllers and creates
// the issuers. Start and InstallCertManager share it.
func (e *Env) runCertManager(ctx context.Context) error {
	pebbleLog, err := e.logFile("pebble.log")
	if err != nil {
		return err
	}
	if e.pebble, err = startPebble(pebbleLog, e.pebbleHTTPPort(), e.names.Addr); err != nil {
		return fmt.Errorf("pebble: %w", err)
	}
	e.PebbleDirectoryURL, e.PebbleCABundle = e.pebble.DirectoryURL, e.pebble.CABundle
	if err := os.WriteFile(filepath.Join(e.WorkDir, PebbleManagementURLFile), []byte(e.pebble.ManagementURL+"\n"), 0o644); err != nil {
		return err
	}
	e.step("pebble ACME directory at %s, management at %s; HTTP-01 validation on port %d, names from %s",
		e.PebbleDirectoryURL, e.pebble.ManagementURL, e.pebbleHTTPPort(), e.names.Addr)
	if e.certMgr, err = startCertManager(context.WithoutCancel(ctx), e.AdminKubeconfig, e.opts, []string{e.names.Addr}, e.logger.WithName("cert-manager")); err != nil {
		return err
	}
	e.step("cert-manager %s controllers started (%d)", CertManagerVersion, len(CertManagerControllers))
	return e.createIssuers(ctx)
}

// createIssuers applies the shipped self-signed chain and the Pebble ACME
// issuer, and waits until they are Ready.
func (e *Env) createIssuers(ctx context.Context) error {
	if err := e.ap.applyObjects(ctx, e.chainFile, e.chain); err != nil {
		return err
	}
	if err := e.ap.applyYAML(ctx, "localenv-issuers", issuersYAML(e.PebbleDirectoryURL, e.PebbleCABundle)); err != nil {
		return err
	}
	if err := waitIssuersReady(ctx, e.dyn, e.opts.Timeout); err != nil {
		return err
	}
	e.step("ClusterIssuers %s, %s (from %s), %s ready", SelfSignedClusterIssuer, CAClusterIssuer, e.chainFile, ACMEClusterIssuer)
	return nil
}
