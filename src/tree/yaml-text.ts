/**
 * YAML text for keys and literal scalars, written conservatively: a string is left plain only
 * when no YAML 1.1 or 1.2 reader (Helm, kubectl, js-yaml) could take it for anything else.
 */

const PLAIN_SAFE = /^[A-Za-z][A-Za-z0-9_./-]*$/;
// YAML 1.1 booleans and nulls that go-yaml v2 (under Helm and Kubernetes) still resolves.
const YAML11_WORDS = new Set(['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null']);

function needsQuotes(text: string): boolean {
  return !PLAIN_SAFE.test(text) || YAML11_WORDS.has(text.toLowerCase());
}

/** Escapes `{{` so that Go-template text carries it literally. */
export function escapeTemplateBraces(text: string): string {
  return text.split('{{').join('{{ "{{" }}');
}

export type TextMode = 'template' | 'plain';

export function scalarText(value: null | boolean | number | string, mode: TextMode): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write non-finite number ${value}`);
    return JSON.stringify(value);
  }
  const text = needsQuotes(value) ? JSON.stringify(value) : value;
  return mode === 'template' ? escapeTemplateBraces(text) : text;
}

export function keyText(key: string, mode: TextMode): string {
  return scalarText(key, mode);
}

/**
 * A multi-line string as a YAML literal block (`|` keeps its one final newline, `|-` means none),
 * its lines at `indent`; undefined when a block cannot carry it exactly (leading or trailing
 * spaces on a line, several final newlines, carriage returns, tabs), so it stays quoted.
 */
export function literalBlock(
  text: string,
  indent: number,
  mode: TextMode,
): { header: string; lines: string[] } | undefined {
  if (!text.includes('\n') || /\r|\t/.test(text)) return undefined;
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (body.endsWith('\n') || body.startsWith(' ')) return undefined;
  const lines = body.split('\n');
  if (lines.some((line) => line !== line.trimEnd())) return undefined;
  const pad = ' '.repeat(indent);
  const write = (line: string) => (mode === 'template' ? escapeTemplateBraces(line) : line);
  return {
    header: text.endsWith('\n') ? '|' : '|-',
    lines: lines.map((line) => (line === '' ? '' : `${pad}${write(line)}`)),
  };
}

/**
 * A long one-line string as a double-quoted scalar folded over several lines, none of them past
 * `maxLine`, or undefined when it fits or cannot be folded. YAML folds a line break inside double
 * quotes into one space and drops the next line's indentation, so the text is cut only at a single
 * space between two other characters: the reader puts that space back.
 */
export function foldedQuoted(
  text: string,
  firstLinePrefix: string,
  indent: number,
  maxLine: number,
  mode: TextMode,
): string[] | undefined {
  // Folded before `{{` is escaped, so that no cut falls inside the escape's own action.
  const quoted = JSON.stringify(text);
  if (firstLinePrefix.length + quoted.length <= maxLine) return undefined;
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  let rest = quoted;
  let prefix = firstLinePrefix;
  while (prefix.length + rest.length > maxLine) {
    const room = maxLine - prefix.length;
    const cuttable = (i: number) => rest[i] === ' ' && rest[i - 1] !== ' ' && rest[i + 1] !== ' ';
    // The last cut that fits; else the first one after, so that the line runs over the least.
    let cut = -1;
    for (let i = Math.min(room, rest.length - 2); i > 0 && cut < 0; i--) if (cuttable(i)) cut = i;
    for (let i = Math.max(room + 1, 1); i < rest.length - 1 && cut < 0; i++) if (cuttable(i)) cut = i;
    if (cut < 0) break;
    lines.push(`${prefix}${rest.slice(0, cut)}`);
    rest = rest.slice(cut + 1);
    prefix = pad;
  }
  if (lines.length === 0) return undefined;
  const write = (line: string) => (mode === 'template' ? escapeTemplateBraces(line) : line);
  return [...lines, `${prefix}${rest}`].map(write);
}
