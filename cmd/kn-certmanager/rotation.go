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
	"crypto/x509"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"knative.dev/net-certmanager/pkg/kncm"
	"knative.dev/net-certmanager/pkg/trust"
)

func newRotationCommand(r *root) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rotation",
		Short: "Walk through a CA rotation: status, renew",
		Long: `rotation follows the 9 steps of rotating the CA that signs Knative's
certificates: add the new CA to the trust bundles, switch the issuers, re-issue
the certificates, wait out a grace period, then remove the old CA.`,
		Example: `  kn certmanager rotation status
  kn certmanager rotation renew --dry-run`,
		// A missing or unknown subcommand is a usage error, not help.
		Args: cobra.ArbitraryArgs,
		RunE: func(_ *cobra.Command, args []string) error {
			return fmt.Errorf("unknown command %q: want rotation status or rotation renew", strings.TrimSpace("rotation "+strings.Join(args, " ")))
		},
	}
	cmd.AddCommand(newRotationStatusCommand(r), newRotationRenewCommand(r))
	return cmd
}

// rotationFlags are shared by status and renew.
type rotationFlags struct {
	newCA, oldCA string
	grace        time.Duration
}

func (rf *rotationFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&rf.newCA, "new-ca", "", "PEM file of the new CA(s) (default: what the CA issuers sign with, from their Secrets)")
	fs.StringVar(&rf.oldCA, "old-ca", "", "PEM file of the CA(s) being retired (default: every other CA of the current certificates and the bundles)")
}

func (rf *rotationFlags) options() (kncm.RotationOptions, error) {
	o := kncm.RotationOptions{Grace: rf.grace}
	var err error
	if o.NewCAs, err = readCAs(rf.newCA, false); err != nil {
		return o, err
	}
	o.OldCAs, err = readCAs(rf.oldCA, true)
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

func newRotationStatusCommand(r *root) *cobra.Command {
	var (
		f  *inventoryFlags
		rf rotationFlags
	)
	cmd := &cobra.Command{
		Use:   "status",
		Short: "The 9 steps of a CA rotation, live; exits 1 until the old CA can go",
		Long: `rotation status judges each step of a CA rotation from the cluster and ends
with a verdict: whether the old CA can be removed from the trust bundles. It
exits 1 until it can, so a script can wait on it.`,
		Example: `  kn certmanager rotation status
  kn certmanager rotation status -n app --grace 10m -o json
  kn certmanager rotation status --new-ca new-ca.pem --old-ca old-ca.pem`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ro, err := rf.options()
			if err != nil {
				return err
			}
			_, inv, err := f.load(cmd.Context(), r)
			if err != nil {
				return err
			}
			rep := kncm.Rotation(inv, r.options(r.namespaceList()), ro, time.Now())
			if ok, err := f.out.structured(cmd.OutOrStdout(), rep); err != nil {
				return err
			} else if !ok {
				kncm.PrintRotation(cmd.OutOrStdout(), rep)
			}
			return verdict(rep.SafeToRemoveOldCA)
		},
	}
	f = addInventoryFlags(cmd)
	rf.register(cmd.Flags())
	cmd.Flags().DurationVar(&rf.grace, "grace", 2*time.Minute, "how long the old CA stays trusted after the last certificate moved to the new CA (step 8)")
	return cmd
}

func newRotationRenewCommand(r *root) *cobra.Command {
	var (
		f  *inventoryFlags
		rf rotationFlags
		ro kncm.RenewOptions
	)
	cmd := &cobra.Command{
		Use:   "renew",
		Short: "Re-issue the certificates still on the old CA",
		Long: `rotation renew re-issues, as cmctl renew does, every KCert's certificate that
does not chain to the new CA yet, at most --rate per second. Exits 1 if any
could not be triggered.`,
		Example: `  kn certmanager rotation renew --dry-run
  kn certmanager rotation renew -n app --rate 10`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, err := rf.options()
			if err != nil {
				return err
			}
			cl, inv, err := f.load(cmd.Context(), r)
			if err != nil {
				return err
			}
			targets, err := kncm.RenewTargets(inv, opts)
			if err != nil {
				return err
			}
			return renew(cmd, cl, targets, nil, ro, f.out,
				fmt.Sprintf("%d certificate(s) chain to the old CA", len(targets)), "kn certmanager rotation status")
		},
	}
	f = addInventoryFlags(cmd)
	rf.register(cmd.Flags())
	cmd.Flags().Float64Var(&ro.Rate, "rate", 5, "certificates re-issued per second, at most")
	cmd.Flags().BoolVar(&ro.DryRun, "dry-run", false, "list the certificates, change nothing")
	return cmd
}
