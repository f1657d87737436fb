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

// kn-certmanager checks Knative's cert-manager integration and walks an
// operator through a CA rotation. Named kn-certmanager on PATH it is the
// kn plugin "kn certmanager"; it also runs on its own. It acts with the
// user's kubeconfig (--kubeconfig, $KUBECONFIG or ~/.kube/config).
//
//	kn-certmanager doctor            [-o json] [-n NS,...] [--certificate-class CLASS]
//	kn-certmanager rotation status   [-o json] [-n NS,...] [--grace 2m] [--new-ca FILE] [--old-ca FILE]
//	kn-certmanager rotation renew    [-n NS,...] [--rate 5] [--dry-run] [--new-ca FILE] [--old-ca FILE]
package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	cmclientset "github.com/cert-manager/cert-manager/pkg/client/clientset/versioned"
	"github.com/spf13/pflag"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	netclientset "knative.dev/networking/pkg/client/clientset/versioned"

	"knative.dev/net-certmanager/pkg/kncm"
	"knative.dev/net-certmanager/pkg/trust"
)

const usage = `kn-certmanager: checks for Knative's cert-manager integration and CA rotation.

Usage:
  kn-certmanager doctor           check the prerequisites; exits 1 on any ✗
  kn-certmanager rotation status  the 9 steps of a CA rotation, live; exits 1 until the old CA can go
  kn-certmanager rotation renew   re-issue the certificates still on the old CA

Run "kn-certmanager COMMAND --help" for the flags.
`

// exitError carries an exit code without printing anything more.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit %d", int(e)) }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	var code exitError
	switch {
	case err == nil:
	case errors.As(err, &code):
		os.Exit(int(code))
	default:
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(2)
	}
}

// common are the flags every command has.
type common struct {
	kubeconfig, context string
	output              string
	namespaces          []string
	system, clusterNS   string
	certificateClass    string
	timeout             time.Duration
}

func (c *common) register(fs *pflag.FlagSet) {
	fs.StringVar(&c.kubeconfig, "kubeconfig", "", "kubeconfig file (default $KUBECONFIG or ~/.kube/config)")
	fs.StringVar(&c.context, "context", "", "kubeconfig context")
	fs.StringVarP(&c.output, "output", "o", "text", "output format: text or json")
	fs.StringSliceVarP(&c.namespaces, "namespace", "n", nil, "only these namespaces' KCerts and trust bundles (default: all KCerts; bundles of knative-serving, the ingress namespaces and every namespace with KCerts)")
	fs.StringVar(&c.system, "system-namespace", "knative-serving", "namespace of config-certmanager and the controller")
	fs.StringVar(&c.clusterNS, "cluster-resource-namespace", "cert-manager", "cert-manager's cluster resource namespace (Secrets of CA ClusterIssuers)")
	fs.StringVar(&c.certificateClass, "certificate-class", "", "the class the controller serves (default: read from its Deployment's --certificate-class or CERTIFICATE_CLASS, else the built-in default)")
	fs.DurationVar(&c.timeout, "timeout", time.Minute, "timeout for reading the cluster")
}

func (c *common) options() kncm.Options {
	o := kncm.DefaultOptions()
	o.SystemNamespace = c.system
	o.ClusterResourceNamespace = c.clusterNS
	o.Namespaces = c.namespaces
	o.CertificateClass = c.certificateClass
	return o
}

func (c *common) clients() (kncm.Clients, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if c.kubeconfig != "" {
		rules.ExplicitPath = c.kubeconfig
	}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: c.context}).ClientConfig()
	if err != nil {
		return kncm.Clients{}, fmt.Errorf("kubeconfig: %w", err)
	}
	cfg.QPS, cfg.Burst = 50, 100
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return kncm.Clients{}, err
	}
	cm, err := cmclientset.NewForConfig(cfg)
	if err != nil {
		return kncm.Clients{}, err
	}
	net, err := netclientset.NewForConfig(cfg)
	if err != nil {
		return kncm.Clients{}, err
	}
	return kncm.Clients{Kube: kube, CM: cm, Net: net}, nil
}

