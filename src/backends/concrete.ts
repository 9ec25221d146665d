/**
 * The concrete back-end: a manifest tree evaluated against values becomes plain objects.
 * It is the oracle for the template back-end: for any valid values both must agree.
 */
import { loadAll } from 'js-yaml';
import { EvalScope, withVar } from '../expr/expr';
import { helmOrder, SourcedManifest } from './helm-order';
import { GoMap, GoValue, isMap, isTruthy } from '../expr/go-semantics';
import {
  ChartModel,
  Document,
  isNode,
  isTreeMap,
  positionInMap,
  Tree,
  TreeMap,
  UserTemplates,
  visitAt,
  VisitorAt,
} from '../tree/nodes';
import { presenceCondition } from '../tree/presence';

/** One rendered object (the library's name for GoMap). */
export type Manifest = GoMap;

/** Thrown when a guard refuses the values: the same message Helm's `fail` gives. */
export class GuardError extends Error {}

const OMIT = Symbol('omit');
type Evaluated = GoValue | typeof OMIT;

function present(collection: Tree[] | TreeMap, scope: EvalScope): boolean {
  const cond = presenceCondition(collection);
  return cond === true || isTruthy(cond.eval(scope));
}

/** A key's value, or OMIT when the node leaves the key out. */
function valueVisitor(scope: EvalScope): VisitorAt<'value', Evaluated> {
  return {
    scalar: (node) => node.expr.eval(scope),
    block: (node) => node.expr.eval(scope),
    optional: (node) => (isTruthy(node.cond.eval(scope)) ? evalEntry(node.value, scope, '') : OMIT),
    choice: (node) => evalEntry(isTruthy(node.cond.eval(scope)) ? node.whenTrue : node.whenFalse, scope, ''),
    with: (node) => {
      const given = node.expr.eval(scope);
      return isTruthy(given) ? given : OMIT;
    },
  };
}

/** The entries a node adds to a map, in order. */
function entriesVisitor(scope: EvalScope): VisitorAt<'entries', [string, GoValue][]> {
  return {
    spread: (node) => {
      const extra = node.expr.eval(scope);
      if (!isTruthy(extra)) return [];
      if (!isMap(extra)) throw new Error(`${node.expr.toGo()} must be a map to add entries to a map`);
      return Object.entries(extra);
    },
    include: (node) => Object.entries(evalMap(node.template.body, scope)),
  };
}

function evalEntry(value: Tree, scope: EvalScope, key: string): Evaluated {
  if (isNode(value)) return visitAt('value', value, valueVisitor(scope), key);
  if (Array.isArray(value) || isTreeMap(value)) {
    if (!present(value, scope)) return OMIT;
  }
  return evalValue(value, scope);
}

function evalMap(map: TreeMap, scope: EvalScope): GoMap {
  const out: GoMap = {};
  for (const [key, value] of Object.entries(map)) {
    if (isNode(value) && positionInMap(key) === 'entries') {
      for (const [extraKey, extraValue] of visitAt('entries', value, entriesVisitor(scope), key)) {
        if (extraKey in out) throw new Error(`a ${value.kind} node repeats the key ${extraKey}`);
        out[extraKey] = extraValue;
      }
      continue;
    }
    const evaluated = evalEntry(value, scope, key);
    if (evaluated !== OMIT) out[key] = evaluated;
  }
  return out;
}

/** The items one list item stands for: none, one, or many. */
function itemVisitor(scope: EvalScope): VisitorAt<'item', GoValue[]> {
  return {
    scalar: (node) => [node.expr.eval(scope)],
    block: (node) => [node.expr.eval(scope)],
    optionalItem: (node) => (isTruthy(node.cond.eval(scope)) ? evalItems([node.item], scope) : []),
    splice: (node) => {
      const list = node.list.eval(scope);
      if (!isTruthy(list)) return [];
      if (!Array.isArray(list)) throw new Error(`${node.list.toGo()} must be a list to splice into a list`);
      return list;
    },
    mapList: (node) => {
      const list = node.list.eval(scope);
      if (list !== null && !Array.isArray(list)) throw new Error(`range can't iterate over ${node.list.toGo()}`);
      return (list ?? []).flatMap((element) => evalItems([node.item], withVar(scope, node.variable.name, element)));
    },
  };
}

