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
const yamlBlock = (operand: string, indent: number): string => `{{ toYaml ${operand} | nindent ${indent} }}`;

/**
 * Writes trees as YAML lines: Go-template text (`template`), where expressions read the file's
 * bindings when it has them, or plain YAML of literal values (`plain`).
 */
class Writer {
  public constructor(
    private readonly mode: TextMode,
    private readonly bindings?: TemplateBindings,
  ) {}

  /** An expression as an operand, reading the file's bindings. */
  public go(expr: Expr): string {
    return expr.toGo(this.bindings);
  }

  public pipeline(expr: Expr): string {
    return pipelineOf(expr, this.bindings);
  }

  /** A scalar: `quote` for a value that is always a string (as the official chart writes them), else `toJson`. */
  private json(expr: Expr): string {
    return expr.alwaysString() ? `{{ ${this.pipeline(expr)} | quote }}` : `{{ toJson ${this.go(expr)} }}`;
  }

  public wrapIf(cond: Expr | true, indent: number, body: string[]): string[] {
    if (cond === true) return body;
    return [`${spaces(indent)}{{- if ${this.pipeline(cond)} }}`, ...body, `${spaces(indent)}{{- end }}`];
  }

  /** Lines that write a values map or list, when not empty, as YAML at `indent`. */
  private withYamlLines(expr: Expr, indent: number): string[] {
    const pad = spaces(indent);
    return [
      `${pad}{{- with ${this.pipeline(expr)} }}`,
      `${pad}{{- toYaml . | nindent ${indent} }}`,
      `${pad}{{- end }}`,
    ];
  }

  /** Lines for `key: value` at `indent`, for each kind of node that may be a key's value. */
  private valueVisitor(key: string, indent: number): VisitorAt<'value', string[]> {
    const pad = spaces(indent);
    const k = keyText(key, this.mode);
    return {
      scalar: (node) => [`${pad}${k}: ${this.json(node.expr)}`],
      block: (node) => [`${pad}${k}:${yamlBlock(this.go(node.expr), indent + 2)}`],
      optional: (node) => [
        ...(node.comment ? [`${pad}{{- /* ${node.comment} */}}`] : []),
        ...this.wrapIf(node.cond, indent, this.entry(key, node.value, indent)),
      ],
      choice: (node) => {
        // A choice whose else branch is another choice reads as `else if`.
        const lines = [`${pad}{{- if ${this.pipeline(node.cond)} }}`, ...this.entry(key, node.whenTrue, indent)];
        let rest: Tree = node.whenFalse;
        while (rest instanceof ChoiceNode) {
          lines.push(`${pad}{{- else if ${this.pipeline(rest.cond)} }}`, ...this.entry(key, rest.whenTrue, indent));
          rest = rest.whenFalse;
        }
        return [...lines, `${pad}{{- else }}`, ...this.entry(key, rest, indent), `${pad}{{- end }}`];
      },
      with: (node) => [
        `${pad}{{- with ${this.pipeline(node.expr)} }}`,
        `${pad}${k}:${yamlBlock('.', indent + 2)}`,
        `${pad}{{- end }}`,
      ],
    };
  }

  /** Lines for entries a node adds to a map at `indent`, without a key of its own. */
  private entriesVisitor(indent: number): VisitorAt<'entries', string[]> {
    const pad = spaces(indent);
    return {
      spread: (node) => this.withYamlLines(node.expr, indent),
      // At column 0 (inside another named template) the line's own newline ends the entries.
      include: (node) =>
        indent === 0
          ? [`{{ include ${goString(node.template.name)} $ }}`]
          : [`${pad}{{- include ${goString(node.template.name)} $ | nindent ${indent} }}`],
    };
  }

  private entry(key: string, value: Tree, indent: number): string[] {
    const pad = spaces(indent);
    const k = keyText(key, this.mode);
    if (isNode(value)) {
      const position = positionInMap(key);
      return position === 'entries'
        ? visitAt(position, value, this.entriesVisitor(indent), key)
        : visitAt(position, value, this.valueVisitor(key, indent), key);
    }
    if (Array.isArray(value)) {
      if (value.length === 0) return [`${pad}${k}: []`];
      return this.wrapIf(presenceCondition(value), indent, [`${pad}${k}:`, ...this.items(value, indent + 2)]);
    }
    if (isTreeMap(value)) {
      if (Object.keys(value).length === 0) return [`${pad}${k}: {}`];
      // A map made of nothing but a map from values is that map, present when it is not empty.
      const only = Object.entries(value);
      if (only.length === 1 && only[0][1] instanceof SpreadNode) {
        return this.valueVisitor(key, indent).with(new WithNode(only[0][1].expr));
      }
      return this.wrapIf(presenceCondition(value), indent, [`${pad}${k}:`, ...this.map(value, indent + 2)]);
    }
    return this.literal(value, `${pad}${k}: `, indent);
  }

