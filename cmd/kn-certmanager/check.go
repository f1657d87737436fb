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
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"knative.dev/net-certmanager/pkg/kncm"
)

// checkInterval is how often check --wait asks again.
const checkInterval = 2 * time.Second

func newCheckCommand(r *root) *cobra.Command {
	var (
		wait    time.Duration
		webhook bool
		out     *output
	)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Prove cert-manager's API works end to end; exits 1 if not",
		Long: `check creates a cert-manager Certificate as a server-side dry run (nothing is
stored), as cmctl check api does: unlike a look at the CRDs, the create runs
through admission, so it proves cert-manager's API is served and its webhook
answers. It also checks, unless --webhook=false, that net-certmanager's own
validation webhook answers (a dry-run change of config-certmanager it must
reject). With --wait it asks again every 2s until both pass or the time is up.
The dry run is made in the namespace of -n (default: the kubeconfig context's).`,
		Example: `  kn certmanager check
  kn certmanager check --wait 2m
  kn certmanager check -n app --webhook=false -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := out.validate(); err != nil {
				return err
			}
			ns, err := r.namespace()
			if err != nil {
				return err
			}
			cl, err := r.newClients()
			if err != nil {
				return err
			}
			deadline := time.Now().Add(wait)
			for {
				rep := kncm.CheckAPI(cmd.Context(), cl, r.options(nil), ns, webhook)
				if rep.OK || !time.Now().Add(checkInterval).Before(deadline) {
					return printReport(cmd, out, rep)
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "not ready yet (%s left): %s\n", time.Until(deadline).Round(time.Second), firstFailure(rep))
				select {
				case <-cmd.Context().Done():
					return cmd.Context().Err()
				case <-time.After(checkInterval):
				}
			}
		},
	}
	cmd.Flags().DurationVar(&wait, "wait", 0, "keep checking for this long until everything passes (e.g. 2m)")
	cmd.Flags().BoolVar(&webhook, "webhook", true, "also check net-certmanager's validation webhook")
	out = addOutput(cmd, "text", "json", "yaml")
	return cmd
}

func firstFailure(rep kncm.DoctorReport) string {
	for _, c := range rep.Checks {
		if !c.OK {
			return c.Name + ": " + c.Detail
		}
	}
	return ""
}
