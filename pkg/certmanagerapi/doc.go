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

// Package certmanagerapi declares the cert-manager resources the controller
// watches. The one list drives the controller's informers and its
// cache-sync check, is what its CRD gate waits for, and is what the
// plugin's doctor checks, so that the doctor never says OK while the
// controller waits.
package certmanagerapi
