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

package localenv

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"knative.dev/net-certmanager/test/childproc"
)

const (
	// WebhookServiceAccount is the webhook's ServiceAccount in SystemNamespace.
	WebhookServiceAccount = "net-certmanager-webhook"
	// WebhookUser is the user the webhook kubeconfig impersonates.
	WebhookUser = "system:serviceaccount:" + SystemNamespace + ":" + WebhookServiceAccount
	// WebhookService is the Service the webhook configuration calls.
	WebhookService = "net-certmanager-webhook"
	// WebhookServicePort is the Service port the apiserver connects to.
	WebhookServicePort = 443
	// WebhookConfiguration is the ValidatingWebhookConfiguration of config/.
	WebhookConfiguration = "config.webhook.net-certmanager.knative.dev"
	// ConfigCertManager is the ConfigMap the webhook validates.
	ConfigCertManager = "config-certmanager"
)

// WebhookGroups are the groups the webhook kubeconfig impersonates.
var WebhookGroups = ControllerGroups

// webhookKinds are applied from config/ when the webhook runs.
var webhookKinds = map[string]bool{
	"ValidatingWebhookConfiguration": true,
	"MutatingWebhookConfiguration":   true,
}

// skips says whether applyDir leaves out objects of kind. Without a webhook
// process a webhook configuration with failurePolicy Fail would block every
// change it covers, so it is applied only when the webhook runs.
func (a *applier) skips(kind string) bool {
	return SkippedKinds[kind] && !(a.applyWebhooks && webhookKinds[kind])
}

// writeWebhookKubeconfig writes <WorkDir>/kubeconfig-webhook, impersonating
// the webhook's ServiceAccount so that its RBAC is what is exercised.
func (e *Env) writeWebhookKubeconfig() error {
	e.WebhookKubeconfig = filepath.Join(e.WorkDir, "kubeconfig-webhook")
	kc := kubeconfigFor(e.AdminConfig, WebhookServiceAccount, &rest.ImpersonationConfig{UserName: WebhookUser, Groups: WebhookGroups})
	if err := clientcmd.WriteToFile(*kc, e.WebhookKubeconfig); err != nil {
		return err
	}
	e.WebhookConfig = rest.CopyConfig(e.AdminConfig)
	e.WebhookConfig.Impersonate = rest.ImpersonationConfig{UserName: WebhookUser, Groups: WebhookGroups}
	return nil
}

// RouteService makes the apiserver's connections to a Service port reach a
// local address (through the egress proxy).
func (e *Env) RouteService(ctx context.Context, namespace, name string, port int32, to string) error {
	kube, err := kubernetes.NewForConfig(e.AdminConfig)
	if err != nil {
		return err
	}
	svc, err := kube.CoreV1().Services(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("routing Service %s/%s: %w", namespace, name, err)
	}
	from, err := serviceAddress(svc, port)
	if err != nil {
		return fmt.Errorf("routing Service %s/%s: %w", namespace, name, err)
	}
	e.EgressProxy.Route(from, to)
	return nil
}

// serviceAddress is the "ClusterIP:port" the apiserver dials for a Service port.
func serviceAddress(svc *corev1.Service, port int32) (string, error) {
	if svc.Spec.ClusterIP == "" || svc.Spec.ClusterIP == corev1.ClusterIPNone {
		return "", errNoService
	}
	for _, p := range svc.Spec.Ports {
		if p.Port == port {
			return net.JoinHostPort(svc.Spec.ClusterIP, strconv.Itoa(int(port))), nil
		}
	}
	return "", fmt.Errorf("service has no port %d", port)
}

// startWebhook runs the webhook binary impersonating its ServiceAccount on a
// free loopback port, routes the webhook Service to it, and waits until the
// apiserver gets answers from it.
func (e *Env) startWebhook(ctx context.Context) error {
	started := time.Now()
	if err := e.writeWebhookKubeconfig(); err != nil {
		return err
	}
	out, err := e.logFile("webhook.log")
	if err != nil {
		return err
	}
	port, err := childproc.FreePort()
	if err != nil {
		return err
	}
	profiling, err := childproc.FreePort()
	if err != nil {
		return err
	}
	if err := e.RouteService(ctx, SystemNamespace, WebhookService, WebhookServicePort, net.JoinHostPort("127.0.0.1", strconv.Itoa(port))); err != nil {
		return err
	}
	cmd := exec.Command(e.opts.WebhookBinary, e.opts.WebhookArgs...)
	cmd.Env = childEnv(append([]string{
		"SYSTEM_NAMESPACE=" + SystemNamespace,
		"KUBECONFIG=" + e.WebhookKubeconfig,
		"POD_NAME=net-certmanager-webhook-localenv",
		"WEBHOOK_NAME=net-certmanager-webhook",
		"WEBHOOK_PORT=" + strconv.Itoa(port),
		// sharedmain's profiling server otherwise binds :8008.
		"PROFILING_PORT=" + strconv.Itoa(profiling),
		// No endpoints to leave here: stop draining quickly.
		"WEBHOOK_DRAIN_PERIOD=1s",
	}, e.opts.WebhookEnv...)...)
	if e.webhook, err = e.startChild("webhook", cmd, out); err != nil {
		return err
	}
	e.WebhookPID = e.webhook.Pid()
	if err := e.waitWebhookServing(ctx, out.Name()); err != nil {
		return err
	}
	e.step("webhook %s serving in %.1fs (pid %d, log %s)", e.opts.WebhookBinary, time.Since(started).Seconds(), e.WebhookPID, out.Name())
	return nil
}

// waitWebhookServing polls a server-side dry-run update of
// config-certmanager: it succeeds once the webhook has its certificate, has
// filled in its webhook configuration, and the apiserver reaches it through
// the egress proxy.
func (e *Env) waitWebhookServing(ctx context.Context, logName string) error {
	kube, err := kubernetes.NewForConfig(e.AdminConfig)
	if err != nil {
		return err
	}
	var last error
	err = wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, e.opts.Timeout, true, func(ctx context.Context) (bool, error) {
		select {
		case <-e.webhook.Done():
			return false, fmt.Errorf("webhook exited: %v (see %s)", e.webhook.Cmd.ProcessState, logName)
		default:
		}
		cms := kube.CoreV1().ConfigMaps(SystemNamespace)
		cm, err := cms.Get(ctx, ConfigCertManager, metav1.GetOptions{})
		if err != nil {
			last = err
			return false, nil
		}
		_, last = cms.Update(ctx, cm, metav1.UpdateOptions{DryRun: []string{metav1.DryRunAll}})
		return last == nil, nil
	})
	if err != nil {
		return fmt.Errorf("webhook not serving (last: %v; see %s): %w", last, logName, err)
	}
	return nil
}

// WebhookExited is closed when the webhook child exits; nil if none runs.
func (e *Env) WebhookExited() <-chan struct{} {
	if e.webhook == nil {
		return nil
	}
	return e.webhook.Done()
}
