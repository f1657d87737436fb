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
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"

	"k8s.io/klog/v2/textlogger"
)

// HTTP-01 on loopback, unprivileged. Both validators fetch
// http://<name>/.well-known/acme-challenge/<token>, on port 80, which only
// root may bind. Neither gets port 80 here:
//   - Pebble takes the port to validate on (its httpPort): the minimal
//     ingress's HTTP port; it resolves the name with the tiny name server
//     (names.go), which answers loopback.
//   - cert-manager's self-check always dials port 80, but its client honours
//     the process's proxy settings (net/http.ProxyFromEnvironment). With
//     Serving, localenv sets HTTP_PROXY to the minimal ingress, which routes
//     an absolute-form request by its Host as it routes any other.
// Either way the request goes through the ingress and so only follows the
// KIngress rules Serving writes.

// pebbleDefaultHTTPPort is Pebble's own default HTTP-01 port, used without
// Serving: nothing listens there, so challenges stay pending.
const pebbleDefaultHTTPPort = 5002

// openIngressHTTP opens the minimal ingress's HTTP listener before Pebble
// starts (Pebble must know its port) and makes this process's plain-HTTP
// requests to non-loopback hosts (cert-manager's self-check) go through it.
func (s *ServingEnv) openIngressHTTP() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	if err := proxyHTTPThrough(ln.Addr().String()); err != nil {
		_ = ln.Close()
		return err
	}
	s.httpLn = ln
	return nil
}

// proxyHTTPThrough sets HTTP_PROXY to addr. net/http reads the proxy
// settings once per process, so this must come before the first request
// that consults them (any client-go request does): it fails if too late.
func proxyHTTPThrough(addr string) error {
	if err := os.Setenv("HTTP_PROXY", "http://"+addr); err != nil {
		return err
	}
	probe := &http.Request{URL: &url.URL{Scheme: "http", Host: "probe." + DefaultServingDomain}}
	got, err := http.ProxyFromEnvironment(probe)
	if err != nil || got == nil || got.Host != addr {
		return fmt.Errorf("cert-manager's HTTP-01 self-check cannot reach the minimal ingress: this process read its proxy settings (%v, %v) before localenv set HTTP_PROXY=http://%s; start the Serving environment before any HTTP request, or unset NO_PROXY for %s", got, err, addr, DefaultServingDomain)
	}
	return nil
}

// pebbleHTTPPort is the port Pebble validates HTTP-01 challenges on.
func (e *Env) pebbleHTTPPort() int {
	if e.Serving != nil && e.Serving.httpLn != nil {
		return e.Serving.httpLn.Addr().(*net.TCPAddr).Port
	}
	return pebbleDefaultHTTPPort
}

// nameZones are the zones the name server answers: the test zone and the
// Serving domain.
func (e *Env) nameZones() []string {
	zones := []string{TestDNSZone}
	if e.Serving != nil {
		if _, in := zoneOf(e.Serving.opts.Domain+".", zones); !in {
			zones = append(zones, e.Serving.opts.Domain+".")
		}
	}
	return zones
}

// startSolvers runs cert-manager's HTTP-01 solver for every solver Pod
// (solvers.go); their log is acme-solver.log, the requests they saw
// ACMESolverRequestsFile.
func (e *Env) startSolvers() (*solverRunner, error) {
	logOut, err := e.logFile("acme-solver.log")
	if err != nil {
		return nil, err
	}
	reqOut, err := os.OpenFile(filepath.Join(e.WorkDir, ACMESolverRequestsFile), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	e.logFiles = append(e.logFiles, reqOut)
	log := textlogger.NewLogger(textlogger.NewConfig(textlogger.Output(logOut), textlogger.Verbosity(2)))
	return startSolverRunner(e.AdminConfig, e.EgressProxy, log, &solverRequestLog{out: reqOut})
}
