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
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	cmacme "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	"github.com/cert-manager/cert-manager/pkg/issuer/acme/http/solver"
	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"

	"knative.dev/net-certmanager/test/childproc"
)

// Solver pods that run: no kubelet runs the HTTP-01 solver Pods cert-manager
// creates, so localenv runs cert-manager's own solver (package
// pkg/issuer/acme/http/solver, what the acmesolver image runs) in process
// for each, with the Pod's own arguments, and routes the solver Service's
// ClusterIP:port to it through the egress proxy, as it does for the webhook.
// Every Pod listens on its own port 8089 in a cluster; here each solver gets
// a free port instead. A solver stops when its Pod goes.

// solverSelector selects the Pods and Services cert-manager creates for
// HTTP-01 Challenges.
var solverSelector = labels.SelectorFromSet(labels.Set{cmacme.SolverIdentificationLabelKey: "true"})

// solverArgs are the acmesolver's arguments.
type solverArgs struct {
	listenPort         int
	domain, token, key string
}

// parseSolverArgs reads the acmesolver arguments cert-manager gives a solver
// Pod's container; all of domain, token and key are required.
func parseSolverArgs(args []string) (solverArgs, error) {
	var a solverArgs
	fs := flag.NewFlagSet("acmesolver", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.IntVar(&a.listenPort, "listen-port", 8089, "")
	fs.StringVar(&a.domain, "domain", "", "")
	fs.StringVar(&a.token, "token", "", "")
	fs.StringVar(&a.key, "key", "", "")
	if err := fs.Parse(args); err != nil {
		return a, fmt.Errorf("acmesolver arguments %q: %w", args, err)
	}
	if fs.NArg() > 0 || a.domain == "" || a.token == "" || a.key == "" {
		return a, fmt.Errorf("acmesolver arguments %q: want --domain, --token and --key and nothing else", args)
	}
	return a, nil
}

// solverPodArgs finds the acmesolver container's arguments in a Pod.
func solverPodArgs(pod *corev1.Pod) (solverArgs, error) {
	if len(pod.Spec.Containers) != 1 {
		return solverArgs{}, fmt.Errorf("solver Pod %s/%s has %d containers, want 1", pod.Namespace, pod.Name, len(pod.Spec.Containers))
	}
	return parseSolverArgs(pod.Spec.Containers[0].Args)
}

// selects says whether a Service's selector picks a Pod with podLabels; an
// empty selector picks nothing (as for Endpoints).
func selects(selector, podLabels map[string]string) bool {
	return len(selector) > 0 && labels.SelectorFromSet(selector).Matches(labels.Set(podLabels))
}

// runningSolver is one in-process solver and the Pod it stands for.
type runningSolver struct {
	labels map[string]string
	addr   string
	server *solver.HTTP01Solver
	done   chan struct{}
}

// solverRunner starts and stops solvers as solver Pods come and go, and
// routes solver Services to them.
type solverRunner struct {
	egress   *EgressProxy
	log      logr.Logger
	requests *solverRequestLog

	pods     corelisters.PodLister
	services corelisters.ServiceLister
	kick     chan struct{}
	cancel   context.CancelFunc
	done     chan struct{}

	mu      sync.Mutex
	solvers map[types.UID]*runningSolver
	// routes are the egress routes set for Services, by Service UID.
	routes map[types.UID][]string
}

// startSolverRunner watches solver Pods and Services with cfg's credentials.
// log receives the solvers' own log; requests one line per request a solver
// answered or refused.
func startSolverRunner(cfg *rest.Config, egress *EgressProxy, log logr.Logger, requests *solverRequestLog) (*solverRunner, error) {
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &solverRunner{egress: egress, log: log, requests: requests, kick: make(chan struct{}, 1), cancel: cancel,
		done: make(chan struct{}), solvers: map[types.UID]*runningSolver{}, routes: map[types.UID][]string{}}
	factory := informers.NewSharedInformerFactoryWithOptions(kube, 0, informers.WithTweakListOptions(func(o *metav1.ListOptions) {
		o.LabelSelector = solverSelector.String()
	}))
	pods, services := factory.Core().V1().Pods(), factory.Core().V1().Services()
	r.pods, r.services = pods.Lister(), services.Lister()
	handler := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { r.trigger() },
		UpdateFunc: func(any, any) { r.trigger() },
		DeleteFunc: func(any) { r.trigger() },
	}
	for _, inf := range []cache.SharedIndexInformer{pods.Informer(), services.Informer()} {
		if _, err := inf.AddEventHandler(handler); err != nil {
			cancel()
			return nil, err
		}
	}
	factory.Start(ctx.Done())
	go r.syncLoop(ctx, pods.Informer().HasSynced, services.Informer().HasSynced)
	return r, nil
}

