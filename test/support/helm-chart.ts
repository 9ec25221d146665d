/** Running `helm template` on the built chart, or on a throw-away chart made from a model. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { scratchDir } from './scratch';
import { dirname, join } from 'node:path';
import { dump } from 'js-yaml';
import { chartTemplates } from '../../src/backends/template';
import { helpersTpl } from '../../tools/build/chart-files';
import { helm, HelmResult } from '../../tools/helm/helm';
import { HelmMajor } from '../../tools/helm/tools';
import { CHART_DIR } from '../../src/paths';
import { ChartModel } from '../../src/tree/nodes';

export interface TemplateRun {
  readonly release?: string;
  readonly namespace?: string;
  /** Values files' contents (YAML or JSON text), in order. */
  readonly valuesTexts?: readonly string[];
  readonly setArgs?: readonly string[];
  readonly setStringArgs?: readonly string[];
  readonly chartDir?: string;
  /** `--skip-schema-validation`: what the templates do with values the schema would refuse. */
  readonly skipSchemaValidation?: boolean;
}

const scratch = scratchDir('coder-ha-test-');
let counter = 0;

function scratchFile(name: string, text: string): string {
  const path = join(scratch, `${counter++}-${name}`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function valuesArgs(run: TemplateRun): string[] {
  const args = ['--namespace', run.namespace ?? 'default'];
  for (const text of run.valuesTexts ?? []) args.push('-f', scratchFile('values.yaml', text));
  for (const set of run.setArgs ?? []) args.push('--set', set);
  for (const set of run.setStringArgs ?? []) args.push('--set-string', set);
  if (run.skipSchemaValidation) args.push('--skip-schema-validation');
  return args;
}

export async function helmTemplate(major: HelmMajor, run: TemplateRun = {}): Promise<HelmResult> {
  return helm(major, ['template', run.release ?? 'release-name', run.chartDir ?? CHART_DIR, ...valuesArgs(run)]);
}

/** `helm lint --strict` of the chart with these values, as a user checks values before installing. */
export async function helmLint(major: HelmMajor, run: TemplateRun = {}): Promise<HelmResult> {
  return helm(major, ['lint', '--strict', run.chartDir ?? CHART_DIR, ...valuesArgs(run)]);
}

/** Writes a minimal chart whose templates come from `model`; returns its directory. */
export function writeModelChart(model: ChartModel, defaults: object = {}): string {
  const dir = join(scratch, `chart-${counter++}`);
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(
    join(dir, 'Chart.yaml'),
    dump({ apiVersion: 'v2', name: 'probe', version: '1.2.3', appVersion: '4.5.6' }),
  );
  writeFileSync(join(dir, 'values.yaml'), dump(defaults));
  writeFileSync(join(dir, 'templates', '_helpers.tpl'), helpersTpl(model));
  for (const [name, text] of chartTemplates(model, 'a test')) writeFileSync(join(dir, 'templates', name), text);
  return dir;
}
