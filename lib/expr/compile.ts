/**
 * compile(expression, { params }): a custom activation with the interface of
 * the built-in ones (forward, backward, async, float32 and float64), run as a
 * fused bytecode program by the backend when it offers `runProgram`, else by
 * the JS interpreter. The expression is parsed as data, never evaluated as JS.
 */
import type { Backend } from '../backend';
import type { AsyncOptions, FloatArray, OutOptions } from '../types';
import { checkFloatArray, checkLike, checkNoPartialOverlap, checkOptionsObject, describe, dtypeOf, expected, unknownOption } from '../validate';
import { parse, ExpressionError, type Ast } from './parse';
import { Graph, type Node } from './graph';
import { lower, paramNames } from './lower';
import { differentiate } from './diff';
import { generate, disassemble, type Program } from './codegen';
import { runProgram } from './interp';

export interface CompileOptions {
  /** Values of the expression's named parameters (every name other than x and the functions). */
  params?: Readonly<Record<string, number>>;
}

/** Per-call values of the expression's parameters, overriding the compiled ones. */
export type ParamValues = Readonly<Record<string, number>>;

export interface CompiledBackward {
  /** dx = dy · f'(x), f' differentiated symbolically; a new array of x's type, or `options.out` (may be dy or x). */
  <A extends FloatArray>(dy: A, x: A, options?: OutOptions<A> & ParamValues): A;
  async<A extends FloatArray>(dy: A, x: A, options?: OutOptions<A> & AsyncOptions & ParamValues): Promise<A>;
}

export interface CompiledActivation {
  /** y = f(x): a new array of x's type, or `options.out` (which may be x itself). */
  <A extends FloatArray>(x: A, options?: OutOptions<A> & ParamValues): A;
  async<A extends FloatArray>(x: A, options?: OutOptions<A> & AsyncOptions & ParamValues): Promise<A>;
  readonly backward: CompiledBackward;
  /** The source text. */
  readonly expression: string;
  /** The compiled parameter values (per-call options may override them). */
  readonly params: Readonly<Record<string, number>>;
  /** The forward and backward bytecode (format: lib/expr/opcodes.ts). */
  readonly program: Program;
  readonly backwardProgram: Program;
  /** A readable listing of both programs. */
  disassemble(): string;
}

export type CompileFn = (expression: string, options?: CompileOptions) => CompiledActivation;

interface Compiled {
  readonly forward: Program;
  readonly backward: Program;
}

/** Parses once; lowers for a set of parameter values. */
function build(src: string, ast: Ast, values: Readonly<Record<string, number>>): Compiled {
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
  return { forward, backward };
}

function abortError(fn: string, signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const e = new Error(`${fn}: the operation was aborted before it started`, { cause: reason });
  e.name = 'AbortError';
  return e;
}

function label(src: string): string {
  const s = src.length > 40 ? src.slice(0, 40) + '…' : src;
  return `compile(${JSON.stringify(s)})`;
}

