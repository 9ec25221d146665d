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

func (helm4) Load(dir string, withSchema bool) (*chart.Chart, error) {
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

func (h helm4) Values(file string) (map[string]interface{}, error) {
	opts := values.Options{}
	if file != "" {
		opts.ValueFiles = []string{file}
	}
	return opts.MergeValues(getter.All(h.settings))
}

func (helm4) Install(ch *chart.Chart, vals map[string]interface{}) error {
	cfg := action.NewConfiguration()
	if err := cfg.Init(nil, "coder", "memory"); err != nil {
		return err
	}
	install := action.NewInstall(cfg)
	install.DryRunStrategy = action.DryRunClient
	install.Replace = true
	install.ReleaseName = "coder"
	install.Namespace = "coder"
	_, err := install.Run(ch, vals)
	return err
}

func (helm4) Coalesce(ch *chart.Chart, vals map[string]interface{}) (map[string]interface{}, error) {
	return util.CoalesceValues(ch, vals)
}

func (helm4) Validate(ch *chart.Chart, coalesced map[string]interface{}) error {
	return util.ValidateAgainstSchema(ch, coalesced)
}

func main() {
	timing.Main[*chart.Chart]("helm.sh/helm/v4", helm4{settings: cli.New()})
}
