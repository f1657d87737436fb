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
	"cmp"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/printers"

	"knative.dev/networking/pkg/apis/networking/v1alpha1"

	"knative.dev/net-certmanager/pkg/kncm"
)

// statusList is the structured form of several KCerts' status.
type statusList struct {
	Items []kncm.KCertStatus `json:"items"`
}

func newStatusCommand(r *root) *cobra.Command {
	var (
		sel selection
		out *output
	)
	cmd := &cobra.Command{
		Use:   "status [KCERT]",
		Short: "Why a KCert is (not) Ready: its whole chain; exits 1 unless Ready",
		Long: `status shows, for one Knative certificate (KCert), what cmctl status
certificate shows for a Certificate, plus the Knative side: the KCert's class
and type, its conditions, expiry and published HTTP-01 challenges; which
config-certmanager key chose the issuer, and whether that issuer exists and is
Ready; the cert-manager Certificate (conditions, revision, renewal time); the
CertificateRequest of the newest revision (approved, denied, ready); its ACME
Order and Challenges; the certificate in the Secret; and the step the issuance
waits at, as the controller names it on the KCert.

Without a name it lists the KCerts of the namespace (-n; -A every namespace;
-l to select), one line each, with the step each waits at. Exits 1 unless every
KCert shown is Ready. It reads the Certificate's Secret.`,
		Example: `  kn certmanager status my-kcert -n app
  kn certmanager status my-kcert -n app -o yaml
  kn certmanager status -A
  kn certmanager status -n app -l networking.knative.dev/certificate-type=external-domain -o wide
  kn certmanager status -A -o name`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.validate(); err != nil {
				return err
			}
			if len(args) == 1 && (sel.allNamespaces || sel.selector != "") {
				return fmt.Errorf("a KCert named by name is looked up in one namespace: drop -A and -l")
			}
			ns, cl, err := sel.resolve(r)
			if err != nil {
				return err
			}
			kcerts, err := selectStatusKCerts(cmd, cl, ns, args, sel.selector)
			if err != nil {
				return err
			}
			reader := kncm.NewStatusReader(cmd.Context(), cl, r.options(nil), time.Now())
			list := statusList{Items: []kncm.KCertStatus{}}
			allReady := true
			for _, kc := range kcerts {
				s, err := reader.Status(cmd.Context(), kc)
				if err != nil {
					return err
				}
				list.Items = append(list.Items, s)
				allReady = allReady && s.Ready
			}
			if err := printStatus(cmd.OutOrStdout(), out, len(args) == 1, kcerts, list); err != nil {
				return err
			}
			return verdict(allReady)
		},
	}
	sel.register(cmd)
	out = addOutput(cmd, "text", "json", "yaml", "name", "wide")
	return cmd
}

// selectStatusKCerts gets the one KCert named, or lists those selected.
func selectStatusKCerts(cmd *cobra.Command, cl kncm.Clients, ns string, names []string, selector string) ([]*v1alpha1.Certificate, error) {
	if len(names) == 0 {
		return kncm.ListKCerts(cmd.Context(), cl, ns, selector)
	}
	kc, err := cl.Net.NetworkingV1alpha1().Certificates(ns).Get(cmd.Context(), names[0], metav1.GetOptions{})
	if apierrs.IsNotFound(err) {
		return nil, fmt.Errorf("no KCert %s in namespace %s (KCerts are certificates.networking.internal.knative.dev)", names[0], ns)
	}
	if err != nil {
		return nil, err
	}
	return []*v1alpha1.Certificate{kc}, nil
}

// printStatus writes one KCert's chain, or a table of several, or the
// structured form; -o name prints the KCerts as kubectl names them.
func printStatus(w io.Writer, out *output, single bool, kcerts []*v1alpha1.Certificate, list statusList) error {
	if single && len(list.Items) == 1 {
		if ok, err := out.structured(w, list.Items[0]); ok || err != nil {
			return err
		}
	} else if ok, err := out.structured(w, list); ok || err != nil {
		return err
	}
	switch {
	case out.format == "name":
		p := printers.NamePrinter{}
		for _, kc := range kcerts {
			kc.SetGroupVersionKind(v1alpha1.SchemeGroupVersion.WithKind("Certificate"))
			if err := p.PrintObj(kc, w); err != nil {
				return err
			}
		}
		return nil
	case single && out.format == "text":
		kncm.PrintStatus(w, list.Items[0])
		return nil
	}
	return printStatusTable(w, list.Items, out.format == "wide")
}

// printStatusTable writes one line per KCert, as kubectl get does.
func printStatusTable(w io.Writer, items []kncm.KCertStatus, wide bool) error {
	tw := printers.GetNewTabWriter(w)
	header := "NAMESPACE\tNAME\tREADY\tWAITING AT"
	if wide {
		header += "\tTYPE\tISSUER\tREVISION\tNOT AFTER\tMESSAGE"
	}
	fmt.Fprintln(tw, header)
	for _, s := range items {
		waiting := "-"
		if s.Stuck != nil {
			waiting = s.Stuck.Reason
		}
		fmt.Fprintf(tw, "%s\t%s\t%v\t%s", s.Namespace, s.Name, s.Ready, waiting)
		if wide {
			fmt.Fprintf(tw, "\t%s\t%s\t%s\t%s\t%s", cmp.Or(s.Type, "-"), issuerName(s), revision(s), notAfter(s), stuckMessage(s))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

func issuerName(s kncm.KCertStatus) string {
	if s.Issuer == nil || s.Issuer.Name == "" {
		return "-"
	}
	return s.Issuer.Name
}

func revision(s kncm.KCertStatus) string {
	if s.Certificate == nil || s.Certificate.Revision == nil {
		return "-"
	}
	return fmt.Sprint(*s.Certificate.Revision)
}

func notAfter(s kncm.KCertStatus) string {
	if s.NotAfter == nil {
		return "-"
	}
	return s.NotAfter.UTC().Format(time.RFC3339)
}

func stuckMessage(s kncm.KCertStatus) string {
	if s.Stuck == nil {
		return "-"
	}
	return s.Stuck.Message
}
