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

# Updates the knative.dev/example-checksum annotation of every ConfigMap under
# config/ that has an _example block, with knative.dev/pkg's hash-gen (the
# checksum Knative's webhook compares, so that an edit of the example instead
# of the real keys is caught). --verify changes nothing and fails if an
# annotation is stale.

set -o errexit
set -o nounset
set -o pipefail

REPO_ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${REPO_ROOT_DIR}"

VERIFY=0
case "${1:-}" in
  "") ;;
  --verify) VERIFY=1 ;;
  *) echo "usage: $0 [--verify]" >&2; exit 2 ;;
esac

mapfile -t FILES < <(grep -rlE '^  _example:' config --include='*.yaml' | sort)
if [[ ${#FILES[@]} -eq 0 ]]; then
  echo "no ConfigMap with an _example block under config/" >&2
  exit 1
fi

HASH_GEN="$(mktemp -d)"
trap 'rm -rf "${HASH_GEN}"' EXIT
go build -o "${HASH_GEN}/hash-gen" knative.dev/pkg/configmap/hash-gen

stale=0
for f in "${FILES[@]}"; do
  if [[ ${VERIFY} -eq 1 ]]; then
    cp "${f}" "${HASH_GEN}/check.yaml"
    "${HASH_GEN}/hash-gen" "${HASH_GEN}/check.yaml"
    if ! diff -u "${f}" "${HASH_GEN}/check.yaml"; then
      echo "${f}: stale knative.dev/example-checksum; run ./hack/update-checksums.sh" >&2
      stale=1
    fi
  else
    "${HASH_GEN}/hash-gen" "${f}"
    echo "${f}: $(grep -o 'knative.dev/example-checksum: .*' "${f}")"
  fi
done
exit ${stale}
