/** The template back-end's rules (ARCHITECTURE.md), each checked against real Helm output. */
import { dump } from 'js-yaml';
import { renderModel } from '../src/backends/concrete';
import { documentTemplate } from '../src/backends/template';
import { EvalScope, len, lit, not, omit, defaultTo, Ref, Var, concat } from '../src/expr/expr';
import { GoMap } from '../src/expr/go-semantics';
import { HELM_MAJORS } from '../tools/helm/tools';
import {
  BlockNode,
  ChartModel,
  MapListNode,
  OptionalItemNode,
  OptionalNode,
  ScalarNode,
  SpliceNode,
  SpreadNode,
  spreadKey,
  TreeMap,
  WithNode,
} from '../src/tree/nodes';
import { helmTemplate, writeModelChart } from './support/helm-chart';
import { parseManifests } from './support/manifests';
import { scopeFor, ValueMap } from '../src/render';
import { coalesceWithDefaults, mergeUserValues } from '../src/values/coalesce';
import { schemaDefaults } from '../src/values/schema';
import { coderChartModel } from '../src/coder/chart';

const v = (...path: string[]) => new Ref('Values', path);

/** A tree that uses every structural form, at several depths. */
function structureTree(): TreeMap {
  const item = new Var('item');
  return {
    apiVersion: 'v1',
    kind: 'StructureProbe',
    metadata: {
      name: 'structure',
      labels: { fixed: 'yes-really', [spreadKey()]: new SpreadNode(omit(defaultTo(lit({}), v('labels')), 'fixed')) },
    },
    literals: {
      braces: 'literal {{ .Values.secret }} and }} stay text',
      dollars: '$1 $& $$ $` stay text',
      numberLike: ['1.10', '0775', '1e3', 'on', 'yes', 'null', '~', '-', '', ' padded '],
      multiline: 'first\nsecond: not a key\n- not an item',
      unicode: 'naïve ✓ 日本',
      realNumbers: [0, 1, -3, 1.5],
      bool: false,
      nothing: null,
      emptyList: [],
      emptyMap: {},
    },
    scalars: {
      int: new ScalarNode(v('count')),
      string: new ScalarNode(v('version')),
      big: new ScalarNode(v('big')),
      tricky: new ScalarNode(v('tricky')),
      built: new ScalarNode(concat(lit('{{ '), v('version') as Ref<string>, lit(' }}'))),
    },
    deep: {
      level2: {
        level3: {
          with: new WithNode(v('resources')),
          withEmpty: new WithNode(v('emptyMap')),
          block: new BlockNode(v('resources')),
          optionalOn: new OptionalNode(v('on'), { x: 1 }),
          optionalOff: new OptionalNode(not(v('on')), { x: 2 }),
          list: [
            'first',
            new OptionalItemNode(v('on'), { name: 'conditional', value: new ScalarNode(v('version')) }),
            new OptionalItemNode(not(v('on')), 'never'),
            new MapListNode(v('secrets'), item, (each) => ({
              name: new ScalarNode(concat(lit('tls-'), each.field<string>('name'))),
              path: new ScalarNode(each.field('path')),
            })),
            new SpliceNode(v('extra')),
          ],
          onlyOptional: [new OptionalItemNode(not(v('on')), 'absent')],
          onlySplice: [new SpliceNode(v('emptyList'))],
          count: new ScalarNode(len(v('secrets'))),
        },
      },
    },
  };
}

const values: GoMap = {
  count: 3,
  version: '1.10',
  big: 1000000,
  tricky: 'a "quoted" {{ brace }} $1\nnewline: yes',
  on: true,
  emptyMap: {},
  emptyList: [],
  labels: { team: 'platform', fixed: 'overridden?' },
  resources: { limits: { cpu: '2', memory: '4Gi' }, requests: { cpu: 0.5 } },
  secrets: [
    { name: 'a', path: '/a' },
    { name: 'b', path: '/b' },
  ],
  extra: [{ name: 'EXTRA', value: '1' }, 'plain'],
};

const scope: EvalScope = {
  Values: values,
  Release: { Name: 'rel', Namespace: 'ns', Service: 'Helm', IsInstall: true, IsUpgrade: false, Revision: 1 },
  Chart: { Name: 'probe', Version: '1.2.3', AppVersion: '4.5.6' },
};

const model: ChartModel = {
  documents: [{ file: 'structure.yaml', source: 'a test', tree: structureTree() }],
  guards: [],
};

