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

package testing

import (
	"context"
	"testing"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"

	fakenetworkingclient "knative.dev/networking/pkg/client/injection/client/fake"
	fakekubeclient "knative.dev/pkg/client/injection/kube/client/fake"
	"knative.dev/pkg/configmap"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/logging"
	logtesting "knative.dev/pkg/logging/testing"
	pkgreconciler "knative.dev/pkg/reconciler"
	ktesting "knative.dev/pkg/reconciler/testing"

	fakecmclient "knative.dev/net-certmanager/pkg/client/certmanager/injection/client/fake"
)

// maxEventBufferSize bounds the events one row may record.
const maxEventBufferSize = 20

// Ctor builds the reconciler under test from a row's listers.
type Ctor func(context.Context, *Listers, configmap.Watcher) controller.Reconciler

// MakeFactory returns a TableTest factory: the row's objects seed the
// injection fake clients and the listers, and every client action is
// recorded so that a row fails on any write it does not expect.
func MakeFactory(ctor Ctor, indexers cache.Indexers) ktesting.Factory {
	return func(t *testing.T, r *ktesting.TableRow) (controller.Reconciler, ktesting.ActionRecorderList, ktesting.EventList) {
		ls := NewListers(r.Objects, indexers)

		ctx := r.Ctx
		if ctx == nil {
			ctx = context.Background()
		}
		ctx = logging.WithLogger(ctx, logtesting.TestLogger(t))

		ctx, kubeClient := fakekubeclient.With(ctx, ls.GetKubeObjects()...)
		ctx, netClient := fakenetworkingclient.With(ctx, ls.GetNetworkingObjects()...)
		ctx, cmClient := fakecmclient.With(ctx, ls.GetCertManagerObjects()...)

		recorder := record.NewFakeRecorder(maxEventBufferSize)
		ctx = controller.WithEventRecorder(ctx, recorder)

		for _, reactor := range r.WithReactors {
			kubeClient.PrependReactor("*", "*", reactor)
			netClient.PrependReactor("*", "*", reactor)
			cmClient.PrependReactor("*", "*", reactor)
		}

		c := ctor(ctx, &ls, configmap.NewStaticWatcher())
		// The reconciler does no work until it leads its bucket.
		if la, ok := c.(pkgreconciler.LeaderAware); ok {
			la.Promote(pkgreconciler.UniversalBucket(), func(pkgreconciler.Bucket, types.NamespacedName) {})
		}
		return c, ktesting.ActionRecorderList{netClient, cmClient, kubeClient}, ktesting.EventList{Recorder: recorder}
	}
}
