/**
 * The expression as a hash-consed DAG: building a node that already exists
 * returns the existing one, which is common-subexpression elimination for
 * free. The smart constructor `op` also folds constants (with the very scalar
 * functions of the opcode table, so folding cannot change a result) and
 * applies identities that are exact for every input, NaN and ±Inf included
 * (x*1, x+(−0), −0−x → −x, -(-x), x/2^k → x*2^-k, ...), signed zeros included:
 * x + (+0) and +0 − x are kept, since −0 + 0 is +0 where x is −0 (and
 * 0 − 0 is +0 where −x is −0). Identities that are not exact for
 * NaN or Inf (x*0 → 0, x-x → 0) are never applied: NaN in must stay NaN out.
 */
import { OP, opcodeTable } from './opcodes';
import { callScalar } from './registry-ops';

export interface Node {
  readonly id: number;
  /** 'IN' (an input register), 'CONST', or an opcode name of form rr, r, ri, sel or call. */
  readonly op: string;
  readonly args: readonly Node[];
  /** CONST: the value; IN: the input index; POWI: the exponent; CALL: the registry op id. */
  readonly value: number;
  /** CALL: the op's two parameters (float64; enums as indexes). */
  readonly params: readonly [number, number];
}

const NO_PARAMS: readonly [number, number] = [0, 0];
const COMMUTATIVE = new Set(['ADD', 'MUL', 'MAX', 'MIN']);

function keyOfNumber(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** A power of two whose reciprocal is a normal double too, so x / c = x * (1/c) exactly. */
function exactReciprocal(c: number): boolean {
  if (!Number.isFinite(c) || c === 0) return false;
  const a = Math.abs(c);
  const e = Math.floor(Math.log2(a));
  return a === 2 ** e && e > -1022 && e < 1022;
}

export class Graph {
  readonly nodes: Node[] = [];
  private readonly table = new Map<string, Node>();

  private intern(op: string, args: readonly Node[], value: number, params: readonly [number, number]): Node {
    const key = `${op}|${args.map((a) => a.id).join(',')}|${keyOfNumber(value)}|${params[0]},${params[1]}`;
    let n = this.table.get(key);
    if (n === undefined) {
      n = { id: this.nodes.length, op, args, value, params };
      this.nodes.push(n);
      this.table.set(key, n);
    }
    return n;
  }

  input(k: number): Node {
    return this.intern('IN', [], k, NO_PARAMS);
  }

  k(v: number): Node {
    return this.intern('CONST', [], v, NO_PARAMS);
  }

  /** Builds `op(args)`, simplified. `imm` is POWI's exponent or CALL's op id. */
  op(op: string, args: readonly Node[], imm = 0, params: readonly [number, number] = NO_PARAMS): Node {
    const code = OP[op];
    if (code === undefined) throw new Error(`internal: unknown opcode ${op}`);
    const def = opcodeTable[code];
    if (args.every((a) => a.op === 'CONST')) {
      const v = args.map((a) => a.value);
      if (def.form === 'call') return this.k(callScalar(imm, params[0], params[1], v[0]));
      if (def.form === 'sel') return this.k(v[0] > 0 ? v[1] : v[0] <= 0 ? v[2] : NaN);
      if (def.form === 'ri') return this.k(def.f(v[0], imm));
      return this.k(def.f(v[0], v[1] ?? 0));
    }
    let [a, b] = args;
    const isK = (n: Node | undefined, v: number): boolean => n !== undefined && n.op === 'CONST' && Object.is(n.value, v);
    if (COMMUTATIVE.has(op) && (a.op === 'CONST' || (b.op !== 'CONST' && b.id < a.id))) [a, b] = [b, a];
    switch (op) {
      case 'ADD':
        if (isK(b, -0)) return a;
        break;
      case 'SUB':
        if (isK(b, 0)) return a;
        if (isK(a, -0)) return this.op('NEG', [b]);
        if (b.op === 'CONST') return this.op('ADD', [a, this.k(-b.value)]);
        break;
      case 'MUL':
        if (isK(b, 1)) return a;
        if (isK(b, -1)) return this.op('NEG', [a]);
        break;
      case 'DIV':
        if (isK(b, 1)) return a;
        if (isK(b, -1)) return this.op('NEG', [a]);
        if (b.op === 'CONST' && exactReciprocal(b.value)) return this.op('MUL', [a, this.k(1 / b.value)]);
        break;
      case 'MAX':
      case 'MIN':
        if (a === b) return a;
        break;
      case 'NEG':
        if (a.op === 'NEG') return a.args[0];
        break;
      case 'ABS':
        if (a.op === 'ABS' || a.op === 'NEG') return this.op('ABS', [a.args[0]]);
        break;
      case 'POWI':
        if (imm === 1) return a;
        if (imm === 0) return this.k(1); // x^0 = 1 for every x, NaN included (as Math.pow)
        if (imm === -1) return this.op('DIV', [this.k(1), a]);
        break;
      case 'SELPOS':
        if (a.op === 'CONST') return a.value > 0 ? b : a.value <= 0 ? args[2] : this.k(NaN);
        if (isK(b, 1) && isK(args[2], 0)) return this.op('STEP', [a]);
        break;
      default:
        break;
    }
    const canon = args.length >= 2 ? [a, b, ...args.slice(2)] : [a];
    return this.intern(op, canon, imm, params);
  }

  add(a: Node, b: Node): Node { return this.op('ADD', [a, b]); }
  sub(a: Node, b: Node): Node { return this.op('SUB', [a, b]); }
  mul(a: Node, b: Node): Node { return this.op('MUL', [a, b]); }
  div(a: Node, b: Node): Node { return this.op('DIV', [a, b]); }
  neg(a: Node): Node { return this.op('NEG', [a]); }
  fn(name: string, a: Node): Node { return this.op(name, [a]); }
  powi(a: Node, n: number): Node { return this.op('POWI', [a], n); }
  /** c > 0 ? t : e (NaN when c is NaN). */
  select(c: Node, t: Node, e: Node): Node { return this.op('SELPOS', [c, t, e]); }
}
