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

import "testing"

func TestParseWorkers(t *testing.T) {
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{in: "", want: defaultWorkers},
		{in: "1", want: 1},
		{in: "64", want: 64},
		{in: "1000", want: maxWorkers},
		{in: "0", wantErr: true},
		{in: "-3", wantErr: true},
		{in: "1001", wantErr: true},
		{in: "ten", wantErr: true},
		{in: "2.5", wantErr: true},
	}
	for _, tc := range tests {
		got, err := parseWorkers(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("parseWorkers(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if got != tc.want {
			t.Errorf("parseWorkers(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
