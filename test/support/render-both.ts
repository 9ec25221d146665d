/** Renders values with Helm and with the concrete back-end, checks they agree, returns the objects. */
import { dump } from 'js-yaml';
import { HelmMajor } from '../../src/helm/tools';
import { renderManifests, ValueMap } from '../../src/render';
import { helmTemplate } from './helm-chart';
import { byKey, Obj, parseManifests } from './manifests';

export interface RenderOptions {
  readonly release?: string;
  readonly namespace?: string;
  readonly major?: HelmMajor;
}

export async function renderBoth(values: ValueMap, options: RenderOptions = {}): Promise<Obj[]> {
  const release = options.release ?? 'coder';
  const namespace = options.namespace ?? 'coder';
  const run = await helmTemplate(options.major ?? 4, { release, namespace, valuesTexts: [dump(values)] });
  if (run.status !== 0) throw new Error(`helm template failed:\n${run.stderr}`);
  const fromHelm = parseManifests(run.stdout);
  const concrete = renderManifests([values], { releaseName: release, namespace }) as Obj[];
  expect(byKey(concrete)).toEqual(byKey(fromHelm));
  return fromHelm;
}
