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

package alertrules

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/textparse"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/tsdb"
)

// Scrape is one scrape of a /metrics endpoint, in Prometheus text format.
type Scrape struct {
	At   time.Time
	Text []byte
}

// Firing is one element of an alert's result vector: the alert fires for
// these labels (once its `for:` has passed, which the evaluation does not
// wait for).
type Firing struct {
	Labels map[string]string `json:"labels"`
	Value  float64           `json:"value"`
}

// Evaluate stores the scrapes as Prometheus would have ingested them and
// evaluates each alert's expression at time at, as the rule manager does
// at each evaluation. The scrapes keep their spacing and are moved so that
// the last is taken at at: evaluating at a later time shows what the rules
// say of the same state then (time() is at). Every alert has an entry.
func Evaluate(alerts []Alert, scrapes []Scrape, at time.Time) (map[string][]Firing, error) {
	if len(scrapes) == 0 {
		return nil, errors.New("no scrapes")
	}
	dir, err := os.MkdirTemp("", "alertrules-tsdb")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	quiet := slog.New(slog.DiscardHandler)
	db, err := tsdb.Open(dir, quiet, nil, tsdb.DefaultOptions(), nil)
	if err != nil {
		return nil, err
	}
	defer db.Close()

	shift := at.Sub(scrapes[len(scrapes)-1].At)
	for _, s := range scrapes {
		if err := ingest(db, s.Text, s.At.Add(shift)); err != nil {
			return nil, err
		}
	}

	engine := promql.NewEngine(promql.EngineOpts{Logger: quiet, MaxSamples: 1_000_000, Timeout: time.Minute, LookbackDelta: 5 * time.Minute})
	out := map[string][]Firing{}
	for _, a := range alerts {
		q, err := engine.NewInstantQuery(context.Background(), db, nil, a.Expr, at)
		if err != nil {
			return nil, fmt.Errorf("alert %s: %w", a.Name, err)
		}
		res := q.Exec(context.Background())
		if res.Err != nil {
			return nil, fmt.Errorf("alert %s: %w", a.Name, res.Err)
		}
		vec, err := res.Vector()
		if err != nil {
			return nil, fmt.Errorf("alert %s: %w", a.Name, err)
		}
		out[a.Name] = []Firing{}
		for _, s := range vec {
			out[a.Name] = append(out[a.Name], Firing{Labels: s.Metric.Map(), Value: s.F})
		}
		q.Close()
	}
	return out, nil
}

// ingest appends the float samples of one Prometheus text scrape at ts.
func ingest(db *tsdb.DB, text []byte, ts time.Time) error {
	p := textparse.NewPromParser(text, labels.NewSymbolTable(), false)
	app := db.Appender(context.Background())
	for {
		entry, err := p.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			_ = app.Rollback()
			return fmt.Errorf("parse scrape: %w", err)
		}
		if entry != textparse.EntrySeries {
			continue
		}
		var lset labels.Labels
		p.Labels(&lset)
		_, _, v := p.Series()
		if _, err := app.Append(0, lset, ts.UnixMilli(), v); err != nil {
			_ = app.Rollback()
			return fmt.Errorf("store %s: %w", lset, err)
		}
	}
	return app.Commit()
}