export function createCompile(backend: Backend): CompileFn {
  const run = (p: Program, inputs: readonly FloatArray[], out: FloatArray): void => {
    if (!backend.runProgram?.(p.code, p.consts, inputs, out)) runProgram(p, inputs, out);
  };
  const runAsync = async (fn: string, p: Program, inputs: readonly FloatArray[], out: FloatArray, signal: AbortSignal | undefined): Promise<void> => {
    if (signal?.aborted) throw abortError(fn, signal);
    const pending = backend.runProgramAsync?.(p.code, p.consts, inputs, out, signal);
    if (pending) {
      await pending;
      return;
    }
    // No worker to hand it to: yield once so an abort issued right after the call still wins.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (signal?.aborted) throw abortError(fn, signal);
    run(p, inputs, out);
  };

  return function compile(expression: string, options?: CompileOptions): CompiledActivation {
    const fn = 'compile';
    if (typeof expression !== 'string') throw new TypeError(`${fn}: ${expected('an expression string', 'expression', expression)}`);
    const opts = checkOptionsObject(fn, options, 'options');
    if (opts !== undefined) {
      for (const k in opts) if (k !== 'params') throw unknownOption(fn, k, 'options', ['params']);
    }
    let ast: Ast;
    try {
      ast = parse(expression);
    } catch (e) {
      if (e instanceof ExpressionError) e.message = `${fn}: ${e.message}`;
      throw e;
    }
    const names = paramNames(ast);
    for (const [reserved, col] of names) {
      // Per-call parameter values share the options object with out and signal.
      if (reserved === 'out' || reserved === 'signal') {
        const e = new ExpressionError(expression, col, 'a parameter name other than out and signal (they name call options)', `the name ${reserved}`);
        e.message = `${fn}: ${e.message}`;
        throw e;
      }
    }
    const nameList = [...names.keys()];
    const given = checkOptionsObject(fn, opts?.params, 'options.params') ?? {};
    for (const k in given) {
      if (!names.has(k)) {
        throw new TypeError(`${fn}: Unknown parameter ${JSON.stringify(k)} in options.params; the expression's parameters are: ${nameList.length ? nameList.map((n) => JSON.stringify(n)).join(', ') : '(none)'}`);
      }
    }
    const values: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const [name, col] of names) {
      const v = Object.prototype.hasOwnProperty.call(given, name) ? given[name] : undefined;
      if (typeof v !== 'number') {
        throw new TypeError(`${fn}: ${expected('a finite number', `options.params.${name} (the parameter at column ${col} of the expression)`, v)}`);
      }
      if (!Number.isFinite(v)) {
        throw new RangeError(`${fn}: ${expected('a finite number', `options.params.${name}`, v)}`);
      }
      values[name] = v;
    }
    let base: Compiled;
    try {
      base = build(expression, ast, values);
    } catch (e) {
      if (e instanceof ExpressionError) e.message = `${fn}: ${e.message}`;
      throw e;
    }
    Object.freeze(values);

    // Variants for per-call parameter values, most recent first (a training loop sweeping β reuses them).
    const variants = new Map<string, Compiled>();
    const name = label(expression);
    const variant = (f: string, opts: Record<string, unknown> | undefined): Compiled => {
      if (opts === undefined || nameList.length === 0) return base;
      let key = '';
      let differs = false;
      const vals: Record<string, number> = Object.assign(Object.create(null) as object, values);
      for (const p of nameList) {
        const v = Object.prototype.hasOwnProperty.call(opts, p) ? opts[p] : undefined;
        if (v === undefined) continue;
        if (typeof v !== 'number') throw new TypeError(`${f}: ${expected('a finite number', `options.${p}`, v)}`);
        if (!Number.isFinite(v)) throw new RangeError(`${f}: ${expected('a finite number', `options.${p}`, v)}`);
        if (v !== values[p]) differs = true;
        vals[p] = v;
      }
      if (!differs) return base;
      key = nameList.map((p) => String(vals[p])).join(',');
      let c = variants.get(key);
      if (c === undefined) {
        try {
          c = build(expression, ast, vals);
        } catch (e) {
          if (e instanceof ExpressionError) e.message = `${f}: ${e.message}`;
          throw e;
        }
        if (variants.size >= 16) variants.delete(variants.keys().next().value!);
      } else {
        variants.delete(key);
      }
      variants.set(key, c);
      return c;
    };

    const fwdKeys = ['out', ...nameList];
    const fwdAsyncKeys = [...fwdKeys, 'signal'];
    const checkKeys = (f: string, o: Record<string, unknown>, allowed: readonly string[]): void => {
      for (const k in o) if (!allowed.includes(k)) throw unknownOption(f, k, 'options', allowed);
    };
    const newLike = (a: FloatArray): FloatArray => (dtypeOf(a) === 'float64' ? new Float64Array(a.length) : new Float32Array(a.length));
    const checkSignal = (f: string, s: unknown): AbortSignal | undefined => {
      if (s !== undefined && !(s instanceof AbortSignal)) throw new TypeError(`${f}: Expected an AbortSignal for options.signal but received ${describe(s)}`);
      return s as AbortSignal | undefined;
    };

    const prepareForward = (f: string, x: unknown, options: unknown, keys: readonly string[]): [FloatArray, FloatArray, Compiled, Record<string, unknown> | undefined] => {
      const xa = checkFloatArray(f, x, 'x');
      const o = checkOptionsObject(f, options, 'options');
      let out: FloatArray | undefined;
      if (o !== undefined) {
        checkKeys(f, o, keys);
        if (o.out !== undefined) {
          out = checkLike(f, o.out, 'options.out', xa, 'x');
          checkNoPartialOverlap(f, out, 'options.out', xa, 'x');
        }
      }
      const c = variant(f, o);
      return [xa, out ?? newLike(xa), c, o];
    };

    const prepareBackward = (f: string, dy: unknown, x: unknown, options: unknown, keys: readonly string[]): [FloatArray, FloatArray, FloatArray, Compiled, Record<string, unknown> | undefined] => {
      const xa = checkFloatArray(f, x, 'x');
      const dya = checkLike(f, dy, 'dy', xa, 'x');
      const o = checkOptionsObject(f, options, 'options');
      let out: FloatArray | undefined;
      if (o !== undefined) {
        checkKeys(f, o, keys);
        if (o.out !== undefined) {
          out = checkLike(f, o.out, 'options.out', xa, 'x');
          checkNoPartialOverlap(f, out, 'options.out', xa, 'x');
          checkNoPartialOverlap(f, out, 'options.out', dya, 'dy');
        }
      }
      const c = variant(f, o);
      return [dya, xa, out ?? newLike(xa), c, o];
    };

    const act = function <A extends FloatArray>(x: A, options?: OutOptions<A> & ParamValues): A {
      const [xa, out, c] = prepareForward(name, x, options, fwdKeys);
      run(c.forward, [xa], out);
      return out as A;
    } as CompiledActivation;
    const fAsync = `${name}.async`;
    const actAsync = async function <A extends FloatArray>(x: A, options?: OutOptions<A> & AsyncOptions & ParamValues): Promise<A> {
      const [xa, out, c, o] = prepareForward(fAsync, x, options, fwdAsyncKeys);
      await runAsync(fAsync, c.forward, [xa], out, checkSignal(fAsync, o?.signal));
      return out as A;
    };

    const bName = `${name}.backward`;
    const backward = function <A extends FloatArray>(dy: A, x: A, options?: OutOptions<A> & ParamValues): A {
      const [dya, xa, out, c] = prepareBackward(bName, dy, x, options, fwdKeys);
      run(c.backward, [xa, dya], out);
      return out as A;
    } as CompiledBackward;
    const bAsync = `${bName}.async`;
    const backwardAsync = async function <A extends FloatArray>(dy: A, x: A, options?: OutOptions<A> & AsyncOptions & ParamValues): Promise<A> {
      const [dya, xa, out, c, o] = prepareBackward(bAsync, dy, x, options, fwdAsyncKeys);
      await runAsync(bAsync, c.backward, [xa, dya], out, checkSignal(bAsync, o?.signal));
      return out as A;
    };
    Object.defineProperty(backward, 'async', { value: backwardAsync, enumerable: true });

    Object.defineProperties(act, {
      async: { value: actAsync, enumerable: true },
      backward: { value: backward, enumerable: true },
      expression: { value: expression, enumerable: true },
      params: { value: values, enumerable: true },
      program: { value: base.forward, enumerable: true },
      backwardProgram: { value: base.backward, enumerable: true },
      disassemble: { value: () => `; forward\n${disassemble(base.forward)}\n; backward\n${disassemble(base.backward)}` },
      name: { value: name },
    });
    return act;
  };
}
