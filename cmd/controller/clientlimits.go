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

import "os"

// Client rate limits used when KUBE_API_QPS and KUBE_API_BURST are unset.
// sharedmain would otherwise give this single controller client-go's 5 QPS
// and burst 10, which makes an issuer change over thousands of Certificates
// take many minutes. BENCHMARKS.md has the measurements behind these values.
const (
	defaultKubeAPIQPS   = "50"
	defaultKubeAPIBurst = "100"
)

// setClientLimitDefaults sets the defaults in the environment, where
// sharedmain reads them (the --kube-api-qps/--kube-api-burst flags still
// override both). It must run before sharedmain parses the flags.
func setClientLimitDefaults() {
	setEnvDefault("KUBE_API_QPS", defaultKubeAPIQPS)
	setEnvDefault("KUBE_API_BURST", defaultKubeAPIBurst)
}

// setEnvDefault sets key unless it is set, even to "": a variable that is
// set is the operator's choice.
func setEnvDefault(key, value string) {
	if _, set := os.LookupEnv(key); !set {
		// Setenv fails only on an invalid key, and these are constants.
		_ = os.Setenv(key, value)
	}
}
