/** Tokens and patches: the guards against silent mistakes in the construct layer. */
import { lit } from '../src/expr/expr';
import { ScalarNode } from '../src/tree/nodes';
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
