/**
 * The template back-end: a manifest tree becomes Go-template YAML text for `templates/`.
 * Indentation for `nindent` comes from the column being written, never from a constant.
 */
import { Bound, Expr, goString, pipelineOf, TemplateBindings } from '../expr/expr';
import {
  ChartModel,
  ChoiceNode,
  Document,
  Guard,
  isNode,
  isTreeMap,
  NamedTemplate,
  positionInMap,
  Tree,
  TreeMap,
  visitAt,
  SpreadNode,
  VisitorAt,
  WithNode,
} from '../tree/nodes';
import { presenceCondition } from '../tree/presence';
import { layoutTemplate, MAX_LINE } from './go-layout';
import { foldedQuoted, keyText, literalBlock, scalarText, TextMode } from '../tree/yaml-text';

const spaces = (n: number): string => ' '.repeat(n);
/** A scalar: `quote` for a value that is always a string (as the official chart writes them), else `toJson`. */
const json = (expr: Expr): string =>
  expr.alwaysString() ? `{{ ${pipelineOf(expr)} | quote }}` : `{{ toJson ${expr.toGo()} }}`;
const yamlBlock = (operand: string, indent: number): string => `{{ toYaml ${operand} | nindent ${indent} }}`;

function wrapIf(cond: Expr | true, indent: number, body: string[]): string[] {
  if (cond === true) return body;
  return [`${spaces(indent)}{{- if ${pipelineOf(cond)} }}`, ...body, `${spaces(indent)}{{- end }}`];
}

/** Lines that write a values map or list, when not empty, as YAML at `indent`. */
function withYamlLines(expr: Expr, indent: number): string[] {
  const pad = spaces(indent);
  return [`${pad}{{- with ${pipelineOf(expr)} }}`, `${pad}{{- toYaml . | nindent ${indent} }}`, `${pad}{{- end }}`];
}

/** Lines for `key: value` at `indent`, for each kind of node that may be a key's value. */
function valueVisitor(key: string, indent: number, mode: TextMode): VisitorAt<'value', string[]> {
  const pad = spaces(indent);
  const k = keyText(key, mode);
  return {
    scalar: (node) => [`${pad}${k}: ${json(node.expr)}`],
    block: (node) => [`${pad}${k}:${yamlBlock(node.expr.toGo(), indent + 2)}`],
    optional: (node) => [
      ...(node.comment ? [`${pad}{{- /* ${node.comment} */}}`] : []),
      ...wrapIf(node.cond, indent, emitEntry(key, node.value, indent, mode)),
    ],
    choice: (node) => {
      // A choice whose else branch is another choice reads as `else if`.
      const lines = [`${pad}{{- if ${pipelineOf(node.cond)} }}`, ...emitEntry(key, node.whenTrue, indent, mode)];
      let rest: Tree = node.whenFalse;
      while (rest instanceof ChoiceNode) {
        lines.push(`${pad}{{- else if ${pipelineOf(rest.cond)} }}`, ...emitEntry(key, rest.whenTrue, indent, mode));
        rest = rest.whenFalse;
      }
      return [...lines, `${pad}{{- else }}`, ...emitEntry(key, rest, indent, mode), `${pad}{{- end }}`];
    },
    with: (node) => [
      `${pad}{{- with ${pipelineOf(node.expr)} }}`,
      `${pad}${k}:${yamlBlock('.', indent + 2)}`,
      `${pad}{{- end }}`,
    ],
  };
}

/** Lines for entries a node adds to a map at `indent`, without a key of its own. */
function entriesVisitor(indent: number): VisitorAt<'entries', string[]> {
  const pad = spaces(indent);
  return {
    spread: (node) => withYamlLines(node.expr, indent),
    // At column 0 (inside another named template) the line's own newline ends the entries.
    include: (node) =>
      indent === 0
        ? [`{{ include ${goString(node.template.name)} $ }}`]
        : [`${pad}{{- include ${goString(node.template.name)} $ | nindent ${indent} }}`],
  };
}

