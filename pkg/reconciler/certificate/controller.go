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

package certificate

import (
	"context"

	acmev1 "github.com/cert-manager/cert-manager/pkg/apis/acme/v1"
	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	acmev1informers "github.com/cert-manager/cert-manager/pkg/client/informers/externalversions/acme/v1"
	cmv1informers "github.com/cert-manager/cert-manager/pkg/client/informers/externalversions/certmanager/v1"
	acmelisters "github.com/cert-manager/cert-manager/pkg/client/listers/acme/v1"
	cmlisters "github.com/cert-manager/cert-manager/pkg/client/listers/certmanager/v1"
	"go.opentelemetry.io/otel"
	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	corev1informers "k8s.io/client-go/informers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/clock"

	"knative.dev/networking/pkg/apis/networking"
	"knative.dev/networking/pkg/apis/networking/v1alpha1"
	networkingclient "knative.dev/networking/pkg/client/injection/client"
	kcertinformer "knative.dev/networking/pkg/client/injection/informers/networking/v1alpha1/certificate"
	kcertreconciler "knative.dev/networking/pkg/client/injection/reconciler/networking/v1alpha1/certificate"
	netlisters "knative.dev/networking/pkg/client/listers/networking/v1alpha1"
	filteredfactory "knative.dev/pkg/client/injection/kube/informers/factory/filtered"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection"
	"knative.dev/pkg/logging"
	pkgreconciler "knative.dev/pkg/reconciler"
	"knative.dev/pkg/system"

	"knative.dev/net-certmanager/pkg/certmanagerapi"
	cmclient "knative.dev/net-certmanager/pkg/client/certmanager/injection/client"
	cmcertinformer "knative.dev/net-certmanager/pkg/client/certmanager/injection/informers/certmanager/v1/certificate"
	clusterissuerinformer "knative.dev/net-certmanager/pkg/client/certmanager/injection/informers/certmanager/v1/clusterissuer"
	issuerinformer "knative.dev/net-certmanager/pkg/client/certmanager/injection/informers/certmanager/v1/issuer"
	"knative.dev/net-certmanager/pkg/issuerconfig"
	"knative.dev/net-certmanager/pkg/reconciler/certificate/config"
	"knative.dev/net-certmanager/pkg/reconciler/certificate/resources"
)

// SolverServiceSelector selects the only Services the controller caches:
// cert-manager's HTTP-01 solvers. main must register it with
// filteredinformerfactory.WithSelectors.
const SolverServiceSelector = resources.HTTP01SolverLabelKey + "=true"

// NewController returns a constructor for the controller that serves KCerts
// of the given certificate class with the given number of workers (0 keeps
// knative.dev/pkg's default of controller.DefaultThreadsPerController).
func NewController(class string, workers int) injection.ControllerConstructor {
	return func(ctx context.Context, cmw configmap.Watcher) *controller.Impl {
		return newController(ctx, cmw, class, workers, clock.RealClock{})
	}
}

// certManagerInformers gets the informer of each resource of
// certmanagerapi.Watched; a test keeps the two in step. Those of the
// objects under a Certificate come from a factory of their own, which
// streams (lists.go), not from their injection packages, which would have
// sharedmain wait for them (owned.go).
var certManagerInformers = map[schema.GroupVersionResource]func(context.Context) cache.SharedIndexInformer{
	certmanagerapi.Certificates: func(ctx context.Context) cache.SharedIndexInformer { return cmcertinformer.Get(ctx).Informer() },
	certmanagerapi.CertificateRequests: func(ctx context.Context) cache.SharedIndexInformer {
		return certManager(ctx).CertificateRequests().Informer()
	},
	certmanagerapi.Issuers:        func(ctx context.Context) cache.SharedIndexInformer { return issuerinformer.Get(ctx).Informer() },
	certmanagerapi.ClusterIssuers: func(ctx context.Context) cache.SharedIndexInformer { return clusterissuerinformer.Get(ctx).Informer() },
	certmanagerapi.Orders:         func(ctx context.Context) cache.SharedIndexInformer { return acme(ctx).Orders().Informer() },
	certmanagerapi.Challenges:     func(ctx context.Context) cache.SharedIndexInformer { return acme(ctx).Challenges().Informer() },
}

func certManager(ctx context.Context) cmv1informers.Interface {
	return ownedFactory(ctx).Certmanager().V1()
}
func acme(ctx context.Context) acmev1informers.Interface { return ownedFactory(ctx).Acme().V1() }

func solverServices(ctx context.Context) corev1informers.ServiceInformer {
	return filteredfactory.Get(ctx, SolverServiceSelector).Core().V1().Services()
}

// Informers returns every informer the reconciler reads: the KCerts', one
// per watched cert-manager resource, and the solver Services'. The
// controller is ready only once all of them have synced.
func Informers(ctx context.Context) []cache.SharedIndexInformer {
	out := []cache.SharedIndexInformer{kcertinformer.Get(ctx).Informer()}
	for _, gvr := range certmanagerapi.Watched {
		out = append(out, certManagerInformers[gvr](ctx))
	}
	return append(out, solverServices(ctx).Informer())
}

