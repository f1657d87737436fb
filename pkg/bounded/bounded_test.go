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
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		limit    int
		want     string
	}{
		{name: "short stays", in: "abc", limit: 3, want: "abc"},
		{name: "empty", in: "", limit: 0, want: ""},
		{name: "long is cut and says how much", in: "abcdef", limit: 2, want: "ab... (4 more bytes)"},
		{name: "never inside a rune", in: "aé", limit: 2, want: "a... (2 more bytes)"},
		{name: "negative limit cuts everything", in: "ab", limit: -1, want: "... (2 more bytes)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Truncate(tc.in, tc.limit); got != tc.want {
				t.Errorf("Truncate(%q, %d) = %q, want %q", tc.in, tc.limit, got, tc.want)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	if got := Quote("a\"b"); got != `"a\"b"` {
		t.Errorf("Quote = %s", got)
	}
	name := strings.Repeat("a", 253)
	if got := Quote(name); got != `"`+name+`"` {
		t.Error("a valid object name is not quoted whole")
	}
	got := Quote(strings.Repeat("é", 1_000_000))
	if len(got) > MaxValue+40 || !utf8.ValidString(got) || !strings.HasSuffix(got, `... (1999744 more bytes)"`) {
		t.Errorf("Quote of 2 MB = %d bytes ending %q", len(got), got[len(got)-30:])
	}
}