func (c *common) load(ctx context.Context) (kncm.Clients, *kncm.Inventory, error) {
	if c.output != "text" && c.output != "json" {
		return kncm.Clients{}, nil, fmt.Errorf("-o %q: want text or json", c.output)
	}
	cl, err := c.clients()
	if err != nil {
		return cl, nil, err
	}
	lctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	inv, err := kncm.Load(lctx, cl, c.options(), time.Now())
	return cl, inv, err
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	switch {
	case args[0] == "doctor":
		return doctor(ctx, args[1:], stdout, stderr)
	case args[0] == "rotation" && len(args) > 1 && args[1] == "status":
		return rotationStatus(ctx, args[2:], stdout, stderr)
	case args[0] == "rotation" && len(args) > 1 && args[1] == "renew":
		return rotationRenew(ctx, args[2:], stdout, stderr)
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", strings.Join(args, " "))
}

func newFlagSet(name string, stderr io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func doctor(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c common
	fs := newFlagSet("kn-certmanager doctor", stderr)
	c.register(fs)
	if err := fs.Parse(args); err != nil {
		return helpOK(err)
	}
	_, inv, err := c.load(ctx)
	if err != nil {
		return err
	}
	r := kncm.Doctor(inv, c.options(), time.Now())
	if c.output == "json" {
		if err := writeJSON(stdout, r); err != nil {
			return err
		}
	} else {
		kncm.PrintDoctor(stdout, r)
	}
	if !r.OK {
		return exitError(1)
	}
	return nil
}

// rotationFlags are shared by status and renew.
type rotationFlags struct {
	newCA, oldCA string
	grace        time.Duration
}

func (r *rotationFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&r.newCA, "new-ca", "", "PEM file of the new CA(s) (default: what the CA issuers sign with, from their Secrets)")
	fs.StringVar(&r.oldCA, "old-ca", "", "PEM file of the CA(s) being retired (default: every other CA of the current certificates and the bundles)")
}

func (r *rotationFlags) options() (kncm.RotationOptions, error) {
	o := kncm.RotationOptions{Grace: r.grace}
	var err error
	if o.NewCAs, err = readCAs(r.newCA, false); err != nil {
		return o, err
	}
	o.OldCAs, err = readCAs(r.oldCA, true)
	return o, err
}

// readCAs reads a PEM file of CAs. The new CAs must be valid now; the CAs
// being retired may have expired already: that is often why they go.
func readCAs(path string, retiring bool) ([]*x509.Certificate, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if retiring {
		if certs := kncm.ParseCertificates(data); len(certs) > 0 {
			return certs, nil
		}
		return nil, fmt.Errorf("%s: no certificate", path)
	}
	certs, skipped := trust.ParseBundle(data, time.Now())
	if len(certs) == 0 {
		return nil, fmt.Errorf("%s: no valid certificate (%d blocks skipped)", path, len(skipped))
	}
	return certs, nil
}

func rotationStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var (
		c  common
		rf rotationFlags
	)
	fs := newFlagSet("kn-certmanager rotation status", stderr)
	c.register(fs)
	rf.register(fs)
	fs.DurationVar(&rf.grace, "grace", 2*time.Minute, "how long the old CA stays trusted after the last certificate moved to the new CA (seed step 8)")
	if err := fs.Parse(args); err != nil {
		return helpOK(err)
	}
	ro, err := rf.options()
	if err != nil {
		return err
	}
	_, inv, err := c.load(ctx)
	if err != nil {
		return err
	}
	r := kncm.Rotation(inv, c.options(), ro, time.Now())
	if c.output == "json" {
		if err := writeJSON(stdout, r); err != nil {
			return err
		}
	} else {
		kncm.PrintRotation(stdout, r)
	}
	// As doctor: a verdict of "no" is a non-zero exit, for scripts that wait.
	if !r.SafeToRemoveOldCA {
		return exitError(1)
	}
	return nil
}

func rotationRenew(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var (
		c  common
		rf rotationFlags
		ro kncm.RenewOptions
	)
	fs := newFlagSet("kn-certmanager rotation renew", stderr)
	c.register(fs)
	rf.register(fs)
	fs.Float64Var(&ro.Rate, "rate", 5, "certificates re-issued per second, at most")
	fs.BoolVar(&ro.DryRun, "dry-run", false, "list the certificates, change nothing")
	if err := fs.Parse(args); err != nil {
		return helpOK(err)
	}
	opts, err := rf.options()
	if err != nil {
		return err
	}
	cl, inv, err := c.load(ctx)
	if err != nil {
		return err
	}
	targets, err := kncm.RenewTargets(inv, opts)
	if err != nil {
		return err
	}
	text := c.output == "text"
	if text {
		fmt.Fprintf(stdout, "%d certificate(s) chain to the old CA; re-issuing at most %v per second\n", len(targets), ro.Rate)
	}
	res, err := kncm.Renew(ctx, cl, targets, ro, time.Now, func(name, outcome string) {
		if text {
			fmt.Fprintf(stdout, "  %s: %s\n", name, outcome)
		}
	})
	if c.output == "json" {
		if jerr := writeJSON(stdout, res); jerr != nil {
			return jerr
		}
	} else {
		fmt.Fprintf(stdout, "%d triggered, %d already being issued, %d failed; follow with: kn certmanager rotation status\n",
			len(res.Triggered), len(res.AlreadyIssuing), len(res.Failed))
	}
	return err
}

func helpOK(err error) error {
	if errors.Is(err, pflag.ErrHelp) {
		return nil
	}
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
