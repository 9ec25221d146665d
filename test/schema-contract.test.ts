/**
 * The values contract checked as a whole, from values.schema.json itself: a new key that is open
 * to typos, undocumented, untyped or without a refusal case in the bad-input catalogue fails here.
 */
import { valuesSchema } from '../src/values/schema';
import { invalidCases } from './support/bad-input';
import { declaredKeys, hasType, isClosed, objectSchemas } from './support/schema-walk';

/** The only objects that take any key, and why they must. */
const OPEN_BY_DESIGN: Readonly<Record<string, string>> = {
  '(root).global': "a parent chart's global values, which Helm passes to every subchart; this chart reads none",
  '(root).extraTemplates[]': 'whole Kubernetes manifests of any kind, rendered with tpl',
};

const schema = valuesSchema();
const keys = declaredKeys(schema);

/** `coder.env[2].name` → `coder.env[].name`: catalogue paths in the form declared keys use. */
const keyForm = (path: string): string => path.replace(/\[\d+\]/g, '[]').replace(/\["([^"]*)"\]/g, '.$1');

/**
 * A refusal case covers a key when it is refused at the key itself (a wrong type or value), or
 * inside it at something the chart does not declare (an unknown key, or a bad value within a
 * Kubernetes-typed value or a list item).
 */
function covers(casePath: string, key: string, declared: ReadonlySet<string>): boolean {
  const path = keyForm(casePath);
  if (path === key) return true;
  if (!path.startsWith(`${key}.`) && !path.startsWith(`${key}[]`)) return false;
  const next = /^(\[\]|\.[^.[]+)/.exec(path.slice(key.length))?.[1] ?? '';
  const child = next === '[]' ? `${key}[]` : `${key}${next}`;
  if (next === '[]') return ![...declared].some((k) => k.startsWith(`${child}.`) && path.startsWith(`${k}`));
  return !declared.has(child);
}

test('the walk finds the keys users set (a check on the walk itself)', () => {
  const paths = keys.map((k) => k.path);
  expect(paths).toEqual(
    expect.arrayContaining([
      'coder.replicaCount',
      'coder.highAvailability.podDisruptionBudget.maxUnavailable',
      'coder.listenerset.listeners[].port',
      'provisionerDaemon.pskSecretName',
    ]),
  );
  expect(paths.length).toBeGreaterThan(140);
});

test('every object in the contract refuses unknown keys, except the ones open by design', () => {
  const open = objectSchemas(schema)
    .filter((o) => !isClosed(o.node))
    .map((o) => o.where);
  expect(open.sort()).toEqual(Object.keys(OPEN_BY_DESIGN).sort());
});

test('every Kubernetes definition the contract refers to is reached and closed', () => {
  const definitions = Object.keys((schema.definitions ?? {}) as object).map((name) => `#/definitions/${name}`);
  const reached = new Set(objectSchemas(schema).map((o) => o.where));
  const objectDefinitions = definitions.filter((d) => {
    const node = (schema.definitions as Record<string, { type?: unknown }>)[d.replace('#/definitions/', '')];
    return node.type === 'object';
  });
  expect(objectDefinitions.filter((d) => !reached.has(d))).toEqual([]);
});

test('every declared key has a type and a description', () => {
  const missing = keys.flatMap((k) => [
    ...(hasType(k.node) ? [] : [`${k.path}: no type`]),
    ...(typeof k.node.description === 'string' && k.node.description.trim() ? [] : [`${k.path}: no description`]),
  ]);
  expect(missing).toEqual([]);
});

test('every declared key has a refusal case (unknown key or wrong value) in the bad-input catalogue', () => {
  const declared = new Set(keys.map((k) => k.path));
  const uncovered = keys
    .map((k) => k.path)
    .filter((key) => key !== 'global' && !invalidCases.some((c) => covers(c.path, key, declared)));
  expect(uncovered).toEqual([]);
});
