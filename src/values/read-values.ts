/**
 * Reads a values file as Helm does. Helm parses values with go-yaml v2 and converts them through
 * JSON, so: YAML 1.1 scalars (`on`, `yes` and `y` are booleans, `0775` is octal, `1_000` is a
 * thousand) while a date stays a string; a repeated key is allowed and the last one wins; `!!binary`
 * is decoded to text; an explicit standard tag that does not fit its value (`!!float x`) is refused;
 * a key that is a list or map is refused. Reading it any other way would make `coder-chart` disagree
 * with `helm template` on the same file.
 *
 * Errors name the line go-yaml names, so a user sees the same line from `coder-chart` and from Helm
 * (see goYamlLine). Several YAML documents in one file are refused: Helm 3 reads the first and
 * Helm 4 the last, so no one reading is Helm's.
 */
import { Document, isMap as isYamlMap, isSeq, parseDocument, ScalarTag, visit, YAMLError } from 'yaml';
import { isMap, GoMap } from '../expr/go-semantics';

export class ValuesFileError extends Error {}

const TIMESTAMP = 'tag:yaml.org,2002:timestamp';
const BINARY = 'tag:yaml.org,2002:binary';
const FLOAT = 'tag:yaml.org,2002:float';
const INT = 'tag:yaml.org,2002:int';

/** Only an explicit `!!timestamp` reaches this tag (it has no `test`): Helm keeps the text as written. */
const timestampAsText: ScalarTag = { tag: TIMESTAMP, resolve: (text) => text };
/** go-yaml decodes `!!binary` into a byte string, which the JSON step turns into text. */
const binaryAsText: ScalarTag = {
  tag: BINARY,
  resolve: (text) => Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8'),
};

/**
 * go-yaml reads `!!float 1` as the number 1, where the `yaml` package's float tags refuse it. This
 * explicit-only tag (no `test`, so it is chosen for `!!float` ahead of the implicit ones) reads an
 * integer with the integer tags and leaves everything else to the float tags.
 */
function floatTakingIntegers(integerTags: readonly ScalarTag[]): ScalarTag {
  return {
    tag: FLOAT,
    resolve(text, onError, options) {
      const integer = integerTags.find((tag) => tag.test?.test(text));
      if (integer) return integer.resolve(text, onError, options);
      const number = Number(text.replace(/_/g, ''));
      if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
      if (/^\.(nan|NaN|NAN)$/.test(text)) return NaN;
      if (text.trim() === '' || Number.isNaN(number)) onError(`a value does not fit its tag !!float`);
      return number;
    },
  };
}

