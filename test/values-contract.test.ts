/**
 * The values contract: every invalid case is refused by ajv, Helm 3 and Helm 4 alike, each naming
 * the offending path, with nothing rendered; every valid edge case is accepted by all three.
 */
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { GuardError } from '../src/backends/concrete';
import { HelmResult } from '../tools/helm/helm';
import { HELM_MAJORS, HelmMajor } from '../tools/helm/tools';
import { checkGuards, checkValues, renderManifests, resolveValues, ValueMap } from '../src/render';
import { mergeUserValues } from '../src/values/coalesce';
import { applySet } from '../src/values/set-values';
import { InvalidValuesError } from '../src/values/validate';
import { helmLint, helmTemplate } from './support/helm-chart';
import { chartSchemaRules } from '../src/coder/chart';
import { CHART_DIR } from '../src/paths';
import { readFileSync } from 'node:fs';
import { invalidCases, fileCases, setCases, InvalidCase } from './support/bad-input';
import { FIXTURES_DIR, loadFixtures, readValuesText } from './support/fixtures';
import { byKey, parseManifests } from './support/manifests';
import { HELM_MAJORS_UNDER_TEST, testWithHelm, WITHOUT_HELM } from './support/render-both';
import { scratchDir } from './support/scratch';

function userValuesOf(c: InvalidCase): ValueMap {
  const values = mergeUserValues((c.valuesTexts ?? []).map((t) => readValuesText(t, c.name)));
  for (const s of c.setArgs ?? []) applySet(values, s, true);
  for (const s of c.setStringArgs ?? []) applySet(values, s, false);
  return values;
}

/**
 * Whether Helm's error text names `path`: schema errors as Helm 3 (`a.b.0`) or Helm 4 (`/a/b/0`)
 * write them, the chart's own `fail` messages as we write paths (`a.b[0]`).
 */
/** What Helm 3 and 4 print when values fail the schema. */
const SCHEMA_REFUSAL = "values don't meet the specifications of the schema";

/** How `helm lint` reports values that fail the schema. */
const LINT_SCHEMA_REFUSAL = /values don't meet the specifications of the schema|\[ERROR\] values\.yaml: /;

/** Whether the case's refusal (its `# says:` advice) is one of the rules the values schema states. */
function statedBySchema(c: InvalidCase): boolean {
  return c.says !== undefined && chartSchemaRules().some((rule) => rule.message.includes(c.says as string));
}

