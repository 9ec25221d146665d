// Package timing is what the Helm 3 and Helm 4 harnesses share: the command line, the cases, and
// running them interleaved (so that machine noise hits them alike) into one JSON object of medians
// and quartiles, which tools/bench/bench.ts reads.
package timing

import (
	"encoding/json"
	"flag"
	"io"
	"log"
	"os"
	"runtime/debug"
	"sort"
	"time"
)

// Helm is one Helm major's library, as the steps of a render on its chart type C; the harness
// composes them the same way for both majors.
type Helm[C any] interface {
	// Load reads the chart from dir, leaving its schema out unless withSchema.
	Load(dir string, withSchema bool) (C, error)
	// Values reads a values file as `helm template -f` does ("" for none).
	Values(file string) (map[string]interface{}, error)
	// Install runs a client-only dry-run install: validate, render and sort, as `helm template`.
	Install(ch C, values map[string]interface{}) error
	// Coalesce merges the values with the chart's defaults.
	Coalesce(ch C, values map[string]interface{}) (map[string]interface{}, error)
	// Validate compiles the chart's schema and validates coalesced values against it.
	Validate(ch C, coalesced map[string]interface{}) error
}

// Main reads the command line, times the floor chart, the chart with and without its schema and
// the schema validation alone, and writes the report to standard output.
func Main[C any](module string, helm Helm[C]) {
	chartDir := flag.String("chart", "", "the chart to render")
	emptyDir := flag.String("empty", "", "a chart with one static template: the floor")
	valuesFile := flag.String("f", "", "values file for the chart")
	rounds := flag.Int("rounds", 200, "runs of each case")
	flag.Parse()
	must := func(err error) {
		if err != nil {
			log.Fatal(err)
		}
	}
	// What `helm template` does after start-up: load the chart and the values, then install.
	render := func(dir, file string, withSchema bool) func() {
		return func() {
			ch, err := helm.Load(dir, withSchema)
			must(err)
			values, err := helm.Values(file)
			must(err)
			must(helm.Install(ch, values))
		}
	}
	// What every render does before templates: compile the schema and validate the values.
	ch, err := helm.Load(*chartDir, true)
	must(err)
	values, err := helm.Values(*valuesFile)
	must(err)
	coalesced, err := helm.Coalesce(ch, values)
	must(err)
	Report(os.Stdout, module, *rounds, []Case{
		{Name: "floor", Run: render(*emptyDir, "", true)},
		{Name: "chart", Run: render(*chartDir, *valuesFile, true)},
		{Name: "chartWithoutSchema", Run: render(*chartDir, *valuesFile, false)},
		{Name: "schemaValidation", Run: func() { must(helm.Validate(ch, coalesced)) }},
	})
}

// Case is one thing to time.
type Case struct {
	Name string
	Run  func()
}

// Stats are milliseconds per run.
type Stats struct {
	Median float64 `json:"median"`
	P25    float64 `json:"p25"`
	P75    float64 `json:"p75"`
}

type report struct {
	Module  string           `json:"module"`
	Version string           `json:"version"`
	Rounds  int              `json:"rounds"`
	Cases   map[string]Stats `json:"cases"`
}

// Report runs every case once to warm up, then `rounds` times each, interleaved, and writes the
// version of `module` this binary was built with and the figures to w.
func Report(w io.Writer, module string, rounds int, cases []Case) {
	samples := make([][]float64, len(cases))
	for _, c := range cases {
		c.Run()
	}
	for round := 0; round < rounds; round++ {
		for i, c := range cases {
			start := time.Now()
			c.Run()
			samples[i] = append(samples[i], float64(time.Since(start).Microseconds())/1000)
		}
	}
	out := report{Module: module, Version: versionOf(module), Rounds: rounds, Cases: map[string]Stats{}}
	for i, c := range cases {
		out.Cases[c.Name] = statsOf(samples[i])
	}
	if err := json.NewEncoder(w).Encode(out); err != nil {
		log.Fatal(err)
	}
}

func statsOf(values []float64) Stats {
	sorted := append([]float64(nil), values...)
	sort.Float64s(sorted)
	at := func(q float64) float64 { return sorted[int(q*float64(len(sorted)-1))] }
	return Stats{Median: at(0.5), P25: at(0.25), P75: at(0.75)}
}

func versionOf(module string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == module {
				return dep.Version
			}
		}
	}
	return "unknown"
}
