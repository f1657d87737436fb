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
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrs "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	netcfg "knative.dev/networking/pkg/config"

	"knative.dev/net-certmanager/pkg/certclass"
	"knative.dev/net-certmanager/pkg/issuerconfig"
	"knative.dev/net-certmanager/pkg/webhook"
)

// ServingInfo is what Load reads about the class handover with Knative
// Serving and about our validation webhook.
type ServingInfo struct {
	// NetworkFound says whether config-network exists; Network is it as
	// Serving reads it (knative.dev/networking's parser and defaults), nil
	// when it is missing or NetworkError says why it cannot be read.
	NetworkFound bool
	Network      *netcfg.Config
	NetworkError string
	// ClassSet says whether config-network sets the class itself.
	ClassSet bool

	// ControllerClass is the class our controller serves; ClassSource says
	// where that was read.
	ControllerClass string
	ClassSource     string

	Webhook WebhookInfo
}

// WebhookInfo is how our validation webhook was found.
type WebhookInfo struct {
	// Registered says whether the ValidatingWebhookConfiguration exists;
	// Error is why it could not be read.
	Registered bool
	Error      string
	// Services are the namespace/name of the Services it calls, and
	// MissingServices those that do not exist.
	Services, MissingServices []string
	// Probe is the outcome of a dry-run change that only our webhook
	// rejects; ProbeMessage the apiserver's answer.
	Probe        ProbeOutcome
	ProbeMessage string
}

// ProbeOutcome classifies the apiserver's answer to the dry-run change.
type ProbeOutcome string

const (
	// ProbeRejected: our webhook answered and turned the change down.
	ProbeRejected ProbeOutcome = "rejected by our webhook"
	// ProbeAccepted: the change passed, so our webhook did not see it.
	ProbeAccepted ProbeOutcome = "accepted"
	// ProbeUnreachable: the apiserver called our webhook and got no answer.
	ProbeUnreachable ProbeOutcome = "webhook not answering"
	// ProbeOther: any other error (e.g. Forbidden for the user).
	ProbeOther ProbeOutcome = "other error"
)

// probeKey is a key config-certmanager may not have: our webhook rejects it
// (unknown key), Serving's own parser ignores it.
const probeKey = "kn-certmanager-doctor-probe"

// classSource* say where ControllerClass came from.
const (
	classFromFlag    = "--certificate-class of this command"
	classFromDefault = "built-in default"
)

// loadServing reads config-network, the class our controller serves, and
// probes our webhook with a dry-run change of config-certmanager.
func loadServing(ctx context.Context, c Clients, o Options) ServingInfo {
	var s ServingInfo
	cm, err := c.Kube.CoreV1().ConfigMaps(o.SystemNamespace).Get(ctx, netcfg.ConfigMapName, metav1.GetOptions{})
	switch {
	case apierrs.IsNotFound(err):
	case err != nil:
		s.NetworkError = err.Error()
	default:
		s.NetworkFound = true
		_, set := cm.Data[netcfg.DefaultCertificateClassKey]
		// networking's parser still reads the older key too.
		_, legacy := cm.Data["certificate.class"]
		s.ClassSet = set || legacy
		if s.Network, err = netcfg.NewConfigFromMap(cm.Data); err != nil {
			s.NetworkError = err.Error()
		}
	}
	s.ControllerClass, s.ClassSource = controllerClass(ctx, c, o)
	s.Webhook = loadWebhook(ctx, c, o)
	return s
}

// controllerClass is the class our controller serves: the explicit option,
// else what its Deployment sets, else the built-in default.
func controllerClass(ctx context.Context, c Clients, o Options) (string, string) {
	if o.CertificateClass != "" {
		return o.CertificateClass, classFromFlag
	}
	d, err := c.Kube.AppsV1().Deployments(o.SystemNamespace).Get(ctx, o.ControllerName, metav1.GetOptions{})
	if err != nil {
		return certclass.Default, fmt.Sprintf("%s (Deployment %s/%s: %v; pass --certificate-class if the controller runs with another)",
			classFromDefault, o.SystemNamespace, o.ControllerName, reason(err))
	}
	return classOfPodSpec(d.Spec.Template.Spec, fmt.Sprintf("Deployment %s/%s", o.SystemNamespace, o.ControllerName))
}

