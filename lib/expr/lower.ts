/**
 * AST → DAG: resolves names (x, parameters, unit functions, registry ops),
 * checks arities and op parameters, and builds simplified graph nodes.
 */
import { suggest } from '../validate/suggest';
import { parse, ExpressionError, ExpressionRangeError, type Ast, type CallArg } from './parse';
import { Graph, type Node } from './graph';
import { isRegistryOp, registryId } from './registry-ops';
import { unaryOps, type UnaryName, type UnaryOpDef } from '../registry/ops';
import { inRange, rangeText } from '../validate/params';
import { describe } from '../validate/values';

/**
 * Functions of the expression language besides the registry ops: the unary
 * units of the search space map to one opcode each; max and min are binary;
 * select(c, a, b) is "a where c > 0, b where c ≤ 0, NaN where c is NaN".
 * sigmoid, tanh and softplus are also registry ops: called with x alone they
 * are these units (the mathematical functions); with op parameters
 * (`softplus(x, beta = 2)`) they are the registry op.
 */
export const unitFunctions: Readonly<Record<string, { readonly arity: number; readonly opcode: string }>> = Object.assign(Object.create(null) as object, {
  abs: { arity: 1, opcode: 'ABS' },
  sign: { arity: 1, opcode: 'SIGN' },
  step: { arity: 1, opcode: 'STEP' },
  sqrt: { arity: 1, opcode: 'SQRT' },
  exp: { arity: 1, opcode: 'EXP' },
  expm1: { arity: 1, opcode: 'EXPM1' },
  log: { arity: 1, opcode: 'LOG' },
  log1p: { arity: 1, opcode: 'LOG1P' },
  sin: { arity: 1, opcode: 'SIN' },
  cos: { arity: 1, opcode: 'COS' },
  tan: { arity: 1, opcode: 'TAN' },
  sinh: { arity: 1, opcode: 'SINH' },
  cosh: { arity: 1, opcode: 'COSH' },
  tanh: { arity: 1, opcode: 'TANH' },
  asinh: { arity: 1, opcode: 'ASINH' },
  atan: { arity: 1, opcode: 'ATAN' },
  erf: { arity: 1, opcode: 'ERF' },
  erfc: { arity: 1, opcode: 'ERFC' },
  sinc: { arity: 1, opcode: 'SINC' },
  sigmoid: { arity: 1, opcode: 'SIGMOID' },
  softplus: { arity: 1, opcode: 'SOFTPLUS' },
  max: { arity: 2, opcode: 'MAX' },
  min: { arity: 2, opcode: 'MIN' },
  select: { arity: 3, opcode: 'SELPOS' },
});

export interface Env {
  readonly g: Graph;
  /** The node `x` stands for. */
  readonly x: Node;
  /** The value of a named parameter (undefined: not a parameter here). */
  param(name: string, col: number): number | undefined;
  readonly src: string;
}

function err(env: Env, col: number, expected: string, found: string): ExpressionError {
  return new ExpressionError(env.src, col, expected, found);
}

function paramRange(what: string, from: readonly string[], v: unknown): ExpressionRangeError {
  const names = from.map((n) => `the parameter ${n}`).join(', ');
  return new ExpressionRangeError(`Expected ${what} (set by ${names}) but received ${describe(v)}`);
}

const fnNames = (): string[] => [...Object.keys(unitFunctions), ...Object.keys(unaryOps).filter((n) => !(n in unitFunctions))];

export function lower(ast: Ast, env: Env): Node {
  const g = env.g;
  switch (ast.kind) {
    case 'num':
      return g.k(ast.value);
    case 'x':
      return env.x;
    case 'param': {
      const v = env.param(ast.name, ast.col);
      if (v !== undefined) return g.k(v);
      if (ast.name in unitFunctions || isRegistryOp(ast.name)) {
        throw err(env, ast.col + ast.name.length, `'(' after the function name ${ast.name}`, 'no argument list');
      }
      throw new Error(`internal: no value for the parameter ${ast.name}`);
    }
    case 'str':
      throw err(env, ast.col, 'a number or an expression (a string is only an enum option of a built-in op, as gelu(x, \'tanh\'))', `the string '${ast.value}'`);
    case 'neg':
      return g.neg(lower(ast.arg, env));
    case 'pow':
      return g.powi(lower(ast.base, env), ast.exp);
    case 'bin': {
      const a = lower(ast.left, env);
      const b = lower(ast.right, env);
      return ast.op === '+' ? g.add(a, b) : ast.op === '-' ? g.sub(a, b) : ast.op === '*' ? g.mul(a, b) : g.div(a, b);
    }
    case 'call':
      return lowerCall(ast, env);
  }
}

