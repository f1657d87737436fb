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

// Command localenv runs the local test environment of net-certmanager (see
// package knative.dev/net-certmanager/test/localenv), and its demo.
//
//	localenv [up] [flags] [-- controller args...]
//	localenv demo [flags]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
	"k8s.io/client-go/tools/clientcmd"

	"knative.dev/net-certmanager/test/localenv"
)

func main() {
	args := os.Args[1:]
	cmd := "up"
	if len(args) > 0 && (args[0] == "up" || args[0] == "demo") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "up":
		err = up(args)
	case "demo":
		err = demo(args)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "localenv %s: %v\n", cmd, err)
		os.Exit(1)
	}
}

func up(args []string) error {
	fs := flag.NewFlagSet("localenv up", flag.ExitOnError)
	wd, _ := os.Getwd()
	var (
		assets         = fs.String("assets", "", "directory with etcd and kube-apiserver (default $KUBEBUILDER_ASSETS, else the output of hack/build-localenv-tools.sh)")
		workDir        = fs.String("work-dir", filepath.Join(wd, ".localenv"), "directory for kubeconfigs, logs/ and the ready file")
		kubeconfigOut  = fs.String("kubeconfig-out", "", "where to write the admin kubeconfig (default <work-dir>/kubeconfig)")
		configDir      = fs.String("config-dir", "", "the repository's config/: applied but for optional/, whose self-signed CA chain is applied with the issuers (default <repo>/config)")
		runController  = fs.String("run-controller", "", "controller binary to run as a child process (impersonating its ServiceAccount)")
		runWebhook     = fs.String("run-webhook", "", "webhook binary to run as a child process (impersonating its ServiceAccount), reached by the apiserver through the egress proxy")
		exitWithParent = fs.Bool("exit-with-parent", false, "shut down when the parent process dies (for scripts)")
		timeout        = fs.Duration("timeout", 2*time.Minute, "timeout of each start-up step")
		deferCM        = fs.Bool("defer-cert-manager", false, "start without cert-manager's CRDs, controllers and issuers; SIGUSR1 installs them (see README)")
		serving        = fs.Bool("serving", false, "run Knative Serving's controller too, with Serving's CRDs and ConfigMaps, TLS for external domains and a minimal KIngress implementation (see README)")
		servingBin     = fs.String("serving-controller", "", "Serving's controller binary (default: the output of hack/build-localenv-tools.sh --serving); implies --serving")
		servingClass   = fs.String("serving-certificate-class", localenv.CertificateClass, "config-network certificate-class with --serving")
	)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: localenv [up] [flags] [-- controller args...]\n\n")
		fs.PrintDefaults()
	}
	_ = fs.Parse(args)

	if *exitWithParent {
		if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGTERM), 0, 0, 0); err != nil {
			return fmt.Errorf("prctl: %w", err)
		}
		if os.Getppid() == 1 {
			return fmt.Errorf("parent already gone")
		}
	}

	if err := os.MkdirAll(*workDir, 0o755); err != nil {
		return err
	}
	// Keep the work directory out of git.
	if ig := filepath.Join(*workDir, ".gitignore"); !exists(ig) {
		_ = os.WriteFile(ig, []byte("# Created by localenv.\n*\n"), 0o644)
	}

	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()
	// A second signal while shutting down exits at once; the children die
	// with us (parent-death signal).
	go func() {
		<-ctx.Done()
		second := make(chan os.Signal, 1)
		signal.Notify(second, syscall.SIGINT, syscall.SIGTERM)
		// Ctrl-C in a script reaches both the script and us, and the script
		// then forwards a SIGTERM: ignore such near-simultaneous duplicates.
		first := time.Now()
		for range second {
			if time.Since(first) > time.Second {
				fmt.Fprintln(os.Stderr, "localenv: second signal, exiting now")
				os.Exit(130)
			}
		}
	}()

	opts := localenv.Options{
		AssetsDir:        *assets,
		WorkDir:          *workDir,
		KubeconfigPath:   *kubeconfigOut,
		ConfigDir:        *configDir,
		ControllerBinary: *runController,
		ControllerArgs:   fs.Args(),
		WebhookBinary:    *runWebhook,
		Progress:         os.Stderr,
		Timeout:          *timeout,
		DeferCertManager: *deferCM,
	}
	if *serving || *servingBin != "" {
		opts.Serving = &localenv.ServingOptions{ControllerBinary: *servingBin, CertificateClass: *servingClass}
	}
	if opts.AssetsDir == "" && os.Getenv("KUBEBUILDER_ASSETS") == "" {
		fmt.Fprintln(os.Stderr, "localenv: running hack/build-localenv-tools.sh for etcd and kube-apiserver...")
	}
	env, err := localenv.Start(ctx, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, `
localenv is up. Logs: %s
  admin:      export KUBECONFIG=%s
  controller: KUBECONFIG=%s  (impersonates %s)
  run the controller yourself (repo root):
    SYSTEM_NAMESPACE=%s KUBECONFIG=%s go run ./cmd/controller
Press Ctrl-C to stop.
`, env.LogDir, env.AdminKubeconfig, env.ControllerKubeconfig, localenv.ControllerUser,
		localenv.SystemNamespace, env.ControllerKubeconfig)
	if s := env.Serving; s != nil {
		fmt.Fprintf(os.Stderr, `Knative Serving %s: controller pid %d (log %s/%s), kubeconfig %s
  minimal ingress (class %s): http://%s https://%s
  audit log (writes to Certificates and KIngresses): %s
`, s.Version, s.ControllerPID, env.LogDir, localenv.ServingControllerLog, s.ControllerKubeconfig,
			localenv.IngressClass, s.IngressHTTPAddr, s.IngressHTTPSAddr, s.AuditLog)
	}
	fmt.Printf("localenv: ready kubeconfig=%s controller-kubeconfig=%s\n", env.AdminKubeconfig, env.ControllerKubeconfig)
	handleFaultSignals(ctx, env)

	select {
	case <-ctx.Done():
	case <-env.ControllerExited():
		fmt.Fprintf(os.Stderr, "localenv: the controller exited; see %s/controller.log. Shutting down.\n", env.LogDir)
	case <-env.WebhookExited():
		fmt.Fprintf(os.Stderr, "localenv: the webhook exited; see %s/webhook.log. Shutting down.\n", env.LogDir)
	case <-env.Serving.ControllerExited():
		fmt.Fprintf(os.Stderr, "localenv: Serving's controller exited; see %s/%s. Shutting down.\n", env.LogDir, localenv.ServingControllerLog)
	}
	fmt.Fprintln(os.Stderr, "localenv: shutting down...")
	if err := env.Stop(); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "localenv: stopped")
	return nil
}

