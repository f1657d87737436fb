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

package localenv

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// startControlPlane starts etcd and kube-apiserver (through the wrappers of
// wrap.go) with RBAC and the egress proxy, and installs the CRDs.
func (e *Env) startControlPlane() error {
	crds, err := crdPaths()
	if err != nil {
		return fmt.Errorf("locating CRDs: %w", err)
	}
	if e.opts.DeferCertManager {
		// The first is Knative's Certificate CRD; the rest are cert-manager's.
		crds, e.cmCRDPaths = crds[:1], crds[1:]
	}
	etcdLog, err := e.logFile("etcd.log")
	if err != nil {
		return err
	}
	apiLog, err := e.logFile("kube-apiserver.log")
	if err != nil {
		return err
	}
	// State lives in the work directory rather than in fresh temporary
	// directories, so that a killed run leaves nothing elsewhere and the next
	// run starts clean.
	runDir := filepath.Join(e.WorkDir, "run")
	if err := os.RemoveAll(runDir); err != nil {
		return err
	}
	etcdDir, certDir := filepath.Join(runDir, "etcd"), filepath.Join(runDir, "certs")
	wrapDir := filepath.Join(runDir, "wrap")
	for _, d := range []string{etcdDir, certDir, wrapDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
	}
	if err := makeWrapperDir(wrapDir, e.opts.AssetsDir); err != nil {
		return err
	}
	api := &envtest.APIServer{Path: filepath.Join(wrapDir, "kube-apiserver"), CertDir: certDir, Out: apiLog, Err: apiLog}
	api.Configure().
		Set("authorization-mode", "RBAC").
		Set("advertise-address", "127.0.0.1")
	if e.EgressProxy != nil {
		egressFile := filepath.Join(runDir, "egress-selector.yaml")
		if err := os.WriteFile(egressFile, egressSelectorConfig(e.EgressProxy.Socket()), 0o600); err != nil {
			return err
		}
		api.Configure().Set("egress-selector-config-file", egressFile)
	}
	if e.Serving != nil {
		servingCRDs, err := e.Serving.configureControlPlane(api, runDir)
		if err != nil {
			return err
		}
		crds = append(crds, servingCRDs...)
	}
	e.testEnv = &envtest.Environment{
		ControlPlane: envtest.ControlPlane{
			APIServer: api,
			Etcd:      &envtest.Etcd{Path: filepath.Join(wrapDir, "etcd"), DataDir: etcdDir, Out: etcdLog, Err: etcdLog},
		},
		CRDInstallOptions:        envtest.CRDInstallOptions{Paths: crds, ErrorIfPathMissing: true},
		ErrorIfCRDPathMissing:    true,
		UseExistingCluster:       ptr.To(false),
		ControlPlaneStartTimeout: e.opts.Timeout,
		ControlPlaneStopTimeout:  30 * time.Second,
	}
	// The wrapped binaries tie their parent-death signal to the thread that
	// forks them (wrap.go): the launcher's.
	e.launcher.Do(func() { _, err = e.testEnv.Start() })
	if err != nil {
		return fmt.Errorf("starting control plane (logs in %s): %w", e.LogDir, err)
	}
	return nil
}
