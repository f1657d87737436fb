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

// Package trust keeps an up-to-date pool of the CAs that components and
// clients of Knative must trust, and hands out TLS configurations that
// always verify against the current pool.
//
// The pool is fed by two kinds of sources: ConfigMaps labelled
// networking.knative.dev/trust-bundle: "true" in chosen namespaces, watched
// through the Kubernetes API (WatchConfigMaps), and PEM files under a
// directory, polled at an interval (WatchDir). Mounted ConfigMaps and
// Secrets are polled rather than watched with inotify, which is unreliable
// on Kubernetes (symlink swaps of the ..data directory).
//
// Every PEM certificate block of every key counts, so a bundle that carries
// the old and the new CA during a rotation trusts both. Invalid or expired
// blocks are skipped with a log line. A CA that is not valid yet is kept,
// since verification checks validity periods at each handshake: clock skew
// during a rotation delays trust in the new CA by the skew, not until the
// bundle changes again. Each change builds a new *x509.CertPool that
// replaces the old one atomically: a handshake loads the pool once and
// verifies against that one snapshot.
//
// Client configurations check the server's host name, and like Go's own
// refuse a handshake with no name to check.
package trust
