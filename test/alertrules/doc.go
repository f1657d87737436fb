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

// Package alertrules evaluates the alert rules documented in
// docs/operating.md with Prometheus' own PromQL engine over samples scraped
// from the controller, so that the e2e suite shows each documented alert
// fires in the situation it is for and stays silent otherwise.
//
// It is a module of its own (test/alertrules) so that Prometheus never
// enters the controller's go.mod; the e2e suite runs it through the
// alerteval command (cmd/alerteval), which hack/e2e-local.sh builds.
package alertrules
