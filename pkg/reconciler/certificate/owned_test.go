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
	"testing"
	"time"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgotesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"

	ktesting "knative.dev/pkg/reconciler/testing"
)

// ownedSyncedKey hands newTestReconciler the owned caches' HasSynced.
type ownedSyncedKey struct{}

func ownedCaches(filled bool) context.Context {
	return context.WithValue(context.Background(), ownedSyncedKey{}, cache.InformerSynced(func() bool { return filled }))
}

// While the owned caches fill after a start, an issued KCert is reconciled
// as ever, and one being issued or renewed keeps its status (it would be
// explained from empty caches) and is looked at again.
func TestOwnedCachesFilling(t *testing.T) {
	renewal := cmCondition(cmv1.CertificateConditionIssuing, cmmeta.ConditionTrue, "Renewing", "Renewing certificate as renewal was scheduled at 2026-11-27")
	runTable(t, ktesting.TableTest{{
		Name:    "filling: an issued KCert becomes Ready at once",
		Key:     testKey,
		Ctx:     ownedCaches(false),
		Objects: []runtime.Object{kcert(inProgress(0)), cmCert(kcert(), externalIssuer, cmReady)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(ready)),
		},
	}, {
		Name: "filling: a KCert being issued keeps its status and is looked at again",
		Key:  testKey,
		Ctx:  ownedCaches(false),
		Objects: []runtime.Object{
			kcert(inProgress(0)),
			cmCert(kcert(), externalIssuer, issuingInProgress),
			deniedRequest(cmCert(kcert(), externalIssuer)),
		},
		WantErr: true, // controller.NewRequeueAfter: neither logged nor an event
	}, {
		Name:    "filling: a renewing KCert keeps its status and is looked at again",
		Key:     testKey,
		Ctx:     ownedCaches(false),
		Objects: []runtime.Object{kcert(ready), cmCert(kcert(), externalIssuer, cmReady, renewal)},
		WantErr: true,
	}, {
		Name: "filled: the KCert being issued says where it waits",
		Key:  testKey,
		Ctx:  ownedCaches(true),
		Objects: []runtime.Object{
			kcert(inProgress(0)),
			cmCert(kcert(), externalIssuer, issuingInProgress),
			deniedRequest(cmCert(kcert(), externalIssuer)),
		},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(deniedStep)),
		},
	}, {
		Name:    "filled: the renewal is said",
		Key:     testKey,
		Ctx:     ownedCaches(true),
		Objects: []runtime.Object{kcert(ready), cmCert(kcert(), externalIssuer, cmReady, renewal)},
		WantStatusUpdates: []clientgotesting.UpdateActionImpl{
			statusUpdate(kcert(ready, renewing(corev1.ConditionTrue, "Renewing", "Renewing certificate as renewal was scheduled at 2026-11-27"))),
		},
	}})
}

// The owned informers start only once the other caches are filled, and
// then fill too.
func TestOwnedInformersStartAfterTheOthers(t *testing.T) {
	ctx := setupContext(t)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	owned := OwnedInformers(ctx)
	isOwned := map[cache.SharedIndexInformer]bool{}
	for _, inf := range owned {
		isOwned[inf] = true
	}
	StartOwnedInformers(ctx)

	// The others are not running: the owned ones do not start.
	time.Sleep(10 * syncPoll)
	for _, inf := range owned {
		if inf.HasSynced() {
			t.Fatalf("owned informer %T synced before the others were", inf)
		}
	}

	for _, inf := range Informers(ctx) {
		if !isOwned[inf] {
			go inf.Run(ctx.Done())
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, inf := range owned {
		for !inf.HasSynced() {
			if time.Now().After(deadline) {
				t.Fatalf("owned informer %T not synced 5 s after the others started", inf)
			}
			time.Sleep(syncPoll)
		}
	}
}