func (r *solverRunner) trigger() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// syncLoop reconciles after every change, coalescing bursts.
func (r *solverRunner) syncLoop(ctx context.Context, synced ...cache.InformerSynced) {
	defer close(r.done)
	if !cache.WaitForCacheSync(ctx.Done(), synced...) {
		return
	}
	r.trigger()
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.kick:
		}
		if err := r.sync(); err != nil {
			r.log.Error(err, "solver sync")
		}
	}
}

// sync starts a solver for every solver Pod without one, stops those whose
// Pod is gone or going, and routes every solver Service to the solver its
// selector picks.
func (r *solverRunner) sync() error {
	pods, err := r.pods.List(labels.Everything())
	if err != nil {
		return err
	}
	services, err := r.services.List(labels.Everything())
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var errs []error
	live := map[types.UID]bool{}
	for _, pod := range pods {
		if pod.DeletionTimestamp != nil {
			continue
		}
		live[pod.UID] = true
		if r.solvers[pod.UID] != nil {
			continue
		}
		s, err := r.startSolver(pod)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r.solvers[pod.UID] = s
	}
	for uid, s := range r.solvers {
		if !live[uid] {
			stopSolver(s)
			delete(r.solvers, uid)
		}
	}
	r.routeServices(services)
	return errors.Join(errs...)
}

// routeServices points each solver Service's ports at the solver its
// selector picks, and removes the routes of Services that are gone or pick
// no running solver.
func (r *solverRunner) routeServices(services []*corev1.Service) {
	routed := map[types.UID]bool{}
	for _, svc := range services {
		for _, s := range r.solvers {
			if !selects(svc.Spec.Selector, s.labels) {
				continue
			}
			var froms []string
			for _, p := range svc.Spec.Ports {
				if from, err := serviceAddress(svc, p.Port); err == nil {
					r.egress.Route(from, s.addr)
					froms = append(froms, from)
				}
			}
			r.routes[svc.UID], routed[svc.UID] = froms, true
			break
		}
	}
	for uid, froms := range r.routes {
		if routed[uid] {
			continue
		}
		for _, from := range froms {
			r.egress.Unroute(from)
		}
		delete(r.routes, uid)
	}
}

// startSolver runs cert-manager's solver with the Pod's arguments on a free
// port and waits until it accepts connections.
func (r *solverRunner) startSolver(pod *corev1.Pod) (*runningSolver, error) {
	args, err := solverPodArgs(pod)
	if err != nil {
		return nil, err
	}
	port, err := childproc.FreePort()
	if err != nil {
		return nil, err
	}
	podName := pod.Namespace + "/" + pod.Name
	s := &runningSolver{
		labels: pod.Labels,
		addr:   net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		server: &solver.HTTP01Solver{ListenPort: port, Domain: args.domain, Token: args.token, Key: args.key},
		done:   make(chan struct{}),
	}
	log := logr.New(r.requests.sink(r.log.GetSink(), podName))
	go func() {
		defer close(s.done)
		if err := s.server.Listen(log); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error(err, "solver exited")
		}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.addr, time.Second)
		if err == nil {
			_ = c.Close()
			break
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("solver of Pod %s on port %d exited (see its log)", podName, port)
		default:
		}
		if time.Now().After(deadline) {
			stopSolver(s)
			return nil, fmt.Errorf("solver of Pod %s does not listen on %s: %w", podName, s.addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.log.Info("solver started", "pod", podName, "domain", args.domain, "address", s.addr)
	return s, nil
}

// stopSolver closes a solver that listens (startSolver waited for that, so
// Listen has set up its server) and waits for it.
func stopSolver(s *runningSolver) {
	_ = s.server.Close()
	<-s.done
}

// stop ends the watch and every solver.
func (r *solverRunner) stop() {
	r.cancel()
	<-r.done
	r.mu.Lock()
	defer r.mu.Unlock()
	for uid, s := range r.solvers {
		stopSolver(s)
		delete(r.solvers, uid)
	}
}