// classOfPodSpec reads the class as the controller's main does: the flag
// wins over the environment variable, which wins over the default.
func classOfPodSpec(spec corev1.PodSpec, where string) (string, string) {
	for _, ctr := range spec.Containers {
		args := append(append([]string{}, ctr.Command...), ctr.Args...)
		for i, a := range args {
			name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if !strings.HasPrefix(a, "-") || name != certclass.Flag {
				continue
			}
			if !hasValue && i+1 < len(args) {
				value = args[i+1]
			}
			return value, fmt.Sprintf("%s, container %s, arg --%s", where, ctr.Name, certclass.Flag)
		}
	}
	for _, ctr := range spec.Containers {
		for _, e := range ctr.Env {
			if e.Name != certclass.Env {
				continue
			}
			if e.ValueFrom != nil {
				return "", fmt.Sprintf("%s, container %s, env %s from a reference this command does not follow; pass --certificate-class", where, ctr.Name, e.Name)
			}
			return e.Value, fmt.Sprintf("%s, container %s, env %s", where, ctr.Name, e.Name)
		}
	}
	return certclass.Default, fmt.Sprintf("%s (%s sets neither --%s nor %s)", classFromDefault, where, certclass.Flag, certclass.Env)
}

func reason(err error) string {
	if apierrs.IsNotFound(err) {
		return "not found"
	}
	return err.Error()
}

// loadWebhook checks the registration, then sends config-certmanager a
// dry-run change only our webhook rejects: a dry run stores nothing, but is
// admitted like a real change, so a rejection proves the apiserver reaches
// our webhook end to end.
func loadWebhook(ctx context.Context, c Clients, o Options) WebhookInfo {
	var w WebhookInfo
	vwc, err := c.Kube.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(ctx, webhook.ConfigWebhookName, metav1.GetOptions{})
	switch {
	case apierrs.IsNotFound(err):
		return w
	case err != nil:
		w.Error = err.Error()
		return w
	}
	w.Registered = true
	matchLabels := map[string]string{}
	for _, wh := range vwc.Webhooks {
		if wh.ObjectSelector != nil {
			for k, v := range wh.ObjectSelector.MatchLabels {
				matchLabels[k] = v
			}
		}
		svc := wh.ClientConfig.Service
		if svc == nil {
			continue
		}
		name := svc.Namespace + "/" + svc.Name
		w.Services = append(w.Services, name)
		if _, err := c.Kube.CoreV1().Services(svc.Namespace).Get(ctx, svc.Name, metav1.GetOptions{}); err != nil {
			w.MissingServices = append(w.MissingServices, name+" ("+reason(err)+")")
		}
	}

	dryRun := []string{metav1.DryRunAll}
	cms := c.Kube.CoreV1().ConfigMaps(o.SystemNamespace)
	patch := fmt.Sprintf(`{"data":{%q:"rejected by net-certmanager's webhook"}}`, probeKey)
	_, err = cms.Patch(ctx, issuerconfig.CertManagerConfigName, types.MergePatchType, []byte(patch), metav1.PatchOptions{DryRun: dryRun})
	if apierrs.IsNotFound(err) {
		// No config-certmanager: a dry-run create, labelled as the
		// webhook selects.
		probe := &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: issuerconfig.CertManagerConfigName, Namespace: o.SystemNamespace, Labels: matchLabels},
			Data:       map[string]string{probeKey: "rejected by net-certmanager's webhook"},
		}
		_, err = cms.Create(ctx, probe, metav1.CreateOptions{DryRun: dryRun})
	}
	w.Probe, w.ProbeMessage = classifyProbe(err)
	return w
}

// classifyProbe reads the apiserver's answer by the phrases it names a
// webhook with.
func classifyProbe(err error) (ProbeOutcome, string) {
	if err == nil {
		return ProbeAccepted, ""
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, fmt.Sprintf("admission webhook %q denied the request", webhook.ConfigWebhookName)):
		return ProbeRejected, msg
	case strings.Contains(msg, fmt.Sprintf("failed calling webhook %q", webhook.ConfigWebhookName)):
		return ProbeUnreachable, msg
	}
	return ProbeOther, msg
}