function emitEntry(key: string, value: Tree, indent: number, mode: TextMode): string[] {
  const pad = spaces(indent);
  const k = keyText(key, mode);
  if (isNode(value)) {
    const position = positionInMap(key);
    return position === 'entries'
      ? visitAt(position, value, entriesVisitor(indent), key)
      : visitAt(position, value, valueVisitor(key, indent, mode), key);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${pad}${k}: []`];
    return wrapIf(presenceCondition(value), indent, [`${pad}${k}:`, ...emitItems(value, indent + 2, mode)]);
  }
  if (isTreeMap(value)) {
    if (Object.keys(value).length === 0) return [`${pad}${k}: {}`];
    // A map made of nothing but a map from values is that map, present when it is not empty.
    const only = Object.entries(value);
    if (only.length === 1 && only[0][1] instanceof SpreadNode) {
      return valueVisitor(key, indent, mode).with(new WithNode(only[0][1].expr));
    }
    return wrapIf(presenceCondition(value), indent, [`${pad}${k}:`, ...emitMap(value, indent + 2, mode)]);
  }
  const block = typeof value === 'string' ? literalBlock(value, indent + 2, mode) : undefined;
  if (block) return [`${pad}${k}: ${block.header}`, ...block.lines];
  const folded =
    typeof value === 'string' ? foldedQuoted(value, `${pad}${k}: `, indent + 2, MAX_LINE, mode) : undefined;
  return folded ?? [`${pad}${k}: ${scalarText(value, mode)}`];
}

function emitMap(map: TreeMap, indent: number, mode: TextMode): string[] {
  return Object.entries(map).flatMap(([key, value]) => emitEntry(key, value, indent, mode));
}

/** Lines for one list item at `indent`, for each kind of node that may be an item. */
function itemVisitor(indent: number, mode: TextMode): VisitorAt<'item', string[]> {
  const pad = spaces(indent);
  return {
    scalar: (node) => [`${pad}- ${json(node.expr)}`],
    block: (node) => [`${pad}-${yamlBlock(node.expr.toGo(), indent + 2)}`],
    optionalItem: (node) => wrapIf(node.cond, indent, emitItem(node.item, indent, mode)),
    splice: (node) => withYamlLines(node.list, indent),
    mapList: (node) => [
      `${pad}{{- range ${node.variable.toGo()} := ${node.list.toGo()} }}`,
      ...emitItem(node.item, indent, mode),
      `${pad}{{- end }}`,
    ],
  };
}

function emitItems(items: Tree[], indent: number, mode: TextMode): string[] {
  return items.flatMap((item) => emitItem(item, indent, mode));
}

function emitItem(item: Tree, indent: number, mode: TextMode): string[] {
  const pad = spaces(indent);
  if (isNode(item)) return visitAt('item', item, itemVisitor(indent, mode), 'a list');
  if (Array.isArray(item)) {
    if (item.length === 0) return [`${pad}- []`];
    if (presenceCondition(item) !== true) throw new Error('a list item that is a list must always have content');
    return [`${pad}-`, ...emitItems(item, indent + 2, mode)];
  }
  if (isTreeMap(item)) {
    if (Object.keys(item).length === 0) return [`${pad}- {}`];
    if (presenceCondition(item) !== true) throw new Error('a list item that is a map must always have an entry');
    const lines = emitMap(item, indent + 2, mode);
    // Put the first entry on the dash line when it is plain text (not a template action).
    if (!lines[0].trimStart().startsWith('{{')) lines[0] = `${pad}- ${lines[0].slice(indent + 2)}`;
    else lines.unshift(`${pad}-`);
    return lines;
  }
  const block = typeof item === 'string' ? literalBlock(item, indent + 2, mode) : undefined;
  if (block) return [`${pad}- ${block.header}`, ...block.lines];
  const folded = typeof item === 'string' ? foldedQuoted(item, `${pad}- `, indent + 2, MAX_LINE, mode) : undefined;
  return folded ?? [`${pad}- ${scalarText(item, mode)}`];
}

/**
 * Plain YAML for concrete manifests (no template actions), quoted as conservatively as the
 * templates so that YAML 1.1 readers (kubectl, Helm) read back the same values.
 */
export function plainYaml(value: TreeMap): string {
  return `${emitMap(value, 0, 'plain').join('\n')}\n`;
}

/** `{{- define NAME -}}` of a named template, its entries written at column 0 (`include` indents them). */
export function namedTemplateDefinition(template: NamedTemplate): string {
  return layoutTemplate(
    [
      `{{- /* ${template.comment} */}}`,
      `{{- define ${goString(template.name)} -}}`,
      ...emitMap(template.body, 0, 'template'),
      '{{- end }}',
    ].join('\n'),
  );
}

/** First line of every generated template: a Go-template comment, so it renders to nothing. */
export function generatedBanner(source: string): string {
  return `{{- /* Generated by \`npm run build\` from ${source}; do not edit. */ -}}`;
}

/** A template file's text, and the values it computes once at its top. */
export interface TemplateFile {
  readonly text: string;
  readonly bound: readonly Bound[];
}

function documentFile(doc: Document, source: string): TemplateFile {
  const { written, lines, bound } = TemplateBindings.collect(() => {
    const body = emitMap(doc.tree, 0, 'template');
    if (!doc.each) return doc.cond ? wrapIf(doc.cond, 0, body) : body;
    const perItem = wrapIf(doc.cond ?? true, 0, ['---', ...body]);
    return [`{{- range ${doc.each.variable.toGo()} := ${doc.each.list.toGo()} }}`, ...perItem, '{{- end }}'];
  });
  return { text: layoutTemplate([generatedBanner(source), ...bindingLines(lines), ...written, ''].join('\n')), bound };
}

export function documentTemplate(doc: Document): string {
  return documentFile(doc, doc.source).text;
}

/** The variables a file computes once, under a comment that says so. */
function bindingLines(bindings: readonly string[]): string[] {
  if (bindings.length === 0) return [];
  return ['{{- /* Computed once for this file. */}}', ...bindings];
}

function guardsFile(guards: readonly Guard[], source: string): TemplateFile {
  const { written, lines, bound } = TemplateBindings.collect(() =>
    guards.flatMap((guard) => [
      `{{- if ${pipelineOf(guard.when)} }}`,
      `{{- fail ${guard.message.toGo()} }}`,
      '{{- end }}',
    ]),
  );
  const refusals = '{{- /* The refusals: each condition, then the message that says what to do. */}}';
  const text = [generatedBanner(source), ...bindingLines(lines), refusals, ...written, ''].join('\n');
  return { text: layoutTemplate(text), bound };
}

function userTemplatesTemplate(list: Expr, source: string): string {
  return [
    generatedBanner(source),
    `{{- range $template := ${list.toGo()} }}`,
    '---',
    '{{ tpl (ternary $template (toYaml $template) (kindIs "string" $template)) $ }}',
    '{{- end }}',
    '',
  ].join('\n');
}

/** Template file name → text and bindings, for every document and the guards. */
export function chartTemplateFiles(model: ChartModel, source: string): Map<string, TemplateFile> {
  const files = new Map<string, TemplateFile>();
  if (model.userTemplates) {
    files.set(model.userTemplates.file, { text: userTemplatesTemplate(model.userTemplates.list, source), bound: [] });
  }
  if (model.guards.length > 0) files.set('guards.yaml', guardsFile(model.guards, source));
  for (const doc of model.documents) {
    if (files.has(doc.file)) throw new Error(`two documents want template file ${doc.file}`);
    files.set(doc.file, documentFile(doc, doc.source));
  }
  return files;
}

/** Template file name → text, for every document and the guards. */
export function chartTemplates(model: ChartModel, source: string): Map<string, string> {
  return new Map([...chartTemplateFiles(model, source)].map(([file, { text }]) => [file, text]));
}
