/** Each expression's `eval` must agree with Helm's own rendering of its `toGo` text. */
import { readdirSync, readFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { dump } from 'js-yaml';
import { renderModel } from '../src/backends/concrete';
import {
  and,
  concat,
  defaultTo,
  empty,
  eq,
  EvalScope,
  Expr,
  gt,
  join,
  len,
  lit,
  ne,
  not,
  omit,
  pick,
  or,
  Ref,
  sub,
  ternary,
  TemplateBindings,
  toInt,
} from '../src/expr/expr';
import {
  duplicatesOf,
  hasItemNamed,
  helpers,
  liveContainerImage,
  namesOf,
  omitEach,
  stringsAt,
} from '../src/coder/helpers';
import { listItem } from '../src/values/refs';
import { HelperLibrary } from '../src/expr/helpers';
import { GoValue } from '../src/expr/go-semantics';
import { HELM_MAJORS } from '../tools/helm/tools';
import { ChartModel, ScalarNode, TreeMap } from '../src/tree/nodes';
import { helmTemplate, writeModelChart } from './support/helm-chart';
import { asObj, parseManifests } from './support/manifests';

const values = {
  zero: 0,
  one: 1,
  float0: 0.0,
  half: 0.5,
  big: 1000000,
  emptyString: '',
  text: 'a',
  zeroString: '0',
  falseString: 'false',
  f: false,
  t: true,
  nothing: null,
  emptyList: [],
  list: [1],
  emptyMap: {},
  map: { a: 1, b: 'two' },
  env: [{ name: 'A', value: 'x' }, { name: 'B' }, { name: 'A' }, { name: 'C' }, { name: 'B' }],
  tricky: 'héllo ✓ "q" {{ .Values.x }} $1 $& \\ back\nline',
  nested: { 'k-ey': { inner: 'v' } },
  ports: [
    { name: 'a', port: 8081, nodePort: 30081, targetPort: 'web' },
    { name: 'b', port: 8444, targetPort: 8444 },
    { name: 'c', port: 8445 },
  ],
};

const v = (...path: string[]): Expr => new Ref('Values', path);
const truthinessKeys = Object.keys(values).filter((k) => k !== 'env');

const cases: Record<string, Expr> = {};
for (const key of truthinessKeys) {
  cases[`not-${key}`] = not(v(key));
  cases[`empty-${key}`] = empty(v(key));
  cases[`default-${key}`] = defaultTo(lit('fallback'), v(key));
  cases[`and-${key}`] = and(v(key), lit('second'));
  cases[`or-${key}`] = or(v(key), lit('second'));
  cases[`ternary-${key}`] = ternary(lit('yes'), lit('no'), not(empty(v(key))));
  cases[`int-${key}`] = toInt(v(key));
}
// Sprig's `int` reads a string as a Go integer literal, and anything it cannot read as 0.
const INT_STRINGS = [
  '3',
  '3.0',
  '3.',
  '1.5',
  '-3',
  '+7',
  '0x1f',
  '0X1F',
  '0b101',
  '0o17',
  '017',
  '0_7',
  '1_000',
  '0x_1f',
];
const NOT_INT_STRINGS = ['1__0', '1_', ' 3', '1e3', '0x', '9223372036854775808', '-9223372036854775809'];
for (const [index, text] of [...INT_STRINGS, ...NOT_INT_STRINGS].entries())
  cases[`int-string-${index}`] = toInt(lit(text));
Object.assign(cases, {
  'value-big': v('big'),
  'value-half': v('half'),
  'value-map': v('map'),
  'value-missing': v('map', 'missing'),
  'value-dashed-key': v('nested', 'k-ey', 'inner'),
  'value-tricky': v('tricky'),
  'eq-strings': eq(v('text'), lit('a')),
  'ne-strings': ne(v('text'), lit('a')),
  'concat-unicode': concat(v('tricky') as Expr<string>, lit('-'), new Ref<string>('Release', ['Namespace'])),
  'concat-chart': concat(new Ref<string>('Chart', ['Name']), lit('-'), new Ref<string>('Chart', ['Version'])),
  // Literal parts go into printf's format: a % in them must still print as itself.
  'concat-percent': concat(lit('100% of '), v('tricky') as Expr<string>, lit(' at 5%s %d %%')),
  'concat-literals-only': concat(lit('a%'), lit('b')),
  // A key left out (under --skip-schema-validation) prints as Go's fmt prints nil.
  'concat-nothing': concat(lit('a-'), v('nothing') as Expr<string>),
  'concat-long-format': concat(lit('word '.repeat(40)), new Ref<string>('Release', ['Namespace']), lit(' end%')),
  'len-env': len(v('env')),
  'len-text': len(v('tricky')),
  'gt-len': gt(len(v('env')), lit(3)),
  'names-env': namesOf(v('env')),
  'names-empty': namesOf(v('emptyList')),
  'duplicates-env': duplicatesOf(namesOf(v('env'))),
  'duplicates-none': duplicatesOf(namesOf(v('emptyList'))),
  'has-named-B': hasItemNamed(v('env'), 'B'),
  'has-named-Z': hasItemNamed(v('env'), 'Z'),
  'omit-map': omit(v('map'), 'a'),
  'omit-defaulted-nothing': omit(defaultTo(lit({}), v('nothing')), 'a'),
  'pick-map': pick(v('map'), 'a', 'absent'),
  'pick-defaulted-nothing': pick(defaultTo(lit({}), v('nothing')), 'a'),
  'omit-each': omitEach(v('ports'), 'nodePort'),
  'omit-each-empty': omitEach(v('emptyList'), 'nodePort'),
  'strings-at': stringsAt(v('ports'), 'targetPort'),
  'join-names': join(', ', namesOf(v('env'))),
  'literal-nested': lit({ list: [1, 'two', true, null, { deep: ['x'] }], text: 'a"b\\c' }),
  'literal-release': new Ref('Release', ['Name']),
  'sub-big': sub(v('big') as Expr<number>, lit(1)),
  'sub-below-zero': sub(v('zero') as Expr<number>, lit(1)),
  // `helm template` has no cluster: lookup finds nothing, and there is no live image.
  'live-image-without-cluster': liveContainerImage(new Ref<string>('Release', ['Namespace']), 'coder', 'coder'),
  // Values shared through a named template come back as their kind: text, an int, a bool.
  'shared-string': helpers.value('testText', 'string', 'test', concat(v('tricky') as Expr<string>, lit('-x'))),
  'shared-int': helpers.value('testInt', 'int', 'test', toInt(v('big'))),
  'shared-int-negative': helpers.value('testBelowZero', 'int', 'test', sub(v('zero') as Expr<number>, lit(1))),
  'shared-bool-from-operand': helpers.value('testTruthy', 'bool', 'test', and(v('text'), lit('second'))),
  'shared-bool-false': helpers.value('testFalsy', 'bool', 'test', and(v('zero'), lit('second'))),
  'shared-bool-of-shared': helpers.value(
    'testUsesShared',
    'bool',
    'test',
    gt(helpers.value('testInt', 'int', 'test', toInt(v('big'))), lit(3)),
  ),
});

const scope: EvalScope = {
  Values: values as GoValue,
  Release: { Name: 'rel', Namespace: 'ns', Service: 'Helm', IsInstall: true, IsUpgrade: false, Revision: 1 },
  Chart: { Name: 'probe', Version: '1.2.3', AppVersion: '4.5.6' },
};

/** A chart of one object whose `results` hold each expression under its name. */
function probeModel(exprs: Record<string, Expr>): ChartModel {
  const results: TreeMap = {};
  for (const [name, expr] of Object.entries(exprs)) results[name] = new ScalarNode(expr);
  return {
    documents: [
      {
        file: 'probe.yaml',
        source: 'a test',
        tree: { apiVersion: 'v1', kind: 'ExprProbe', metadata: { name: 'p' }, results },
      },
    ],
    guards: [],
  };
}
const model = probeModel(cases);

describe('expression semantics against Helm', () => {
  const chartDir = writeModelChart(model);
  const expected = asObj(renderModel(model, scope)[0].results);

  test.each(HELM_MAJORS)('Helm %i renders every expression as eval computes it', async (major) => {
    const run = await helmTemplate(major, { chartDir, release: 'rel', namespace: 'ns', valuesTexts: [dump(values)] });
    expect(run.stderr).toBe('');
    const rendered = asObj(parseManifests(run.stdout)[0].results);
    for (const name of Object.keys(cases)) {
      expect({ name, value: rendered[name] }).toEqual({ name, value: expected[name] });
    }
  });

  test('the truthiness table is Go’s: 0, 0.0, "", false, nil, [] and {} are false; "0" and "false" are true', () => {
    const falsy = truthinessKeys.filter((key) => expected[`not-${key}`] === true).sort();
    expect(falsy).toEqual(['emptyList', 'emptyMap', 'emptyString', 'f', 'float0', 'nothing', 'zero'].sort());
  });

  test('and/or return an operand, not a boolean, as Go does', () => {
    expect(expected['and-text']).toBe('second');
    expect(expected['and-zero']).toBe(0);
    expect(expected['or-emptyString']).toBe('second');
    expect(expected['or-map']).toEqual({ a: 1, b: 'two' });
  });

  test('omitEach drops the key from every item and keeps the rest as it was', () => {
    expect(expected['omit-each']).toEqual([
      { name: 'a', port: 8081, targetPort: 'web' },
      { name: 'b', port: 8444, targetPort: 8444 },
      { name: 'c', port: 8445 },
    ]);
    expect(expected['omit-each-empty']).toEqual([]);
  });

  test('pick keeps the entries at the keys the map has', () => {
    expect(expected['pick-map']).toEqual({ a: 1 });
    expect(expected['pick-defaulted-nothing']).toEqual({});
  });

  test('stringsAt keeps only the string values of the key', () => {
    expect(expected['strings-at']).toEqual(['web']);
  });

  test('concat puts its literal parts into the format, escaping %', () => {
    const namespace = new Ref<string>('Release', ['Namespace']);
    expect(concat(lit('coder.'), namespace, lit('.svc')).toGo()).toBe('(printf "coder.%s.svc" $.Release.Namespace)');
    expect(concat(lit('50% of '), namespace).toGo()).toBe('(printf "50%% of %s" $.Release.Namespace)');
    expect(concat(lit('a'), lit('b')).toGo()).toBe('"ab"');
    expect(expected['concat-percent']).toBe('100% of ' + String(values.tricky) + ' at 5%s %d %%');
  });

  test('large numbers keep their integer form', () => {
    expect(expected['value-big']).toBe(1000000);
  });
});

describe('expression errors mirror Go templates', () => {
  test('reading through a nil map fails', () => {
    expect(() => v('nothing', 'deeper').eval(scope)).toThrow('nil pointer evaluating interface {}.deeper');
  });
  test('eq refuses maps', () => {
    expect(() => eq(v('map'), lit('a')).eval(scope)).toThrow('non-comparable');
  });
  test('omit of nil fails', () => {
    expect(() => omit(v('nothing'), 'a').eval(scope)).toThrow('expected map');
  });
  test('len of nil fails (Helm: "len of nil pointer")', () => {
    expect(() => len(v('nothing')).eval(scope)).toThrow('len of nil pointer');
  });
  test('concat refuses non-strings', () => {
    expect(() => concat(v('one') as Expr<string>).eval(scope)).toThrow('expected a string');
  });

  // Go evaluates every argument before calling a function; only `and` and `or` stop early.
  describe('default evaluates its fallback even when the value is set', () => {
    const failingFallback = defaultTo(ternary(lit('a'), lit('b'), v('nothing')), lit('set'));
    const probe = probeModel({ r: failingFallback });

    test('the concrete back-end fails', () => {
      expect(() => failingFallback.eval(scope)).toThrow('error calling ternary');
    });
    test.each(HELM_MAJORS)('Helm %i fails', async (major) => {
      const chartDir = writeModelChart(probe);
      const run = await helmTemplate(major, { chartDir, release: 'rel', namespace: 'ns', valuesTexts: [dump(values)] });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('wrong type for value; expected bool');
    });
  });
});

test('a list item knows which of its fields are always strings: required, of type string', () => {
  expect(listItem('coder.tls.secretNames', 'tlsSecret').alwaysString()).toBe(true);
  const cert = listItem('coder.certs.secrets', 'caCert');
  expect(cert.alwaysString()).toBe(false);
  expect(cert.field('key').alwaysString()).toBe(true);
  // Items typed by a Kubernetes definition ($ref) are not followed: not known to be strings, their
  // fields keep toJson, which writes a missing value as null rather than "".
  expect(listItem('coder.env', 'variable').field('name').alwaysString()).toBe(false);
  expect(listItem('coder.serviceAccount.workspaceNamespaces', 'ns').field('workspacePerms').alwaysString()).toBe(false);
});

describe('a value shared through a named template (HelperLibrary.value)', () => {
  test('is defined once however often it is asked for, and one name cannot hold two computations', () => {
    const library = new HelperLibrary('probe');
    library.value('replicas', 'int', 'the replicas', toInt(v('big')));
    library.value('replicas', 'int', 'the replicas', toInt(v('big')));
    expect(Object.keys(library.definitions()).filter((name) => name === 'probe.replicas')).toHaveLength(1);
    expect(() => library.value('replicas', 'int', 'the replicas', toInt(v('one')))).toThrow(
      'the value probe.replicas is defined twice, differently',
    );
  });

  test('a file binds it once at its top, through include of the root context', () => {
    const library = new HelperLibrary('probe');
    const ready = library.value('ready', 'bool', 'ready', and(v('text'), lit('second')));
    const { written, lines } = TemplateBindings.collect((bindings) => and(ready, ready).toGo(bindings));
    expect(lines).toEqual(['{{- $ready := eq (include "probe.ready" $) "true" }}']);
    expect(written).toBe('(and $ready $ready)');
  });

  test('a value it uses is computed once per call, at the top of its body', () => {
    const library = new HelperLibrary('probe');
    const image = library.value('image', 'string', 'the image', concat(v('text') as Expr<string>, lit(':1')));
    library.value('changed', 'bool', 'changed', and(ne(image, lit('')), ne(image, lit('a:2'))));
    expect(library.definitions()['probe.changed'].split('\n').slice(1)).toEqual([
      '{{- $image := include "probe.image" $ }}',
      '{{- if and (ne $image "") (ne $image "a:2") }}true{{ end -}}',
    ]);
  });
});

describe('the expression core', () => {
  test('knows nothing of the chart: no name or word in src/expr mentions Coder', () => {
    const dir = joinPath(__dirname, '..', 'src', 'expr');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    const mentions = files.flatMap((file) =>
      readFileSync(joinPath(dir, file), 'utf8')
        .split('\n')
        .flatMap((line, index) => (/coder/i.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [])),
    );
    expect(mentions).toEqual([]);
  });
});
