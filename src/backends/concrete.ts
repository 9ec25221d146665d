/**
 * The concrete back-end: a manifest tree evaluated against values becomes plain objects.
 * It is the oracle for the template back-end: for any valid values both must agree.
 */
import { EvalScope, withVar } from '../expr/expr';
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

export function renderDocument(doc: Document, scope: EvalScope): Manifest | undefined {
  if (doc.cond && !isTruthy(doc.cond.eval(scope))) return undefined;
  return evalMap(doc.tree, scope);
}

/** Every manifest, in document order; a failing guard throws before anything is produced. */
export function renderModel(model: ChartModel, scope: EvalScope): Manifest[] {
  for (const guard of model.guards) {
    if (isTruthy(guard.when.eval(scope))) throw new GuardError(guard.message.eval(scope));
  }
  return model.documents.flatMap((doc) => {
    const manifest = renderDocument(doc, scope);
    return manifest ? [manifest] : [];
  });
}