export function parseValuesYaml(text: string, where: string): GoMap {
  const refuse = (problem: string): never => {
    throw new ValuesFileError(`cannot read values file ${where}: ${problem}`);
  };
  const document = parseDocument(text, {
    version: '1.1',
    uniqueKeys: false,
    customTags: (tags) => [
      ...tags.filter((tag) => typeof tag !== 'object' || (tag.tag !== TIMESTAMP && tag.tag !== BINARY)),
      timestampAsText,
      binaryAsText,
      floatTakingIntegers(tags.filter((tag): tag is ScalarTag => typeof tag === 'object' && tag.tag === INT)),
    ],
  });
  const [error] = document.errors;
  if (error?.code === 'MULTIPLE_DOCS') {
    refuse('it holds several YAML documents (Helm 3 reads the first, Helm 4 the last): keep one');
  }
  if (error) refuse(describe(error, text));
  const tagError = document.warnings.find(
    (warning) => warning.code === 'TAG_RESOLVE_FAILED' && /tag:yaml\.org,2002:/.test(warning.message),
  );
  // go-yaml refuses a standard tag its value does not fit, naming no line; a local tag (`!mine`) it ignores.
  const standardTag = tagError && /tag:yaml\.org,2002:(\w+)/.exec(tagError.message);
  if (standardTag) refuse(`yaml: a value does not fit its tag !!${standardTag[1]}: drop the tag or fix the value`);
  const collectionKey = firstCollectionKey(document);
  if (collectionKey !== undefined) {
    // go-yaml names no line here ("invalid map key"); the key itself is the better pointer.
    refuse(`yaml: invalid map key ${collectionKey}: a key must be a string, number or boolean, not a list or map`);
  }

  let parsed: unknown;
  try {
    parsed = document.toJS({ maxAliasCount: -1 });
  } catch (err) {
    // An alias to an anchor defined later, or never: go-yaml says so without a line.
    refuse(`yaml: ${(err as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isMap(parsed)) throw new ValuesFileError(`values file ${where} must hold a YAML map at the top`);
  return parsed;
}

/** The first key that is a list or map, as written, or undefined when every key is a scalar. */
function firstCollectionKey(document: Document): string | undefined {
  let key: string | undefined;
  visit(document, {
    Pair(_, pair) {
      if (!isYamlMap(pair.key) && !isSeq(pair.key)) return undefined;
      key = JSON.stringify(pair.key.toJSON());
      return visit.BREAK;
    },
  });
  return key;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

function describe(error: YAMLError, text: string): string {
  // go-yaml refuses a value that does not fit its tag while decoding, where it names no line.
  if (error.code === 'TAG_RESOLVE_FAILED') return `yaml: ${firstLine(error)}: drop the tag or fix the value`;
  return `yaml: ${withLineNumber(goYamlLine(error, text), firstLine(error))}`;
}

/** The `yaml` package's message without its own position and excerpt, which follow other rules. */
function firstLine(error: YAMLError): string {
  return error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function withLineNumber(line: number, message: string): string {
  // go-yaml never prints line 0, which is what it holds for a problem on the first line.
  return line > 0 ? `line ${line}: ${message}` : message;
}

/**
 * The line go-yaml v2 names for the same mistake. go-yaml reports a scanner error at the 1-based
 * line where the scanner stood, and a parser error at the 0-based line of the token it could not
 * place (one less than the line it is on), and prints no line at all when that number is 0. The
 * `yaml` package finds the same mistakes but places some of them elsewhere: which case an error
 * is follows from its code (and, for two codes, its message). test/cli.test.ts holds the corpus
 * that checks this against Helm 3 and Helm 4.
 */
export function goYamlLine(error: YAMLError, text: string): number {
  const line = error.linePos?.[0].line ?? 0;
  const scannerLine = (value: number) => (value > 1 ? value : 0);
  switch (error.code) {
    // Scanner errors, found where the `yaml` package finds them.
    case 'TAB_AS_INDENT':
    case 'BAD_SCALAR_START':
    case 'BAD_DQ_ESCAPE':
    case 'BAD_DIRECTIVE':
    case 'KEY_OVER_1024_CHARS':
      return scannerLine(line);
    case 'MISSING_CHAR':
      // An unclosed quote is found at the end, as here; a key without its ':' is found once the
      // scanner has moved to the next line.
      return scannerLine(/followed by map values/.test(error.message) ? line + 1 : line);
    case 'BLOCK_AS_IMPLICIT_KEY':
      // "key: value" continued by "more: value": go-yaml stops at the second ':', where `yaml`
      // points at the value before it.
      if (/compact mappings/.test(error.message)) return scannerLine(lineOfNextColon(text, error.pos[0]));
      return line - 1;
    default:
      // Parser errors: BAD_INDENT, MULTILINE_IMPLICIT_KEY, UNEXPECTED_TOKEN, MULTIPLE_ANCHORS, ...
      return line - 1;
  }
}

/** The 1-based line of the first ': ' (or ':' at a line's end) at or after offset. */
function lineOfNextColon(text: string, offset: number): number {
  const match = /:(\s|$)/m.exec(text.slice(offset));
  return lineAt(text, match ? offset + match.index : offset);
}
