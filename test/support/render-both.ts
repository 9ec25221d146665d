/**
 * Renders values with Helm 3, Helm 4 and the concrete back-end, checks that all three agree, and
 * returns the objects: every direct assertion built on it holds for all of them.
 *
 * With CODER_HA_WITHOUT_HELM=1 (mutation testing, where src/ changes but the built chart does not)
 * only the concrete render runs, so assertions test the mutated source's behaviour.
 */
import { dump } from 'js-yaml';
import { HELM_MAJORS, HelmMajor } from '../../tools/helm/tools';
import { renderManifests, ValueMap } from '../../src/render';
import { helmTemplate } from './helm-chart';
import { byKey, Obj, parseManifests } from './manifests';

export interface RenderOptions {
  readonly release?: string;
  readonly namespace?: string;
}

export const WITHOUT_HELM = process.env.CODER_HA_WITHOUT_HELM === '1';
/** The Helm majors to run: none without Helm. */
export const HELM_MAJORS_UNDER_TEST: readonly HelmMajor[] = WITHOUT_HELM ? [] : HELM_MAJORS;
/** A test that only Helm can run: skipped without Helm. */
export const testWithHelm = WITHOUT_HELM ? test.skip : test;

export async function renderBoth(values: ValueMap, options: RenderOptions = {}): Promise<Obj[]> {
  const release = options.release ?? 'coder';
  const namespace = options.namespace ?? 'coder';
  if (WITHOUT_HELM) return byKey(renderManifests([values], { releaseName: release, namespace }) as Obj[]);
  const runs = await Promise.all(
    HELM_MAJORS.map((major) => helmTemplate(major, { release, namespace, valuesTexts: [dump(values)] })),
  );
  for (const run of runs) if (run.status !== 0) throw new Error(`helm ${run.major} template failed:\n${run.stderr}`);
  const [helm3, helm4] = runs.map((run) => byKey(parseManifests(run.stdout)));
  expect(helm3).toEqual(helm4);
  const concrete = renderManifests([values], { releaseName: release, namespace }) as Obj[];
  expect(byKey(concrete)).toEqual(helm4);
  return helm4;
}