function evalItems(items: Tree[], scope: EvalScope): GoValue[] {
  return items.flatMap((item) =>
    isNode(item) ? visitAt('item', item, itemVisitor(scope), 'a list') : [evalValue(item, scope)],
  );
}

/** A value that is not a node: literal JSON, or a map or list that may hold nodes. */
function evalValue(value: Tree, scope: EvalScope): GoValue {
  if (isNode(value)) throw new Error(`a ${value.kind} node reached evalValue: visit it where it stands`);
  if (Array.isArray(value)) return evalItems(value, scope);
  if (isTreeMap(value)) return evalMap(value, scope);
  return value;
}

export function renderDocument(doc: Document, scope: EvalScope): Manifest[] {
  const scopes = [scope];
  if (doc.each) {
    const list = doc.each.list.eval(scope);
    if (list !== null && !Array.isArray(list)) throw new Error(`range can't iterate over ${doc.each.list.toGo()}`);
    scopes.splice(0, 1, ...(list ?? []).map((element) => withVar(scope, doc.each!.variable.name, element)));
  }
  return scopes.filter((s) => !doc.cond || isTruthy(doc.cond.eval(s))).map((s) => evalMap(doc.tree, s));
}

/** Thrown for what only Helm can render (template actions inside `extraTemplates`). */
export class NeedsHelmError extends Error {}

function containsTemplateAction(value: GoValue): boolean {
  if (typeof value === 'string') return value.includes('{{');
  if (Array.isArray(value)) return value.some(containsTemplateAction);
  if (isMap(value)) return Object.entries(value).some(([k, v]) => k.includes('{{') || containsTemplateAction(v));
  return false;
}

/**
 * User templates without template actions: `tpl` would return them unchanged, so they are
 * parsed as they are. With actions, only Helm's template engine can render them.
 */
function renderUserTemplates(templates: UserTemplates, scope: EvalScope): Manifest[] {
  const list = templates.list.eval(scope) ?? [];
  if (!Array.isArray(list)) throw new Error(`range can't iterate over ${templates.list.toGo()}`);
  return list.flatMap((template, index) => {
    if (containsTemplateAction(template)) {
      throw new NeedsHelmError(
        `extraTemplates[${index}] uses template actions ({{ }}), which only Helm renders: use \`helm template\`, or write the manifest without them.`,
      );
    }
    const docs = typeof template === 'string' ? loadAll(template) : [template];
    return docs.filter((doc): doc is Manifest => isMap(doc));
  });
}

/** Throws the first guard that refuses the values, in the order Helm evaluates them. */
export function checkModelGuards(model: ChartModel, scope: EvalScope): void {
  for (const guard of model.guards) {
    if (isTruthy(guard.when.eval(scope))) throw new GuardError(guard.message.eval(scope));
  }
}

/** Every manifest with its template file, in document order; a failing guard throws first. */
export function renderModelSourced(model: ChartModel, scope: EvalScope): SourcedManifest[] {
  checkModelGuards(model, scope);
  const documents = model.documents.flatMap((doc) =>
    renderDocument(doc, scope).map((manifest) => ({ manifest, file: `templates/${doc.file}` })),
  );
  const user = model.userTemplates;
  const extra = user
    ? renderUserTemplates(user, scope).map((manifest) => ({ manifest, file: `templates/${user.file}` }))
    : [];
  return [...documents, ...extra];
}

/** Every manifest, in the order `helm template` prints them; a failing guard throws first. */
export function renderModel(model: ChartModel, scope: EvalScope): Manifest[] {
  return helmOrder(renderModelSourced(model, scope));
}
