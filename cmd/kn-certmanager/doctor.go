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
	"time"

	"github.com/spf13/cobra"

	"knative.dev/net-certmanager/pkg/kncm"
)

// inventoryFlags are those of the commands that read the whole inventory.
type inventoryFlags struct {
	out     *output
	timeout time.Duration
}

func addInventoryFlags(cmd *cobra.Command) *inventoryFlags {
	f := &inventoryFlags{out: addOutput(cmd, "text", "json", "yaml")}
	cmd.Flags().DurationVar(&f.timeout, "timeout", time.Minute, "timeout for reading the cluster")
	return f
}

// load reads the inventory of the namespaces -n lists (default: all).
func (f *inventoryFlags) load(ctx context.Context, r *root) (kncm.Clients, *kncm.Inventory, error) {
	if err := f.out.validate(); err != nil {
		return kncm.Clients{}, nil, err
	}
	cl, err := r.newClients()
	if err != nil {
		return cl, nil, err
	}
	lctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	inv, err := kncm.Load(lctx, cl, r.options(r.namespaceList()), time.Now())
	return cl, inv, err
}

func newDoctorCommand(r *root) *cobra.Command {
	var f *inventoryFlags
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the prerequisites; exits 1 on any ✗",
		Long: `doctor checks what Knative's cert-manager integration needs: cert-manager's API
(a dry-run create of a Certificate, as check does), config-certmanager, each
referenced issuer, the controller, the class handover with Knative Serving, our
validation webhook and the trust bundles. Each ✗ comes with a fix.

-n NS[,NS] limits the KCerts and trust bundles looked at (default: all KCerts;
the bundles of knative-serving, the ingress namespaces and every namespace with
KCerts). Exits 1 on any ✗.`,
		Example: `  kn certmanager doctor
  kn certmanager doctor -n app,knative-serving -o json
  kn certmanager doctor --certificate-class cert-manager.certificate.networking.knative.dev`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, inv, err := f.load(cmd.Context(), r)
			if err != nil {
				return err
			}
			rep := kncm.Doctor(inv, r.options(r.namespaceList()), time.Now())
			return printReport(cmd, f.out, rep)
		},
	}
	f = addInventoryFlags(cmd)
	return cmd
}

// printReport prints a doctor or check report; a ✗ is exit 1.
func printReport(cmd *cobra.Command, out *output, rep kncm.DoctorReport) error {
	if ok, err := out.structured(cmd.OutOrStdout(), rep); err != nil {
		return err
	} else if !ok {
		kncm.PrintDoctor(cmd.OutOrStdout(), rep)
	}
	return verdict(rep.OK)
}
