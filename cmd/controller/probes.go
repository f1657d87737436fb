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
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// probesPortEnv overrides the probes port, so that several controllers can
// run on one host (the local environment); Kubernetes probes use the default.
const probesPortEnv = "PROBES_PORT"

// defaultProbesPort is knative.dev/pkg's health probe port.
const defaultProbesPort = 8080

// probes serves /health (liveness) and /readiness. The process is live
// while it serves; it is ready only once the cert-manager CRDs were found
// and the informers have synced, and no longer once it is shutting down.
type probes struct {
	crdsFound atomic.Bool
	synced    atomic.Pointer[func() bool]
}

func (p *probes) ready(ctx context.Context) (bool, string) {
	switch {
	case ctx.Err() != nil:
		return false, "shutting down"
	case !p.crdsFound.Load():
		return false, "cert-manager CRDs not found"
	}
	synced := p.synced.Load()
	if synced == nil || !(*synced)() {
		return false, "informers not synced"
	}
	return true, "ok"
}

func (p *probes) handler(ctx context.Context) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("/readiness", func(w http.ResponseWriter, _ *http.Request) {
		ok, why := p.ready(ctx)
		if !ok {
			http.Error(w, why, http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(why))
	})
	return mux
}

// listen binds the probes port at once, so that a taken port fails the
// start rather than going unnoticed.
func (p *probes) listen(port int) (net.Listener, error) {
	return net.Listen("tcp", ":"+strconv.Itoa(port))
}

// serve runs until ctx is done.
func (p *probes) serve(ctx context.Context, l net.Listener) error {
	srv := &http.Server{Handler: p.handler(ctx), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// probesPort reads PROBES_PORT.
func probesPort(getenv func(string) string) (int, error) {
	v := getenv(probesPortEnv)
	if v == "" {
		return defaultProbesPort, nil
	}
	port, err := strconv.Atoi(v)
	if err != nil || port < 1 || port > 65535 {
		return 0, errors.New(probesPortEnv + "=" + strconv.Quote(v) + " is not a port number")
	}
	return port, nil
}
