//go:build e2e

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

package e2e

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	cmclientset "github.com/cert-manager/cert-manager/pkg/client/clientset/versioned"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	netclientset "knative.dev/networking/pkg/client/clientset/versioned"
	nettest "knative.dev/networking/test"

	"knative.dev/net-certmanager/test/childproc"
	"knative.dev/net-certmanager/test/manifests"
)

// The operations tests (ops_test.go) need environments of their own: one
// that starts without cert-manager, whose kube-apiserver they restart, and
// in which they run and kill controller processes. hack/e2e-local.sh passes
// these; without them the tests are skipped (e.g. on a real cluster).
var (
	localenvBinary   = flag.String("localenv-binary", "", "localenv binary, for the tests that need an environment of their own")
	controllerBinary = flag.String("controller-binary", "", "controller binary, for the tests that run controller processes")
	localenvAssets   = flag.String("localenv-assets", "", "etcd and kube-apiserver directory for localenv (KUBEBUILDER_ASSETS)")
)

// opsEnv is a localenv process started by a test, with no controller.
type opsEnv struct {
	t    *testing.T
	dir  string
	proc *childproc.Process
	// launcher forks localenv and the controllers.
	launcher *childproc.Launcher
	c        *clients
	// ctrlKubeconfig impersonates the controller's ServiceAccount.
	ctrlKubeconfig string
}

func needOpsEnv(t *testing.T) {
	t.Helper()
	if *localenvBinary == "" || *controllerBinary == "" {
		t.Skip("needs -localenv-binary and -controller-binary (hack/e2e-local.sh passes them)")
	}
}

