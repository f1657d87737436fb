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
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cert-manager/cert-manager/pkg/issuer/acme/http/solver"
	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"knative.dev/net-certmanager/test/childproc"
)

func TestParseSolverArgs(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    solverArgs
		wantErr string
	}{{
		name: "cert-manager's arguments",
		args: []string{"--listen-port=8089", "--domain=app.ns.example.test", "--token=tok", "--key=tok.thumb"},
		want: solverArgs{listenPort: 8089, domain: "app.ns.example.test", token: "tok", key: "tok.thumb"},
	}, {
		name: "listen port defaults to 8089",
		args: []string{"--domain=d", "--token=t", "--key=k"},
		want: solverArgs{listenPort: 8089, domain: "d", token: "t", key: "k"},
	}, {
		name:    "no key",
		args:    []string{"--domain=d", "--token=t"},
		wantErr: "want --domain, --token and --key",
	}, {
		name:    "unknown flag",
		args:    []string{"--domain=d", "--token=t", "--key=k", "--color=red"},
		wantErr: "flag provided but not defined: -color",
	}, {
		name:    "stray argument",
		args:    []string{"--domain=d", "--token=t", "--key=k", "extra"},
		wantErr: "nothing else",
	}, {
		name:    "bad port",
		args:    []string{"--listen-port=http", "--domain=d", "--token=t", "--key=k"},
		wantErr: "invalid value",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseSolverArgs(tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("parseSolverArgs = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestSolverPodArgs(t *testing.T) {
	pod := func(containers ...corev1.Container) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "cm-acme-http-solver-x"}, Spec: corev1.PodSpec{Containers: containers}}
	}
	solverC := corev1.Container{Name: "acmesolver", Args: []string{"--domain=d", "--token=t", "--key=k"}}
	if got, err := solverPodArgs(pod(solverC)); err != nil || got.domain != "d" {
		t.Errorf("one container: %+v, %v", got, err)
	}
	if _, err := solverPodArgs(pod(solverC, solverC)); err == nil || !strings.Contains(err.Error(), "2 containers") {
		t.Errorf("two containers: error %v, want one naming the count", err)
	}
	if _, err := solverPodArgs(pod()); err == nil {
		t.Error("no container: no error")
	}
}

func TestSelects(t *testing.T) {
	podLabels := map[string]string{"acme.cert-manager.io/http01-solver": "true", "acme.cert-manager.io/http-domain": "1", "acme.cert-manager.io/http-token": "2"}
	tests := []struct {
		name     string
		selector map[string]string
		want     bool
	}{
		{"all labels", podLabels, true},
		{"a subset", map[string]string{"acme.cert-manager.io/http-token": "2"}, true},
		{"another token", map[string]string{"acme.cert-manager.io/http-token": "3"}, false},
		{"empty selector picks nothing", nil, false},
	}
	for _, tc := range tests {
		if got := selects(tc.selector, podLabels); got != tc.want {
			t.Errorf("%s: selects = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The request log records what cert-manager's real solver saw and did,
// read off the solver's own log, and passes the log on.
func TestSolverRequestLog(t *testing.T) {
	var reqOut, logOut bytes.Buffer
	next := funcSink{out: &logOut}
	log := logr.New((&solverRequestLog{out: &reqOut}).sink(next, "ns/pod"))

	port, err := childproc.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	s := &solver.HTTP01Solver{ListenPort: port, Domain: "app.example.test", Token: "tok", Key: "tok.key"}
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Listen(log) }()
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	waitFor(t, 5*time.Second, "the solver listening", func() (bool, string) {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			return false, err.Error()
		}
		resp.Body.Close()
		return true, ""
	})
	get := func(host, path, ua string) string {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Host = host
		req.Header.Set("User-Agent", ua)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if got := get("app.example.test", "/.well-known/acme-challenge/tok", "LetsEncrypt-Pebble-VA"); got != "tok.key" {
		t.Errorf("the solver answered %q, want the key", got)
	}
	get("other.example.test", "/.well-known/acme-challenge/tok", "cert-manager")
	_ = s.Close()
	<-done

	var got []SolverRequest
	for _, line := range strings.Split(strings.TrimSpace(reqOut.String()), "\n") {
		var r SolverRequest
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		got = append(got, r)
	}
	want := []SolverRequest{
		{Pod: "ns/pod", Host: "app.example.test", Path: "/.well-known/acme-challenge/tok", UserAgent: "LetsEncrypt-Pebble-VA", Answered: true},
		{Pod: "ns/pod", Host: "other.example.test", Path: "/.well-known/acme-challenge/tok", UserAgent: "cert-manager", Answered: false},
	}
	if len(got) != len(want) {
		t.Fatalf("requests %+v, want %+v (health checks are no challenge requests)", got, want)
	}
	for i := range want {
		got[i].Time = want[i].Time
		if got[i] != want[i] {
			t.Errorf("request %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if !strings.Contains(logOut.String(), "got successful challenge request") || !strings.Contains(logOut.String(), "pod=ns/pod") {
		t.Errorf("the solver's log was not passed on: %q", logOut.String())
	}
}

// funcSink writes messages and values, one line each.
type funcSink struct {
	out    *bytes.Buffer
	values []any
}

func (s funcSink) Init(logr.RuntimeInfo) {}
func (s funcSink) Enabled(int) bool      { return true }
func (s funcSink) Info(_ int, msg string, kv ...any) {
	s.out.WriteString(msg + " " + kvString(append(append([]any(nil), s.values...), kv...)) + "\n")
}
func (s funcSink) Error(err error, msg string, kv ...any) { s.Info(0, msg+": "+err.Error(), kv...) }
func (s funcSink) WithValues(kv ...any) logr.LogSink {
	s.values = append(append([]any(nil), s.values...), kv...)
	return s
}
func (s funcSink) WithName(string) logr.LogSink { return s }

func kvString(kv []any) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			if v, ok := kv[i+1].(string); ok {
				b.WriteString(k + "=" + v + " ")
			}
		}
	}
	return b.String()
}
