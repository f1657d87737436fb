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

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// ourPrefix starts the names of the controller's own metrics.
const ourPrefix = "net_certmanager_"

// metricSeries scrapes each replica's Prometheus endpoint and reports how
// many series of the controller's own metrics it exports, by name. With
// -replicas above 1, the others are started for this and stopped after.
// Only the replica that leads a KCert's bucket reports it in the cache
// gauges, so the totals across replicas are what Prometheus stores.
func (h *harness) metricSeries(ctx context.Context) error {
	replicas := []*controllerProc{h.ctrl}
	for i := 1; i < h.o.replicas; i++ {
		c, err := h.launchController(fmt.Sprintf("net-certmanager-controller-bench-%d", i))
		if err != nil {
			return err
		}
		defer func() { _ = c.proc.Stop(20 * time.Second) }()
		replicas = append(replicas, c)
	}
	total := 0
	for i, c := range replicas {
		var series map[string]int
		// Every replica exports the CRD gauge once it has started; a
		// replica that leads no bucket exports no cache gauge.
		err := h.waitFor(ctx, fmt.Sprintf("replica %d's metrics", i), func() bool {
			s, err := scrapeSeries(ctx, c.metricsPort)
			series = s
			return err == nil && series[ourPrefix+"certmanager_crds_found"] > 0
		})
		if err != nil {
			return err
		}
		n := 0
		for _, v := range series {
			n += v
		}
		total += n
		h.r.set(fmt.Sprintf("metrics_series_replica_%d", i), series)
		h.r.set(fmt.Sprintf("metrics_series_replica_%d_total", i), n)
	}
	h.r.set("metrics_series_all_replicas", total)
	return nil
}

// scrapeSeries counts the series of our metrics on a Prometheus endpoint.
func scrapeSeries(ctx context.Context, port int) (series map[string]int, err error) {
	err = get(ctx, fmt.Sprintf("http://127.0.0.1:%d/metrics", port), func(body io.Reader) error {
		series, err = countSeries(body)
		return err
	})
	return series, err
}

// get GETs url and hands the body of a 200 answer to read.
func get(ctx context.Context, url string, read func(io.Reader) error) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return read(resp.Body)
}

// countSeries counts the sample lines of our metrics in the text format,
// by metric name (a histogram's _bucket, _sum and _count lines apart).
func countSeries(r io.Reader) (map[string]int, error) {
	out := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, ourPrefix) {
			continue
		}
		name := line
		if i := strings.IndexAny(line, "{ "); i >= 0 {
			name = line[:i]
		}
		out[name]++
	}
	return out, sc.Err()
}
