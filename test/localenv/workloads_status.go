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
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The statuses the workload stand-in (workloads.go) writes, as pure
// functions.

// runningDeploymentStatus is what kube-controller-manager reports for d
// once all of its replicas run Ready: the conditions Serving's
// TransformDeploymentStatus reads (Progressing, no ReplicaFailure) and the
// replica counts it checks (readyReplicas, availableReplicas).
func runningDeploymentStatus(d *appsv1.Deployment, now metav1.Time) appsv1.DeploymentStatus {
	replicas := int32(1)
	if d.Spec.Replicas != nil {
		replicas = *d.Spec.Replicas
	}
	cond := func(t appsv1.DeploymentConditionType, reason string) appsv1.DeploymentCondition {
		if old := deploymentCondition(d.Status, t); old != nil && old.Status == corev1.ConditionTrue && old.Reason == reason {
			return *old
		}
		return appsv1.DeploymentCondition{Type: t, Status: corev1.ConditionTrue, Reason: reason, LastUpdateTime: now, LastTransitionTime: now}
	}
	return appsv1.DeploymentStatus{
		ObservedGeneration: d.Generation,
		Replicas:           replicas,
		UpdatedReplicas:    replicas,
		ReadyReplicas:      replicas,
		AvailableReplicas:  replicas,
		Conditions: []appsv1.DeploymentCondition{
			cond(appsv1.DeploymentAvailable, "MinimumReplicasAvailable"),
			cond(appsv1.DeploymentProgressing, "NewReplicaSetAvailable"),
		},
	}
}

// deploymentStatusCurrent says whether d already has runningDeploymentStatus
// (condition times aside).
func deploymentStatusCurrent(d *appsv1.Deployment) bool {
	want := runningDeploymentStatus(d, metav1.Time{})
	for _, c := range want.Conditions {
		got := deploymentCondition(d.Status, c.Type)
		if got == nil || got.Status != c.Status || got.Reason != c.Reason {
			return false
		}
	}
	got := d.Status
	got.Conditions, want.Conditions = nil, nil
	return equality.Semantic.DeepEqual(got, want)
}

func deploymentCondition(st appsv1.DeploymentStatus, t appsv1.DeploymentConditionType) *appsv1.DeploymentCondition {
	for i := range st.Conditions {
		if st.Conditions[i].Type == t {
			return &st.Conditions[i]
		}
	}
	return nil
}

// paConditions are the PodAutoscaler's conditions, sorted by type as
// knative.dev/pkg keeps them: Ready follows from the other three.
var paConditions = []string{"Active", "Ready", "SKSReady", "ScaleTargetInitialized"}

// activePAStatus is what Serving's KPA reconciler reports for a
// PodAutoscaler whose scale target runs scale Ready Pods: all conditions
// True, the scale desired and actual, and serviceName (what a Revision needs
// to be Ready) the public Service of its ServerlessService, which has the
// PodAutoscaler's name. Condition transition times are kept if unchanged.
func activePAStatus(pa *unstructured.Unstructured, scale int32, now time.Time) map[string]any {
	old := paConditionMap(pa)
	conds := make([]any, 0, len(paConditions))
	for _, t := range paConditions {
		c := map[string]any{"type": t, "status": string(corev1.ConditionTrue), "lastTransitionTime": now.UTC().Format(time.RFC3339)}
		if o := old[t]; o != nil && o["status"] == string(corev1.ConditionTrue) {
			c["lastTransitionTime"] = o["lastTransitionTime"]
		}
		conds = append(conds, c)
	}
	return map[string]any{
		"observedGeneration": pa.GetGeneration(),
		"serviceName":        pa.GetName(),
		"metricsServiceName": pa.GetName() + "-private",
		"desiredScale":       int64(scale),
		"actualScale":        int64(scale),
		"conditions":         conds,
	}
}

// paStatusCurrent says whether pa's status is want (condition times aside).
func paStatusCurrent(pa *unstructured.Unstructured, want map[string]any) bool {
	got, _, _ := unstructured.NestedMap(pa.Object, "status")
	if got == nil {
		return false
	}
	for _, k := range []string{"observedGeneration", "serviceName", "metricsServiceName", "desiredScale", "actualScale"} {
		if !equality.Semantic.DeepEqual(got[k], want[k]) {
			return false
		}
	}
	old := paConditionMap(pa)
	if len(old) != len(paConditions) {
		return false
	}
	for _, t := range paConditions {
		if old[t] == nil || old[t]["status"] != string(corev1.ConditionTrue) {
			return false
		}
	}
	return true
}

// paConditionMap indexes pa's status conditions by type.
func paConditionMap(pa *unstructured.Unstructured) map[string]map[string]any {
	conds, _, _ := unstructured.NestedSlice(pa.Object, "status", "conditions")
	out := map[string]map[string]any{}
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok {
			if t, ok := m["type"].(string); ok {
				out[t] = m
			}
		}
	}
	return out
}
