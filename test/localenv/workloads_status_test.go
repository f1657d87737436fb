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
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"
)

func TestRunningDeploymentStatus(t *testing.T) {
	then := metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	now := metav1.NewTime(then.Add(time.Hour))
	dep := func(gen int64, replicas *int32) *appsv1.Deployment {
		return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Generation: gen}, Spec: appsv1.DeploymentSpec{Replicas: replicas}}
	}
	withStatus := func(d *appsv1.Deployment) *appsv1.Deployment {
		d.Status = runningDeploymentStatus(d, then)
		return d
	}
	tests := []struct {
		name         string
		dep          *appsv1.Deployment
		wantReplicas int32
		wantCurrent  bool
		wantTime     metav1.Time
	}{{
		name:         "new Deployment, replicas unset: one",
		dep:          dep(1, nil),
		wantReplicas: 1,
		wantTime:     now,
	}, {
		name:         "three replicas",
		dep:          dep(1, ptr.To[int32](3)),
		wantReplicas: 3,
		wantTime:     now,
	}, {
		name:         "already running: current, times kept",
		dep:          withStatus(dep(2, ptr.To[int32](1))),
		wantReplicas: 1,
		wantCurrent:  true,
		wantTime:     then,
	}, {
		name: "spec changed since: not current",
		dep: func() *appsv1.Deployment {
			d := withStatus(dep(2, ptr.To[int32](1)))
			d.Generation = 3
			return d
		}(),
		wantReplicas: 1,
		wantTime:     then,
	}, {
		name: "Progressing False: not current, new transition",
		dep: func() *appsv1.Deployment {
			d := withStatus(dep(1, nil))
			d.Status.Conditions[1].Status, d.Status.Conditions[1].Reason = corev1.ConditionFalse, "ProgressDeadlineExceeded"
			return d
		}(),
		wantReplicas: 1,
		wantTime:     now,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := deploymentStatusCurrent(tt.dep); got != tt.wantCurrent {
				t.Errorf("deploymentStatusCurrent = %v, want %v", got, tt.wantCurrent)
			}
			st := runningDeploymentStatus(tt.dep, now)
			if st.ObservedGeneration != tt.dep.Generation {
				t.Errorf("observedGeneration %d, want %d", st.ObservedGeneration, tt.dep.Generation)
			}
			for _, n := range []int32{st.Replicas, st.UpdatedReplicas, st.ReadyReplicas, st.AvailableReplicas} {
				if n != tt.wantReplicas {
					t.Errorf("replica counts %+v, want all %d", st, tt.wantReplicas)
					break
				}
			}
			for _, ct := range []appsv1.DeploymentConditionType{appsv1.DeploymentAvailable, appsv1.DeploymentProgressing} {
				c := deploymentCondition(st, ct)
				if c == nil || c.Status != corev1.ConditionTrue {
					t.Errorf("condition %s = %+v, want True", ct, c)
				}
			}
			if c := deploymentCondition(st, appsv1.DeploymentProgressing); c != nil && !c.LastTransitionTime.Equal(&tt.wantTime) {
				t.Errorf("Progressing transition %v, want %v", c.LastTransitionTime, tt.wantTime)
			}
		})
	}
}

func TestActivePAStatus(t *testing.T) {
	then := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := then.Add(time.Hour)
	pa := func(gen int64, status map[string]any) *unstructured.Unstructured {
		u := &unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{"name": "app-00001", "generation": gen}}}
		if status != nil {
			u.Object["status"] = status
		}
		return u
	}
	active := activePAStatus(pa(1, nil), 1, then)
	tests := []struct {
		name        string
		pa          *unstructured.Unstructured
		scale       int32
		wantCurrent bool
		wantTime    string
	}{{
		name:     "new PodAutoscaler",
		pa:       pa(1, nil),
		scale:    1,
		wantTime: now.Format(time.RFC3339),
	}, {
		name:        "already active at that scale: current, times kept",
		pa:          pa(1, active),
		scale:       1,
		wantCurrent: true,
		wantTime:    then.Format(time.RFC3339),
	}, {
		name:     "scale changed",
		pa:       pa(1, active),
		scale:    2,
		wantTime: then.Format(time.RFC3339),
	}, {
		name:     "spec changed since",
		pa:       pa(2, active),
		scale:    1,
		wantTime: then.Format(time.RFC3339),
	}, {
		name: "not Ready: new transition",
		pa: pa(1, map[string]any{"serviceName": "app-00001", "conditions": []any{
			map[string]any{"type": "Ready", "status": "Unknown", "lastTransitionTime": then.Format(time.RFC3339)},
		}}),
		scale:    1,
		wantTime: now.Format(time.RFC3339),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := activePAStatus(tt.pa, tt.scale, now)
			if got := paStatusCurrent(tt.pa, want); got != tt.wantCurrent {
				t.Errorf("paStatusCurrent = %v, want %v", got, tt.wantCurrent)
			}
			if want["serviceName"] != "app-00001" || want["observedGeneration"] != tt.pa.GetGeneration() ||
				want["desiredScale"] != int64(tt.scale) || want["actualScale"] != int64(tt.scale) {
				t.Errorf("status %v, want serviceName app-00001, generation %d, scale %d", want, tt.pa.GetGeneration(), tt.scale)
			}
			conds := paConditionMap(&unstructured.Unstructured{Object: map[string]any{"status": want}})
			for _, ct := range paConditions {
				if c := conds[ct]; c == nil || c["status"] != "True" {
					t.Errorf("condition %s = %v, want True", ct, c)
				}
			}
			if got := conds["Ready"]["lastTransitionTime"]; got != tt.wantTime {
				t.Errorf("Ready transition %v, want %s", got, tt.wantTime)
			}
		})
	}
}
