/**
 * What `coder-chart validate`, `coder-chart render` and the library say about bad values: one
 * problem per line, at the path a user edits, with what was expected and what was given, and for
 * a typo the key that was meant. The words are the interface here, so they are pinned.
 */
import { resolveValues } from '../src/render';
import { coderChartModel } from '../src/coder/chart';
import {
  formatPath,
  formatProblem,
  InvalidValuesError,
  nearestKey,
  schemaWithAdvice,
  schemaWithRules,
  SchemaRule,
  ValuesProblem,
} from '../src/values/validate';
import { ValueMap } from '../src/render';

function problemsOf(values: ValueMap): readonly ValuesProblem[] {
  try {
    resolveValues([values]);
  } catch (error) {
    if (error instanceof InvalidValuesError) return error.problems;
    throw error;
  }
  return [];
}

const KEY_PATTERN =
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$';

test.each<[string, ValueMap, ValuesProblem[]]>([
  [
    'a word for a number',
    { coder: { terminationGracePeriodSeconds: 'three' } },
    [{ path: 'coder.terminationGracePeriodSeconds', message: 'expected integer, got string "three"' }],
  ],
  [
    'a fraction for an integer',
    { coder: { terminationGracePeriodSeconds: 1.5 } },
    [{ path: 'coder.terminationGracePeriodSeconds', message: 'expected integer, got number 1.5' }],
  ],
  [
    'a list for a string',
    { coder: { image: { tag: ['a'] } } },
    [{ path: 'coder.image.tag', message: 'expected string, got a list (["a"])' }],
  ],
  [
    'a map for a string',
    { coder: { image: { tag: { a: 1 } } } },
    [{ path: 'coder.image.tag', message: 'expected string, got a map ({"a":1})' }],
  ],
  [
    'a mode the chart does not know',
    { coder: { highAvailability: { versionUpgrade: 'fast' } } },
    [
      {
        path: 'coder.highAvailability.versionUpgrade',
        message: 'expected one of "minimalDowntime", "cutover", "rolling", got string "fast"',
      },
    ],
  ],
  [
    'a null that deletes a key with a default',
    { coder: { image: { tag: null } } },
    [{ path: 'coder.image.tag', message: 'must not be null: leave it out to keep the default ""' }],
  ],
  [
    'a typo of a key',
    { coder: { replicaCont: 2 } },
    [{ path: 'coder.replicaCont', message: 'unknown key; did you mean "replicaCount"?' }],
  ],
  [
    'a key in the wrong case',
    { coder: { REPLICACOUNT: 2 } },
    [{ path: 'coder.REPLICACOUNT', message: 'unknown key; did you mean "replicaCount"?' }],
  ],
  [
    'a key like no other',
    { coder: { ingress: { zzzzzzzzzzzzz: 1 } } },
    [
      {
        path: 'coder.ingress.zzzzzzzzzzzzz',
        message: 'unknown key; known keys: enable, className, host, wildcardHost, annotations, tls',
      },
    ],
  ],
  [
    'an unknown key at the top',
    { zzz: 1 },
    [
      {
        path: 'zzz',
        message: 'unknown key; known keys: global, nameOverride, coder, provisionerDaemon, extraTemplates',
      },
    ],
  ],
  [
    'a name Kubernetes refuses',
    { nameOverride: 'Bad_Name' },
    [
      {
        path: 'nameOverride',
        message: 'expected a string matching ^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?$, got string "Bad_Name"',
      },
    ],
  ],
  [
    'a name too long',
    { nameOverride: 'a'.repeat(64) },
    [{ path: 'nameOverride', message: `expected at most 63 characters, got string "${'a'.repeat(64)}"` }],
  ],
  [
    'a secret named twice',
    { coder: { tls: { secretNames: ['a', 'a'] } } },
    [{ path: 'coder.tls.secretNames', message: 'expected unique items, got a repeat (items 1 and 0)' }],
  ],
  [
    'an empty command',
    { coder: { command: [] } },
    [{ path: 'coder.command', message: 'expected at least 1 item(s), got a list ([])' }],
  ],
  [
    'a node port outside the range (one problem for the oneOf, not one per branch)',
    { coder: { service: { httpNodePort: 5 } } },
    [{ path: 'coder.service.httpNodePort', message: 'expected integer 30000–32767 or "", got number 5' }],
  ],
  [
    'a label key Kubernetes refuses',
    { coder: { labels: { 'bad key!': 'x' } } },
    [{ path: 'coder.labels["bad key!"]', message: `is not a valid key here (expected a match for ${KEY_PATTERN})` }],
  ],
  [
    'a label key with a slash, and a number for its value',
    { coder: { labels: { 'example.com/a': 5 } } },
    [{ path: 'coder.labels["example.com/a"]', message: 'expected string, got number 5' }],
  ],
  [
    'an annotation key with a tilde (Kubernetes refuses it; the path shows it as written)',
    { coder: { annotations: { 'a~b': 'x' } } },
    [{ path: 'coder.annotations["a~b"]', message: `is not a valid key here (expected a match for ${KEY_PATTERN})` }],
  ],
  [
    'a number above the maximum',
    { coder: { livenessProbe: { successThreshold: 5 } } },
    [{ path: 'coder.livenessProbe.successThreshold', message: 'expected <= 1, got number 5' }],
  ],
  [
    'a bad item of a list, by its index',
    {
      coder: {
        env: [
          { name: 'A', value: '1' },
          { name: 'bad name', value: 'x' },
        ],
      },
    },
    [
      {
        path: 'coder.env[1].name',
        message: 'expected a string matching ^[-._a-zA-Z][-._a-zA-Z0-9]*$, got string "bad name"',
      },
    ],
  ],
])('%s', (_, values, expected) => {
  expect(problemsOf(values)).toEqual(expected);
});

