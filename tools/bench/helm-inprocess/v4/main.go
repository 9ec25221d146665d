// Command helm-inprocess times Helm 4's own packages rendering a chart in one process, so that
// what the chart costs is measured without the process start-up that dominates `helm template`.
// `npm run bench` runs it (when Go is installed) and writes its figures into docs/performance.md.
package main

import (
	"fmt"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/loader"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/cli"
	"helm.sh/helm/v4/pkg/cli/values"
	"helm.sh/helm/v4/pkg/getter"

	"coder-ha-chart/bench/timing"
)

type helm4 struct{ settings *cli.EnvSettings }

func (h helm4) values(file string) (map[string]interface{}, error) {
	opts := values.Options{}
	if file != "" {
		opts.ValueFiles = []string{file}
	}
	return opts.MergeValues(getter.All(h.settings))
}

func load(dir string, withSchema bool) (*chart.Chart, error) {
	loaded, err := loader.Load(dir)
	if err != nil {
		return nil, err
	}
	ch, ok := loaded.(*chart.Chart)
	if !ok {
		return nil, fmt.Errorf("%s is not an apiVersion v2 chart", dir)
	}
	if !withSchema {
		ch.Schema = nil
	}
	return ch, nil
}

func (h helm4) Render(dir, file string, withSchema bool) error {
	ch, err := load(dir, withSchema)
	if err != nil {
		return err
	}
	vals, err := h.values(file)
	if err != nil {
		return err
	}
	cfg := action.NewConfiguration()
	if err := cfg.Init(nil, "coder", "memory"); err != nil {
		return err
	}
	install := action.NewInstall(cfg)
	install.DryRunStrategy = action.DryRunClient
	install.Replace = true
	install.ReleaseName = "coder"
	install.Namespace = "coder"
	_, err = install.Run(ch, vals)
	return err
}

func (h helm4) Validation(dir, file string) (func() error, error) {
	ch, err := load(dir, true)
	if err != nil {
		return nil, err
	}
	vals, err := h.values(file)
	if err != nil {
		return nil, err
	}
	coalesced, err := util.CoalesceValues(ch, vals)
	if err != nil {
		return nil, err
	}
	return func() error { return util.ValidateAgainstSchema(ch, coalesced) }, nil
}

func main() {
	timing.Main("helm.sh/helm/v4", helm4{settings: cli.New()})
}
