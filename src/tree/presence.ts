/**
 * When a map or list has no entry that is always there, both back-ends leave the whole key out
 * when nothing would be in it (an empty `env:` would otherwise render as `env: null`).
 * This module gives the one condition both back-ends use for that.
 */
import { Expr, or } from '../expr/expr';
import { MapListNode, OptionalItemNode, OptionalNode, SpliceNode, SpreadNode, Tree, TreeMap, WithNode } from './nodes';

/** `true` when the collection always has content; otherwise the expression that says it has. */
export function presenceCondition(collection: Tree[] | TreeMap): Expr | true {
  const parts = Array.isArray(collection) ? collection : Object.values(collection);
  if (parts.length === 0) return true; // a literal empty collection is rendered as such
  const conds: Expr[] = [];
  for (const part of parts) {
    if (part instanceof OptionalNode || part instanceof OptionalItemNode) conds.push(part.cond);
    else if (part instanceof WithNode || part instanceof SpreadNode) conds.push(part.expr);
    else if (part instanceof SpliceNode || part instanceof MapListNode) conds.push(part.list);
    else return true;
  }
  return conds.length === 1 ? conds[0] : or(...conds);
}
