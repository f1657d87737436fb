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
	"os/exec"
	"strconv"
	"time"

	"knative.dev/net-certmanager/test/childproc"
)

// startChild starts cmd through the launcher (its own process group, killed
// if localenv dies) with its output to out.
func (e *Env) startChild(what string, cmd *exec.Cmd, out *os.File) (*childproc.Process, error) {
	cmd.Stdout, cmd.Stderr = out, out
	p, err := e.launcher.Start(cmd)
	if err != nil {
		return nil, fmt.Errorf("starting %s: %w", what, err)
	}
	return p, nil
}

// stopChild ends a child and its process group: SIGTERM, SIGKILL after
// 10 s. A nil child is not running.
func (e *Env) stopChild(what string, p *childproc.Process) error {
	if p == nil {
		return nil
	}
	e.step("stopping %s (pid %d)", what, p.Pid())
	if err := p.Stop(10 * time.Second); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// startController runs the controller binary impersonating its
// ServiceAccount, on free loopback ports.
func (e *Env) startController() error {
	out, err := e.logFile("controller.log")
	if err != nil {
		return err
	}
	port, err := childproc.FreePort()
	if err != nil {
		return err
	}
	if e.ControllerProbesPort, err = childproc.FreePort(); err != nil {
		return err
	}
	if e.ControllerMetricsPort, err = childproc.FreePort(); err != nil {
		return err
	}
	cmd := exec.Command(e.opts.ControllerBinary, e.opts.ControllerArgs...)
	cmd.Env = childEnv(append([]string{
		"SYSTEM_NAMESPACE=" + SystemNamespace,
		"KUBECONFIG=" + e.ControllerKubeconfig,
		"POD_NAME=net-certmanager-controller-localenv",
		// sharedmain's profiling server otherwise binds :8008.
		"PROFILING_PORT=" + strconv.Itoa(port),
		// Likewise the probes (:8080) and Prometheus metrics (:9090).
		"PROBES_PORT=" + strconv.Itoa(e.ControllerProbesPort),
		"METRICS_PROMETHEUS_PORT=" + strconv.Itoa(e.ControllerMetricsPort),
	}, e.opts.ControllerEnv...)...)
	if e.controller, err = e.startChild("controller", cmd, out); err != nil {
		return err
	}
	e.ControllerPID = e.controller.Pid()
	// Fail early if it dies at once (bad binary, bad flags).
	select {
	case <-e.controller.Done():
		return fmt.Errorf("controller exited at once: %v (see %s)", cmd.ProcessState, out.Name())
	case <-time.After(time.Second):
	}
	e.step("controller %s started (pid %d, log %s)", e.opts.ControllerBinary, e.ControllerPID, out.Name())
	return nil
}

// ControllerExited is closed when the controller child exits; nil if no
// controller was started.
func (e *Env) ControllerExited() <-chan struct{} {
	if e.controller == nil {
		return nil
	}
	return e.controller.Done()
}
