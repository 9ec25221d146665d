/**
 * Helm's own packages timed in one Go process (tools/bench/helm-inprocess/v3 and v4, built with
 * the Helm versions this project runs): what the chart costs Helm without the process start-up
 * that makes up most of a `helm template` run, and the schema's share measured directly rather
 * than by leaving it out. Needs Go; the first run downloads Helm's Go modules.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { HelmMajor } from '../helm/tools';
import { PACKAGE_ROOT } from '../../src/paths';

export interface InProcessStats {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
}

export interface InProcessReport {
  readonly version: string;
  readonly rounds: number;
  readonly cases: {
    readonly floor: InProcessStats;
    readonly chart: InProcessStats;
    readonly chartWithoutSchema: InProcessStats;
    readonly schemaValidation: InProcessStats;
  };
}

export interface InProcessRun {
  readonly chartDir: string;
  readonly floorChartDir: string;
  readonly valuesFile: string;
  readonly rounds: number;
}

/** The timings for one Helm major, or why there are none (no Go on this machine). */
export function helmInProcess(major: HelmMajor, run: InProcessRun): InProcessReport | { skipped: string } {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) return { skipped: 'Go is not installed' };
  const result = spawnSync(
    'go',
    [
      'run',
      '.',
      '-chart',
      run.chartDir,
      '-empty',
      run.floorChartDir,
      '-f',
      run.valuesFile,
      '-rounds',
      String(run.rounds),
    ],
    { cwd: join(PACKAGE_ROOT, 'tools', 'bench', 'helm-inprocess', `v${major}`), encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`Helm ${major} in one process failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as InProcessReport;
}
