/** The chart's metadata from the root Chart.yaml, the one place it is written. */
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { ChartInfo } from './expr/expr';
import { isMap } from './expr/go-semantics';
import { CHART_META_FILE } from './paths';

export interface ChartMeta {
  readonly apiVersion: string;
  readonly name: string;
  readonly version: string;
  readonly appVersion: string;
  readonly kubeVersion: string;
  readonly [key: string]: unknown;
}

export function chartMetaText(): string {
  return readFileSync(CHART_META_FILE, 'utf8');
}

export function chartMeta(): ChartMeta {
  return parseChartMeta(chartMetaText());
}

export function parseChartMeta(text: string): ChartMeta {
  const parsed = load(text);
  if (!isMap(parsed)) throw new Error(`${CHART_META_FILE} is not a YAML map`);
  for (const key of ['apiVersion', 'name', 'version', 'appVersion', 'kubeVersion']) {
    if (typeof parsed[key] !== 'string' || parsed[key] === '') {
      throw new Error(`${CHART_META_FILE}: ${key} must be a non-empty string`);
    }
  }
  return parsed as unknown as ChartMeta;
}

/** What templates see as `.Chart`. */
export function chartInfo(meta: ChartMeta = chartMeta()): ChartInfo {
  return { Name: meta.name, Version: meta.version, AppVersion: meta.appVersion };
}
