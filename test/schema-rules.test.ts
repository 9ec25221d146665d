/**
 * The guards that the values schema states too (src/coder/schema-rules.ts) say the same thing
 * twice: as a template condition and as JSON Schema. For random values built from the keys those
 * guards read, each rule's schema refuses exactly when its guard does; and the rules the built
 * chart's values.schema.json carries are these.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import fc from 'fast-check';
import { chartSchemaRules, coderChartModel } from '../src/coder/chart';
import { isTruthy } from '../src/expr/go-semantics';
import { CHART_DIR } from '../src/paths';
import { scopeFor, ValueMap } from '../src/render';
import { coalesceWithDefaults } from '../src/values/coalesce';
import { schemaDefaults } from '../src/values/schema';
import { ruleAdvice } from '../src/values/validate';

// At least 100 cases whatever CODER_HA_PROPERTY_RUNS says (mutation testing asks for 25): with
// fewer, some rules never see values they refuse, and the check below that both verdicts occur fails.
const RUNS = Math.max(100, Number(process.env.CODER_HA_PROPERTY_RUNS ?? 500));
const SEED = Number(process.env.CODER_HA_PROPERTY_SEED ?? 20261128);

/** Per variable the guards read, values on the rules' edges: empty, per-pod, the ways of saying false. */
const ENV_VALUES: Record<string, readonly (string | null)[]> = {
  CODER_PG_CONNECTION_URL: ['', 'x', null],
  CODER_DERP_SERVER_RELAY_URL: ['', 'http://$(KUBE_POD_IP):8080', 'http://10.0.0.7:8080', '$', '('],
  CODER_DERP_SERVER_ENABLE: ['FALSE', 'false', 'False', '0', 'f', 'F', 'fa', '00', 'true', ''],
  CODER_HTTP_ADDRESS: ['0.0.0.0:8080'],
  CODER_PROMETHEUS_ENABLE: ['true', 'false', 'True', ''],
  KUBE_POD_IP: ['10.0.0.1'],
  CODER_VERBOSE: ['true'],
};

/**
 * coder.env: each variable present or not, with one of its values, or null, or only a valueFrom.
 * Names are unique: duplicates are refused by a guard of their own, before these.
 */
const env = fc
  .record(
    Object.fromEntries(
      Object.entries(ENV_VALUES).map(([name, values]) => [
        name,
        fc.oneof(
          fc.constantFrom(...values).map((value) => ({ name, value })),
          fc.constant({ name, valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } }),
        ),
      ]),
    ),
    { requiredKeys: [] },
  )
  .chain((items) => fc.shuffledSubarray(Object.values(items), { minLength: Object.keys(items).length }));

const LABEL_KEYS = ['helm.sh/chart', 'app.kubernetes.io/name', 'app.kubernetes.io/managed-by', 'team', 'app'];
const labels = fc.dictionary(fc.constantFrom(...LABEL_KEYS), fc.constant('x'), { maxKeys: 2 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const text = fc.constantFrom('', 'coder.example.com', '*.coder.example.com');
const list = fc.constantFrom([], [{ name: 'gateway' }]);

const guardedValues: fc.Arbitrary<ValueMap> = fc
  .record({
    replicaCount: fc.integer({ min: 0, max: 3 }),
    workspaceProxy: fc.boolean(),
    env: fc.oneof(env, fc.constant(null)),
    envFrom: fc.constantFrom([], [{ secretRef: { name: 'db' } }], null),
    labels: maybe(labels),
    podLabels: maybe(labels),
    serviceAccount: maybe(fc.record({ labels })),
    autoscaling: maybe(
      fc.record(
        {
          enable: fc.boolean(),
          minReplicas: fc.integer({ min: 1, max: 3 }),
          maxReplicas: fc.integer({ min: 1, max: 3 }),
          targetCPUUtilizationPercentage: fc.constantFrom(70, null),
          targetMemoryUtilizationPercentage: fc.constantFrom(80, null),
        },
        { requiredKeys: [] },
      ),
    ),
    resources: maybe(
      fc.oneof(
        fc.constant(null),
        fc.record({
          requests: fc.record(
            { cpu: fc.constantFrom('1', 2, 0, '', null), memory: fc.constantFrom('1Gi', '', null) },
            { requiredKeys: [] },
          ),
        }),
      ),
    ),
    metrics: maybe(
      fc.record(
        { enable: fc.boolean(), serviceMonitor: fc.record({ enable: fc.boolean(), labels }) },
        { requiredKeys: [] },
      ),
    ),
    ingress: maybe(
      fc.record({
        enable: fc.boolean(),
        host: text,
        wildcardHost: text,
        tls: fc.record({ enable: fc.boolean(), secretName: text, wildcardSecretName: text }),
      }),
    ),
    httproute: maybe(
      fc.record({
        enable: fc.boolean(),
        host: text,
        parentRefs: list,
        httpsRedirect: fc.record({ enable: fc.boolean(), parentRefs: list }),
      }),
    ),
    listenerset: maybe(
      fc.record({ enable: fc.boolean(), parentRef: fc.record({ name: text }), listeners: list }, { requiredKeys: [] }),
    ),
  })
  .map((coder) => {
    const values = JSON.parse(JSON.stringify({ coder })) as ValueMap;
    const defaults = schemaDefaults() as ValueMap;
    return coalesceWithDefaults(defaults, values);
  });

const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: false });

describe('each rule of the values schema', () => {
  const guards = coderChartModel().guards.filter((guard) => guard.rule);

  test.each(guards.map((guard) => [guard.rule?.message.slice(0, 80) ?? '', guard] as const))(
    '%s… refuses exactly what its template guard refuses',
    (_name, guard) => {
      const holds = ajv.compile(guard.rule?.schema ?? {});
      let refusals = 0;
      fc.assert(
        fc.property(guardedValues, (values) => {
          const guardRefuses = isTruthy(guard.when.eval(scopeFor(values)));
          if (guardRefuses) refusals++;
          expect({ values, schemaRefuses: !holds(values) }).toEqual({ values, schemaRefuses: guardRefuses });
        }),
        { numRuns: RUNS, seed: SEED },
      );
      // The random values reach both verdicts, or the comparison says little.
      expect(refusals).toBeGreaterThan(0);
      expect(refusals).toBeLessThan(RUNS);
    },
  );
});

test('every guard is either stated by the schema or listed as caught only at render', () => {
  for (const guard of coderChartModel().guards) {
    expect({ rule: guard.rule !== undefined, renderOnly: guard.renderOnly !== undefined }).not.toEqual({
      rule: guard.rule !== undefined,
      renderOnly: guard.rule !== undefined,
    });
  }
  const readme = readFileSync(join(CHART_DIR, 'README.md'), 'utf8');
  for (const guard of coderChartModel().guards) expect(readme).toContain(guard.rule?.message ?? guard.renderOnly);
});

test('the built values.schema.json carries every rule, in guard order, with its message as the property it requires', () => {
  const built = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as {
    allOf: { then: { required: string[] } }[];
  };
  expect(built.allOf.map((entry) => entry.then.required)).toEqual(chartSchemaRules().map((rule) => [ruleAdvice(rule)]));
});
