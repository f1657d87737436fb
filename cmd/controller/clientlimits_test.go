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
	"testing"

	"k8s.io/utils/ptr"
)

func TestSetClientLimitDefaults(t *testing.T) {
	tests := []struct {
		name               string
		env                map[string]string
		wantQPS, wantBurst string
	}{
		{name: "unset", wantQPS: defaultKubeAPIQPS, wantBurst: defaultKubeAPIBurst},
		{name: "both set", env: map[string]string{"KUBE_API_QPS": "7.5", "KUBE_API_BURST": "9"}, wantQPS: "7.5", wantBurst: "9"},
		{name: "only QPS set", env: map[string]string{"KUBE_API_QPS": "20"}, wantQPS: "20", wantBurst: defaultKubeAPIBurst},
		// Set but empty is the operator's choice too: sharedmain then
		// falls back to its own defaults.
		{name: "empty", env: map[string]string{"KUBE_API_QPS": "", "KUBE_API_BURST": ""}, wantQPS: "", wantBurst: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"KUBE_API_QPS", "KUBE_API_BURST"} {
				t.Setenv(k, "") // restored after the test
				if v, ok := tc.env[k]; ok {
					t.Setenv(k, v)
				} else {
					os.Unsetenv(k)
				}
			}
			setClientLimitDefaults()
			if got := os.Getenv("KUBE_API_QPS"); got != tc.wantQPS {
				t.Errorf("KUBE_API_QPS = %q, want %q", got, tc.wantQPS)
			}
			if got := os.Getenv("KUBE_API_BURST"); got != tc.wantBurst {
				t.Errorf("KUBE_API_BURST = %q, want %q", got, tc.wantBurst)
			}
		})
	}
}

// Each single-variable default is set when the variable is unset, and an
// operator's value, even empty, stays.
func TestEnvDefaults(t *testing.T) {
	for _, tc := range []struct {
		key, want string
		set       func()
	}{
		{cardinalityLimitEnv, noCardinalityLimit, setCardinalityLimitDefault},
	} {
		for _, operator := range []*string{nil, ptr.To("10000"), ptr.To("")} {
			name := tc.key + " unset"
			if operator != nil {
				name = fmt.Sprintf("%s=%q", tc.key, *operator)
			}
			t.Run(name, func(t *testing.T) {
				t.Setenv(tc.key, "") // restored after the test
				want := tc.want
				if operator != nil {
					t.Setenv(tc.key, *operator)
					want = *operator
				} else {
					os.Unsetenv(tc.key)
				}
				tc.set()
				if got := os.Getenv(tc.key); got != want {
					t.Errorf("%s = %q, want %q", tc.key, got, want)
				}
			})
		}
	}
}
