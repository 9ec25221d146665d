/**
 * Opaque tokens: constructs are built with token strings wherever a value depends on the values
 * file; after `chart.toJson()` each token is swapped for its node. A token must stand for a
 * whole scalar: one found inside a longer string, or as a key, is an error.
 */
import { Expr } from '../expr/expr';
import { isMap } from '../expr/go-semantics';
import { Node, ScalarNode, Tree } from './nodes';

const TOKEN = /@@coder-ha-token-(\d+)@@/;

export class TokenRegistry {
  private readonly nodes: Node[] = [];
  private readonly used = new Set<number>();

  /** A string standing for `expr`'s value (emitted as `{{ toJson expr }}`). */
  public scalar(expr: Expr): string {
    return this.node(new ScalarNode(expr));
  }

  /** A string standing for any structural node. */
  public node(node: Node): string {
    this.nodes.push(node);
    return `@@coder-ha-token-${this.nodes.length - 1}@@`;
  }

  /** Replaces every token in plain JSON by its node; checks that tokens stand alone. */
  public resolve(json: unknown, path = ''): Tree {
    if (typeof json === 'string') {
      const match = TOKEN.exec(json);
      if (!match) return json;
      if (match[0] !== json) {
        throw new Error(`token used inside a longer string at ${path || '/'}: ${JSON.stringify(json)}`);
      }
      const index = Number(match[1]);
      this.used.add(index);
      return this.nodes[index];
    }
    if (Array.isArray(json)) return json.map((item, i) => this.resolve(item, `${path}/${i}`));
    if (json instanceof Node) return json;
    if (isMap(json)) {
      const out: { [key: string]: Tree } = {};
      for (const [key, value] of Object.entries(json)) {
        if (TOKEN.test(key)) throw new Error(`token used as a key at ${path}/${key}`);
        out[key] = this.resolve(value, `${path}/${key}`);
      }
      return out;
    }
    if (json === null || typeof json === 'boolean' || typeof json === 'number') return json;
    throw new Error(`unexpected ${typeof json} in manifest at ${path}`);
  }

  /** Tokens handed out but never found again: a construct dropped them (a silent patch failure). */
  public unresolved(): number[] {
    return this.nodes.map((_, i) => i).filter((i) => !this.used.has(i));
  }
}
