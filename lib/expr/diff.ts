/**
 * Symbolic differentiation over the DAG (forward-mode chain rule, memoized
 * per node, so shared subexpressions are differentiated once). A derivative
 * that is structurally zero is `null`, which keeps `0 * f(x)` terms out of the
 * program without the NaN-unsafe rule x*0 → 0. Kinks take PyTorch's
 * conventions: max(u, v) passes u' only where u > v (relu'(0) = 0),
 * abs'(0) = 0, sign' = step' = 0.
 */
import type { Graph, Node } from './graph';
import { lower, parseFormula } from './lower';
import { registryDef } from './registry-ops';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** d(root)/d(wrt) as a node of the same graph, or null when it is identically zero. */
export function differentiate(g: Graph, root: Node, wrt: Node): Node | null {
  const memo = new Map<Node, Node | null>();

  const chain = (fp: Node, du: Node | null): Node | null => (du === null ? null : g.mul(fp, du));
  const orZero = (d: Node | null): Node => d ?? g.k(0);

  function d(n: Node): Node | null {
    if (memo.has(n)) return memo.get(n)!;
    const r = rule(n);
    memo.set(n, r);
    return r;
  }

  function rule(n: Node): Node | null {
    if (n === wrt) return g.k(1);
    if (n.op === 'IN' || n.op === 'CONST') return null;
    const [u, v, w] = n.args;
    const du = d(u);
    switch (n.op) {
      case 'ADD':
      case 'SUB': {
        const dv = d(v);
        if (du === null) return dv === null ? null : n.op === 'ADD' ? dv : g.neg(dv);
        if (dv === null) return du;
        return n.op === 'ADD' ? g.add(du, dv) : g.sub(du, dv);
      }
      case 'MUL': {
        const dv = d(v);
        const a = du === null ? null : g.mul(du, v);
        const b = dv === null ? null : g.mul(u, dv);
        return a === null ? b : b === null ? a : g.add(a, b);
      }
      case 'DIV': {
        // (u/v)' = (u' − (u/v)·v') / v, reusing the quotient itself.
        const dv = d(v);
        if (dv === null) return du === null ? null : g.div(du, v);
        const t = g.mul(n, dv);
        return g.div(du === null ? g.neg(t) : g.sub(du, t), v);
      }
      case 'MAX':
      case 'MIN': {
        const dv = d(v);
        if (du === null && dv === null) return null;
        const c = n.op === 'MAX' ? g.sub(u, v) : g.sub(v, u);
        return g.select(c, orZero(du), orZero(dv));
      }
      case 'SELPOS': {
        const dv = d(v);
        const dw = d(w);
        if (dv === null && dw === null) return null;
        return g.select(u, orZero(dv), orZero(dw));
      }
      case 'NEG':
        return du === null ? null : g.neg(du);
      case 'ABS':
        return chain(g.fn('SIGN', u), du);
      case 'SIGN':
      case 'STEP':
        return null;
      case 'POWI':
        return chain(g.mul(g.k(n.value), g.powi(u, n.value - 1)), du);
      case 'SQRT':
        return chain(g.div(g.k(0.5), n), du);
      case 'EXP':
        return chain(n, du);
      case 'EXPM1':
        return chain(g.fn('EXP', u), du);
      case 'LOG':
        return du === null ? null : g.div(du, u);
      case 'LOG1P':
        return du === null ? null : g.div(du, g.add(u, g.k(1)));
      case 'SIN':
        return chain(g.fn('COS', u), du);
      case 'COS':
        return chain(g.neg(g.fn('SIN', u)), du);
      case 'TAN':
        return chain(g.add(g.k(1), g.powi(n, 2)), du);
      case 'SINH':
        return chain(g.fn('COSH', u), du);
      case 'COSH':
        return chain(g.fn('SINH', u), du);
      case 'TANH':
        // 1/cosh² rather than 1 − tanh², which cancels to 0 long before the true value underflows.
        return du === null ? null : g.div(du, g.powi(g.fn('COSH', u), 2));
      case 'ASINH':
        return du === null ? null : g.div(du, g.fn('SQRT', g.add(g.powi(u, 2), g.k(1))));
      case 'ATAN':
        return du === null ? null : g.div(du, g.add(g.powi(u, 2), g.k(1)));
      case 'ERF':
      case 'ERFC': {
        const k = n.op === 'ERF' ? TWO_OVER_SQRT_PI : -TWO_OVER_SQRT_PI;
        return chain(g.mul(g.k(k), g.fn('EXP', g.neg(g.powi(u, 2)))), du);
      }
      case 'SINC':
        return chain(g.fn('DSINC', u), du);
      case 'SIGMOID':
        // σ(u)·σ(−u): both factors accurate, where σ(1 − σ) loses everything for large u.
        return chain(g.mul(n, g.fn('SIGMOID', g.neg(u))), du);
      case 'SOFTPLUS':
        return chain(g.fn('SIGMOID', u), du);
      case 'CALL': {
        if (du === null) return null;
        const { def } = registryDef(n.value);
        const p = [n.params[0], n.params[1]];
        const names = def.params.map((q) => q.name);
        const src = def.backward.expr(p);
        const fp = lower(parseFormula(src), {
          g,
          x: u,
          src,
          param(pn) {
            const i = names.indexOf(pn);
            return i < 0 ? undefined : p[i];
          },
        });
        return g.mul(fp, du);
      }
      default:
        throw new Error(`internal: no derivative rule for ${n.op}`);
    }
  }

  return d(root);
}
