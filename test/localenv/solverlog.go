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
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/go-logr/logr"
)

// ACMESolverRequestsFile, in WorkDir, has one JSON line (SolverRequest) per
// challenge request an in-process HTTP-01 solver answered or refused: what
// the solver saw, for tests that must show who reached it.
const ACMESolverRequestsFile = "acme-solver-requests.jsonl"

// SolverRequest is one line of ACMESolverRequestsFile.
type SolverRequest struct {
	Time time.Time `json:"time"`
	// Pod is the solver Pod, "namespace/name".
	Pod string `json:"pod"`
	// Host and Path are the request's; UserAgent tells Pebble's validation
	// ("LetsEncrypt-Pebble-VA ...") from cert-manager's self-check.
	Host      string `json:"host"`
	Path      string `json:"path"`
	UserAgent string `json:"userAgent"`
	// Answered is true when the solver wrote the key.
	Answered bool `json:"answered"`
}

// The solver's log messages that end a challenge request (cert-manager
// v1.20.3, pkg/issuer/acme/http/solver): it logs the request's host, path
// and headers with each.
var solverOutcomes = map[string]bool{
	"got successful challenge request, writing key": true,
	"invalid base_path":                             false,
	"invalid host":                                  false,
	"invalid token":                                 false,
}

// solverRequestLog writes SolverRequests to out.
type solverRequestLog struct {
	mu  sync.Mutex
	out io.Writer
}

func (l *solverRequestLog) write(r SolverRequest) {
	b, _ := json.Marshal(r)
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.out.Write(append(b, '\n'))
}

// sink returns a logr sink for the solver of pod: it passes everything to
// next and records the requests the solver's messages report.
func (l *solverRequestLog) sink(next logr.LogSink, pod string) logr.LogSink {
	return &requestSink{next: next.WithValues("pod", pod), log: l, pod: pod}
}

// requestSink is a logr.LogSink that reads requests off the solver's log.
type requestSink struct {
	next   logr.LogSink
	log    *solverRequestLog
	pod    string
	values []any
}

func (s *requestSink) Init(info logr.RuntimeInfo)             { s.next.Init(info) }
func (s *requestSink) Enabled(level int) bool                 { return true }
func (s *requestSink) Error(err error, msg string, kv ...any) { s.next.Error(err, msg, kv...) }

func (s *requestSink) Info(level int, msg string, kv ...any) {
	if s.next.Enabled(level) {
		s.next.Info(level, msg, kv...)
	}
	answered, ok := solverOutcomes[msg]
	if !ok {
		return
	}
	values := append(append([]any(nil), s.values...), kv...)
	r := SolverRequest{Time: time.Now().UTC(), Pod: s.pod, Answered: answered}
	for i := 0; i+1 < len(values); i += 2 {
		switch values[i] {
		case "host":
			r.Host, _ = values[i+1].(string)
		case "path":
			r.Path, _ = values[i+1].(string)
		case "headers":
			if h, ok := values[i+1].(http.Header); ok {
				r.UserAgent = h.Get("User-Agent")
			}
		}
	}
	s.log.write(r)
}

func (s *requestSink) WithValues(kv ...any) logr.LogSink {
	c := *s
	c.next = s.next.WithValues(kv...)
	c.values = append(append([]any(nil), s.values...), kv...)
	return &c
}

func (s *requestSink) WithName(name string) logr.LogSink {
	c := *s
	c.next = s.next.WithName(name)
	return &c
}