function helmNamesPath(major: HelmMajor, stderr: string, path: string): boolean {
  if (stderr.includes(path)) return true;
  const segments = [...path.matchAll(/\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\.?([^.[\]]+)/g)].map(
    (m) => m[1] ?? (m[2] ? (JSON.parse(m[2]) as string) : m[3]),
  );
  // Helm 4 writes a JSON pointer, in which `~` and `/` inside a key are escaped.
  const pointer = (part: string) => part.replace(/~/g, '~0').replace(/\//g, '~1');
  const join = (parts: string[]) => (major === 3 ? parts.join('.') : `/${parts.map(pointer).join('/')}`);
  if (stderr.includes(join(segments))) return true;
  const parent = segments.slice(0, -1);
  const last = segments[segments.length - 1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const parentNamed = parent.length === 0 ? true : stderr.includes(join(parent));
  return parentNamed && new RegExp(`(^|[^\\w])${last}([^\\w]|$)`).test(stderr);
}

describe('the bad-input catalogue', () => {
  test('has at least 40 cases', () => {
    expect(fileCases.length).toBeGreaterThanOrEqual(40);
    expect(setCases.length).toBeGreaterThanOrEqual(5);
  });

  describe.each(invalidCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    test('ajv (or the same cross-field rule) refuses it at the path', () => {
      let error: unknown;
      try {
        checkGuards(resolveValues([userValuesOf(c)]));
      } catch (err) {
        error = err;
      }
      if (error instanceof InvalidValuesError) {
        expect(error.problems.map((p) => p.path)).toContain(c.path);
        // A rule the schema states gives the same advice as the template guard it mirrors.
        if (c.says) expect(error.message).toContain(c.says);
        expect(statedBySchema(c)).toBe(c.says !== undefined);
      } else {
        expect(error).toBeInstanceOf(GuardError);
        // A rule the schema states is refused by the schema, not by the template guard alone.
        expect({ case: c.name, statedBySchema: statedBySchema(c) }).toEqual({ case: c.name, statedBySchema: false });
        expect((error as Error).message).toContain(c.path);
        // A guard's message names the key and says what to do; the case states the words.
        expect({ case: c.name, says: c.says }).toEqual({ case: c.name, says: expect.any(String) });
        expect((error as Error).message).toContain(c.says);
      }
      expect(() => renderManifests([userValuesOf(c)])).toThrow();
    });

    (WITHOUT_HELM ? test.skip : test.concurrent).each(HELM_MAJORS)(
      'Helm %i refuses it, names the path and renders nothing',
      async (major) => {
        const run: HelmResult = await helmTemplate(major, {
          valuesTexts: c.valuesTexts,
          setArgs: [...(c.setArgs ?? [])],
          setStringArgs: [...(c.setStringArgs ?? [])],
        });
        expect(run.status).not.toBe(0);
        expect(run.stdout).toBe('');
        expect({ stderr: run.stderr, names: helmNamesPath(major, run.stderr, c.path) }).toEqual({
          stderr: run.stderr,
          names: true,
        });
        // Helm checks the schema before rendering: a rule it states is refused as a schema error
        // (naming the path, checked above), the other guards by the template's own message.
        // Either way Helm prints the advice: what to do, in the chart's words.
        if (c.says) {
          if (statedBySchema(c)) expect(run.stderr).toContain(SCHEMA_REFUSAL);
          expect(run.stderr).toContain(c.says);
        }
      },
    );

    if (c.says !== undefined && !statedBySchema(c)) {
      // Documented in the chart README as not caught by `helm lint`: if Helm starts catching it,
      // this fails and the README's list is due for a change.
      (WITHOUT_HELM ? test.skip : test.concurrent).each(HELM_MAJORS)(
        'helm lint --strict (Helm %i) lets it pass, as the chart README says',
        async (major) => {
          const run = await helmLint(major, { valuesTexts: c.valuesTexts });
          expect({ status: run.status, out: run.stdout }).toEqual({
            status: 0,
            out: expect.stringContaining('0 chart(s) failed'),
          });
        },
      );
    }

    if (statedBySchema(c)) {
      (WITHOUT_HELM ? test.skip : test.concurrent).each(HELM_MAJORS)(
        'helm lint --strict (Helm %i) refuses it, naming the path',
        async (major) => {
          const run = await helmLint(major, {
            valuesTexts: c.valuesTexts,
            setArgs: [...(c.setArgs ?? [])],
            setStringArgs: [...(c.setStringArgs ?? [])],
          });
          expect(run.status).not.toBe(0);
          // Lint reports a schema error under the values or the templates, whichever check meets it first.
          expect(run.stdout + run.stderr).toMatch(LINT_SCHEMA_REFUSAL);
          expect(helmNamesPath(major, run.stdout + run.stderr, c.path)).toBe(true);
        },
      );
    }
  });
});

describe('the guards the values schema states', () => {
  const rules = chartSchemaRules();
  const guardCases = fileCases.filter((c) => c.says !== undefined);

  test('are the guards of JSON-Schema-stateable shape, each in values.schema.json', () => {
    // Reserved env names (2), Postgres for several replicas (2: replicaCount, the autoscaler's
    // maximum), a fixed relay address, standard labels (4), the Ingress (3), HTTPRoute (3) and
    // ListenerSet (2) required keys, metrics (2), the autoscaler's target and requests (3).
    expect(rules.length).toBe(22);
    const built = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as { allOf: object[] };
    expect(built.allOf).toHaveLength(rules.length);
  });

  test.each(rules.map((r) => [r.message.slice(0, 70), r] as const))('%s… has a refusal case', (_name, rule) => {
    const cases = guardCases.filter((c) => c.path === rule.path && rule.message.includes(c.says as string));
    expect(cases.map((c) => c.name)).not.toEqual([]);
  });
});

describe('valid edge cases and every scenario fixture are accepted by all three', () => {
  const edge = loadFixtures(join(FIXTURES_DIR, 'edge-valid'));
  const all = [
    ...edge.map((f) => [`edge-valid/${f.name}`, f] as const),
    ...loadFixtures().map((f) => [f.name, f] as const),
  ];

  test.each(all)('%s', async (_name, fixture) => {
    expect(checkValues(resolveValues([fixture.values]))).toEqual([]);
    const concrete = renderManifests([fixture.values]);
    for (const major of HELM_MAJORS_UNDER_TEST) {
      const run = await helmTemplate(major, { valuesTexts: [fixture.text] });
      expect(run.stderr).toBe('');
      expect(byKey(parseManifests(run.stdout))).toEqual(byKey(concrete as never));
    }
  });

  test('there are edge cases for zero replicas, empty collections, nulls and maxima', () => {
    expect(edge.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'empty-lists-and-maps',
        'look-alike-strings',
        'maximal',
        'nulls-remove',
        'zero-replicas',
      ]),
    );
  });
});

