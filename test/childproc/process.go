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
	"errors"
	"fmt"
	"net"
	"os/exec"
	"syscall"
	"time"
)

// ErrKilled is wrapped by Stop's error when the process outlived its grace
// period and was killed.
var ErrKilled = errors.New("did not exit on SIGTERM; killed")

// Process is a child started by a Launcher; it leads its process group.
type Process struct {
	// Cmd is the started command; Cmd.ProcessState is set once Done is
	// closed.
	Cmd  *exec.Cmd
	done chan struct{}
}

// Pid is the child's PID, which is also its process group ID.
func (p *Process) Pid() int { return p.Cmd.Process.Pid }

// Done is closed once the child has exited and been reaped.
func (p *Process) Done() <-chan struct{} { return p.done }

// Exited says whether the child has exited.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Stop sends SIGTERM to the child's process group and waits up to grace for
// the child to exit, then sends SIGKILL. Last it kills whatever the child
// left behind in its group. It returns an error wrapping ErrKilled if the
// grace period ran out. On a child that has exited it only does the last
// step.
func (p *Process) Stop(grace time.Duration) error {
	pgid := p.Pid()
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	var err error
	select {
	case <-p.done:
	case <-time.After(grace):
		err = fmt.Errorf("pid %d %w after %v", pgid, ErrKilled, grace)
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	return err
}

// FreePort returns a TCP port of 127.0.0.1 that was free a moment ago, for a
// child to listen on (children are told their ports so that several can run
// side by side).
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
