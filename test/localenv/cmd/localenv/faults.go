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
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"knative.dev/net-certmanager/test/localenv"
)

// Files in the work directory through which scripts and e2e tests follow
// the requests they make with signals.
const (
	// CertManagerReadyFile is written once SIGUSR1 has installed cert-manager.
	certManagerReadyFile = "cert-manager-ready"
	// APIServerStoppedFile exists while kube-apiserver is stopped (SIGUSR2).
	apiServerStoppedFile = "apiserver-stopped"
	// APIServerStartedFile is written when a second SIGUSR2 has started
	// kube-apiserver again and it is healthy.
	apiServerStartedFile = "apiserver-started"
	// FaultErrorFile receives the error of a failed request.
	faultErrorFile = "fault-error"
)

// handleFaultSignals serves the requests e2e tests make of a running
// environment: SIGUSR1 installs cert-manager (with --defer-cert-manager),
// SIGUSR2 stops kube-apiserver, keeping etcd, and the next SIGUSR2 starts it
// again. Each writes a file in the work directory when done.
func handleFaultSignals(ctx context.Context, env *localenv.Env) {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGUSR1, syscall.SIGUSR2)
	file := func(name string) string { return filepath.Join(env.WorkDir, name) }
	report := func(err error) {
		fmt.Fprintf(os.Stderr, "localenv: %v\n", err)
		_ = os.WriteFile(file(faultErrorFile), []byte(err.Error()+"\n"), 0o644)
	}
	stamp := func() []byte { return []byte(time.Now().UTC().Format(time.RFC3339Nano) + "\n") }
	go func() {
		stopped := false
		for {
			select {
			case <-ctx.Done():
				signal.Stop(sigs)
				return
			case sig := <-sigs:
				switch sig {
				case syscall.SIGUSR1:
					if err := env.InstallCertManager(ctx); err != nil {
						report(err)
						continue
					}
					_ = os.WriteFile(file(certManagerReadyFile), stamp(), 0o644)
				case syscall.SIGUSR2:
					if !stopped {
						if err := env.StopAPIServer(); err != nil {
							report(err)
							continue
						}
						stopped = true
						_ = os.Remove(file(apiServerStartedFile))
						_ = os.WriteFile(file(apiServerStoppedFile), stamp(), 0o644)
						continue
					}
					if err := env.StartAPIServer(); err != nil {
						report(err)
						continue
					}
					stopped = false
					_ = os.Remove(file(apiServerStoppedFile))
					_ = os.WriteFile(file(apiServerStartedFile), stamp(), 0o644)
				}
			}
		}
	}()
}
