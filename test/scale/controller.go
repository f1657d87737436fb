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
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"knative.dev/net-certmanager/test/childproc"
	"knative.dev/net-certmanager/test/localenv"
)

// controllerProc is one run of the controller binary.
type controllerProc struct {
	proc *childproc.Process
	log  string
	tail *logTail
	// metricsPort serves its Prometheus metrics, profilingPort its pprof
	// handlers (when config-observability turns them on).
	metricsPort, profilingPort int
}

func (c *controllerProc) pid() int { return c.proc.Pid() }

func (c *controllerProc) exited() bool { return c.proc.Exited() }

// startController runs the controller binary through the counting proxy,
// with its log in the environment's log directory.
func (h *harness) startController() error {
	c, err := h.launchController("net-certmanager-controller-bench")
	if err == nil {
		h.ctrl = c
	}
	return err
}

// launchController runs one controller process, a replica of the given
// pod name, on free ports: several can run at once, next to other local
// environments.
func (h *harness) launchController(podName string) (*controllerProc, error) {
	h.starts++
	logPath := filepath.Join(h.env.LogDir, fmt.Sprintf("controller-%d.log", h.starts))
	out, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	var ports [3]int
	for i := range ports {
		if ports[i], err = childproc.FreePort(); err != nil {
			_ = out.Close()
			return nil, err
		}
	}
	cmd := exec.Command(h.o.controller)
	cmd.Env = append(os.Environ(),
		"SYSTEM_NAMESPACE="+localenv.SystemNamespace,
		"KUBECONFIG="+h.kubeconfig,
		"POD_NAME="+podName,
		"PROFILING_PORT="+strconv.Itoa(ports[0]),
		"PROBES_PORT="+strconv.Itoa(ports[1]),
		"METRICS_PROMETHEUS_PORT="+strconv.Itoa(ports[2]),
		"KUBE_API_QPS="+strconv.FormatFloat(h.o.qps, 'f', -1, 64),
		"KUBE_API_BURST="+strconv.Itoa(h.o.burst),
	)
	if h.o.workers > 0 {
		cmd.Env = append(cmd.Env, "RECONCILE_WORKERS="+strconv.Itoa(h.o.workers))
	}
	cmd.Stdout, cmd.Stderr = out, out
	p, err := h.launcher.Start(cmd)
	if err != nil {
		_ = out.Close()
		return nil, err
	}
	go func() { <-p.Done(); _ = out.Close() }()
	return &controllerProc{proc: p, log: logPath, tail: newLogTail(logPath), metricsPort: ports[2], profilingPort: ports[0]}, nil
}

// stopController stops the running controller: SIGTERM, SIGKILL after 20 s.
func (h *harness) stopController() {
	if h.ctrl == nil || h.ctrl.exited() {
		return
	}
	_ = h.ctrl.proc.Stop(20 * time.Second)
}
