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

// Package childproc starts and stops the child processes of the test wing
// (test/localenv, test/scale and test/e2e) so that none outlives its parent,
// even one killed with SIGKILL: each child runs in a process group of its
// own with SIGKILL as its parent-death signal, is forked from an OS thread
// that lives as long as the children (see Launcher), and is stopped with
// SIGTERM to its group, then SIGKILL after a grace period (Process.Stop).
//
// It is in the main module and uses only the standard library, so that the
// e2e suite imports it directly and the nested test modules through a
// replace of knative.dev/net-certmanager, without new dependencies on
// either side.
package childproc
