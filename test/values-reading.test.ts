/**
 * How values come in, without Helm: what a values file and `--set` give, and the words of their
 * refusals (test/values-file.test.ts and test/set-values.test.ts hold the same readings against
 * Helm itself). Then the values contract as the chart reads it: defaults, declared paths and the
 * keys a template may write with `quote`.
 */
import { parseValuesYaml } from '../src/values/read-values';
import { applySet, typedValue } from '../src/values/set-values';
import { coalesceWithDefaults, mergeUserValues } from '../src/values/coalesce';
import { listItem, valueRef } from '../src/values/refs';
import { schemaAt, schemaDefaults } from '../src/values/schema';
import { GoMap } from '../src/expr/go-semantics';

/** The message `read` refuses `input` with; a test fails when it is not refused. */
function refusalOf(read: (input: string) => unknown, input: string): string {
  try {
    read(input);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`not refused: ${input}`);
}

describe('a values file', () => {
  const read = (text: string) => parseValuesYaml(text, 'f.yaml');
  const refusal = (text: string) => refusalOf(read, text);

  test.each<[string, GoMap]>([
    ['a: !!binary |\n  aGVs\n  bG8=\n', { a: 'hello' }],
    ['a: !!float 1\n', { a: 1 }],
    ['a: !!float 1.5\n', { a: 1.5 }],
    ['a: !!float .inf\n', { a: Infinity }],
    ['a: !!float +.INF\n', { a: Infinity }],
    ['a: !!float -.Inf\n', { a: -Infinity }],
    ['a: !!timestamp 2001-12-14\n', { a: '2001-12-14' }],
    ['a: 2001-12-14\n', { a: '2001-12-14' }],
    ['a: 1_000\n', { a: 1000 }],
    ['a: 0775\n', { a: 509 }],
    ['a: on\nb: y\n', { a: true, b: true }],
    ['a: !mine x\n', { a: 'x' }],
    ['a: 1\na: 2\n', { a: 2 }],
    ['x: &a 1\nz: *a\n', { x: 1, z: 1 }],
    ['k: !!str 5\n', { k: '5' }],
    ['', {}],
    ['~\n', {}],
  ])('%j reads as %j', (text, values) => {
    expect(read(text)).toEqual(values);
  });

  test('!!float .nan is not a number', () => {
    expect(Number.isNaN(read('b: !!float .NaN\n').b)).toBe(true);
  });

  test.each([
    ['a: !!float x\n', 'yaml: a value does not fit its tag !!float: drop the tag or fix the value'],
    ['a: !!float ""\n', 'yaml: a value does not fit its tag !!float: drop the tag or fix the value'],
    ['a: !!int x\n', 'yaml: a value does not fit its tag !!int: drop the tag or fix the value'],
    ['? [a]\n: 1\n', 'yaml: invalid map key ["a"]: a key must be a string, number or boolean, not a list or map'],
    ['a: *x\n', 'yaml: Unresolved alias (the anchor must be set before the alias): x'],
    ['a: 1\n\tb: 2\n', 'yaml: line 2: Tabs are not allowed as indentation'],
    ['a:\n  b: 1\n c: 2\n', 'yaml: line 2: All mapping items must start at the same column'],
    ['a: 1\n---\nb: 2\n', 'it holds several YAML documents (Helm 3 reads the first, Helm 4 the last): keep one'],
  ])('%j is refused: %s', (text, problem) => {
    expect(refusal(text)).toBe(`cannot read values file f.yaml: ${problem}`);
  });

  test('a file that is not a map at the top is refused', () => {
    expect(refusal('- a\n')).toBe('values file f.yaml must hold a YAML map at the top');
  });
});