func newController(ctx context.Context, cmw configmap.Watcher, class string, workers int, clk clock.PassiveClock) *controller.Impl {
	logger := logging.FromContext(ctx)

	kcertInformer := kcertinformer.Get(ctx)
	certInformer := cmcertinformer.Get(ctx)
	issuerInformer := issuerinformer.Get(ctx)
	clusterIssuerInformer := clusterissuerinformer.Get(ctx)
	crInformer := certManager(ctx).CertificateRequests()
	orderInformer := acme(ctx).Orders()
	challengeInformer := acme(ctx).Challenges()
	serviceInformer := solverServices(ctx)

	owned := &ownedIndex{
		certificateRequests: mustIndex(crInformer.Informer(), OwnerUIDIndexers),
		orders:              mustIndex(orderInformer.Informer(), OwnerUIDIndexers),
		challenges:          mustIndex(challengeInformer.Informer(), OwnerUIDIndexers),
		services:            mustIndex(serviceInformer.Informer(), OwnerUIDIndexers),
	}
	// Like AddIndexers, SetTransform fails only on a started informer.
	if err := setTrimTransform(Informers(ctx)...); err != nil {
		panic(err)
	}

	mp := otel.GetMeterProvider()
	stats, err := NewStatsReporter(mp)
	if err != nil {
		// Metrics are not worth refusing to reconcile for.
		logger.Errorw("Cannot create the reconcile metrics; running without them", zap.Error(err))
		stats = nil
	}

	r := &Reconciler{
		certManagerClient:   cmclient.Get(ctx),
		certificateLister:   certInformer.Lister(),
		certificates:        certInformer.Informer().GetIndexer(),
		issuerLister:        issuerInformer.Lister(),
		clusterIssuerLister: clusterIssuerInformer.Lister(),
		owned:               owned,
		ownedSynced:         ownedSynced(ctx),
		clock:               clk,
		stats:               stats,
	}

	classFilter := pkgreconciler.AnnotationFilterFunc(networking.CertificateClassAnnotationKey, class, false)
	var store *config.Store
	writer := &statusWriter{reconciler: r, client: networkingclient.Get(ctx), lister: kcertInformer.Lister()}
	impl := kcertreconciler.NewImpl(ctx, writer, class, func(impl *controller.Impl) controller.Options {
		resync := func(string, interface{}) {
			logger.Info("config-certmanager changed; resyncing every Certificate of class ", class)
			impl.FilteredGlobalResync(classFilter, kcertInformer.Informer())
		}
		store = config.NewStore(logger.Named("config-store"), resync)
		watchConfig(cmw, store)
		return skipGeneratedStatusUpdates(controller.Options{ConfigStore: store})
	})
	// The generated NewImpl ignores Options.Concurrency; Run reads this field.
	if workers > 0 {
		impl.Concurrency = workers
	}
	r.enqueueAfter = impl.EnqueueAfter
	r.claims = watchSecretClaims(impl, kcertInformer.Informer(), certInformer.Informer(), classFilter)
	leads := func(types.NamespacedName) bool { return true }
	if leader, ok := impl.Reconciler.(bucketLeader); ok {
		leads = leader.IsLeaderFor
	}
	if err := registerCacheGauges(mp, kcertInformer.Lister(), reportedHere(classFilter, leads)); err != nil {
		logger.Errorw("Cannot create the certificate expiry and readiness metrics; running without them", zap.Error(err))
	}

	kcertInformer.Informer().AddEventHandler(cache.FilteringResourceEventHandler{
		FilterFunc: classFilter,
		Handler: cache.ResourceEventHandlerFuncs{
			AddFunc:    impl.Enqueue,
			UpdateFunc: controller.PassNew(impl.Enqueue),
			// A deleted KCert is never reconciled again: forget its last warning.
			DeleteFunc: func(obj interface{}) {
				r.forget(obj)
				writer.forget(obj)
				impl.Enqueue(obj)
			},
		},
	})

	owners := &ownerChain{
		kcerts:              kcertInformer.Lister(),
		certificates:        certInformer.Lister(),
		certificateRequests: crInformer.Lister(),
		orders:              orderInformer.Lister(),
		challenges:          challengeInformer.Lister(),
		classFilter:         classFilter,
	}
	onCertificate, onChallenge, onSolverService := dependentHandlers(owners, impl.EnqueueKey)
	certInformer.Informer().AddEventHandler(onCertificate)
	// Once the cache shows a Certificate this replica created, it is the truth again.
	certInformer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: r.recent.seen, DeleteFunc: func(obj interface{}) {
		r.recent.seen(obj)
		if cert, ok := unwrap[*cmv1.Certificate](obj); ok {
			r.certWrites.forget(cert.UID)
		}
	}})
	challengeInformer.Informer().AddEventHandler(onChallenge)
	crInformer.Informer().AddEventHandler(requestHandler(owners.kcertOfRequest, impl.EnqueueKeyAfter, clk.Now))
	serviceInformer.Informer().AddEventHandler(onSolverService)

	// A KCert waiting for a missing issuer proceeds when it appears; one
	// whose issuer is deleted says so.
	onIssuer := waitingOnIssuer(kcertInformer.Lister(), classFilter,
		func() *issuerconfig.CertManagerConfig { return store.Load().CertManager }, impl.EnqueueKey)
	for _, inf := range []cache.SharedIndexInformer{issuerInformer.Informer(), clusterIssuerInformer.Informer()} {
		inf.AddEventHandler(onIssuer)
	}

	return impl
}

