//go:build linux

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

package childproc

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// start runs a shell script as a child of l and returns it with the first
// line the script prints (a PID it started, if any), stopping it at the end
// of the test.
func start(t *testing.T, l *Launcher, script string) (*Process, string) {
	t.Helper()
	cmd := exec.Command("sh", "-c", script)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p, err := l.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Stop(time.Second) })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	return p, strings.TrimSpace(line)
}

// gone waits until pid no longer runs (a zombie counts as gone).
func gone(t *testing.T, pid string) bool {
	t.Helper()
	n, err := strconv.Atoi(pid)
	if err != nil {
		t.Fatalf("not a PID: %q", pid)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if syscall.Kill(n, 0) != nil || isZombie(n) {
			return true
		}
	}
	return false
}

// isZombie reads the state of a process that is not our child (a
// reparented grandchild) from /proc.
func isZombie(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'Z'
}

func TestStartOwnProcessGroup(t *testing.T) {
	l := NewLauncher()
	defer l.Close()
	p, _ := start(t, l, "echo; exec sleep 30")
	pgid, err := syscall.Getpgid(p.Pid())
	if err != nil {
		t.Fatal(err)
	}
	if pgid != p.Pid() {
		t.Errorf("child's process group = %d, want its own (%d)", pgid, p.Pid())
	}
	if p.Exited() {
		t.Error("Exited() before the child exited")
	}
}

func TestStopGraceful(t *testing.T) {
	l := NewLauncher()
	defer l.Close()
	// The grandchild shares the group: SIGTERM to the group ends it too.
	p, grandchild := start(t, l, "sleep 30 & echo $!; wait")
	if err := p.Stop(5 * time.Second); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if !p.Exited() {
		t.Error("Exited() is false after Stop")
	}
	if ws, ok := p.Cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGTERM {
		t.Errorf("child ended with %v, want SIGTERM", p.Cmd.ProcessState)
	}
	if !gone(t, grandchild) {
		t.Errorf("grandchild %s survived SIGTERM to the group", grandchild)
	}
}

func TestStopKillsAfterGrace(t *testing.T) {
	l := NewLauncher()
	defer l.Close()
	// sleep inherits the ignored SIGTERM.
	p, grandchild := start(t, l, `trap "" TERM; sleep 30 & echo $!; wait`)
	began := time.Now()
	err := p.Stop(300 * time.Millisecond)
	if !errors.Is(err, ErrKilled) {
		t.Errorf("Stop = %v, want ErrKilled", err)
	}
	if took := time.Since(began); took < 300*time.Millisecond {
		t.Errorf("Stop returned after %v, before the grace period", took)
	}
	if !gone(t, grandchild) {
		t.Errorf("grandchild %s survived SIGKILL to the group", grandchild)
	}
}

func TestStopKillsWhatTheChildLeft(t *testing.T) {
	l := NewLauncher()
	defer l.Close()
	// The shell exits on SIGTERM; the inner one ignores it (and says so
	// only once it does) and stays.
	p, straggler := start(t, l, `sh -c 'trap "" TERM; echo $$; exec sleep 30' & wait`)
	if err := p.Stop(5 * time.Second); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if !gone(t, straggler) {
		t.Errorf("%s, left in the group, survived Stop", straggler)
	}
}

// TestCloseKillsChildren: the parent-death signal fires when the Launcher's
// thread ends, so a child still running at Close dies with SIGKILL.
func TestCloseKillsChildren(t *testing.T) {
	l := NewLauncher()
	p, _ := start(t, l, "echo; exec sleep 30")
	l.Close()
	l.Close()
	select {
	case <-p.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the child outlived its Launcher's thread")
	}
	if ws, ok := p.Cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Errorf("child ended with %v, want SIGKILL", p.Cmd.ProcessState)
	}
}

func TestFreePort(t *testing.T) {
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatalf("listening on the free port %d: %v", port, err)
	}
	_ = l.Close()
}
