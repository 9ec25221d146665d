/**
 * Under `--skip-schema-validation` the templates see values the schema would refuse. The least a
 * user can do there is leave a key out (`key: null`); the chart must then fail in Helm exactly
 * where the concrete back-end fails, and otherwise render the same objects. The bindings test
 * relies on that: it asks the concrete back-end where a file fails. Each setting of a values set
 * rich in features is left out in turn, Helm 3 and Helm 4 taking every other one.
 *
 * With the bindings test, it found three places where the concrete back-end parted from Go:
 * `default` evaluated its fallback only when needed (Go evaluates every argument, so Helm failed
 * where it rendered), and `int` and `printf "%s"` failed on nil where Sprig gives 0 and Go prints
 * `%!s(<nil>)`. The defaults as a base found the same, with twice the Helm runs.
 */
import { equals } from '@jest/expect-utils';
import { dump } from 'js-yaml';
import { renderModel } from '../src/backends/concrete';
import { coderChartModel } from '../src/coder/chart';
import { resolveValues, scopeFor } from '../src/render';
import { HELM_MAJORS } from '../tools/helm/tools';
import { helmTemplate } from './support/helm-chart';
import { byKey, Obj, parseManifests } from './support/manifests';
import { KEY_REMOVAL_BASES, settingPaths, userLayerWithout, without } from './support/missing-keys';
import { testWithHelm } from './support/render-both';

const RELEASE = { releaseName: 'coder', namespace: 'coder' };

type Outcome = { renders: Obj[] } | { fails: string };

function concreteOutcome(values: ReturnType<typeof resolveValues>): Outcome {
  try {
    return { renders: byKey(renderModel(coderChartModel(), scopeFor(values, RELEASE)) as Obj[]) };
  } catch (error) {
    return { fails: String(error) };
  }
}

describe('with each setting left out of values rich in features, Helm and the concrete back-end agree', () => {
  const user = KEY_REMOVAL_BASES['features on'];
  const defaults = resolveValues([]);
  const values = resolveValues([user]);

  testWithHelm('fails in both or renders the same objects', async () => {
    const disagreements: string[] = [];
    // The settings themselves, not the maps that hold them: a `null` map removes its settings
    // all at once, which their own removals cover (and the suite's Helm runs stay near 110).
    const paths = settingPaths(values);
    for (const [index, path] of paths.entries()) {
      const major = HELM_MAJORS[index % HELM_MAJORS.length];
      const expected = concreteOutcome(without(values, path));
      const run = await helmTemplate(major, {
        release: RELEASE.releaseName,
        namespace: RELEASE.namespace,
        valuesTexts: [dump(userLayerWithout(user, defaults, path))],
        skipSchemaValidation: true,
      });
      const key = `${path.join('.')} (Helm ${major})`;
      if ('fails' in expected) {
        if (run.status === 0)
          disagreements.push(`${key}: Helm renders, the concrete back-end fails: ${expected.fails}`);
      } else if (run.status !== 0) {
        disagreements.push(`${key}: Helm fails, the concrete back-end renders: ${run.stderr.trim()}`);
      } else if (!equals(byKey(parseManifests(run.stdout)), expected.renders)) {
        // `equals` is toEqual's comparison: maps by their entries, in any order.
        disagreements.push(`${key}: the objects differ`);
      }
    }
    expect(disagreements).toEqual([]);
  });
});
