//go:build tools

// Package tools pins what the e2e suite uses to make the Prometheus Operator's CRDs: the
// operator's API types and controller-gen, which generates CRDs from them as the operator's own
// build does.
package tools

import (
	_ "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	_ "sigs.k8s.io/controller-tools/cmd/controller-gen"
)
