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
	"errors"
	"fmt"
	"io"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	appslisters "k8s.io/client-go/listers/apps/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

// A stand-in for kube-controller-manager, the kubelet and Serving's
// autoscaler, so that a Knative Revision can become Ready here. Serving's
// Revision reconciler (in its controller process) creates a Deployment and a
// PodAutoscaler and derives the Revision's Ready from their status: the
// Deployment's conditions and replicas (written by kube-controller-manager
// once the kubelet runs the Pods) and the PodAutoscaler's Ready, Active,
// ScaleTargetInitialized and SKSReady conditions and serviceName (written by
// the KPA reconciler, which runs in Serving's autoscaler, not its
// controller). None of those runs here, so this writes exactly those two
// statuses, as if every Pod of a Revision's Deployment ran and was Ready:
//   - a Deployment labelled serving.knative.dev/revision gets the status of
//     all its spec.replicas (default 1) updated, ready and available, with
//     Available and Progressing (NewReplicaSetAvailable) True;
//   - a PodAutoscaler of class kpa.autoscaling.knative.dev whose scale target
//     Deployment has ready replicas gets that scale, serviceName its own name
//     (the KPA's ServerlessService's public Service) and all conditions True.
//
// It writes nothing else: no Pods, Endpoints, ServerlessServices or
// Services, so a Revision's traffic is not served (the minimal ingress
// answers 502 for it); routes to other Services (HTTP-01 solvers) work.

// workloadsUserAgent names the stand-in's writes in the apiserver's
// managedFields.
const workloadsUserAgent = "localenv-workloads-standin"

const (
	revisionLabel = "serving.knative.dev/revision"
	// paClassAnnotation and kpaClass select the PodAutoscalers Serving's KPA
	// reconciler would serve.
	paClassAnnotation = "autoscaling.knative.dev/class"
	kpaClass          = "kpa.autoscaling.knative.dev"
)

var podAutoscalerGVR = schema.GroupVersionResource{Group: "autoscaling.internal.knative.dev", Version: "v1alpha1", Resource: "podautoscalers"}

// workloadStandIn watches Revision Deployments and PodAutoscalers and writes
// their status (see above).
type workloadStandIn struct {
	kube   kubernetes.Interface
	dyn    dynamic.Interface
	log    io.Writer
	deps   appslisters.DeploymentLister
	pas    cache.GenericLister
	kick   chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
	now    func() time.Time
}

// startWorkloadStandIn starts the stand-in with cfg's credentials.
func startWorkloadStandIn(cfg *rest.Config, log io.Writer) (*workloadStandIn, error) {
	cfg = rest.CopyConfig(cfg)
	cfg.UserAgent = workloadsUserAgent
	w := &workloadStandIn{log: log, kick: make(chan struct{}, 1), done: make(chan struct{}), now: time.Now}
	var err error
	if w.kube, err = kubernetes.NewForConfig(cfg); err != nil {
		return nil, err
	}
	if w.dyn, err = dynamic.NewForConfig(cfg); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	kubeFactory := informers.NewSharedInformerFactoryWithOptions(w.kube, 0,
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = revisionLabel }))
	depInf := kubeFactory.Apps().V1().Deployments()
	dynFactory := dynamicinformer.NewDynamicSharedInformerFactory(w.dyn, 0)
	paInf := dynFactory.ForResource(podAutoscalerGVR)
	w.deps, w.pas = depInf.Lister(), paInf.Lister()
	handler := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { w.trigger() },
		UpdateFunc: func(any, any) { w.trigger() },
	}
	for _, inf := range []cache.SharedIndexInformer{depInf.Informer(), paInf.Informer()} {
		if _, err := inf.AddEventHandler(handler); err != nil {
			cancel()
			return nil, err
		}
	}
	kubeFactory.Start(ctx.Done())
	dynFactory.Start(ctx.Done())
	go w.syncLoop(ctx, depInf.Informer().HasSynced, paInf.Informer().HasSynced)
	return w, nil
}

func (w *workloadStandIn) stop() {
	w.cancel()
	<-w.done
}

func (w *workloadStandIn) trigger() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// syncLoop writes the statuses after every change, coalescing bursts; a
// failed pass is retried after a second.
func (w *workloadStandIn) syncLoop(ctx context.Context, synced ...cache.InformerSynced) {
	defer close(w.done)
	if !cache.WaitForCacheSync(ctx.Done(), synced...) {
		return
	}
	w.trigger()
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.kick:
		}
		if err := w.sync(ctx); err != nil && ctx.Err() == nil {
			fmt.Fprintf(w.log, "workloads stand-in: %v (retrying)\n", err)
			time.AfterFunc(time.Second, w.trigger)
		}
	}
}

func (w *workloadStandIn) sync(ctx context.Context) error {
	var errs []error
	deps, err := w.deps.List(labels.Everything())
	if err != nil {
		return err
	}
	for _, d := range deps {
		if deploymentStatusCurrent(d) {
			continue
		}
		update := d.DeepCopy()
		update.Status = runningDeploymentStatus(d, metav1.NewTime(w.now()))
		if _, err := w.kube.AppsV1().Deployments(d.Namespace).UpdateStatus(ctx, update, metav1.UpdateOptions{}); err != nil {
			errs = append(errs, fmt.Errorf("status of Deployment %s/%s: %w", d.Namespace, d.Name, err))
			continue
		}
		fmt.Fprintf(w.log, "workloads stand-in: Deployment %s/%s: %d replicas ready\n", d.Namespace, d.Name, update.Status.ReadyReplicas)
	}
	pas, err := w.pas.List(labels.Everything())
	if err != nil {
		return err
	}
	for _, obj := range pas {
		pa, ok := obj.(*unstructured.Unstructured)
		if !ok || pa.GetAnnotations()[paClassAnnotation] != kpaClass {
			continue
		}
		target, _, _ := unstructured.NestedString(pa.Object, "spec", "scaleTargetRef", "name")
		d, err := w.deps.Deployments(pa.GetNamespace()).Get(target)
		if err != nil || d.Status.ReadyReplicas == 0 {
			// Like the KPA: not initialized until its Pods are Ready.
			continue
		}
		want := activePAStatus(pa, d.Status.ReadyReplicas, w.now())
		if paStatusCurrent(pa, want) {
			continue
		}
		update := pa.DeepCopy()
		update.Object["status"] = want
		if _, err := w.dyn.Resource(podAutoscalerGVR).Namespace(pa.GetNamespace()).UpdateStatus(ctx, update, metav1.UpdateOptions{}); err != nil {
			errs = append(errs, fmt.Errorf("status of PodAutoscaler %s/%s: %w", pa.GetNamespace(), pa.GetName(), err))
			continue
		}
		fmt.Fprintf(w.log, "workloads stand-in: PodAutoscaler %s/%s: Ready, scale %d\n", pa.GetNamespace(), pa.GetName(), d.Status.ReadyReplicas)
	}
	return errors.Join(errs...)
}
