/**
 * Source → programs: the forward bytecode of an expression and the backward
 * bytecode of dy times its symbolic derivative, for one set of parameter
 * values. The expression is parsed as data, never evaluated as JS.
 */
import { parse, ExpressionError, ExpressionRangeError, type Ast } from './parse';
import { Graph, type Node } from './graph';
import { lower, paramNames } from './lower';
import { differentiate } from './diff';
import { generate, type Program } from './codegen';
import { HEADER_WORDS, INSTR_WORDS, OP } from './opcodes';
import { unaryNames, unaryOps, type UnaryOpDef } from '../registry/ops';
import { f32Note, inRange, rangeText } from '../validate/params';
import { expected } from '../validate/values';

export interface Compiled {
  readonly forward: Program;
  readonly backward: Program;
  /**
   * Why a float32 call cannot run these programs (a registry op's parameter
   * that float32 rounding takes out of its range, as the op itself refuses
   * it), or null. Both backends then agree: neither runs it.
   */
  readonly float32Problem: string | null;
}

/** The first CALL parameter of p whose float32 rounding leaves its op's range, as a message. */
function callProblem32(p: Program): string | null {
  const { code, consts } = p;
  for (let pc = HEADER_WORDS; pc < code.length; pc += INSTR_WORDS) {
    if (code[pc] !== OP.CALL) continue;
    const b = code[pc + 3];
    const name = unaryNames[consts[b]];
    const def: UnaryOpDef = unaryOps[name];
    const P = [Math.fround(consts[b + 1]), Math.fround(consts[b + 2])];
    for (let i = 0; i < def.params.length; i++) {
      const d = def.params[i];
      if (d.kind !== 'number') continue;
      P[i] = Math.fround(consts[b + 1 + i]);
      if (!inRange(d, P[i])) return expected(rangeText(d) + f32Note(consts[b + 1 + i], P[i]), `${d.name} of ${name} in a float32 call`, consts[b + 1 + i]);
    }
    const bad = def.check?.(P as [number, number]);
    if (bad) return expected(bad[1], `${bad[0]} of ${name} in a float32 call`, bad[2]);
  }
  return null;
}

/** Lowers a parsed expression for a set of parameter values. */
export function build(src: string, ast: Ast, values: Readonly<Record<string, number>>): Compiled {
  const g = new Graph();
  const x = g.input(0);
  const root = lower(ast, {
    g,
    x,
    src,
    param: (name) => (Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined),
  });
  const forward = generate(root, [x]);
  const dy = g.input(1);
  const d: Node | null = differentiate(g, root, x);
  // A constant expression still multiplies dy by its zero derivative, so NaN and ±Inf in dy stay visible.
  const backward = generate(g.mul(dy, d ?? g.k(0)), [x, dy]);
  return { forward, backward, float32Problem: callProblem32(forward) ?? callProblem32(backward) };
}

/**
 * Runs `f`, prefixing an ExpressionError's (or ExpressionRangeError's) message
 * with the call's label `fn`. The passes recurse as deep as the expression
 * (up to MAX_OPERATIONS levels): a thread with a small stack (a Worker's
 * resourceLimits.stackSizeMb) can run out of it, which is said as a RangeError
 * about the expression, not V8's bare 'Maximum call stack size exceeded'.
 */
export function labelled<T>(fn: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ExpressionError || e instanceof ExpressionRangeError) e.message = `${fn}: ${e.message}`;
    else if (isStackOverflow(e)) throw new RangeError(`${fn}: Expected an expression shallow enough for this thread's stack for expression but received one nested too deeply to compile here (run compile() on a thread with a larger stack, or split the expression)`);
    throw e;
  }
}

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && !(e instanceof ExpressionRangeError) && /call stack/i.test(e.message);
}

export { parse, paramNames, ExpressionError, ExpressionRangeError, type Ast };
