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
package main

// cardinalityLimitEnv is where OpenTelemetry's Go SDK reads the limit of
// series per instrument; knative.dev/pkg builds the MeterProvider without
// setting one, so the SDK's default of 2,000 applies.
const cardinalityLimitEnv = "OTEL_GO_X_CARDINALITY_LIMIT"

// noCardinalityLimit: the expiry gauge has one series per KCert this
// replica leads, so it is bounded by the KCerts, and must not be cut. With
// the SDK's default, a replica leading 5,021 KCerts exported 2,000 expiry
// series (the scale harness, 2026-11-30): the expiry alert would not see
// the rest.
const noCardinalityLimit = "0"

// setCardinalityLimitDefault lifts the limit unless the operator set one.
// It must run before sharedmain builds the MeterProvider.
func setCardinalityLimitDefault() {
	setEnvDefault(cardinalityLimitEnv, noCardinalityLimit)
}
