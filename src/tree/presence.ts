/**
 * When a map or list has no entry that is always there, both back-ends leave the whole key out
 * when nothing would be in it (an empty `env:` would otherwise render as `env: null`).
 * This module gives the one condition both back-ends use for that.
 */
import { Expr, lit, or, ternary } from '../expr/expr';
import { isNode, NodeVisitor, Tree, TreeMap, visitNode } from './nodes';

/** When one part of a collection has content: always (`true`), or when the expression is truthy. */
const partPresence: NodeVisitor<Expr | true> = {
  scalar: () => true,
  block: () => true,
  optional: (node) => node.cond,
  choice: (node) => {
    const [whenTrue, whenFalse] = [node.whenTrue, node.whenFalse].map(presenceOf);
    if (whenTrue === true && whenFalse === true) return true;
    return ternary(whenTrue === true ? lit(true) : whenTrue, whenFalse === true ? lit(true) : whenFalse, node.cond);
  },
  with: (node) => node.expr,
  spread: (node) => node.expr,
  include: (node) => presenceCondition(node.template.body),
  optionalItem: (node) => node.cond,
  splice: (node) => node.list,
  mapList: (node) => node.list,
};

/** Whether one value (a key's, or a list item) is written: always, or when the expression is truthy. */
function presenceOf(tree: Tree): Expr | true {
  return isNode(tree) ? visitNode(tree, partPresence) : true;
}

/** `true` when the collection always has content; otherwise the expression that says it has. */
export function presenceCondition(collection: Tree[] | TreeMap): Expr | true {
  const parts = Array.isArray(collection) ? collection : Object.values(collection);
  if (parts.length === 0) return true; // a literal empty collection is rendered as such
  const conds: Expr[] = [];
  for (const part of parts) {
    const cond = presenceOf(part);
    if (cond === true) return true;
    // The same condition twice (two items under one switch) is asked once.
    if (!conds.includes(cond)) conds.push(cond);
  }
  return conds.length === 1 ? conds[0] : or(...conds);
}
