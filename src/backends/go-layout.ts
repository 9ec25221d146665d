/**
 * Line layout for generated templates: no line over MAX_LINE characters. A long template action
 * is broken over several lines (Go templates allow newlines inside an action), one argument per
 * line where the whole call does not fit, and a long string literal is cut into pieces that
 * `print` joins again (fmt.Sprint adds nothing between two strings). The result is the same
 * template to Helm, laid out for a person.
 */

export const MAX_LINE = 160;
/** A string literal longer than this is cut, at spaces where it can be. */
const STRING_PIECE = 90;

type Term = string | Term[];

/** Splits one line into text and `{{ … }}` actions (string literals in actions may hold braces). */
function segments(line: string): { text: string; action: boolean }[] {
  const out: { text: string; action: boolean }[] = [];
  let i = 0;
  while (i < line.length) {
    const open = line.indexOf('{{', i);
    if (open < 0) {
      out.push({ text: line.slice(i), action: false });
      break;
    }
    if (open > i) out.push({ text: line.slice(i, open), action: false });
    let j = open + 2;
    let inString = false;
    for (; j < line.length; j++) {
      const c = line[j];
      if (inString) {
        if (c === '\\') j++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '}' && line[j + 1] === '}') break;
    }
    out.push({ text: line.slice(open, j + 2), action: true });
    i = j + 2;
  }
  return out;
}

/** The terms of an action's pipeline: words, string literals and parenthesized groups. */
function parseTerms(source: string): Term[] {
  let i = 0;
  const group = (): Term[] => {
    const terms: Term[] = [];
    while (i < source.length) {
      const c = source[i];
      if (c === ' ') i++;
      else if (c === '(') {
        i++;
        terms.push(group());
      } else if (c === ')') {
        i++;
        return terms;
      } else if (c === '"') {
        let j = i + 1;
        for (; j < source.length && source[j] !== '"'; j++) if (source[j] === '\\') j++;
        terms.push(source.slice(i, j + 1));
        i = j + 1;
      } else {
        let j = i;
        while (j < source.length && !' ()'.includes(source[j])) j++;
        terms.push(source.slice(i, j));
        i = j;
      }
    }
    return terms;
  };
  return group();
}

const flat = (term: Term): string => (typeof term === 'string' ? term : `(${term.map(flat).join(' ')})`);

/** A long string literal as `(print "piece" "piece" …)`, or the literal when it is short. */
function cutString(literal: string): Term {
  if (!literal.startsWith('"') || literal.length <= STRING_PIECE + 2) return literal;
  let text: string;
  try {
    text = JSON.parse(literal) as string;
  } catch {
    return literal; // not written by goString: leave it whole
  }
  // Measured on the text, not the literal, so that a piece is never cut again (escapes lengthen it).
  if (text.length <= STRING_PIECE) return literal;
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > STRING_PIECE) {
    // Cut after a space, never inside a word: the last space within STRING_PIECE characters, or
    // for a word longer than that (a URL), the first space after it.
    const before = rest.lastIndexOf(' ', STRING_PIECE - 1);
    const space = before > 0 ? before : rest.indexOf(' ', STRING_PIECE);
    if (space < 0 || space === rest.length - 1) break;
    pieces.push(rest.slice(0, space + 1));
    rest = rest.slice(space + 1);
  }
  if (pieces.length === 0) return literal;
  pieces.push(rest);
  return ['print', ...pieces.map((piece) => JSON.stringify(piece))];
}

/**
 * Lines for a call: its first `keep` terms on the first line, which starts at `column`; then,
 * when the whole call does not fit there, each further argument on a line of its own at `indent`.
 */
