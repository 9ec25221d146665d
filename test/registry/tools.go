//go:build tools

// Package registry pins the OCI registry (the CNCF Distribution project's registry) that the e2e
// suite builds and runs on loopback to push and install the chart as an OCI artifact.
package registry

import _ "github.com/distribution/distribution/v3/cmd/registry"
