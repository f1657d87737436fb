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
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"knative.dev/net-certmanager/pkg/kncm"
)

// selection is how status and renew pick KCerts: by name in -n's
// namespace, or by -l selector (and --all) in it or in every namespace (-A).
type selection struct {
	allNamespaces bool
	selector      string
}

func (s *selection) register(cmd *cobra.Command) {
	cmd.Flags().BoolVarP(&s.allNamespaces, "all-namespaces", "A", false, "KCerts of every namespace")
	cmd.Flags().StringVarP(&s.selector, "selector", "l", "", "label selector of the KCerts, e.g. networking.knative.dev/certificate-type=external-domain")
}

// namespace is where to look: every namespace with -A, else -n or the
// kubeconfig context's.
func (s *selection) namespace(r *root) (string, error) {
	if s.allNamespaces {
		return metav1.NamespaceAll, nil
	}
	return r.namespace()
}

// resolve returns the namespace to look in and the clients to look with.
func (s *selection) resolve(r *root) (string, kncm.Clients, error) {
	ns, err := s.namespace(r)
	if err != nil {
		return "", kncm.Clients{}, err
	}
	cl, err := r.newClients()
	return ns, cl, err
}

func newRenewCommand(r *root) *cobra.Command {
	var (
		sel selection
		all bool
		ro  kncm.RenewOptions
		out *output
	)
	cmd := &cobra.Command{
		Use:   "renew (KCERT... | --all | -l SELECTOR)",
		Short: "Re-issue KCerts' certificates now, as cmctl renew does",
		Long: `renew triggers the re-issuance of the cert-manager Certificate of each KCert
named, or of every KCert (--all) or those matching -l, in the namespace (-n, or
every namespace with -A). It sets the Certificate's Issuing condition, as cmctl
renew does, and only on a Certificate the KCert controls. Exits 1 if any could
not be triggered.`,
		Example: `  kn certmanager renew my-kcert -n app
  kn certmanager renew --all -n app --dry-run
  kn certmanager renew -A -l networking.knative.dev/certificate-type=system-internal --rate 2 -o yaml`,
		RunE: func(cmd *cobra.Command, names []string) error {
			if err := out.validate(); err != nil {
				return err
			}
			if n := countTrue(len(names) > 0, all, sel.selector != ""); n != 1 {
				return errors.New("name KCerts, or pass --all or -l SELECTOR (exactly one of them)")
			}
			if len(names) > 0 && sel.allNamespaces {
				return errors.New("KCerts named by name are looked up in one namespace: drop -A")
			}
			ns, cl, err := sel.resolve(r)
			if err != nil {
				return err
			}
			targets, skipped, err := kncm.SelectKCerts(cmd.Context(), cl, ns, names, sel.selector)
			if err != nil {
				return err
			}
			return renew(cmd, cl, targets, skipped, ro, out, fmt.Sprintf("%d KCert(s) selected", len(targets)), "kn certmanager status")
		},
	}
	sel.register(cmd)
	cmd.Flags().BoolVar(&all, "all", false, "every KCert of the namespace (with -A: of the cluster)")
	cmd.Flags().Float64Var(&ro.Rate, "rate", 5, "certificates re-issued per second, at most")
	cmd.Flags().BoolVar(&ro.DryRun, "dry-run", false, "list the certificates, change nothing")
	out = addOutput(cmd, "text", "json", "yaml")
	return cmd
}

func countTrue(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// renew triggers the targets and prints the outcome; a certificate that
// could not be triggered is exit 1.
func renew(cmd *cobra.Command, cl kncm.Clients, targets []kncm.KCertInfo, skipped []string, ro kncm.RenewOptions, out *output, what, follow string) error {
	w := cmd.OutOrStdout()
	text := out.format == "text"
	if text {
		fmt.Fprintf(w, "%s; re-issuing at most %v per second\n", what, ro.Rate)
		for _, s := range skipped {
			fmt.Fprintf(w, "  %s (skipped)\n", s)
		}
	}
	res, err := kncm.Renew(cmd.Context(), cl, targets, ro, func(name, outcome string) {
		if text {
			fmt.Fprintf(w, "  %s: %s\n", name, outcome)
		}
	})
	res.Skipped = skipped
	if ok, perr := out.structured(w, res); perr != nil {
		return perr
	} else if !ok {
		fmt.Fprintf(w, "%d triggered, %d already being issued, %d failed; follow with: %s\n",
			len(res.Triggered), len(res.AlreadyIssuing), len(res.Failed), follow)
	}
	if err != nil && len(res.Failed) > 0 {
		fmt.Fprintln(cmd.ErrOrStderr(), "Error:", err)
		return exitError(1)
	}
	return err
}
