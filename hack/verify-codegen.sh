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

# Checks that the generated code is what hack/update-codegen.sh makes, by
# regenerating in a scratch copy of the repository and comparing. Needs only
# the Go module cache or the module proxy.

set -o errexit
set -o nounset
set -o pipefail

REPO_ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRATCH="$(mktemp -d)"
trap 'rm -rf "${SCRATCH}"' EXIT

# The generated paths: anything else update-codegen.sh touches is a bug.
GENERATED=(
  pkg/client/certmanager/injection
  pkg/issuerconfig/zz_generated.deepcopy.go
)

# A copy without .git and caches; vendor/ is needed for go list.
tar -C "${REPO_ROOT_DIR}" --exclude=.git --exclude=.localenv --exclude='*.test' -cf - . | tar -C "${SCRATCH}" -xf -

echo "=== Regenerating in ${SCRATCH}"
"${SCRATCH}/hack/update-codegen.sh"

status=0
for path in "${GENERATED[@]}"; do
  if ! diff -Nupr "${REPO_ROOT_DIR}/${path}" "${SCRATCH}/${path}" >"${SCRATCH}/diff.txt"; then
    echo "ERROR: ${path} is out of date; run hack/update-codegen.sh" >&2
    head -50 "${SCRATCH}/diff.txt" >&2
    status=1
  fi
done
[[ ${status} -eq 0 ]] && echo "=== Generated code is up to date"
exit ${status}
