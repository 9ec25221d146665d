/**
 * Randomized parity and behaviour: for random values the schema accepts, Helm 3, Helm 4 and the
 * concrete render agree (on the objects, or on the refusal), every object is a valid Kubernetes
 * object, and the chart's promises hold (test/support/behaviour.ts), worked out from the values.
 * CODER_HA_PROPERTY_RUNS and CODER_HA_PROPERTY_SEED change the case count (default 200) and the
 * seed (fixed by default, printed on failure with the shrunk counterexample);
 * CODER_HA_PROPERTY_SHRINK=0 reports the first failing case unshrunk.
 */
import fc from 'fast-check';
import { dump } from 'js-yaml';
import { CLIENT_NEWEST, CLIENT_OLDEST } from '../tools/kubernetes/client-models';
import { KubernetesValidator } from '../tools/kubernetes/validate-objects';
import { renderManifests, resolveValues, ValueMap } from '../src/render';
import { helmSays, refusalOf } from './support/refusals';
import { valuesArbitrary } from './support/arbitrary-values';
import { HELM_MAJORS_UNDER_TEST } from './support/render-both';
import { helmTemplate } from './support/helm-chart';
import { behaviourViolations } from './support/behaviour';
import { byKey, Obj, parseManifests } from './support/manifests';

const RUNS = Number(process.env.CODER_HA_PROPERTY_RUNS ?? 200);
const SEED = Number(process.env.CODER_HA_PROPERTY_SEED ?? 20261127);
/** Mutation testing only needs to know that a case fails, not the smallest one (shrinking takes long). */
const SHRINK = process.env.CODER_HA_PROPERTY_SHRINK !== '0';
const validators = [new KubernetesValidator(CLIENT_OLDEST), new KubernetesValidator(CLIENT_NEWEST)];

interface Tally {
  rendered: number;
  refused: number;
  reasons: Map<string, number>;
}

/**
 * Release and namespace names vary too: a name written into the chart where the release's should
 * be shows only when they differ from `coder` and `default`.
 */
const releaseName = fc.constantFrom('coder', 'team-coder', 'c', 'coder-prod-eu-west-1');
const namespaceName = fc.constantFrom('default', 'coder', 'coder-prod', 'ws');

async function checkCase(values: ValueMap, release: string, namespace: string, tally: Tally): Promise<void> {
  let concrete: Obj[] | undefined;
  let refusal: string | undefined;
  let helmRefusal: string | undefined;
  try {
    concrete = renderManifests([values], { releaseName: release, namespace }) as Obj[];
  } catch (err) {
    // Only the chart's rules may refuse: the arbitrary builds values the schema's types accept.
    const refused = refusalOf(err);
    if (!refused) throw err;
    refusal = refused.message;
    helmRefusal = helmSays(refused);
  }
  const runs = await Promise.all(
    HELM_MAJORS_UNDER_TEST.map((major) => helmTemplate(major, { release, namespace, valuesTexts: [dump(values)] })),
  );
  for (const run of runs) {
    if (refusal !== undefined) {
      expect({ major: run.major, status: run.status === 0 ? 'rendered' : 'refused' }).toEqual({
        major: run.major,
        status: 'refused',
      });
      expect(run.stderr).toContain(helmRefusal);
      continue;
    }
    expect({ major: run.major, stderr: run.stderr }).toEqual({ major: run.major, stderr: '' });
    expect(byKey(parseManifests(run.stdout))).toEqual(byKey(concrete as Obj[]));
  }
  if (!concrete) {
    tally.refused++;
    const reason = (refusal as string).replace(/^values do not match the chart schema:\s*/, '').split(/[:,]/)[0];
    tally.reasons.set(reason, (tally.reasons.get(reason) ?? 0) + 1);
    return;
  }
  tally.rendered++;
  for (const validator of validators) {
    for (const object of concrete) {
      const verdict = validator.validate(object);
      if (verdict.checked)
        expect({ release: validator.release, problems: verdict.problems }).toEqual({
          release: validator.release,
          problems: [],
        });
    }
  }
  expect(behaviourViolations(concrete, { values: resolveValues([values]), release, namespace })).toEqual([]);
}

test(`${RUNS} random values: Helm 3 = Helm 4 = concrete render, Kubernetes-valid, every promise kept (seed ${SEED})`, async () => {
  const tally: Tally = { rendered: 0, refused: 0, reasons: new Map() };
  await fc.assert(
    fc.asyncProperty(valuesArbitrary, releaseName, namespaceName, (values, release, namespace) =>
      checkCase(values, release, namespace, tally),
    ),
    { numRuns: RUNS, seed: SEED, endOnFailure: !SHRINK },
  );
  // Most cases must render, or the property would test little but the guards.
  expect(tally.rendered).toBeGreaterThan(tally.refused);
  const reasons = [...tally.reasons].map(([reason, count]) => `${count}× ${reason}`).join('; ');
  process.stderr.write(
    `randomized parity: ${tally.rendered} rendered, ${tally.refused} refused by a guard (${reasons}) (seed ${SEED})\n`,
  );
}, 600000);
