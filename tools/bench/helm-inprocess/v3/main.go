// Command helm-inprocess times Helm 3's own packages rendering a chart in one process, so that
// what the chart costs is measured without the process start-up that dominates `helm template`.
// `npm run bench` runs it (when Go is installed) and writes its figures into docs/performance.md.
package main

import (
	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/cli"
	"helm.sh/helm/v3/pkg/cli/values"
	"helm.sh/helm/v3/pkg/getter"

	"coder-ha-chart/bench/timing"
)

type helm3 struct{ settings *cli.EnvSettings }

func (helm3) Load(dir string, withSchema bool) (*chart.Chart, error) {
	ch, err := loader.Load(dir)
	if err == nil && !withSchema {
		ch.Schema = nil
	}
	return ch, err
}

func (h helm3) Values(file string) (map[string]interface{}, error) {
	opts := values.Options{}
	if file != "" {
		opts.ValueFiles = []string{file}
	}
	return opts.MergeValues(getter.All(h.settings))
}

func (helm3) Install(ch *chart.Chart, vals map[string]interface{}) error {
	cfg := &action.Configuration{}
	if err := cfg.Init(nil, "coder", "memory", func(string, ...interface{}) {}); err != nil {
		return err
	}
	install := action.NewInstall(cfg)
	install.DryRun = true
	install.ClientOnly = true
	install.Replace = true
	install.ReleaseName = "coder"
	install.Namespace = "coder"
	// The helm binary has its Kubernetes version set at build time; a library build says v1.20,
	// which the chart's kubeVersion refuses.
	install.KubeVersion = &chartutil.KubeVersion{Version: "v1.32.0", Major: "1", Minor: "32"}
	_, err := install.Run(ch, vals)
	return err
}

func (helm3) Coalesce(ch *chart.Chart, vals map[string]interface{}) (map[string]interface{}, error) {
	return chartutil.CoalesceValues(ch, vals)
}

func (helm3) Validate(ch *chart.Chart, coalesced map[string]interface{}) error {
	return chartutil.ValidateAgainstSchema(ch, coalesced)
}

func main() {
	timing.Main[*chart.Chart]("helm.sh/helm/v3", helm3{settings: cli.New()})
}
