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

// Command bench-scale measures net-certmanager at scale on the local control
// plane (test/localenv) with cert-manager's CA issuer: throughput, added
// latency, API requests by verb and resource, RSS and CPU, writes on a no-op
// resync and on a restart (a gate: they must be zero), the raw create rate
// at the same client QPS, memory with many unrelated objects, and the
// rollout of an issuer change. See BENCHMARKS.md and hack/bench-scale.sh.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"
)

type options struct {
	n          int
	qps        float64
	burst      int
	workers    int
	trickle    int
	unrelated  int
	controller string
	configDir  string
	workDir    string
	out        string
	timeout    time.Duration
	skipRaw    bool
	skipRoll   bool
	// The burst's write budget (gates).
	maxWritesPerKCert float64
	maxRefusedPer1000 float64
	// replicas whose metrics series are counted at the end.
	replicas int
	// heapProfiles is where the controller's heap profiles go; "" takes none.
	heapProfiles string
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 100, "number of Knative Certificates (mixed types)")
	flag.Float64Var(&o.qps, "qps", 50, "controller client QPS (KUBE_API_QPS); also used for the raw create rate")
	flag.IntVar(&o.burst, "burst", 100, "controller client burst (KUBE_API_BURST)")
	flag.IntVar(&o.workers, "workers", 0, "controller reconcile workers (RECONCILE_WORKERS); 0 keeps the controller's default")
	flag.IntVar(&o.trickle, "trickle", 20, "KCerts created one at a time on an idle controller, for the added latency without queueing")
	flag.IntVar(&o.unrelated, "unrelated", 10000, "plain Services and unrelated ConfigMaps to add (each); 0 skips the check")
	flag.StringVar(&o.controller, "controller", "", "controller binary (required)")
	flag.StringVar(&o.configDir, "config-dir", "", "config/ of the repository (default <repo>/config)")
	flag.StringVar(&o.workDir, "work-dir", "", "work directory (default: a temporary one, removed)")
	flag.StringVar(&o.out, "out", "", "write the results as JSON here")
	flag.DurationVar(&o.timeout, "timeout", 0, "bound of each waiting phase (default 5m + 0.4s per KCert)")
	flag.BoolVar(&o.skipRaw, "skip-raw", false, "skip the raw create rate")
	flag.BoolVar(&o.skipRoll, "skip-rollout", false, "skip the issuer-change rollout")
	flag.IntVar(&o.replicas, "replicas", 1, "controller replicas whose Prometheus series are counted at the end")
	flag.StringVar(&o.heapProfiles, "heap-profiles", "", "write the controller's heap profiles after the restart and at the end to this directory")
	flag.Float64Var(&o.maxWritesPerKCert, "max-writes-per-kcert", 4.0, "gate: writes (leases aside, refused ones included) per KCert in the burst")
	flag.Float64Var(&o.maxRefusedPer1000, "max-refused-per-1000", 5, "gate: refused writes per 1,000 KCerts in the burst (at least 1 allowed)")
	flag.Parse()
	if o.controller == "" || o.n <= 0 || o.qps <= 0 || o.burst <= 0 || o.workers < 0 {
		fmt.Fprintln(os.Stderr, "bench-scale: -controller is required; -n, -qps and -burst must be positive, -workers not negative")
		os.Exit(2)
	}
	if o.timeout == 0 {
		o.timeout = 5*time.Minute + time.Duration(o.n)*400*time.Millisecond
	}
	r := &results{}
	err := run(o, r)
	r.print(os.Stdout)
	if o.out != "" {
		if werr := r.writeJSON(o.out); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench-scale: %v\n", err)
		os.Exit(1)
	}
}

// workersLabel names the worker count a run used, for its results.
func workersLabel(workers int) string {
	if workers > 0 {
		return strconv.Itoa(workers)
	}
	return "controller default"
}
