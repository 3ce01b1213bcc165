/**
 * DAG → register bytecode (format in ./opcodes). Nodes are scheduled in
 * depth-first post-order from the result, the operand needing more registers
 * first (Sethi–Ullman); a register is recycled as soon as
 * the last instruction reading it has been emitted, so a program needs about
 * as many tile registers as the expression's widest point. Constants ride in
 * the constant operand of the rk forms where one exists; only select's value
 * operands and a constant result need a CONST broadcast.
 */
import type { Node } from './graph';
import { FORMAT_VERSION, HEADER_WORDS, INSTR_WORDS, OP, opcodeTable } from './opcodes';

export interface Program {
  /** Header (FORMAT_VERSION, nRegs, nInputs, result) then instructions of 4 words. */
  readonly code: Int32Array;
  readonly consts: Float64Array;
  readonly nRegs: number;
  readonly nInputs: number;
  readonly result: number;
}

/** How a node becomes an instruction: opcode and which operand (if any) is a constant. */
function selectForm(n: Node): { op: number; kIndex: -1 | 0 | 1 } {
  const [a, b] = n.args;
  const ka = a !== undefined && a.op === 'CONST';
  const kb = b !== undefined && b.op === 'CONST';
  switch (n.op) {
    case 'ADD': return kb ? { op: OP.ADDK, kIndex: 1 } : { op: OP.ADD, kIndex: -1 };
    case 'MUL': return kb ? { op: OP.MULK, kIndex: 1 } : { op: OP.MUL, kIndex: -1 };
    case 'MAX': return kb ? { op: OP.MAXK, kIndex: 1 } : { op: OP.MAX, kIndex: -1 };
    case 'MIN': return kb ? { op: OP.MINK, kIndex: 1 } : { op: OP.MIN, kIndex: -1 };
    // The graph turns x − k into x + (−k); k − x remains.
    case 'SUB': return ka ? { op: OP.RSUBK, kIndex: 0 } : { op: OP.SUB, kIndex: -1 };
    case 'DIV': return kb ? { op: OP.DIVK, kIndex: 1 } : ka ? { op: OP.RDIVK, kIndex: 0 } : { op: OP.DIV, kIndex: -1 };
    default: return { op: OP[n.op], kIndex: -1 };
  }
}

