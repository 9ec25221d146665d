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

// Helm is one Helm major's library, behind the two things the harness times.
type Helm interface {
	// Render does what `helm template` does after start-up: load the chart and the values file,
	// validate them against the schema (unless withSchema is false), render and sort.
	Render(chartDir, valuesFile string, withSchema bool) error
	// Validation loads the chart and coalesces the values once, and returns what compiles the
	// schema and validates the values against it, as every render does.
	Validation(chartDir, valuesFile string) (func() error, error)
}

// Main reads the command line, times the floor chart, the chart with and without its schema and
// the schema validation alone, and writes the report to standard output.
func Main(module string, helm Helm) {
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
	validate, err := helm.Validation(*chartDir, *valuesFile)
	must(err)
	Report(os.Stdout, module, *rounds, []Case{
		{Name: "floor", Run: func() { must(helm.Render(*emptyDir, "", true)) }},
		{Name: "chart", Run: func() { must(helm.Render(*chartDir, *valuesFile, true)) }},
		{Name: "chartWithoutSchema", Run: func() { must(helm.Render(*chartDir, *valuesFile, false)) }},
		{Name: "schemaValidation", Run: func() { must(validate()) }},
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
