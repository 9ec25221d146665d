/** Objects authored with nodes, and node placement: the guards against silent mistakes in the construct layer. */
import { Expr, lit } from '../src/expr/expr';
import { GoValue } from '../src/expr/go-semantics';
import { valueRef } from '../src/values/refs';
import { documentTemplate, namedTemplateDefinition } from '../src/backends/template';
import { renderDocument } from '../src/backends/concrete';
import { renderManifests, scopeFor } from '../src/render';
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
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { foldedQuoted } from '../src/tree/yaml-text';
import { App, Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Authored, JSON_FIELD_NAMES, kubeObject } from '../src/tree/kube-object';

describe('objects authored with nodes: the TemplateObject adapter', () => {
  const scalar = new ScalarNode(lit('x'));
  const chart = (): Chart => new Chart(new App(), 'chart');

  test('a node placed in typed props reaches the tree as itself, where it was placed', () => {
    const service = kubeObject(chart(), 'Service', k8s.KubeService, {
      metadata: { name: 'coder', namespace: scalar },
      spec: { ports: [{ port: 80, name: new ScalarNode(lit('http')) }], selector: { app: 'coder' } },
    });
    const tree = service.tree() as { metadata: TreeMap; spec: { ports: TreeMap[] } };
    expect(tree.metadata.namespace).toBe(scalar);
    expect(tree.spec.ports[0].name).toBeInstanceOf(ScalarNode);
  });

  test('keys come out in the order they were authored (cdk8s synthesis would sort them), unset fields left out', () => {
    const pod = kubeObject(chart(), 'Pod', k8s.KubePod, {
      metadata: { name: 'p', labels: { zeta: 'z', alpha: 'a' } },
      spec: { restartPolicy: 'Never', hostname: undefined, containers: [{ name: 'c', image: 'i', command: ['sh'] }] },
    });
    const tree = pod.tree() as { metadata: TreeMap; spec: { containers: TreeMap[] } };
    expect(Object.keys(tree)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(Object.keys(tree.metadata)).toEqual(['name', 'labels']);
    expect(Object.keys(tree.metadata.labels as TreeMap)).toEqual(['zeta', 'alpha']);
    expect(Object.keys(tree.spec)).toEqual(['restartPolicy', 'containers']);
    expect(Object.keys(tree.spec.containers[0])).toEqual(['name', 'image', 'command']);
  });

  test('a JSON patch or a label added through cdk8s would not reach the template, so reading the tree refuses it', () => {
    const patched = kubeObject(chart(), 'Account', k8s.KubeServiceAccount, { metadata: { name: 'a' } });
    patched.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    expect(() => patched.tree()).toThrow('chart/Account: a JSON patch does not reach the template');
    const labelled = kubeObject(chart(), 'Account', k8s.KubeServiceAccount, { metadata: { name: 'a' } });
    labelled.metadata.addLabel('team', 'x');
    expect(() => labelled.tree()).toThrow(
      "labels or annotations added through cdk8s's metadata API do not reach the template",
    );
  });

  test('cdk8s synthesis of a template object is refused with the reason, not written with its nodes', () => {
    const app = new App();
    kubeObject(new Chart(app, 'chart'), 'Account', k8s.KubeServiceAccount, {
      metadata: { name: 'a', namespace: scalar },
    });
    expect(() => app.synthYaml()).toThrow(
      'chart/Account is a template object: its values are decided when the chart renders',
    );
  });

  test('a value that is neither JSON nor a node is refused with its path', () => {
    const props = {
      metadata: { name: 'a' },
      spec: { replicas: new Date(0) },
    } as unknown as Authored<k8s.KubeDeploymentProps>;
    expect(() => kubeObject(chart(), 'Deployment', k8s.KubeDeployment, props)).toThrow(
      'chart/Deployment: /spec/replicas holds a Date, which a manifest cannot hold',
    );
  });

  test('fields are authored with their Kubernetes JSON names (checked by the compiler)', () => {
    const spec: Authored<k8s.ServiceSpec> = {
      clusterIP: 'None',
      // @ts-expect-error the library's prop name is not the manifest's field name
      clusterIp: 'None',
    };
    expect(spec.clusterIP).toBe('None');
  });

  test('the JSON names are the ones the installed cdk8s-plus-28 converters write', () => {
    const converters = readFileSync(require.resolve('cdk8s-plus-28/lib/imports/k8s.js'), 'utf8');
    const renamed: Record<string, string> = {};
    for (const [, json, prop] of converters.matchAll(/^\s+'([^']+)': [^\n]*?\bobj\.([A-Za-z0-9]+)/gm)) {
      if (json !== prop) renamed[prop] = json;
    }
    expect(Object.keys(renamed).length).toBeGreaterThan(20);
    expect(renamed).toEqual(JSON_FIELD_NAMES);
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
    const doc = { file: 'x.yaml', source: 'a test', tree };
    expect(() => documentTemplate(doc)).toThrow(message);
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
      source: 'a test',
      tree: { labels: { first: 'x', [spreadKey()]: new IncludeNode(template), last: 'y' } },
    };
    expect(documentTemplate(doc)).toContain('  {{- include "test.labels" $ | nindent 2 }}');
    expect(namedTemplateDefinition(template)).toBe(
      '{{- /* test */}}\n{{- define "test.labels" -}}\na: {{ "1" | quote }}\nb: two\nc: {{ toJson 3 }}\n{{- end }}',
    );
    expect(JSON.stringify(renderDocument(doc, scope)[0])).toBe(
      '{"labels":{"first":"x","a":"1","b":"two","c":3,"last":"y"}}',
    );
  });

  test('a map made only of a map from values is written as that map, and left out when it is empty', () => {
    const doc = (annotations: GoValue) => ({
      file: 'x.yaml',
      source: 'a test',
      tree: { metadata: { name: 'n', annotations: { [spreadKey()]: new SpreadNode(lit(annotations)) } } },
    });
    expect(documentTemplate(doc({}))).toContain(
      '  {{- with dict }}\n  annotations:{{ toYaml . | nindent 4 }}\n  {{- end }}',
    );
    expect(renderDocument(doc({}), scope)[0]).toEqual({ metadata: { name: 'n' } });
    expect(renderDocument(doc(null), scope)[0]).toEqual({ metadata: { name: 'n' } });
    expect(renderDocument(doc({ a: 'b' }), scope)[0]).toEqual({ metadata: { name: 'n', annotations: { a: 'b' } } });
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

describe('a long string literal in a template', () => {
  const MAX = 60;
  const readBack = (lines: string[]) => (load(lines.join('\n')) as { key: string }).key;

  test.each([
    'object.spec.strategy != oldObject.spec.strategy || object.spec.template == oldObject.spec.template || x',
    'words with "quotes", a \\ backslash, ünïcödé and a tab\there, then more words to fold over lines',
    'a {{ template }} action written as text, {{ another }}, and enough words to need folding twice or more',
  ])('is folded at single spaces into lines within the limit and reads back the same: %s', (text) => {
    const lines = foldedQuoted(text, '  key: ', 4, MAX, 'plain');
    expect(lines).toBeDefined();
    expect(lines!.length).toBeGreaterThan(1);
    for (const line of lines!) expect(line.length).toBeLessThanOrEqual(MAX);
    expect(readBack(lines!)).toBe(text);
  });

  test('in a template, `{{` is escaped after folding, so Helm reads the text back', () => {
    const text = 'a {{ template }} action written as text, {{ another }}, and enough words to need folding';
    const lines = foldedQuoted(text, 'key: ', 2, MAX, 'template')!;
    expect(lines.join('\n')).toContain('{{ "{{" }}');
    // What Helm's template engine makes of the escape: the text itself.
    expect(readBack(lines.map((line) => line.split('{{ "{{" }}').join('{{')))).toBe(text);
  });

  test('double spaces are never cut (folding would make them one): the text reads back the same', () => {
    const text = `${'two  spaces  apart  '.repeat(4)}then single spaces at the end of it all`;
    const lines = foldedQuoted(text, 'key: ', 2, MAX, 'plain')!;
    expect(lines.length).toBeGreaterThan(1);
    expect(readBack(lines)).toBe(text);
  });

  test('a string that fits, or has no single space to cut at, stays on one line', () => {
    expect(foldedQuoted('short', 'key: ', 2, MAX, 'plain')).toBeUndefined();
    expect(foldedQuoted('x'.repeat(100), 'key: ', 2, MAX, 'plain')).toBeUndefined();
  });
});