  /** A literal scalar after `prefix`: a literal block, a folded string when long, else one line. */
  private literal(value: null | boolean | number | string, prefix: string, indent: number): string[] {
    if (typeof value !== 'string') return [`${prefix}${scalarText(value, this.mode)}`];
    const block = literalBlock(value, indent + 2, this.mode);
    if (block) return [`${prefix}${block.header}`, ...block.lines];
    const folded = foldedQuoted(value, prefix, indent + 2, MAX_LINE, this.mode);
    return folded ?? [`${prefix}${scalarText(value, this.mode)}`];
  }

  public map(map: TreeMap, indent: number): string[] {
    return Object.entries(map).flatMap(([key, value]) => this.entry(key, value, indent));
  }

  /** Lines for one list item at `indent`, for each kind of node that may be an item. */
  private itemVisitor(indent: number): VisitorAt<'item', string[]> {
    const pad = spaces(indent);
    return {
      scalar: (node) => [`${pad}- ${this.json(node.expr)}`],
      block: (node) => [`${pad}-${yamlBlock(this.go(node.expr), indent + 2)}`],
      optionalItem: (node) => this.wrapIf(node.cond, indent, this.item(node.item, indent)),
      splice: (node) => this.withYamlLines(node.list, indent),
      mapList: (node) => [
        `${pad}{{- range ${this.go(node.variable)} := ${this.go(node.list)} }}`,
        ...this.item(node.item, indent),
        `${pad}{{- end }}`,
      ],
    };
  }

  private items(items: Tree[], indent: number): string[] {
    return items.flatMap((item) => this.item(item, indent));
  }

  private item(item: Tree, indent: number): string[] {
    const pad = spaces(indent);
    if (isNode(item)) return visitAt('item', item, this.itemVisitor(indent), 'a list');
    if (Array.isArray(item)) {
      if (item.length === 0) return [`${pad}- []`];
      if (presenceCondition(item) !== true) throw new Error('a list item that is a list must always have content');
      return [`${pad}-`, ...this.items(item, indent + 2)];
    }
    if (isTreeMap(item)) {
      if (Object.keys(item).length === 0) return [`${pad}- {}`];
      if (presenceCondition(item) !== true) throw new Error('a list item that is a map must always have an entry');
      const lines = this.map(item, indent + 2);
      // Put the first entry on the dash line when it is plain text (not a template action).
      if (!lines[0].trimStart().startsWith('{{')) lines[0] = `${pad}- ${lines[0].slice(indent + 2)}`;
      else lines.unshift(`${pad}-`);
      return lines;
    }
    return this.literal(item, `${pad}- `, indent);
  }
}

/**
 * Plain YAML for concrete manifests (no template actions), quoted as conservatively as the
 * templates so that YAML 1.1 readers (kubectl, Helm) read back the same values.
 */
export function plainYaml(value: TreeMap): string {
  return `${new Writer('plain').map(value, 0).join('\n')}\n`;
}

/** `{{- define NAME -}}` of a named template, its entries written at column 0 (`include` indents them). */
export function namedTemplateDefinition(template: NamedTemplate): string {
  return layoutTemplate(
    [
      `{{- /* ${template.comment} */}}`,
      `{{- define ${goString(template.name)} -}}`,
      ...new Writer('template').map(template.body, 0),
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
  const { written, lines, bound } = TemplateBindings.collect((bindings) => {
    const writer = new Writer('template', bindings);
    const body = writer.map(doc.tree, 0);
    if (!doc.each) return doc.cond ? writer.wrapIf(doc.cond, 0, body) : body;
    const perItem = writer.wrapIf(doc.cond ?? true, 0, ['---', ...body]);
    return [`{{- range ${writer.go(doc.each.variable)} := ${writer.go(doc.each.list)} }}`, ...perItem, '{{- end }}'];
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
  const { written, lines, bound } = TemplateBindings.collect((bindings) =>
    guards.flatMap((guard) => [
      `{{- if ${pipelineOf(guard.when, bindings)} }}`,
      `{{- fail ${guard.message.toGo(bindings)} }}`,
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
