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
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	cmclientset "github.com/cert-manager/cert-manager/pkg/client/clientset/versioned"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"

	netclientset "knative.dev/networking/pkg/client/clientset/versioned"

	"knative.dev/net-certmanager/pkg/kncm"
)

// root holds what every command shares: kubectl's kubeconfig flags
// (--kubeconfig, --context, -n, ...) and where our components live.
type root struct {
	config           *kubeFlags
	system           string
	clusterNS        string
	certificateClass string
	// newClients makes the clients; tests put fakes in its place.
	newClients func() (kncm.Clients, error)
}

func newRoot() *root {
	r := &root{config: newKubeFlags()}
	r.newClients = r.clients
	return r
}

func (r *root) addFlags(cmd *cobra.Command) {
	fs := cmd.PersistentFlags()
	r.config.AddFlags(fs)
	fs.StringVar(&r.system, "system-namespace", "knative-serving", "namespace of config-certmanager and the controller")
	fs.StringVar(&r.clusterNS, "cluster-resource-namespace", "cert-manager", "cert-manager's cluster resource namespace (Secrets of CA ClusterIssuers)")
	fs.StringVar(&r.certificateClass, "certificate-class", "", "the class the controller serves (default: read from its Deployment's --certificate-class or CERTIFICATE_CLASS, else the built-in default)")
}

// options are kncm's options; namespaces limits the KCerts and bundles.
func (r *root) options(namespaces []string) kncm.Options {
	o := kncm.DefaultOptions()
	o.SystemNamespace = r.system
	o.ClusterResourceNamespace = r.clusterNS
	o.Namespaces = namespaces
	o.CertificateClass = r.certificateClass
	return o
}

func (r *root) clients() (kncm.Clients, error) {
	cfg, err := r.config.clientConfig().ClientConfig()
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

// namespaceList is -n as doctor and rotation read it: a comma-separated
// list, none meaning every namespace.
func (r *root) namespaceList() []string {
	if r.config.overrides.Context.Namespace == "" {
		return nil
	}
	return strings.Split(r.config.overrides.Context.Namespace, ",")
}

// namespace is -n as kubectl reads it: else the kubeconfig context's.
func (r *root) namespace() (string, error) {
	ns, _, err := r.config.clientConfig().Namespace()
	if err != nil {
		return "", fmt.Errorf("kubeconfig: %w", err)
	}
	return ns, nil
}

// kubeFlags are kubectl's kubeconfig flags, from client-go's clientcmd
// (what cli-runtime's ConfigFlags wraps, without its resource builder,
// which would bring kustomize and its 3.4 MB OpenAPI document into vendor/).
type kubeFlags struct {
	loading   *clientcmd.ClientConfigLoadingRules
	overrides clientcmd.ConfigOverrides
}

func newKubeFlags() *kubeFlags {
	return &kubeFlags{loading: clientcmd.NewDefaultClientConfigLoadingRules()}
}

// AddFlags adds --kubeconfig and kubectl's overrides: --context, --cluster,
// --user, -n/--namespace, --server, --token, --as, --as-group, ...
func (k *kubeFlags) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&k.loading.ExplicitPath, clientcmd.RecommendedConfigPathFlag, "", "path to the kubeconfig file to use")
	clientcmd.BindOverrideFlags(&k.overrides, fs, clientcmd.RecommendedConfigOverrideFlags(""))
}

func (k *kubeFlags) clientConfig() clientcmd.ClientConfig {
	return clientcmd.NewNonInteractiveDeferredLoadingClientConfig(k.loading, &k.overrides)
}

// output is the -o flag of a command, checked against the formats it has.
type output struct {
	format  string
	allowed []string
}

func addOutput(cmd *cobra.Command, allowed ...string) *output {
	o := &output{format: allowed[0], allowed: allowed}
	cmd.Flags().StringVarP(&o.format, "output", "o", o.format, "output format: "+strings.Join(allowed, ", "))
	return o
}

func (o *output) validate() error {
	if !slices.Contains(o.allowed, o.format) {
		return fmt.Errorf("-o %q: want %s", o.format, strings.Join(o.allowed, ", "))
	}
	return nil
}

// structured writes v as JSON or YAML and says whether the format was one.
func (o *output) structured(w io.Writer, v any) (bool, error) {
	switch o.format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return true, enc.Encode(v)
	case "yaml":
		b, err := yaml.Marshal(v)
		if err != nil {
			return true, err
		}
		_, err = w.Write(b)
		return true, err
	}
	return false, nil
}