test('a rule across keys is reported once, at its key, in its own words', () => {
  const problems = problemsOf({ coder: { replicaCount: 3 } });
  expect(problems).toHaveLength(1);
  expect(problems[0].path).toBe('coder.replicaCount');
  expect(problems[0].message).toMatch(/^coder\.replicaCount is above 1, but no external Postgres is configured/);
  const rule = coderChartModel().guards.find((g) => g.rule?.path === 'coder.replicaCount')?.rule;
  expect(problems[0].message).toBe(rule?.message);
});

test('the error lists every problem, one per line, the path written once', () => {
  const error = new InvalidValuesError([
    { path: 'coder.image.tag', message: 'expected string, got number 1' },
    { path: 'coder.replicaCount', message: 'coder.replicaCount is above 1, but …' },
  ]);
  expect(error.message).toBe(
    [
      'values do not match the chart schema:',
      '  coder.image.tag: expected string, got number 1',
      '  coder.replicaCount is above 1, but …',
    ].join('\n'),
  );
  // A message that only mentions the path elsewhere still gets the path first.
  expect(formatProblem({ path: 'a.b', message: 'see a.b' })).toBe('  a.b: see a.b');
  expect(formatProblem({ path: 'a.b', message: 'a.bc is wrong' })).toBe('  a.b: a.bc is wrong');
});

test('paths read as a user writes them', () => {
  expect(formatPath([])).toBe('(root)');
  expect(formatPath(['coder', 'env', '2', 'name'])).toBe('coder.env[2].name');
  expect(formatPath(['coder', 'labels', 'app.kubernetes.io/name'])).toBe('coder.labels["app.kubernetes.io/name"]');
  expect(formatPath(['coder', '2x'])).toBe('coder["2x"]');
  expect(formatPath(['_a-b'])).toBe('_a-b');
});

test('the nearest known key is offered only when it is close', () => {
  const known = ['replicaCount', 'image', 'env'];
  expect(nearestKey('replicaCont', known)).toBe('replicaCount');
  expect(nearestKey('IMAGE', known)).toBe('image');
  // Two edits are close for a short key; a third of the length for a long one.
  expect(nearestKey('emv', known)).toBe('env');
  expect(nearestKey('xyz', known)).toBeUndefined();
  expect(nearestKey('replicaCountXYZ', known)).toBe('replicaCount');
  expect(nearestKey('replicXXXXXXX', known)).toBeUndefined();
  expect(nearestKey('anything', [])).toBeUndefined();
  // The first of two equally near keys.
  expect(nearestKey('ab', ['aa', 'bb'])).toBe('aa');
});

describe('the rules in the schema', () => {
  const rule: SchemaRule = {
    path: 'coder.replicaCount',
    message: 'keep it low',
    schema: { properties: { coder: { properties: { replicaCount: { maximum: 1 } } } } },
  };
  const base = { type: 'object', properties: {} };

  test('without rules the schema is the contract itself', () => {
    expect(schemaWithRules([], base)).toBe(base);
    expect(schemaWithAdvice([], base)).toBe(base);
  });

  test('for ajv each rule is an allOf entry, its message a comment', () => {
    expect(schemaWithRules([rule], base)).toEqual({ ...base, allOf: [{ $comment: 'keep it low', ...rule.schema }] });
  });

  test('for Helm each rule requires a property named after its advice, starting with the key', () => {
    const advised = schemaWithAdvice([rule, { ...rule, message: 'coder.replicaCount above 1 …' }], base);
    expect(advised.allOf).toEqual([
      { if: { not: rule.schema }, then: { required: ['coder.replicaCount: keep it low'] } },
      {
        if: { not: rule.schema },
        then: { required: ['coder.replicaCount above 1 …'] },
      },
    ]);
  });
});
