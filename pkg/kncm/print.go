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

package kncm

import (
	"fmt"
	"io"
)

// PrintDoctor writes the checks as ✓/✗ lines, each failure with its fix.
func PrintDoctor(w io.Writer, r DoctorReport) {
	failed := 0
	for _, c := range r.Checks {
		mark := "✓"
		if !c.OK {
			mark = "✗"
			failed++
		}
		fmt.Fprintf(w, "%s %s", mark, c.Name)
		if c.Detail != "" {
			fmt.Fprintf(w, ": %s", c.Detail)
		}
		fmt.Fprintln(w)
		if !c.OK && c.Fix != "" {
			fmt.Fprintf(w, "    fix: %s\n", c.Fix)
		}
	}
	if failed == 0 {
		fmt.Fprintf(w, "\nall %d checks pass\n", len(r.Checks))
	} else {
		fmt.Fprintf(w, "\n%d of %d checks fail\n", failed, len(r.Checks))
	}
}

var stepMarks = map[StepState]string{StepDone: "✓", StepTodo: "…", StepFailed: "✗"}

// PrintRotation writes the checklist and the verdict.
func PrintRotation(w io.Writer, r RotationReport) {
	for _, c := range r.NewCAs {
		fmt.Fprintf(w, "new CA: %s\n", c.Name)
	}
	for _, c := range r.OldCAs {
		fmt.Fprintf(w, "old CA: %s\n", c.Name)
	}
	if len(r.OldCAs) == 0 {
		fmt.Fprintln(w, "old CA: none found (every CA in the bundles is a new CA)")
	}
	fmt.Fprintln(w)
	for _, s := range r.Steps {
		fmt.Fprintf(w, "%s %d. %s: %s\n", stepMarks[s.State], s.Number, s.Title, s.Detail)
		if s.State != StepDone && s.Do != "" {
			fmt.Fprintf(w, "     → %s\n", s.Do)
		}
	}
	fmt.Fprintf(w, "\n%s\n", r.Verdict)
}