// servingChecks are the handover checks: Serving creates KCerts of our
// class, Serving's built-in reconciler does not serve that class too, and
// our webhook validates config-certmanager.
func servingChecks(s ServingInfo, o Options) []Check {
	return []Check{classCheck(s, o), servingReconcilerCheck(s, o), webhookCheck(s.Webhook, o)}
}

func patchClassFix(o Options, class string) string {
	return fmt.Sprintf(`kubectl -n %s patch configmap/%s --type merge -p '{"data":{"%s":"%s"}}' (existing KCerts: see the README, Install next to Knative Serving)`,
		o.SystemNamespace, netcfg.ConfigMapName, netcfg.DefaultCertificateClassKey, class)
}

func classCheck(s ServingInfo, o Options) Check {
	c := Check{Name: "config-network certificate-class is the controller's class"}
	ours := fmt.Sprintf("the controller serves %q (%s)", s.ControllerClass, s.ClassSource)
	switch {
	case s.ControllerClass == "":
		c.Detail = ours
		c.Fix = "kn-certmanager doctor --certificate-class CLASS, with the class the controller serves"
	case s.NetworkError != "":
		c.Detail = fmt.Sprintf("cannot read %s/%s: %s", o.SystemNamespace, netcfg.ConfigMapName, s.NetworkError)
		c.Fix = fmt.Sprintf("kubectl -n %s edit configmap %s (Knative Serving's controller does not start while it does not parse)", o.SystemNamespace, netcfg.ConfigMapName)
	case !s.NetworkFound:
		c.OK = true
		c.Detail = fmt.Sprintf("no %s in %s: Knative Serving is not installed there, nothing to hand over; %s", netcfg.ConfigMapName, o.SystemNamespace, ours)
	case s.Network.DefaultCertificateClass != s.ControllerClass:
		c.Detail = fmt.Sprintf("Serving creates KCerts of class %q%s, but %s", s.Network.DefaultCertificateClass, unsetNote(s), ours)
		c.Fix = patchClassFix(o, s.ControllerClass)
	default:
		c.OK = true
		c.Detail = fmt.Sprintf("Serving creates KCerts of class %q%s; %s", s.Network.DefaultCertificateClass, unsetNote(s), ours)
	}
	return c
}

func unsetNote(s ServingInfo) string {
	if s.ClassSet {
		return ""
	}
	return " (certificate-class not set: Serving's default)"
}

// servingReconcilerReasons are the config-network settings that make Knative
// Serving's controller start its built-in cert-manager reconciler, as
// Serving v0.50.0 and v0.51.0 decide it once at start (cmd/controller,
// networking.IsNetCertManagerControllerRequired): any TLS feature enabled,
// or a namespace wildcard certificate selector set. That reconciler serves
// netcfg.CertManagerCertificateClassName only, whatever config-network's
// certificate-class says.
func servingReconcilerReasons(n *netcfg.Config) []string {
	var on []string
	if n.ExternalDomainTLS {
		on = append(on, netcfg.ExternalDomainTLSKey)
	}
	if n.ClusterLocalDomainTLS == netcfg.EncryptionEnabled {
		on = append(on, netcfg.ClusterLocalDomainTLSKey)
	}
	if n.SystemInternalTLSEnabled() {
		on = append(on, netcfg.SystemInternalTLSKey)
	}
	if n.NamespaceWildcardCertSelector != nil {
		on = append(on, netcfg.NamespaceWildcardCertSelectorKey)
	}
	return on
}