describe('template back-end against Helm', () => {
  const chartDir = writeModelChart(model);
  const concrete = renderModel(model, scope);

  test.each(HELM_MAJORS)('Helm %i renders every structural form as the concrete back-end does', async (major) => {
    const run = await helmTemplate(major, { chartDir, release: 'rel', namespace: 'ns', valuesTexts: [dump(values)] });
    expect(run.stderr).toBe('');
    expect(parseManifests(run.stdout)).toEqual(concrete);
  });

  test('literal braces, dollars and YAML-ambiguous strings come through as text', () => {
    const literals = concrete[0].literals as GoMap;
    expect(literals.braces).toBe('literal {{ .Values.secret }} and }} stay text');
    expect(literals.dollars).toBe('$1 $& $$ $` stay text');
    expect(literals.numberLike).toEqual(['1.10', '0775', '1e3', 'on', 'yes', 'null', '~', '-', '', ' padded ']);
  });

  test('integers stay integers and numeric-looking strings stay strings', () => {
    const scalars = concrete[0].scalars as GoMap;
    expect(scalars).toMatchObject({ int: 3, string: '1.10', big: 1000000 });
  });

  test('a list or map with no guaranteed entry is left out when empty, not rendered as null', () => {
    const level3 = ((concrete[0].deep as never)['level2'] as never)['level3'] as GoMap;
    expect(level3).not.toHaveProperty('onlyOptional');
    expect(level3).not.toHaveProperty('onlySplice');
    expect(level3).not.toHaveProperty('withEmpty');
  });

  test('user labels never replace the chart’s own', () => {
    expect((concrete[0].metadata as never)['labels']).toEqual({ fixed: 'yes-really', team: 'platform' });
  });

  test('nindent follows the column of the key, at every depth', () => {
    const text = documentTemplate(model.documents[0]);
    // deep (column 0) > level2 (2) > level3 (4) > with/block (6): their blocks start at column 8.
    expect(text).toContain('\n      with:{{ toYaml . | nindent 8 }}');
    expect(text).toContain('\n      block:{{ toYaml $.Values.resources | nindent 8 }}');
    // list items of `list` (column 6) sit at column 8, and so do the spliced ones.
    expect(text).toContain('\n        - first\n');
    expect(text).toContain('\n        {{- toYaml . | nindent 8 }}');
    // the chart labels map sits at column 4.
    expect(text).toContain('\n    {{- toYaml . | nindent 4 }}');
  });

  test('scalars are emitted typed, with toJson', () => {
    const text = documentTemplate(model.documents[0]);
    expect(text).toContain('int: {{ toJson $.Values.count }}');
    expect(text).not.toMatch(/\{\{ \$\.Values\.count \}\}/);
  });

  test('the first line of a generated template says so and renders to nothing', () => {
    const text = documentTemplate(model.documents[0]);
    expect(text.split('\n')[0]).toBe('{{- /* Generated by `npm run build` from a test; do not edit. */ -}}');
  });
});

describe('strings written with quote', () => {
  // The chart writes a value the contract declares as a string with `quote` (as the official chart
  // does), not `toJson`: Go's %q and JSON escape differently, and YAML must read both the same.
  const tricky = 'a"b\\c <d>&e é\t\u0007 {{ not a template }} \u{1F600}';
  test.each(HELM_MAJORS)('Helm %i reads back exactly what the concrete render holds', async (major) => {
    // The image tag is quoted and lands in one field; the schema (rightly) refuses such a tag, so
    // both sides render without it: the quoting is what is under test here.
    const values = { coder: { image: { tag: tricky } } };
    const run = await helmTemplate(major, {
      release: 'coder',
      namespace: 'coder',
      valuesTexts: [dump(values)],
      skipSchemaValidation: true,
    });
    expect(run.stderr).toBe('');
    const helmDeployment = parseManifests(run.stdout).find((o) => o.kind === 'Deployment') as GoMap;
    const concrete = renderModel(
      coderChartModel(),
      scopeFor(coalesceWithDefaults(schemaDefaults() as ValueMap, mergeUserValues([values])), {
        releaseName: 'coder',
        namespace: 'coder',
      }),
    ) as GoMap[];
    const ours = concrete.find((o) => o.kind === 'Deployment') as GoMap;
    expect(helmDeployment).toEqual(ours);
    expect(JSON.stringify(helmDeployment)).toContain(JSON.stringify(`ghcr.io/coder/coder:${tricky}`));
  });
});