// startOpsEnv starts localenv (with cert-manager deferred if asked, and
// extra flags) and waits until it is up. Everything it started is stopped at
// the end of the test, and dies with the test binary if that is killed.
func startOpsEnv(t *testing.T, deferCertManager bool, extra ...string) *opsEnv {
	t.Helper()
	needOpsEnv(t)
	dir := t.TempDir()
	args := []string{"up", "--work-dir", dir, "--exit-with-parent", "--config-dir", repoConfigDir(t)}
	if *localenvAssets != "" {
		args = append(args, "--assets", *localenvAssets)
	}
	if deferCertManager {
		args = append(args, "--defer-cert-manager")
	}
	args = append(args, extra...)
	e := &opsEnv{t: t, dir: dir, launcher: childproc.NewLauncher(), ctrlKubeconfig: filepath.Join(dir, "kubeconfig-controller")}
	out, err := os.Create(filepath.Join(dir, "localenv.out"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(*localenvBinary, args...)
	cmd.Stdout, cmd.Stderr = out, out
	if e.proc, err = e.launcher.Start(cmd); err != nil {
		t.Fatal("start localenv:", err)
	}
	t.Cleanup(func() {
		_ = e.proc.Stop(60 * time.Second)
		if t.Failed() {
			dumpTail(t, filepath.Join(dir, "localenv.out"), 30)
		}
		e.launcher.Close()
	})
	e.waitFile(t, "ready", 5*time.Minute, e.proc.Done())
	cfg, err := clientcmd.BuildConfigFromFlags("", filepath.Join(dir, "kubeconfig"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.QPS, cfg.Burst = 100, 200
	e.c = &clients{
		cfg:  cfg,
		kube: kubernetes.NewForConfigOrDie(cfg),
		net:  netclientset.NewForConfigOrDie(cfg),
		cm:   cmclientset.NewForConfigOrDie(cfg),
	}
	return e
}

func repoConfigDir(t *testing.T) string {
	t.Helper()
	dir, err := manifests.ConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// waitFile waits for a file localenv writes in its work directory.
func (e *opsEnv) waitFile(t *testing.T, name string, timeout time.Duration, exited <-chan struct{}) time.Time {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if st, err := os.Stat(filepath.Join(e.dir, name)); err == nil {
			return st.ModTime()
		}
		if b, err := os.ReadFile(filepath.Join(e.dir, "fault-error")); err == nil {
			t.Fatalf("localenv: %s", b)
		}
		select {
		case <-exited:
			dumpTail(t, filepath.Join(e.dir, "localenv.out"), 40)
			t.Fatalf("localenv exited while waiting for %s", name)
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("localenv did not write %s within %v", name, timeout)
	return time.Time{}
}

// signal sends localenv a fault request (see test/localenv README).
func (e *opsEnv) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := e.proc.Cmd.Process.Signal(sig); err != nil {
		t.Fatal("signal localenv:", err)
	}
}

// setConfigMap replaces data keys of a ConfigMap in the system namespace.
func (e *opsEnv) setConfigMap(t *testing.T, name string, data map[string]string) {
	t.Helper()
	ctx := context.Background()
	cm, err := e.c.kube.CoreV1().ConfigMaps(systemNamespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get %s: %v", name, err)
	}
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
	for k, v := range data {
		cm.Data[k] = v
	}
	if _, err := e.c.kube.CoreV1().ConfigMaps(systemNamespace).Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("update %s: %v", name, err)
	}
}

// ctrlProc is a controller process run by a test.
type ctrlProc struct {
	name                    string
	proc                    *childproc.Process
	log                     string
	probesPort, metricsPort int
	started                 time.Time
}

// startController runs the controller binary as the controller's
// ServiceAccount, with its own ports; env entries (KEY=value) override.
func (e *opsEnv) startController(t *testing.T, name string, env ...string) *ctrlProc {
	t.Helper()
	p := &ctrlProc{name: name, log: filepath.Join(e.dir, "logs", name+".log")}
	ports := make([]int, 3)
	for i := range ports {
		port, err := childproc.FreePort()
		if err != nil {
			t.Fatal(err)
		}
		ports[i] = port
	}
	p.probesPort, p.metricsPort = ports[0], ports[1]
	out, err := os.Create(p.log)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(*controllerBinary)
	cmd.Env = append(os.Environ(),
		"SYSTEM_NAMESPACE="+systemNamespace,
		"KUBECONFIG="+e.ctrlKubeconfig,
		"POD_NAME="+name,
		"PROFILING_PORT="+strconv.Itoa(ports[2]),
		"PROBES_PORT="+strconv.Itoa(p.probesPort),
		"METRICS_PROMETHEUS_PORT="+strconv.Itoa(p.metricsPort),
		"CERTIFICATE_CLASS="+nettest.NetworkingFlags.CertificateClass,
	)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = out, out
	if p.proc, err = e.launcher.Start(cmd); err != nil {
		t.Fatal("start controller:", err)
	}
	p.started = time.Now()
	// The process outlives the subtest that starts it: cleaned up with the
	// environment's test.
	e.t.Cleanup(func() {
		_ = p.proc.Stop(20 * time.Second)
		if e.t.Failed() {
			dumpTail(e.t, p.log, 30)
		}
	})
	return p
}

func (p *ctrlProc) running() bool { return !p.proc.Exited() }

// readiness returns the HTTP status of /readiness, 0 if it does not answer.
func (p *ctrlProc) readiness() int {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/readiness", p.probesPort))
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// scrape returns the Prometheus text of the metrics port ("" on error).
func (p *ctrlProc) scrape() string {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", p.metricsPort))
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// logText returns the controller's log so far.
func (p *ctrlProc) logText(t *testing.T) string {
	b, err := os.ReadFile(p.log)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// identity is the leader election identity the controller logged.
func (p *ctrlProc) identity(t *testing.T) string {
	t.Helper()
	re := regexp.MustCompile(`will run in leader-elected mode with id \\?"([^"\\]+)\\?"`)
	var id string
	_ = wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, time.Minute, true, func(context.Context) (bool, error) {
		if m := re.FindStringSubmatch(p.logText(t)); m != nil {
			id = m[1]
			return true, nil
		}
		return false, nil
	})
	if id == "" {
		t.Fatalf("%s never logged its leader election identity", p.name)
	}
	return id
}

// sample is one Prometheus sample.
type sample struct {
	labels map[string]string
	value  float64
}

var sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)`)
var labelPair = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)

// samples parses the samples of one metric from Prometheus text.
func samples(text, name string) []sample {
	var out []sample
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1024*1024), 1024*1024)
	for sc.Scan() {
		m := sampleLine.FindStringSubmatch(sc.Text())
		if m == nil || m[1] != name {
			continue
		}
		v, err := strconv.ParseFloat(m[4], 64)
		if err != nil {
			continue
		}
		s := sample{labels: map[string]string{}, value: v}
		for _, lp := range labelPair.FindAllStringSubmatch(m[3], -1) {
			s.labels[lp[1]] = lp[2]
		}
		out = append(out, s)
	}
	return out
}

func sum(ss []sample) float64 {
	total := 0.0
	for _, s := range ss {
		total += s.value
	}
	return total
}

func dumpTail(t *testing.T, path string, n int) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	t.Logf("----- last lines of %s:\n%s", filepath.Base(path), strings.Join(lines, "\n"))
}