func servingReconcilerCheck(s ServingInfo, o Options) Check {
	c := Check{Name: "Serving's built-in cert-manager reconciler does not serve the controller's class"}
	servingClass := netcfg.CertManagerCertificateClassName
	if s.Network == nil {
		// Serving's controller does not start without a config-network
		// that parses; the class check reports an unreadable one.
		c.OK = true
		c.Detail = fmt.Sprintf("no readable %s in %s: Serving's controller is not running there", netcfg.ConfigMapName, o.SystemNamespace)
		return c
	}
	reasons := servingReconcilerReasons(s.Network)
	starts := "it does not start (no TLS feature on, no namespace-wildcard-cert-selector)"
	if len(reasons) > 0 {
		starts = "it starts (" + strings.Join(reasons, ", ") + " in " + netcfg.ConfigMapName + ")"
	}
	switch {
	case s.ControllerClass != servingClass:
		c.OK = true
		c.Detail = fmt.Sprintf("it serves %q only, and the controller serves %q; %s", servingClass, s.ControllerClass, starts)
	case len(reasons) == 0:
		c.OK = true
		c.Detail = fmt.Sprintf("the controller serves Serving's class %q, but %s; turning a TLS feature on starts it at Serving controller's next start, and both then write every KCert", servingClass, starts)
	default:
		c.Detail = fmt.Sprintf("both serve %q: %s, so both write every KCert, and a KCert that cannot be issued is written again and again", servingClass, starts)
		c.Fix = ownClassFix(o)
	}
	return c
}

func ownClassFix(o Options) string {
	return fmt.Sprintf("run the controller on its own class: kubectl -n %s set env deployment/%s %s=%s; then %s",
		o.SystemNamespace, o.ControllerName, certclass.Env, certclass.Default, patchClassFix(o, certclass.Default))
}

func webhookCheck(w WebhookInfo, o Options) Check {
	c := Check{Name: "the validation webhook is registered and answers"}
	reinstall := "apply the release again (kubectl apply --server-side -f net-certmanager.yaml): it holds the webhook's Deployment, Service and ValidatingWebhookConfiguration"
	switch {
	case w.Error != "":
		c.Detail = fmt.Sprintf("cannot read ValidatingWebhookConfiguration %s: %s", webhook.ConfigWebhookName, w.Error)
		c.Fix = "run as a user who may read validatingwebhookconfigurations"
	case !w.Registered:
		c.Detail = fmt.Sprintf("not registered: no ValidatingWebhookConfiguration %s, so config-certmanager is stored unchecked", webhook.ConfigWebhookName)
		c.Fix = reinstall
	case len(w.MissingServices) > 0:
		c.Detail = fmt.Sprintf("registered, but its Service is missing: %s", strings.Join(w.MissingServices, ", "))
		c.Fix = reinstall
	case w.Probe == ProbeRejected:
		c.OK = true
		c.Detail = fmt.Sprintf("registered (Service %s); a dry-run change of %s with an unknown key was rejected by it", strings.Join(w.Services, ", "), issuerconfig.CertManagerConfigName)
	case w.Probe == ProbeUnreachable:
		c.Detail = "registered, but not answering (changes to config-certmanager are refused meanwhile, failurePolicy Fail): " + w.ProbeMessage
		c.Fix = fmt.Sprintf("kubectl -n %s rollout status deployment/net-certmanager-webhook; kubectl -n %s logs deployment/net-certmanager-webhook; kubectl -n %s get endpointslices -l kubernetes.io/service-name=%s",
			o.SystemNamespace, o.SystemNamespace, o.SystemNamespace, serviceName(w))
	case w.Probe == ProbeAccepted:
		c.Detail = fmt.Sprintf("registered, but a dry-run change of %s with an unknown key was accepted: the webhook's selectors do not match it", issuerconfig.CertManagerConfigName)
		c.Fix = fmt.Sprintf("kubectl -n %s label configmap %s networking.knative.dev/certificate-provider=cert-manager; and check the namespaceSelector and objectSelector of %s",
			o.SystemNamespace, issuerconfig.CertManagerConfigName, webhook.ConfigWebhookName)
	default:
		c.Detail = "registered, but the dry-run change failed otherwise: " + w.ProbeMessage
		c.Fix = fmt.Sprintf("run as a user who may update configmaps in %s (a dry run changes nothing), or fix what the message says", o.SystemNamespace)
	}
	return c
}

// serviceName is the first Service the webhook calls, by name.
func serviceName(w WebhookInfo) string {
	if len(w.Services) == 0 {
		return "net-certmanager-webhook"
	}
	_, name, _ := strings.Cut(w.Services[0], "/")
	return name
}
