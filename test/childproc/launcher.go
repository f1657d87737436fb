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
	"os/exec"
	"runtime"
	"sync"
	"syscall"
)

// Launcher forks children from one OS thread that it keeps locked until
// Close. The kernel sends a child's parent-death signal when the thread that
// forked it exits, not when the process does, and the Go runtime may end an
// idle thread at any time; forking from a thread of our own ties the signal
// to the Launcher's lifetime instead.
type Launcher struct {
	work chan func()
	once sync.Once
}

// NewLauncher starts the Launcher's thread. Call Close when its children are
// gone.
func NewLauncher() *Launcher {
	l := &Launcher{work: make(chan func())}
	serving := make(chan struct{})
	go l.serve(serving)
	<-serving
	return l
}

// serve runs the work sent to the Launcher on a locked thread, closing
// serving once it does. The thread is never unlocked: when Close ends this
// goroutine the thread exits with it, and any child still running gets its
// parent-death signal.
func (l *Launcher) serve(serving chan<- struct{}) {
	runtime.LockOSThread()
	if syscall.Gettid() == syscall.Getpid() {
		// The runtime never ends the main thread, so children forked here
		// would outlive Close. Hold it until another goroutine, which
		// therefore gets another thread, serves.
		next := make(chan struct{})
		go l.serve(next)
		<-next
		runtime.UnlockOSThread()
		close(serving)
		return
	}
	close(serving)
	for f := range l.work {
		f()
	}
}

// Do runs f on the Launcher's thread and waits for it to return, for code
// that forks by itself (envtest's control plane). Not after Close.
func (l *Launcher) Do(f func()) {
	done := make(chan struct{})
	l.work <- func() { defer close(done); f() }
	<-done
}

// Start starts cmd from the Launcher's thread, in a process group of its own
// and with SIGKILL as its parent-death signal, and reaps it when it exits.
// Not after Close.
func (l *Launcher) Start(cmd *exec.Cmd) (*Process, error) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	var err error
	l.Do(func() { err = cmd.Start() })
	if err != nil {
		return nil, err
	}
	p := &Process{Cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	return p, nil
}

// Close ends the Launcher's thread; children still running are killed by
// their parent-death signal. It is safe to call more than once.
func (l *Launcher) Close() { l.once.Do(func() { close(l.work) }) }