// bucketLeader is the part of Knative's generated reconciler that says
// which KCerts this replica leads.
type bucketLeader interface {
	IsLeaderFor(types.NamespacedName) bool
}

// watchConfig watches config-certmanager, standing in the defaults for a
// ConfigMap that does not exist, as a missing key does.
func watchConfig(cmw configmap.Watcher, store *config.Store) {
	if dw, ok := cmw.(configmap.DefaultingWatcher); ok {
		// The watcher drops a ConfigMap of another namespace, the default too.
		dw.WatchWithDefault(corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: issuerconfig.CertManagerConfigName, Namespace: system.Namespace()},
		}, store.OnConfigChanged)
		return
	}
	store.WatchConfigs(cmw)
}

func mustIndex(inf cache.SharedIndexInformer, indexers cache.Indexers) cache.Indexer {
	// AddIndexers fails only once the informer has started, which is a
	// wiring bug that must not go unnoticed.
	if err := inf.AddIndexers(indexers); err != nil {
		panic(err)
	}
	return inf.GetIndexer()
}

// kcertKind heads the owner chain, above cert-manager's kinds (resources).
var kcertKind = v1alpha1.SchemeGroupVersion.WithKind("Certificate").GroupKind()

// ownerChain walks controller references up from cert-manager's objects to
// the KCert they were made for.
type ownerChain struct {
	kcerts              netlisters.CertificateLister
	certificates        cmlisters.CertificateLister
	certificateRequests cmlisters.CertificateRequestLister
	orders              acmelisters.OrderLister
	challenges          acmelisters.ChallengeLister
	classFilter         func(interface{}) bool
}

func (o *ownerChain) kcertOfCertificate(obj interface{}) (types.NamespacedName, bool) {
	cert, ok := unwrap[*cmv1.Certificate](obj)
	if !ok {
		return types.NamespacedName{}, false
	}
	kcert, err := o.kcerts.Certificates(cert.Namespace).Get(cert.Name)
	if err != nil || !o.classFilter(kcert) {
		return types.NamespacedName{}, false
	}
	return types.NamespacedName{Namespace: kcert.Namespace, Name: kcert.Name}, true
}

func (o *ownerChain) kcertOfSolverService(obj interface{}) (types.NamespacedName, bool) {
	svc, ok := unwrap[*corev1.Service](obj)
	if !ok {
		return types.NamespacedName{}, false
	}
	ch, ok := controllerOf[*acmev1.Challenge](svc, resources.ChallengeKind, o.challenges.Challenges(svc.Namespace).Get)
	if !ok {
		return types.NamespacedName{}, false
	}
	return o.kcertOfChallenge(ch)
}

func (o *ownerChain) kcertOfChallenge(obj interface{}) (types.NamespacedName, bool) {
	ch, ok := unwrap[*acmev1.Challenge](obj)
	if !ok {
		return types.NamespacedName{}, false
	}
	order, ok := controllerOf[*acmev1.Order](ch, resources.OrderKind, o.orders.Orders(ch.Namespace).Get)
	if !ok {
		return types.NamespacedName{}, false
	}
	cr, ok := controllerOf[*cmv1.CertificateRequest](order, resources.CertificateRequestKind, o.certificateRequests.CertificateRequests(ch.Namespace).Get)
	if !ok {
		return types.NamespacedName{}, false
	}
	return o.kcertOfRequest(cr)
}

func (o *ownerChain) kcertOfRequest(obj interface{}) (types.NamespacedName, bool) {
	cr, ok := unwrap[*cmv1.CertificateRequest](obj)
	if !ok {
		return types.NamespacedName{}, false
	}
	cert, ok := controllerOf[*cmv1.Certificate](cr, resources.CertificateKind, o.certificates.Certificates(cr.Namespace).Get)
	if !ok {
		return types.NamespacedName{}, false
	}
	kcert, ok := controllerOf[*v1alpha1.Certificate](cert, kcertKind, o.kcerts.Certificates(cr.Namespace).Get)
	if !ok || !o.classFilter(kcert) {
		return types.NamespacedName{}, false
	}
	return types.NamespacedName{Namespace: kcert.Namespace, Name: kcert.Name}, true
}

// controllerOf fetches obj's controller, from obj's namespace, if it is of
// the given kind and controls obj (resources.IsControlledBy): a recreated
// object of the same name is not mistaken for it.
func controllerOf[T metav1.Object](obj metav1.Object, kind schema.GroupKind, get func(string) (T, error)) (T, bool) {
	var zero T
	ref := resources.ControllerOfKind(obj, kind)
	if ref == nil {
		return zero, false
	}
	owner, err := get(ref.Name)
	if err != nil || !resources.IsControlledBy(obj, owner, kind) {
		return zero, false
	}
	return owner, true
}
