/**
 * The concrete back-end: a manifest tree evaluated against values becomes plain objects.
 * It is the oracle for the template back-end: for any valid values both must agree.
 */
import { loadAll } from 'js-yaml';
import { EvalScope, withVar } from '../expr/expr';
import { helmOrder, SourcedManifest } from './helm-order';
import { GoValue, isMap, isTruthy } from '../expr/go-semantics';
import {
  BlockNode,
  ChartModel,
  Document,
  isTreeMap,
  MapListNode,
  Node,
  OptionalItemNode,
  OptionalNode,
  ScalarNode,
  SpliceNode,
  SpreadNode,
  Tree,
  TreeMap,
  UserTemplates,
  WithNode,
} from '../tree/nodes';
import { presenceCondition } from '../tree/presence';

export type Manifest = { [key: string]: GoValue };

/** Thrown when a guard refuses the values: the same message Helm's `fail` gives. */
export class GuardError extends Error {}

const OMIT = Symbol('omit');
type Evaluated = GoValue | typeof OMIT;

function present(collection: Tree[] | TreeMap, scope: EvalScope): boolean {
  const cond = presenceCondition(collection);
  return cond === true || isTruthy(cond.eval(scope));
}

function evalEntry(value: Tree, scope: EvalScope): Evaluated {
  if (value instanceof OptionalNode) return isTruthy(value.cond.eval(scope)) ? evalEntry(value.value, scope) : OMIT;
  if (value instanceof WithNode) {
    const given = value.expr.eval(scope);
    return isTruthy(given) ? given : OMIT;
  }
  if (Array.isArray(value) || isTreeMap(value)) {
    if (!present(value, scope)) return OMIT;
  }
  return evalValue(value, scope);
}

function evalMap(map: TreeMap, scope: EvalScope): { [key: string]: GoValue } {
  const out: { [key: string]: GoValue } = {};
  for (const [key, value] of Object.entries(map)) {
    if (value instanceof SpreadNode) {
      const extra = value.expr.eval(scope);
      if (!isTruthy(extra)) continue;
      if (!isMap(extra)) throw new Error(`${value.expr.toGo()} must be a map to add entries to a map`);
      for (const [extraKey, extraValue] of Object.entries(extra)) {
        if (extraKey in out) throw new Error(`${value.expr.toGo()} repeats the key ${extraKey}`);
        out[extraKey] = extraValue;
      }
      continue;
    }
    const evaluated = evalEntry(value, scope);
    if (evaluated !== OMIT) out[key] = evaluated;
  }
  return out;
}

function evalItems(items: Tree[], scope: EvalScope): GoValue[] {
  const out: GoValue[] = [];
  for (const item of items) {
    if (item instanceof OptionalItemNode) {
      if (isTruthy(item.cond.eval(scope))) out.push(evalValue(item.item, scope));
    } else if (item instanceof SpliceNode) {
      const list = item.list.eval(scope);
      if (isTruthy(list)) {
        if (!Array.isArray(list)) throw new Error(`${item.list.toGo()} must be a list to splice into a list`);
        out.push(...list);
      }
    } else if (item instanceof MapListNode) {
      const list = item.list.eval(scope);
      if (list !== null && !Array.isArray(list)) throw new Error(`range can't iterate over ${item.list.toGo()}`);
      for (const element of list ?? []) out.push(evalValue(item.item, withVar(scope, item.variable.name, element)));
    } else {
      out.push(evalValue(item, scope));
    }
  }
  return out;
}

function evalValue(value: Tree, scope: EvalScope): GoValue {
  if (value instanceof ScalarNode || value instanceof BlockNode) return value.expr.eval(scope);
  if (value instanceof Node) throw new Error(`${value.constructor.name} is not allowed in this position`);
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