/** Generates the program computing `root` from `inputs` (input k lives in register k). */
export function generate(root: Node, inputs: readonly Node[]): Program {
  const consts: number[] = [];
  const constIndex = new Map<string, number>();
  const constOf = (vals: readonly number[]): number => {
    const key = vals.map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(',');
    let i = constIndex.get(key);
    if (i === undefined) {
      i = consts.length;
      consts.push(...vals);
      constIndex.set(key, i);
    }
    return i;
  };

  // Registers a subtree needs (Sethi–Ullman, the DAG read as a tree): evaluating the
  // hungrier operand first keeps a(b(c(...))) chains at a few registers, not one per level.
  const needs = new Map<Node, number>();
  const need = (n: Node): number => {
    let r = needs.get(n);
    if (r !== undefined) return r;
    if (n.op === 'IN' || n.op === 'CONST') {
      r = 0;
    } else {
      const k = n.args.map(need).sort((a, b) => b - a);
      r = Math.max(1, ...k.map((v, i) => v + i));
    }
    needs.set(n, r);
    return r;
  };

  // Schedule: post-order, each node once; constants in a constant-operand slot are not scheduled.
  const order: Node[] = [];
  const seen = new Set<Node>();
  const forms = new Map<Node, { op: number; kIndex: -1 | 0 | 1 }>();
  const visit = (n: Node): void => {
    if (seen.has(n)) return;
    seen.add(n);
    if (n.op !== 'IN' && n.op !== 'CONST') {
      const f = selectForm(n);
      forms.set(n, f);
      n.args
        .filter((_, i) => i !== f.kIndex)
        .sort((a, b) => need(b) - need(a))
        .forEach(visit);
    }
    order.push(n);
  };
  visit(root);

  // Last position where each node is read.
  const pos = new Map<Node, number>();
  order.forEach((n, i) => pos.set(n, i));
  const lastUse = new Map<Node, number>();
  order.forEach((n, i) => {
    const f = forms.get(n);
    n.args.forEach((a, j) => {
      if (f && j !== f.kIndex) lastUse.set(a, i);
    });
  });
  lastUse.set(root, Infinity);

  const reg = new Map<Node, number>();
  const nInputs = inputs.length;
  inputs.forEach((n, k) => reg.set(n, k));
  const free: number[] = [];
  let nRegs = nInputs;
  const inUse = new Set<number>(inputs.map((_, k) => k));
  const take = (avoid: readonly number[] = []): number => {
    for (let i = free.length - 1; i >= 0; i--) {
      if (!avoid.includes(free[i])) {
        const r = free.splice(i, 1)[0];
        inUse.add(r);
        return r;
      }
    }
    inUse.add(nRegs);
    return nRegs++;
  };
  const release = (n: Node, at: number): void => {
    const r = reg.get(n);
    if (r !== undefined && lastUse.get(n) === at && inUse.has(r)) {
      inUse.delete(r);
      free.push(r);
    }
  };
  // Inputs never read (a backward program whose derivative ignores x) are free from the start.
  inputs.forEach((n, k) => {
    if (!lastUse.has(n)) {
      inUse.delete(k);
      free.push(k);
    }
  });

  const code: number[] = [FORMAT_VERSION, 0, nInputs, 0];
  const emit = (op: number, dst: number, a: number, b: number): void => {
    code.push(op, dst, a, b);
  };

  order.forEach((n, i) => {
    if (n.op === 'IN') {
      if (!reg.has(n)) throw new Error('internal: an input node that is not a program input');
      return;
    }
    if (n.op === 'CONST') {
      // Only reached for constants that need a register (select operands, a constant result).
      const r = take();
      emit(OP.CONST, r, constOf([n.value]), 0);
      reg.set(n, r);
      return;
    }
    const f = forms.get(n)!;
    const def = opcodeTable[f.op];
    const R = (m: Node): number => reg.get(m)!;
    if (def.form === 'sel') {
      const [c, t, e] = n.args;
      const dies = lastUse.get(e) === i && e !== c && e !== t;
      let dst: number;
      if (dies) {
        dst = R(e);
      } else {
        dst = take([R(c), R(t)]);
        emit(OP.MOV, dst, R(e), 0);
      }
      emit(f.op, dst, R(c), R(t));
      release(c, i);
      release(t, i);
      reg.set(n, dst);
      return;
    }
    for (const a of n.args) release(a, i);
    const dst = take();
    reg.set(n, dst);
    const [a, b] = n.args;
    switch (def.form) {
      case 'rr':
        emit(f.op, dst, R(a), R(b));
        break;
      case 'rk':
        emit(f.op, dst, R(f.kIndex === 0 ? b : a), constOf([(f.kIndex === 0 ? a : b).value]));
        break;
      case 'r':
        emit(f.op, dst, R(a), 0);
        break;
      case 'ri':
        emit(f.op, dst, R(a), n.value);
        break;
      case 'call':
        emit(f.op, dst, R(a), constOf([n.value, n.params[0], n.params[1]]));
        break;
      default:
        throw new Error(`internal: cannot emit form ${def.form}`);
    }
  });

  const result = reg.get(root)!;
  code[1] = nRegs;
  code[3] = result;
  return {
    code: Int32Array.from(code),
    consts: Float64Array.from(consts),
    nRegs,
    nInputs,
    result,
  };
}

/** Human-readable listing of a program, one instruction per line (for act.disassemble()). */
export function disassemble(p: Program): string {
  const lines = [`; ${p.nInputs} input(s), ${p.nRegs} register(s), result r${p.result}`];
  for (let pc = HEADER_WORDS; pc < p.code.length; pc += INSTR_WORDS) {
    const def = opcodeTable[p.code[pc]];
    const d = p.code[pc + 1], a = p.code[pc + 2], b = p.code[pc + 3];
    const k = (i: number): string => String(p.consts[i]);
    const text = {
      rr: `r${d}, r${a}, r${b}`,
      rk: `r${d}, r${a}, ${k(b)}`,
      r: `r${d}, r${a}`,
      ri: `r${d}, r${a}, ${b}`,
      k: `r${d}, ${k(a)}`,
      sel: `r${d}, r${a}, r${b}`,
      call: `r${d}, r${a}, op ${p.consts[b]} (${k(b + 1)}, ${k(b + 2)})`,
    }[def.form];
    lines.push(`${def.name.padEnd(8)}${text}`);
  }
  return lines.join('\n');
}
