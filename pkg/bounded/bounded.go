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

package bounded

import (
	"strconv"
	"unicode/utf8"
)

const (
	// MaxValue bounds a value quoted in a message. A valid Kubernetes object
	// name (at most 253 bytes) fits whole.
	MaxValue = 256
	// MaxMessage bounds a whole message: a status condition, an event, an
	// admission answer or a log line that carries one.
	MaxMessage = 1024
)

// Truncate returns s if it has at most limit bytes, and otherwise its first
// bytes, cut at a rune boundary, followed by how many bytes were left out.
// The result has at most limit bytes plus that short suffix.
func Truncate(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := max(limit, 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "... (" + strconv.Itoa(len(s)-cut) + " more bytes)"
}

// Quote quotes a value as %q does, after cutting it to MaxValue bytes.
func Quote(s string) string {
	if len(s) <= MaxValue {
		return strconv.Quote(s)
	}
	return strconv.Quote(Truncate(s, MaxValue))
}