function lowerCall(ast: Ast & { kind: 'call' }, env: Env): Node {
  const unit = unitFunctions[ast.name];
  const plain = ast.args.every((a) => a.name === undefined);
  if (unit !== undefined && (plain && (ast.args.length === unit.arity || !isRegistryOp(ast.name)))) {
    if (ast.args.length !== unit.arity) {
      const where = ast.args.length > unit.arity ? ast.args[unit.arity].col : ast.col + ast.name.length;
      throw err(env, where, `${unit.arity} argument${unit.arity > 1 ? 's' : ''} for ${ast.name}`, `${ast.args.length}`);
    }
    const args = ast.args.map((a) => lower(a.value, env));
    return env.g.op(unit.opcode, args);
  }
  if (!isRegistryOp(ast.name)) {
    const hint = suggest(ast.name, fnNames());
    throw err(env, ast.col, `a known function (${fnNames().join(', ')})`, `the unknown function ${ast.name}${hint ? ` (did you mean ${hint}?)` : ''}`);
  }
  return lowerRegistryCall(ast.name, ast.args, ast.col, env);
}

/** Reads `op(x, p1, p2)` / `op(x, name = v)` against the registry's parameter list. */
function lowerRegistryCall(name: UnaryName, args: readonly CallArg[], col: number, env: Env): Node {
  const def: UnaryOpDef = unaryOps[name];
  const defs = def.params;
  if (args.length === 0 || args[0].name !== undefined) {
    throw err(env, args.length ? args[0].col : col, `the input of ${name} as its first argument`, 'a named argument');
  }
  if (args.length - 1 > defs.length) {
    throw err(env, args[defs.length + 1].col, `at most ${defs.length} parameter${defs.length === 1 ? '' : 's'} for ${name}${defs.length ? ` (${defs.map((p) => p.name).join(', ')})` : ''}`, 'another argument');
  }
  const given: (CallArg | undefined)[] = defs.map(() => undefined);
  args.slice(1).forEach((a, i) => {
    let k = i;
    if (a.name !== undefined) {
      k = defs.findIndex((p) => p.name === a.name);
      if (k < 0) throw err(env, a.col, `a parameter of ${name} (${defs.map((p) => p.name).join(', ')})`, `${a.name}`);
    } else if (args.slice(1, i + 1).some((b) => b.name !== undefined)) {
      throw err(env, a.col, 'a named argument (positional ones come first)', 'a positional one');
    }
    if (given[k] !== undefined) throw err(env, a.col, `one value for ${defs[k].name} of ${name}`, 'a second one');
    given[k] = a;
  });
  const p: number[] = [0, 0];
  defs.forEach((d, i) => {
    const a = given[i];
    if (d.kind === 'enum') {
      if (a === undefined) {
        p[i] = d.values.indexOf(d.default);
        return;
      }
      const k = a.value.kind === 'str' ? d.values.indexOf(a.value.value) : -1;
      if (k < 0) {
        throw err(env, a.value.col, `one of ${d.values.map((v) => `'${v}'`).join(', ')} for ${d.name} of ${name}`, a.value.kind === 'str' ? `'${a.value.value}'` : 'an expression');
      }
      p[i] = k;
      return;
    }
    if (a === undefined) {
      if (d.required) throw err(env, col, `a value for ${d.name} of ${name} (required)`, 'none');
      p[i] = d.default;
      return;
    }
    const v = lower(a.value, env);
    if (v.op !== 'CONST') {
      throw err(env, a.value.col, `a constant for ${d.name} of ${name} (numbers and parameters, not x)`, 'an expression of x');
    }
    const r = v.value;
    if (!inRange(d, r)) {
      const from = [...paramNames(a.value).keys()];
      // A value set by a named parameter is the caller's number out of range, not a syntax error.
      if (from.length) throw paramRange(`${rangeText(d)} for ${d.name} of ${name}`, from, r);
      throw err(env, a.value.col, `${rangeText(d)} for ${d.name} of ${name}`, `${r}`);
    }
    p[i] = r;
  });
  if (def.check) {
    const bad = def.check(p);
    if (bad) {
      const from = args.slice(1).flatMap((a) => [...paramNames(a.value).keys()]);
      if (from.length) throw paramRange(`${bad[1]} for ${bad[0]} of ${name}`, from, bad[2]);
      throw err(env, col, `${bad[1]} for ${bad[0]} of ${name}`, String(bad[2]));
    }
  }
  const x = lower(args[0].value, env);
  return env.g.op('CALL', [x], registryId(name), [p[0], p[1]]);
}

/** Every parameter name of an AST (for option checking), with its first column. */
export function paramNames(ast: Ast, out = new Map<string, number>()): Map<string, number> {
  switch (ast.kind) {
    case 'param':
      if (!out.has(ast.name) && !(ast.name in unitFunctions) && !isRegistryOp(ast.name)) out.set(ast.name, ast.col);
      break;
    case 'neg':
      paramNames(ast.arg, out);
      break;
    case 'pow':
      paramNames(ast.base, out);
      break;
    case 'bin':
      paramNames(ast.left, out);
      paramNames(ast.right, out);
      break;
    case 'call':
      for (const a of ast.args) paramNames(a.value, out);
      break;
    default:
      break;
  }
  return out;
}

const formulaCache = new Map<string, Ast>();

/** Parses one of this package's own formulas (derivative rules), once. */
export function parseFormula(src: string): Ast {
  let a = formulaCache.get(src);
  if (a === undefined) {
    a = parse(src);
    formulaCache.set(src, a);
  }
  return a;
}
