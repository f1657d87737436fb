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
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRunArguments(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
		wantOut string
	}{
		{args: nil, wantOut: "rotation renew"},
		{args: []string{"--help"}, wantOut: "kn-certmanager doctor"},
		{args: []string{"rotate"}, wantErr: `unknown command "rotate"`},
		{args: []string{"rotation"}, wantErr: `unknown command "rotation"`},
		{args: []string{"doctor", "-o", "xml"}, wantErr: `-o "xml": want text, json, yaml`},
		{args: []string{"doctor", "--no-such-flag"}, wantErr: "unknown flag"},
		{args: []string{"rotation", "status", "--new-ca", "/does/not/exist"}, wantErr: "no such file"},
		{args: []string{"rotation", "renew", "--help"}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), tc.args, &out, &errOut)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("error %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error = %v, want %q", err, tc.wantErr)
			}
			if !strings.Contains(out.String(), tc.wantOut) {
				t.Errorf("stdout = %q, want %q", out.String(), tc.wantOut)
			}
		})
	}
}
