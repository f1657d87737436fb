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
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// InstallCertManager finishes an environment started with
// DeferCertManager: it installs cert-manager's CRDs, starts Pebble and
// cert-manager, and creates the issuers, as Start does otherwise.
func (e *Env) InstallCertManager(ctx context.Context) error {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	if !e.opts.DeferCertManager || e.ap == nil {
		return errors.New("InstallCertManager: the environment was not started with DeferCertManager")
	}
	if e.certMgr != nil {
		return errors.New("InstallCertManager: cert-manager is already installed")
	}
	if _, err := envtest.InstallCRDs(e.AdminConfig, envtest.CRDInstallOptions{Paths: e.cmCRDPaths, ErrorIfPathMissing: true}); err != nil {
		return fmt.Errorf("installing cert-manager CRDs: %w", err)
	}
	e.step("cert-manager CRDs installed (%d files)", len(e.cmCRDPaths))
	return e.runCertManager(ctx)
}

// StopAPIServer stops kube-apiserver and leaves etcd running, to simulate
// an API server restart or outage; StartAPIServer brings it back on the
// same address with the same certificates, so clients reconnect as they
// would to a restarted API server.
func (e *Env) StopAPIServer() error {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	if e.testEnv == nil || e.apiStopped {
		return errors.New("StopAPIServer: kube-apiserver is not running")
	}
	// kube-apiserver's graceful shutdown with many open watches can take
	// longer than envtest waits; give it a few seconds, then kill it, as a
	// crash would. envtest then only reaps it.
	api := e.testEnv.ControlPlane.APIServer
	pids := processesWithArg("--cert-dir=" + api.CertDir)
	for _, pid := range pids {
		_ = syscall.Kill(pid, syscall.SIGTERM)
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range pids {
		for time.Now().Before(deadline) && syscall.Kill(pid, 0) == nil && !isZombie(pid) {
			time.Sleep(100 * time.Millisecond)
		}
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	var err error
	e.launcher.Do(func() { err = api.Stop() })
	if err != nil {
		return fmt.Errorf("stopping kube-apiserver: %w", err)
	}
	e.apiStopped = true
	e.step("kube-apiserver stopped (etcd keeps running)")
	return nil
}

// StartAPIServer starts kube-apiserver again after StopAPIServer and
// returns once it is healthy.
func (e *Env) StartAPIServer() error {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	if e.testEnv == nil || !e.apiStopped {
		return errors.New("StartAPIServer: kube-apiserver was not stopped")
	}
	var err error
	e.launcher.Do(func() { err = e.testEnv.ControlPlane.APIServer.Start() })
	if err != nil {
		return fmt.Errorf("starting kube-apiserver (log in %s): %w", e.LogDir, err)
	}
	e.apiStopped = false
	e.step("kube-apiserver started again at %s", e.AdminConfig.Host)
	return nil
}

// processesWithArg returns the PIDs whose command line has arg.
func processesWithArg(arg string) []int {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var pids []int
	for _, d := range dirs {
		cmdline, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil {
			continue
		}
		for _, a := range bytes.Split(cmdline, []byte{0}) {
			if string(a) == arg {
				if pid, err := strconv.Atoi(filepath.Base(d)); err == nil {
					pids = append(pids, pid)
				}
				break
			}
		}
	}
	return pids
}

// isZombie says whether a process has exited and awaits its reaping.
func isZombie(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	// The state follows the parenthesised command name.
	if i := strings.LastIndexByte(string(stat), ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] == 'Z'
	}
	return false
}
