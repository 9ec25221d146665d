/** Tokens, patches and node placement: the guards against silent mistakes in the construct layer. */
import { Expr, lit } from '../src/expr/expr';
import { valueRef } from '../src/values/refs';
import { documentTemplate, namedTemplateDefinition } from '../src/backends/template';
import { renderDocument } from '../src/backends/concrete';
import { renderManifests, scopeFor } from '../src/render';
import { conventionalOrder } from '../src/tree/key-order';
import {
  IncludeNode,
  OptionalNode,
  ScalarNode,
  SpliceNode,
  SpreadNode,
  spreadKey,
  TreeMap,
  VisitorAt,
} from '../src/tree/nodes';
import { removeAt, setAt } from '../src/tree/patch';
import { TokenRegistry } from '../src/tree/tokens';

describe('tokens', () => {
  test('a token that stands for a whole scalar becomes its node', () => {
    const tokens = new TokenRegistry();
    const token = tokens.scalar(lit('x'));
    const resolved = tokens.resolve({ a: [token] }) as { a: unknown[] };
    expect(resolved.a[0]).toBeInstanceOf(ScalarNode);
    expect(tokens.unresolved()).toEqual([]);
  });

  test('a token inside a longer string is an error', () => {
    const tokens = new TokenRegistry();
    const token = tokens.scalar(lit('x'));
    expect(() => tokens.resolve({ image: `repo:${token}` })).toThrow('token used inside a longer string at /image');
  });

  test('a token as a key is an error', () => {
    const tokens = new TokenRegistry();
    expect(() => tokens.resolve({ [tokens.scalar(lit('k'))]: 1 })).toThrow('token used as a key');
  });

  test('a token that never reaches the output is reported', () => {
    const tokens = new TokenRegistry();
    tokens.scalar(lit('lost'));
    const kept = tokens.scalar(lit('kept'));
    tokens.resolve({ kept });
    expect(tokens.unresolved()).toEqual([0]);
  });
});

describe('patches', () => {
  test('setting under a missing parent fails instead of doing nothing', () => {
    expect(() => setAt({ spec: {} }, ['spec', 'template', 'spec'], 1)).toThrow('does not exist');
  });

  test('removing something absent fails', () => {
    expect(() => removeAt({ spec: {} }, ['spec', 'strategy'])).toThrow('nothing to remove at /spec/strategy');
  });

  test('patches take effect', () => {
    const json = { spec: { list: [{ a: 1 }], drop: true } };
    setAt(json, ['spec', 'list', 0, 'a'], 2);
    removeAt(json, ['spec', 'drop']);
    expect(json).toEqual({ spec: { list: [{ a: 2 }] } });
  });
});

describe('where a node may stand (one table, both back-ends)', () => {
  const scope = scopeFor({});
  const cases: [string, TreeMap, RegExp][] = [
    [
      'a spread under a key',
      { labels: new SpreadNode(lit({ a: 'b' })) },
      /a spread node cannot stand as the value of a key/,
    ],
    [
      'an optional entry as a list item',
      { list: [new OptionalNode(lit(true), 'x')] },
      /an optional node cannot stand as a list item/,
    ],
    [
      'a scalar among keyless entries',
      { [spreadKey()]: new ScalarNode(lit('x')) },
      /a scalar node cannot stand among the entries/,
    ],
    ['a splice under a key', { list: new SpliceNode(lit(['x'])) }, /a splice node cannot stand as the value of a key/],
  ];
  test.each(cases)('%s is refused by the template and the concrete back-end alike', (_, tree, message) => {
    const doc = { file: 'x.yaml', tree };
    expect(() => documentTemplate(doc, 'test')).toThrow(message);
    expect(() => renderDocument(doc, scope)).toThrow(message);
  });

  test('an included named template writes its entries in place, in both back-ends', () => {
    const template = {
      name: 'test.labels',
      comment: 'test',
      body: { a: new ScalarNode(lit('1')), b: 'two', c: new ScalarNode(lit(3)) },
    };
    const doc = {
      file: 'x.yaml',
      tree: { labels: { first: 'x', [spreadKey()]: new IncludeNode(template), last: 'y' } },
    };
    expect(documentTemplate(doc, 'test')).toContain('  {{- include "test.labels" $ | nindent 2 }}');
    expect(namedTemplateDefinition(template)).toBe(
      '{{- /* test */}}\n{{- define "test.labels" -}}\na: {{ "1" | quote }}\nb: two\nc: {{ toJson 3 }}\n{{- end }}',
    );
    expect(JSON.stringify(renderDocument(doc, scope)[0])).toBe(
      '{"labels":{"first":"x","a":"1","b":"two","c":3,"last":"y"}}',
    );
  });

  test('a visitor must handle every kind that may stand at its position (checked by the compiler)', () => {
    // @ts-expect-error: mapList is missing, so this does not compile.
    const partial: VisitorAt<'item', number> = {
      scalar: () => 1,
      block: () => 1,
      optionalItem: () => 1,
      splice: () => 1,
    };
    expect(Object.keys(partial)).not.toContain('mapList');
  });
});

describe('key order', () => {
  test('name and namespace first, a pod template last, whatever order the construct gave', () => {
    const ordered = conventionalOrder({
      kind: 'Deployment',
      metadata: { labels: { a: 'b' }, namespace: 'ns', name: 'coder' },
      spec: { template: { spec: { containers: [{ image: 'x', name: 'c' }] } }, strategy: {}, replicas: 1 },
    });
    expect(JSON.stringify(ordered)).toBe(
      '{"kind":"Deployment","metadata":{"name":"coder","namespace":"ns","labels":{"a":"b"}},' +
        '"spec":{"strategy":{},"replicas":1,"template":{"spec":{"containers":[{"name":"c","image":"x"}]}}}}',
    );
  });

  test('every object the chart renders starts its metadata and its containers with the name', () => {
    const values = { coder: { replicaCount: 3, env: [{ name: 'CODER_PG_CONNECTION_URL', value: 'postgres://db' }] } };
    for (const manifest of renderManifests([values], { releaseName: 'coder', namespace: 'coder' })) {
      const object = manifest as { metadata: object; spec?: { template?: { spec: { containers: object[] } } } };
      expect(Object.keys(object.metadata)[0]).toBe('name');
      for (const container of object.spec?.template?.spec.containers ?? [])
        expect(Object.keys(container)[0]).toBe('name');
    }
  });
});

describe('value references take their type from the generated Values', () => {
  test('a string key is an Expr<string>, a count an Expr<number>; an undeclared key does not compile', () => {
    const tag: Expr<string> = valueRef('coder.image.tag');
    const replicas: Expr<number> = valueRef('coder.replicaCount');
    // @ts-expect-error: coder.replicaCount is a number, not a string.
    const wrong: Expr<string> = valueRef('coder.replicaCount');
    // @ts-expect-error: not a key of the values contract.
    expect(() => valueRef('coder.noSuchKey')).toThrow();
    expect([tag, replicas, wrong].map((ref) => ref.toGo())).toEqual([
      '$.Values.coder.image.tag',
      '$.Values.coder.replicaCount',
      '$.Values.coder.replicaCount',
    ]);
  });
});
