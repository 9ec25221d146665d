module coder-ha-chart/bench/timing

go 1.23
