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

// kn-certmanager checks Knative's cert-manager integration, shows why a
// KCert is not Ready, re-issues certificates and walks an operator through
// a CA rotation. Named kn-certmanager on PATH it is the kn plugin
// "kn certmanager"; it also runs on its own. It acts with the user's
// kubeconfig (--kubeconfig, $KUBECONFIG or ~/.kube/config).
//
// Exit codes: 0 success; 1 the command ran and its verdict is "no" (a
// doctor or check ✗, a KCert not Ready, a rotation not yet safe to finish,
// a certificate that could not be triggered); 2 it could not run (a usage
// error, an unreachable cluster, a KCert that does not exist).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// exitError carries an exit code without printing anything more.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// verdict is exit code 1 when a command's answer is "no".
func verdict(ok bool) error {
	if ok {
		return nil
	}
	return exitError(1)
}

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

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return execute(ctx, newRoot(), args, stdout, stderr)
}

// execute runs the command tree with r's clients (fakes in tests).
func execute(ctx context.Context, r *root, args []string, stdout, stderr io.Writer) error {
	cmd := newRootCommand(r)
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	return cmd.ExecuteContext(ctx)
}

func newRootCommand(r *root) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kn-certmanager",
		Short: "Knative's cert-manager integration: checks, status, renewal and CA rotation",
		Long: `kn-certmanager checks Knative's cert-manager integration, shows why a Knative
certificate (KCert) is not Ready, re-issues certificates and walks you through a
CA rotation. On PATH as kn-certmanager it is the kn plugin "kn certmanager".

Exit codes: 0 success; 1 the verdict is "no" (a ✗ of doctor or check, a KCert
not Ready, a rotation not yet safe to finish, a certificate not triggered);
2 the command could not run (usage, cluster unreachable, no such KCert).`,
		Example: `  kn-certmanager doctor                  # check the prerequisites
  kn certmanager check --wait 2m         # wait until cert-manager's API admits a Certificate
  kn certmanager status my-kcert -n app  # the whole chain of one KCert, and where it waits
  kn certmanager renew --all -n app      # re-issue every KCert's certificate in app
  kn certmanager rotation status         # the steps of a CA rotation, live
  kn certmanager rotation renew          # re-issue the certificates still on the old CA
  kn certmanager version -o yaml`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	r.addFlags(cmd)
	cmd.AddCommand(newDoctorCommand(r), newRotationCommand(r), newStatusCommand(r), newRenewCommand(r),
		newCheckCommand(r), newVersionCommand(r))
	return cmd
}
