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

package config

import (
	"context"
	"sync/atomic"

	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/configmap"

	"knative.dev/net-certmanager/pkg/issuerconfig"
)

type cfgKey struct{}

// Config is what the reconciler sees of config-certmanager for one reconcile.
type Config struct {
	// CertManager is the last valid config-certmanager, or nil while none
	// has been seen.
	CertManager *issuerconfig.CertManagerConfig
	// LoadError is why the newest config-certmanager was rejected, if it was.
	LoadError error
}

// FromContext returns the Config that ToContext stored.
func FromContext(ctx context.Context) *Config {
	cfg, _ := ctx.Value(cfgKey{}).(*Config)
	return cfg
}

// ToContext stores a Config for one reconcile.
func ToContext(ctx context.Context, c *Config) context.Context {
	return context.WithValue(ctx, cfgKey{}, c)
}

// Store hot-reloads config-certmanager. An invalid update keeps the last
// good config and logs the error. Unlike knative's UntypedStore on its own,
// an invalid FIRST config does not exit the process: the reconciler reports
// the error on every affected certificate until the ConfigMap is fixed.
type Store struct {
	*configmap.UntypedStore
	loadError atomic.Pointer[error]
}

// NewStore creates a Store. onAfterStore runs after each valid update; the
// controller resyncs its certificates there.
func NewStore(logger configmap.Logger, onAfterStore ...func(name string, value interface{})) *Store {
	s := &Store{}
	s.UntypedStore = configmap.NewUntypedStore(
		"certmanager",
		nonFatalLogger{logger},
		configmap.Constructors{issuerconfig.CertManagerConfigName: s.parse},
		onAfterStore...,
	)
	return s
}

// parse wraps the parser to remember the newest error, which the store
// itself only logs.
func (s *Store) parse(cm *corev1.ConfigMap) (*issuerconfig.CertManagerConfig, error) {
	cfg, err := issuerconfig.NewCertManagerConfigFromConfigMap(cm)
	if err != nil {
		s.loadError.Store(&err)
	} else {
		s.loadError.Store(nil)
	}
	return cfg, err
}

// Load returns the current Config.
func (s *Store) Load() *Config {
	cfg := &Config{}
	if cm, ok := s.UntypedLoad(issuerconfig.CertManagerConfigName).(*issuerconfig.CertManagerConfig); ok {
		cfg.CertManager = cm
	}
	if err := s.loadError.Load(); err != nil {
		cfg.LoadError = *err
	}
	return cfg
}

// ToContext stores the current Config in ctx.
func (s *Store) ToContext(ctx context.Context) context.Context {
	return ToContext(ctx, s.Load())
}

// nonFatalLogger turns the UntypedStore's Fatalf on an invalid first config
// into an error log: one bad ConfigMap must not crash-loop the controller.
type nonFatalLogger struct {
	configmap.Logger
}

func (l nonFatalLogger) Fatalf(format string, args ...interface{}) {
	l.Errorf(format, args...)
}
