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
	"strconv"
)

// workersEnv sets the number of reconcile workers when --workers is not given.
const workersEnv = "RECONCILE_WORKERS"

// defaultWorkers replaces knative.dev/pkg's 2. A reconcile mostly waits on
// the apiserver: with writes taking 0.3–0.6 s under load, about 64 workers
// are needed to use the 50 QPS of the client limits; the QPS limit, not the
// worker count, bounds the load on the apiserver. BENCHMARKS.md has the sweep
// (2, 4, 16, 32, 64 workers) behind this value.
const defaultWorkers = 64

// maxWorkers bounds a typo: beyond it the client limits, not the workers,
// decide the throughput.
const maxWorkers = 1000

// parseWorkers reads a worker count from the flag or the environment.
func parseWorkers(s string) (int, error) {
	if s == "" {
		return defaultWorkers, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxWorkers {
		return 0, fmt.Errorf("invalid worker count %q: want an integer from 1 to %d", s, maxWorkers)
	}
	return n, nil
}