function layoutCall(terms: Term[], keep: number, column: number, indent: number, reserve: number): string[] {
  const oneLine = terms.map(flat).join(' ');
  if (column + oneLine.length + reserve <= MAX_LINE) return [oneLine];
  const pad = ' '.repeat(indent);
  const lines = [terms.slice(0, keep).map(flat).join(' ')];
  const args = terms.slice(keep).map((term) => (typeof term === 'string' ? cutString(term) : term));
  // `dict` takes keys and values in pairs: a pair stays on one line.
  const perLine: Term[][] = terms[0] === 'dict' ? pairs(args) : args.map((arg) => [arg]);
  perLine.forEach((group, index) => {
    const closers = index === perLine.length - 1 ? reserve : 0;
    const value = group[group.length - 1];
    const lead = group
      .slice(0, -1)
      .map((term) => `${flat(term)} `)
      .join('');
    const whole = `${pad}${group.map(flat).join(' ')}`;
    if (typeof value === 'string' || whole.length + closers <= MAX_LINE) {
      lines.push(whole);
      return;
    }
    // A call (or a dict value that is one) too long for its line: its arguments go below it.
    const inner = layoutCall(value, 1, indent + lead.length + 1, indent + 2, closers + 1);
    const last = inner.length - 1;
    lines.push(...inner.map((line, n) => `${n === 0 ? `${pad}${lead}(` : ''}${line}${n === last ? ')' : ''}`));
  });
  return lines;
}

function pairs(args: Term[]): Term[][] {
  const out: Term[][] = [];
  for (let i = 0; i < args.length; i += 2) out.push(args.slice(i, i + 2));
  return out;
}

const KEYWORDS = new Set(['if', 'else', 'with', 'range']);

/**
 * Lines for an action's pipeline: its keywords and variable (`if`, `$x :=`) and the function on
 * the first line, the arguments below; later pipeline stages (`| nindent 8`) after the last line.
 */
function layoutPipeline(source: string, column: number, indent: number): string[] {
  const terms = parseTerms(source);
  const pipe = terms.indexOf('|');
  const [first, later] = pipe < 0 ? [terms, []] : [terms.slice(0, pipe), terms.slice(pipe)];
  let keep = 0;
  while (keep < first.length) {
    const term = first[keep];
    if (typeof term === 'string' && KEYWORDS.has(term)) keep += 1;
    else if (
      typeof term === 'string' &&
      term.startsWith('$') &&
      (first[keep + 1] === ':=' || first[keep + 1] === '=')
    ) {
      keep += 2;
    } else break;
  }
  // `if (and a b)` is `if and a b`: open the group so that its function heads the first line.
  const call =
    keep === first.length - 1 && Array.isArray(first[keep])
      ? [...first.slice(0, keep), ...(first[keep] as Term[])]
      : first;
  const tail = later.length > 0 ? ` ${later.map(flat).join(' ')}` : '';
  const lines = layoutCall(call, Math.min(keep + 1, call.length), column, indent, tail.length + 4);
  lines[lines.length - 1] += tail;
  return lines;
}

/** The line as it is when short enough, otherwise with its long actions broken over lines. */
export function layoutLine(line: string): string[] {
  if (line.length <= MAX_LINE) return [line];
  const indent = line.length - line.trimStart().length;
  const out: string[] = [''];
  for (const { text, action } of segments(line)) {
    const column = out[out.length - 1].length;
    const open = /^\{\{-? /.exec(text)?.[0];
    const close = / -?\}\}$/.exec(text)?.[0];
    const body = open && close ? text.slice(open.length, text.length - close.length) : '';
    if (!action || !open || !close || body.startsWith('/*') || column + text.length <= MAX_LINE) {
      out[out.length - 1] += text; // text, a comment, or an action that fits stays as written
      continue;
    }
    const lines = layoutPipeline(body, column + open.length, indent + 4);
    out[out.length - 1] += open + lines[0];
    out.push(...lines.slice(1));
    out[out.length - 1] += close;
  }
  return out;
}

/** Every line of a template laid out. */
export function layoutTemplate(text: string): string {
  return text.split('\n').flatMap(layoutLine).join('\n');
}