func demo(args []string) error {
	fs := flag.NewFlagSet("localenv demo", flag.ExitOnError)
	wd, _ := os.Getwd()
	var (
		kubeconfig = fs.String("kubeconfig", filepath.Join(wd, ".localenv", "kubeconfig"), "admin kubeconfig of the local environment")
		namespace  = fs.String("namespace", fmt.Sprintf("demo-%d", time.Now().Unix()), "namespace to create the demo KCerts in")
		timeout    = fs.Duration("timeout", 2*time.Minute, "how long to wait for the KCerts to be Ready")
		serving    = fs.Bool("serving", false, "instead, point config-certmanager's issuerRef at the Pebble ACME ClusterIssuer, map a domain to the hello Service with a Serving DomainMapping (HTTP-01 through Serving's KIngress) and send a request to it over https (localenv up --serving)")
		host       = fs.String("host", fmt.Sprintf("hello-%d.%s", time.Now().Unix(), localenv.DefaultServingDomain), "with --serving: the DomainMapping's domain")
	)
	_ = fs.Parse(args)
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		return err
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()
	if *serving {
		// The work directory is where the kubeconfig is.
		return localenv.RunServingDemo(ctx, cfg, filepath.Dir(*kubeconfig), *host, *timeout, os.Stdout)
	}
	return localenv.RunDemo(ctx, cfg, *namespace, *timeout, os.Stdout)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
