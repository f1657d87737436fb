#!/usr/bin/env bash

# Copyright 2026 The Knative Authors
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

# Refreshes go.sum and the committed vendor/ after a change of go.mod.
# The pins are in go.mod; knative.dev/* newer than them is refused by the
# module proxy this project builds from.

set -o errexit
set -o nounset
set -o pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export GOFLAGS=-mod=mod
go mod tidy
go mod vendor
# The nested localenv and alertrules modules keep their own go.sum.
for mod in test/localenv test/localenv/tools test/localenv/tools/etcd test/alertrules; do
  if [[ -f "${mod}/go.mod" ]]; then
    (cd "${mod}" && go mod tidy)
  fi
done
