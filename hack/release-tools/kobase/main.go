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

// Command kobase writes a minimal, empty linux/amd64 base image into an OCI
// image layout and prints its digest.
//
// ko resolves base images through its on-disk cache ($KOCACHE/img, an OCI
// layout) before the network when the base is named by digest. Writing this
// image there and pointing KO_DEFAULTBASEIMAGE at <anything>@<digest> lets
// `ko resolve` run with no registry at all (hack/release.sh). The image is
// only good for rendering: it has no files, just a non-root user, like the
// distroless/static images ko uses by default.
//
// Usage: kobase <oci-layout-dir>
package main

import (
	"errors"
	"fmt"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/match"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/partial"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: kobase <oci-layout-dir>")
		os.Exit(2)
	}
	digest, err := write(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "kobase:", err)
		os.Exit(1)
	}
	fmt.Println(digest)
}

// baseImage is deterministic (no timestamps, no layers), so its digest is
// the same on every machine and every run.
func baseImage() (v1.Image, error) {
	return mutate.ConfigFile(empty.Image, &v1.ConfigFile{
		Architecture: "amd64",
		OS:           "linux",
		Config: v1.Config{
			// The uid of the nonroot user in distroless and chainguard images;
			// the Deployments set runAsNonRoot.
			User: "65532",
			Env:  []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
		},
		RootFS: v1.RootFS{Type: "layers"},
	})
}

// write adds the base image to the layout at dir (creating it if needed)
// unless it is already there, and returns the image's digest.
func write(dir string) (v1.Hash, error) {
	img, err := baseImage()
	if err != nil {
		return v1.Hash{}, err
	}
	digest, err := img.Digest()
	if err != nil {
		return v1.Hash{}, err
	}
	p, err := layout.FromPath(dir)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			return v1.Hash{}, fmt.Errorf("reading OCI layout %s: %w", dir, err)
		}
		if p, err = layout.Write(dir, empty.Index); err != nil {
			return v1.Hash{}, fmt.Errorf("creating OCI layout %s: %w", dir, err)
		}
	}
	idx, err := p.ImageIndex()
	if err != nil {
		return v1.Hash{}, err
	}
	found, err := partial.FindManifests(idx, match.Digests(digest))
	if err != nil {
		return v1.Hash{}, err
	}
	if len(found) == 0 {
		if err := p.AppendImage(img); err != nil {
			return v1.Hash{}, fmt.Errorf("writing the base image to %s: %w", dir, err)
		}
	}
	return digest, nil
}
