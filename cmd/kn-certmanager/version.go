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
	"runtime/debug"

	"github.com/spf13/cobra"

	"knative.dev/net-certmanager/pkg/kncm"
)

// version is set at build time: go build -ldflags "-X main.version=v1.2.3".
var version string

// pluginVersion is this binary's version: the -ldflags one, else the
// module version and VCS revision Go recorded at build time.
type pluginVersion struct {
	Version   string `json:"version"`
	Revision  string `json:"revision,omitempty"`
	Modified  bool   `json:"modified,omitempty"`
	GoVersion string `json:"goVersion"`
}

func readPluginVersion() pluginVersion {
	v := pluginVersion{Version: version}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	v.GoVersion = info.GoVersion
	if v.Version == "" {
		v.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	if v.Version == "" {
		v.Version = "(devel)"
	}
	return v
}

// versions is what version prints.
type versions struct {
	Plugin     pluginVersion           `json:"plugin"`
	Controller *kncm.ControllerVersion `json:"controller,omitempty"`
	// ControllerError says why the cluster could not be asked.
	ControllerError string `json:"controllerError,omitempty"`
}

func newVersionCommand(r *root) *cobra.Command {
	var (
		client bool
		out    *output
	)
	cmd := &cobra.Command{
		Use:   "version",
		Short: "The plugin's version and the controller's in the cluster",
		Long: `version prints this plugin's version and, unless --client, the version and
image of the controller's Deployment in the cluster (its
app.kubernetes.io/version label). A controller run without a Deployment shows
as none. Exits 1 when the cluster cannot be asked.`,
		Example: `  kn certmanager version
  kn certmanager version --client
  kn certmanager version -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := out.validate(); err != nil {
				return err
			}
			v := versions{Plugin: readPluginVersion()}
			if !client {
				cv, err := controllerVersion(cmd, r)
				if err != nil {
					v.ControllerError = err.Error()
				} else {
					v.Controller = &cv
				}
			}
			if ok, err := out.structured(cmd.OutOrStdout(), v); err != nil {
				return err
			} else if !ok {
				printVersions(cmd, v)
			}
			return verdict(v.ControllerError == "")
		},
	}
	cmd.Flags().BoolVar(&client, "client", false, "only the plugin's version; do not ask the cluster")
	out = addOutput(cmd, "text", "json", "yaml")
	return cmd
}

func controllerVersion(cmd *cobra.Command, r *root) (kncm.ControllerVersion, error) {
	cl, err := r.newClients()
	if err != nil {
		return kncm.ControllerVersion{}, err
	}
	return kncm.LoadControllerVersion(cmd.Context(), cl, r.options(nil))
}

func printVersions(cmd *cobra.Command, v versions) {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "kn-certmanager: %s", v.Plugin.Version)
	if v.Plugin.Revision != "" {
		fmt.Fprintf(w, " (revision %s)", v.Plugin.Revision)
	}
	fmt.Fprintf(w, ", %s\n", v.Plugin.GoVersion)
	switch {
	case v.ControllerError != "":
		fmt.Fprintf(w, "controller: unknown: %s\n", v.ControllerError)
	case v.Controller == nil:
	case v.Controller.Deployment == "":
		fmt.Fprintln(w, "controller: no Deployment (it may run outside one)")
	default:
		fmt.Fprintf(w, "controller: Deployment %s, version %s, images %v\n", v.Controller.Deployment, v.Controller.Version, v.Controller.Images)
	}
}
