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
	"testing"
	"time"
)

func TestDrainPeriod(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"", defaultDrain},
		{"1s", time.Second},
		{"250ms", 250 * time.Millisecond},
		{"0s", defaultDrain},
		{"-1s", defaultDrain},
		{"soon", defaultDrain},
	} {
		if got := drainPeriod(tc.in); got != tc.want {
			t.Errorf("drainPeriod(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