describe('--set and --set-string', () => {
  const set = (expression: string, typed = true) => {
    const target: GoMap = {};
    applySet(target, expression, typed);
    return target;
  };
  const refusal = (expression: string) => refusalOf(set, expression);

  test.each([
    ['a.=1', 'a key is empty'],
    ['=x', 'a key is empty'],
    ['.a=1', 'a key is empty'],
    ['a..b=1', 'a key is empty'],
    ['a[0]b=1', 'expected "." or "=" after a list index'],
    ['a[x]=1', 'list index [x] must be a non-negative integer in brackets'],
    ['a[1x]=1', 'list index [1x] must be a non-negative integer in brackets'],
    ['a[1=2', 'list index [1=2] must be a non-negative integer in brackets'],
    ['list[65537]=1', "list index 65537 is above Helm's limit of 65536"],
    ['a', 'key "a" has no value (expected "=")'],
    ['a.b[2].c', 'key "a.b.[2].c" has no value (expected "=")'],
    ['a={x,y', 'a list value {…} is not closed with "}"'],
    ['a={x}y', 'unexpected text after a list value {…}'],
  ])('%s is refused: %s', (expression, problem) => {
    expect(refusal(expression)).toBe(`--set ${JSON.stringify(expression)}: ${problem}`);
  });

  test('the last index Helm allows is taken, the list padded with nulls', () => {
    const list = set('list[65536]=1').list as unknown[];
    expect(list).toHaveLength(65537);
    expect(list[65536]).toBe(1);
    expect(list[0]).toBeNull();
  });

  test('keys and indexes nest, and a later assignment replaces what does not fit', () => {
    expect(set('a[0][1]=x')).toEqual({ a: [[null, 'x']] });
    expect(set('a.b=1,a[0]=2')).toEqual({ a: [2] });
    expect(set('a[0]=1,a.b=2')).toEqual({ a: { b: 2 } });
    expect(set('a[1].b=x,a[1].c=y')).toEqual({ a: [null, { b: 'x', c: 'y' }] });
  });

  test.each([
    ['9007199254740991', 9007199254740991],
    ['9007199254740993', '9007199254740993'],
    ['-7', -7],
    ['+7', 7],
    ['0', 0],
    ['007', '007'],
    ['', ''],
    ['NULL', null],
    ['True', true],
    ['fAlse', false],
    ['1.5', '1.5'],
  ])('--set types %j as %j', (text, value) => {
    expect(typedValue(text)).toEqual(value);
  });
});

describe('values files and defaults together', () => {
  test('later files win, maps merge, lists replace, a null is kept for the defaults to see', () => {
    const merged = mergeUserValues([
      { a: 1, m: { x: 1, y: 1 }, l: [1, 2] },
      { b: 2, m: { y: 2 }, l: [3] },
      { a: null },
    ]);
    expect(merged).toEqual({ a: null, b: 2, m: { x: 1, y: 2 }, l: [3] });
  });

  test("a user's null deletes the default; what the user leaves out is the default", () => {
    const defaults = { a: 1, b: 2, m: { x: 1, y: 2 }, l: [1] };
    expect(coalesceWithDefaults(defaults, { a: null, m: { y: 3 } })).toEqual({ b: 2, m: { x: 1, y: 3 }, l: [1] });
  });
});

describe('the values contract as the templates read it', () => {
  test('a key declared a string with a string default is always a string; others are not', () => {
    expect(valueRef('coder.image.tag').alwaysString()).toBe(true);
    expect(valueRef('coder.replicaCount').alwaysString()).toBe(false);
    expect(valueRef('coder.service.enable').alwaysString()).toBe(false);
  });

  test("a list item's field is a string only where the contract requires it as one", () => {
    const port = listItem('coder.service.additionalPorts', 'port');
    expect(port.field('name').alwaysString()).toBe(true);
    // Required, but an integer.
    expect(port.field('port').alwaysString()).toBe(false);
    // A string, but not required.
    const namespace = listItem('coder.serviceAccount.workspaceNamespaces', 'ns');
    expect(namespace.field('name').alwaysString()).toBe(true);
    expect(namespace.field('workspacePerms').alwaysString()).toBe(false);
    expect(listItem('coder.certs.secrets', 's').field('key').alwaysString()).toBe(true);
    // env items take their fields from the Kubernetes definition, which the walk does not follow.
    expect(listItem('coder.env', 'e').field('name').alwaysString()).toBe(false);
    expect(port.alwaysString()).toBe(false);
    expect(port.field('name', 'deeper').alwaysString()).toBe(false);
    expect(() => listItem('coder.replicaCount' as 'coder.env', 'x')).toThrow(
      'values path coder.replicaCount is not declared as a list',
    );
  });

  test('a path the contract does not declare is an error naming its first unknown part', () => {
    expect(() => schemaAt('coder.nope.deeper')).toThrow(
      'values path coder.nope.deeper: coder.nope is not declared in the schema',
    );
    expect(schemaAt('coder.image.tag').type).toBe('string');
  });

  test('the defaults hold every declared default and nothing without one', () => {
    const defaults = schemaDefaults({
      type: 'object',
      properties: {
        a: { type: 'integer', default: 1 },
        b: { type: 'string' },
        c: { type: 'object', properties: { d: { type: 'boolean', default: false } } },
      },
    });
    expect(defaults).toEqual({ a: 1, c: { d: false } });
  });
});