describe('problem messages', () => {
  const problemLines = (values: ValueMap): string[] => {
    try {
      resolveValues([values]);
      return [];
    } catch (err) {
      return (err as InvalidValuesError).problems.map((p) => `${p.path}: ${p.message}`);
    }
  };

  test.each([
    [{ coder: { replicaCont: 2 } }, 'coder.replicaCont: unknown key; did you mean "replicaCount"?'],
    [
      { coder: { podSecurityContext: { fsgroup: 1 } } },
      'coder.podSecurityContext.fsgroup: unknown key; did you mean "fsGroup"?',
    ],
    [{ coder: { replicaCount: '3' } }, 'coder.replicaCount: expected integer, got string "3"'],
    [
      { coder: { image: { pullPolicy: 'always' } } },
      'coder.image.pullPolicy: expected one of "Always", "IfNotPresent", "Never", got string "always"',
    ],
    [{ coder: { replicaCount: -1 } }, 'coder.replicaCount: expected >= 0, got number -1'],
    [{ coder: { image: null } }, 'coder.image: is required'],
    [
      { coder: { service: { type: null } } },
      'coder.service.type: must not be null: leave it out to keep the default "LoadBalancer"',
    ],
    [
      { coder: { service: { httpNodePort: 80 } } },
      'coder.service.httpNodePort: expected integer 30000–32767 or "", got number 80',
    ],
  ])('%j → %s', (values, line) => {
    expect(problemLines(values as ValueMap)).toContain(line);
  });
});

testWithHelm('the chart works as a subchart, with global values from the parent', async () => {
  const { mkdirSync, writeFileSync, cpSync } = await import('node:fs');
  const { CHART_DIR } = await import('../src/paths');
  const parent = scratchDir('coder-parent-');
  writeFileSync(
    join(parent, 'Chart.yaml'),
    dump({ apiVersion: 'v2', name: 'platform', version: '1.0.0', dependencies: [{ name: 'coder', version: '*' }] }),
  );
  writeFileSync(
    join(parent, 'values.yaml'),
    dump({
      global: { imageRegistry: 'registry.example.com', team: { name: 'platform' } },
      coder: { coder: { replicaCount: 0 } },
    }),
  );
  mkdirSync(join(parent, 'charts'));
  cpSync(CHART_DIR, join(parent, 'charts', 'coder'), { recursive: true });
  for (const major of HELM_MAJORS) {
    const run = await helmTemplate(major, { chartDir: parent, release: 'platform', namespace: 'tools' });
    expect(run.stderr).toBe('');
    const deployment = parseManifests(run.stdout).find((o) => o.kind === 'Deployment') as Record<string, never>;
    expect((deployment.spec as Record<string, unknown>).replicas).toBe(0);
    const bad = await helmTemplate(major, { chartDir: parent, setArgs: ['coder.coder.replicaCont=1'] });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('replicaCont');
  }
});
