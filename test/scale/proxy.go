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
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// requestKey is one row of the request counts: a Kubernetes verb and a
// resource (with its subresource, e.g. "certificates/status").
type requestKey struct {
	Verb     string
	Resource string
}

// classify maps an API request to its Kubernetes verb and resource, the way
// the apiserver's audit log would name it. Non-resource paths (/version,
// /healthz, discovery) are reported with verb "get" and the path.
func classify(method, path, rawQuery string) requestKey {
	q, _ := url.ParseQuery(rawQuery)
	parts := strings.Split(strings.Trim(path, "/"), "/")
	// /api/v1/... or /apis/group/version/...
	var rest []string
	switch {
	case len(parts) >= 2 && parts[0] == "api":
		rest = parts[2:]
	case len(parts) >= 3 && parts[0] == "apis":
		rest = parts[3:]
	default:
		return requestKey{Verb: strings.ToLower(method), Resource: path}
	}
	if len(rest) == 0 {
		return requestKey{Verb: "get", Resource: path}
	}
	// Namespaced: namespaces/<ns>/<resource>[/<name>[/<sub>]]; the
	// namespaces resource itself is namespaces[/<name>[/<sub>]].
	if rest[0] == "namespaces" && len(rest) >= 3 {
		rest = rest[2:]
	}
	resource, named := rest[0], len(rest) >= 2
	if len(rest) >= 3 {
		resource += "/" + rest[2]
	}
	verb := ""
	switch method {
	case http.MethodGet, http.MethodHead:
		switch {
		case q.Get("watch") == "true" || q.Get("watch") == "1":
			verb = "watch"
		case named:
			verb = "get"
		default:
			verb = "list"
		}
	case http.MethodPost:
		verb = "create"
	case http.MethodPut:
		verb = "update"
	case http.MethodPatch:
		verb = "patch"
	case http.MethodDelete:
		if named {
			verb = "delete"
		} else {
			verb = "deletecollection"
		}
	default:
		verb = strings.ToLower(method)
	}
	return requestKey{Verb: verb, Resource: resource}
}

// isWrite reports whether a verb changes state on the server.
func isWrite(verb string) bool {
	switch verb {
	case "create", "update", "patch", "delete", "deletecollection":
		return true
	}
	return false
}

// counts is a snapshot of request counts.
type counts map[requestKey]int

// sub returns c - base, dropping zero rows.
func (c counts) sub(base counts) counts {
	out := counts{}
	for k, v := range c {
		if d := v - base[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

// writes sums the write requests, leaving out the resources in except
// (leader election renews its Lease every few seconds whatever the load).
func (c counts) writes(except ...string) int {
	n := 0
	for k, v := range c {
		if isWrite(k.Verb) && !contains(except, k.Resource) {
			n += v
		}
	}
	return n
}

// rows returns the counts sorted by resource, then verb.
func (c counts) rows() []countRow {
	out := make([]countRow, 0, len(c))
	for k, v := range c {
		out = append(out, countRow{Verb: k.Verb, Resource: k.Resource, Count: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Resource != out[j].Resource {
			return out[i].Resource < out[j].Resource
		}
		return out[i].Verb < out[j].Verb
	})
	return out
}

type countRow struct {
	Verb     string `json:"verb"`
	Resource string `json:"resource"`
	Count    int    `json:"count"`
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// countingProxy forwards the controller's requests to the apiserver through
// a transport that carries the controller's credentials, and counts them.
type countingProxy struct {
	mu     sync.Mutex
	counts counts
	// refused counts the answers of 400 and above, keyed by "verb code"
	// (a conflict is "update 409"): they explain retries and re-lists.
	refused counts
	rp      *httputil.ReverseProxy
}

func newCountingProxy(target *url.URL, transport http.RoundTripper) *countingProxy {
	p := &countingProxy{counts: counts{}, refused: counts{}}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Transport = transport
	// Watches stream: flush every event at once.
	rp.FlushInterval = -1
	p.rp = rp
	return p
}

func (p *countingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k := classify(r.Method, r.URL.Path, r.URL.RawQuery)
	p.mu.Lock()
	p.counts[k]++
	p.mu.Unlock()
	sw := &statusWriter{ResponseWriter: w}
	p.rp.ServeHTTP(sw, r)
	if sw.code >= http.StatusBadRequest {
		p.mu.Lock()
		p.refused[requestKey{Verb: k.Verb + " " + strconv.Itoa(sw.code), Resource: k.Resource}]++
		p.mu.Unlock()
	}
}

func (p *countingProxy) snapshot() counts {
	p.mu.Lock()
	defer p.mu.Unlock()
	return copyCounts(p.counts)
}

func (p *countingProxy) refusedSnapshot() counts {
	p.mu.Lock()
	defer p.mu.Unlock()
	return copyCounts(p.refused)
}

func copyCounts(c counts) counts {
	out := make(counts, len(c))
	for k, v := range c {
		out[k] = v
	}
	return out
}

// statusWriter remembers the status code of a response.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets the reverse proxy flush watch events through the wrapper.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
