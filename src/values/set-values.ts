/**
 * Helm's `--set` / `--set-string` syntax (its strvals parser): `a.b=c` for nested keys,
 * `a[0].b=c` for list items, `a={x,y}` for lists, `\` to escape `,` `.` `=` `[`, several
 * assignments separated by commas. `--set` types values as Helm does (true/false, null,
 * integers without a leading zero); `--set-string` keeps every value a string.
 * Anything else is an error naming the expression, never a silent misparse.
 */
import { GoValue, isMap, GoMap } from '../expr/go-semantics';

/** Helm refuses list indexes above this (strvals' MaxIndex). */
const MAX_INDEX = 65536;

export class SetSyntaxError extends Error {
  public constructor(expression: string, problem: string) {
    super(`--set ${JSON.stringify(expression)}: ${problem}`);
  }
}

type Segment = { readonly key: string } | { readonly index: number };

/** Helm's typing of a `--set` value. */
export function typedValue(text: string): GoValue {
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (text === '0') return 0;
  if (text.length > 0 && text[0] !== '0' && /^[+-]?\d+$/.test(text)) {
    const value = Number(text);
    // Go parses into int64; JavaScript keeps integers exact only up to 2^53.
    if (Number.isSafeInteger(value)) return value;
  }
  return text;
}

class Reader {
  private position = 0;
  public constructor(private readonly text: string) {}
  public peek(): string | undefined {
    return this.text[this.position];
  }
  public next(): string | undefined {
    return this.text[this.position++];
  }
  public done(): boolean {
    return this.position >= this.text.length;
  }
  /** Characters up to one of `stops` (not consumed), with `\` escaping the next character. */
  public until(stops: string): string {
    let out = '';
    while (!this.done() && !stops.includes(this.peek() as string)) {
      const c = this.next() as string;
      out += c === '\\' && !this.done() ? (this.next() as string) : c;
    }
    return out;
  }
}

function parsePath(reader: Reader, expression: string): Segment[] {
  const segments: Segment[] = [];
  for (;;) {
    const key = reader.until('.[=,');
    if (key === '' && (segments.length === 0 || reader.peek() !== '[')) {
      if (segments.length === 0 || !('index' in segments[segments.length - 1])) {
        throw new SetSyntaxError(expression, 'a key is empty');
      }
    }
    if (key !== '') segments.push({ key });
    const c = reader.peek();
    if (c === '.') {
      reader.next();
      continue;
    }
    if (c === '[') {
      while (reader.peek() === '[') {
        reader.next();
        const digits = reader.until(']');
        if (reader.next() !== ']' || !/^\d+$/.test(digits)) {
          throw new SetSyntaxError(expression, `list index [${digits}] must be a non-negative integer in brackets`);
        }
        const index = Number(digits);
        if (index > MAX_INDEX)
          throw new SetSyntaxError(expression, `list index ${index} is above Helm's limit of ${MAX_INDEX}`);
        segments.push({ index });
      }
      if (reader.peek() === '.') {
        reader.next();
        continue;
      }
      if (reader.peek() === '=') return segments;
      throw new SetSyntaxError(expression, `expected "." or "=" after a list index`);
    }
    if (c === '=') return segments;
    throw new SetSyntaxError(
      expression,
      `key ${JSON.stringify(segments.map((s) => ('key' in s ? s.key : `[${s.index}]`)).join('.'))} has no value (expected "=")`,
    );
  }
}

function parseValue(reader: Reader, typed: boolean, expression: string): GoValue {
  const convert = (text: string): GoValue => (typed ? typedValue(text) : text);
  if (reader.peek() === '{') {
    reader.next();
    // As Helm: `{}` is a list holding one empty string, `{,}` two.
    const items: GoValue[] = [];
    for (;;) {
      items.push(convert(reader.until(',}')));
      const c = reader.next();
      if (c === '}') break;
      if (c !== ',') throw new SetSyntaxError(expression, 'a list value {…} is not closed with "}"');
    }
    if (!reader.done() && reader.peek() !== ',') {
      throw new SetSyntaxError(expression, 'unexpected text after a list value {…}');
    }
    return items;
  }
  return convert(reader.until(','));
}

function assign(target: GoMap, path: readonly Segment[], value: GoValue, expression: string): void {
  let container: GoMap | GoValue[] = target;
  path.forEach((segment, i) => {
    if ('key' in segment && Array.isArray(container)) {
      throw new SetSyntaxError(expression, `cannot use key ${segment.key} on a list`);
    }
    if ('index' in segment && !Array.isArray(container)) {
      throw new SetSyntaxError(expression, `cannot index [${segment.index}] into a map`);
    }
    const slot = 'key' in segment ? segment.key : segment.index;
    // Helm pads a list with nulls up to the index it sets.
    if (Array.isArray(container)) while (container.length <= (slot as number)) container.push(null);
    const slots = container as Record<string | number, GoValue>;
    if (i === path.length - 1) {
      slots[slot] = value;
      return;
    }
    const nextIsIndex = 'index' in path[i + 1];
    const existing = slots[slot];
    if (!(nextIsIndex ? Array.isArray(existing) : isMap(existing))) slots[slot] = nextIsIndex ? [] : {};
    container = slots[slot] as GoMap | GoValue[];
  });
}

/** Applies one `--set` (typed) or `--set-string` expression to `target`, in place. */
export function applySet(target: GoMap, expression: string, typed: boolean): void {
  const reader = new Reader(expression);
  while (!reader.done()) {
    const path = parsePath(reader, expression);
    reader.next(); // '='
    const value = parseValue(reader, typed, expression);
    assign(target, path, value, expression);
    // A trailing comma ends the expression, as in Helm.
    if (!reader.done() && reader.next() !== ',')
      throw new SetSyntaxError(expression, 'expected "," between assignments');
  }
}
