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
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// percentile returns the p-th percentile (0 < p <= 100) of ds by the
// nearest-rank method; 0 for an empty slice. ds is not modified.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	if rank < 1 {
		rank = 1
	}
	if rank > len(s) {
		rank = len(s)
	}
	return s[rank-1]
}

// procStats is what the harness reads about the controller process.
type procStats struct {
	// RSS and PeakRSS (VmRSS, VmHWM) in bytes.
	RSS, PeakRSS int64
	// CPU is user + system time.
	CPU time.Duration
}

// clockTicks is USER_HZ, 100 on every Linux architecture Go supports.
const clockTicks = 100

func readProc(pid int) (procStats, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procStats{}, err
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStats{}, err
	}
	return parseProc(string(status), string(stat))
}

// parseProc reads VmRSS and VmHWM from /proc/<pid>/status and utime and
// stime from /proc/<pid>/stat.
func parseProc(status, stat string) (procStats, error) {
	var ps procStats
	for _, line := range strings.Split(status, "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		f := strings.Fields(value)
		if len(f) != 2 || f[1] != "kB" {
			return ps, fmt.Errorf("unexpected %s line %q", name, line)
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return ps, fmt.Errorf("%s: %w", name, err)
		}
		if name == "VmRSS" {
			ps.RSS = kb * 1024
		} else {
			ps.PeakRSS = kb * 1024
		}
	}
	if ps.PeakRSS == 0 {
		return ps, fmt.Errorf("no VmHWM in /proc status")
	}
	// The command name in parentheses may hold spaces; fields count from
	// after its closing parenthesis: state is field 3, utime 14, stime 15.
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return ps, fmt.Errorf("malformed /proc stat %q", stat)
	}
	f := strings.Fields(stat[i+1:])
	if len(f) < 13 {
		return ps, fmt.Errorf("short /proc stat %q", stat)
	}
	var ticks int64
	for _, s := range f[11:13] {
		t, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return ps, fmt.Errorf("/proc stat: %w", err)
		}
		ticks += t
	}
	ps.CPU = time.Duration(ticks) * time.Second / clockTicks
	return ps, nil
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }
