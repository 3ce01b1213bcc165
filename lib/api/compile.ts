/**
 * compile(expression, { params }): a custom activation with the interface of
 * the built-in ones (forward, backward, async, float32 and float64), run as a
 * fused bytecode program (lib/expr/ compiles it; the engine runs it).
 */
import type { Engine } from '../backend/backend';
import type { AsyncOptions, FloatArray, HalfArray, OutOptions } from '../types';
import { checkLikeStored, checkStorageArray, resolveDtype, returned, takeOutStored } from '../validate/dtype';
import { checkFinite } from '../validate/params';
import { checkFloatArray, checkKeys, checkLike, checkOptionsObject, dtypeOf, typeError, type LiveArray } from '../validate/values';
import { outputFor, widened } from './half-io';
import type { HalfOptions } from './types';
import { build, labelled, paramNames, parse, ExpressionError, type Compiled } from '../expr/build';
import { disassemble, type Program } from '../expr/codegen';
import { entryPair, takeOpts, withProps, type Call } from './entry';

export interface CompileOptions<P extends string = string> {
  /** Values of the expression's named parameters (every name other than x and the functions). */
  params?: Readonly<Record<P, number>>;
}

/**
 * Per-call values of a compiled expression's parameters (P: their names, as
 * given in compile()'s options.params), overriding the compiled ones.
 */
export type ParamValues<P extends string = string> = { readonly [K in P]?: number };

export interface CompiledBackward<P extends string = string> {
  /** dx = dy · f'(x), f' differentiated symbolically; a new array of x's type, or `options.out` (may be dy or x). */
  <A extends FloatArray>(dy: A, x: A, options?: OutOptions<A> & ParamValues<P>): A;
  /** 16-bit storage (options.dtype for a Uint16Array): the float32 program, rounded once into a 16-bit or Float32Array out. */
  <H extends HalfArray>(dy: H, x: H, options: HalfOptions<Float32Array> & ParamValues<P> & { out: Float32Array }): Float32Array;
  <H extends HalfArray>(dy: H, x: H, options?: HalfOptions<H> & ParamValues<P>): H;
  async<A extends FloatArray>(dy: A, x: A, options?: OutOptions<A> & AsyncOptions & ParamValues<P>): Promise<A>;
  async<H extends HalfArray>(dy: H, x: H, options?: HalfOptions<H | Float32Array> & AsyncOptions & ParamValues<P>): Promise<H | Float32Array>;
}

/** A compiled activation; P: the names of its parameters (compile()'s options.params keys). */
export interface CompiledActivation<P extends string = string> {
  /** y = f(x): a new array of x's type, or `options.out` (which may be x itself). */
  <A extends FloatArray>(x: A, options?: OutOptions<A> & ParamValues<P>): A;
  /** 16-bit storage (options.dtype for a Uint16Array): the float32 program, rounded once into a 16-bit or Float32Array out. */
  <H extends HalfArray>(x: H, options: HalfOptions<Float32Array> & ParamValues<P> & { out: Float32Array }): Float32Array;
  <H extends HalfArray>(x: H, options?: HalfOptions<H> & ParamValues<P>): H;
  async<A extends FloatArray>(x: A, options?: OutOptions<A> & AsyncOptions & ParamValues<P>): Promise<A>;
  async<H extends HalfArray>(x: H, options?: HalfOptions<H | Float32Array> & AsyncOptions & ParamValues<P>): Promise<H | Float32Array>;
  readonly backward: CompiledBackward<P>;
  /** The source text. */
  readonly expression: string;
  /** The compiled parameter values (per-call options may override them). */
  readonly params: Readonly<Record<P, number>>;
  /**
   * The forward and backward bytecode (format: lib/expr/opcodes.ts): frozen
   * copies for reading. The activation runs its own private programs, so
   * nothing written to these (or to any object reachable from JS) changes it.
   */
  readonly program: Program;
  readonly backwardProgram: Program;
  /** A readable listing of both programs. */
  disassemble(): string;
}

/** compile(): P, the parameter names, comes from options.params (none without it). */
export type CompileFn = <P extends string = never>(expression: string, options?: CompileOptions<P>) => CompiledActivation<P>;

function label(src: string): string {
  const s = src.length > 40 ? src.slice(0, 40) + '…' : src;
  return `compile(${JSON.stringify(s)})`;
}

interface Run extends Call {
  readonly program: Program;
  readonly inputs: readonly FloatArray[];
  readonly out: FloatArray;
  /** Completes the call (16-bit output: rounds into it) and returns what it returns. */
  readonly finish: () => LiveArray;
}

/** The private programs of each compiled activation (what stats() reads for a compiled op). */
const privatePrograms = new WeakMap<object, Compiled>();

/** The programs of a compiled activation made by compile(), or undefined for anything else. */
export function compiledOf(act: unknown): Compiled | undefined {
  return typeof act === 'function' ? privatePrograms.get(act) : undefined;
}

/** A frozen copy of p for reading (its typed arrays are copies: writing them changes nothing). */
function publicCopy(p: Program): Program {
  return Object.freeze({ code: p.code.slice(), consts: p.consts.slice(), nRegs: p.nRegs, nInputs: p.nInputs, result: p.result });
}

/** The cache key of a set of parameter values: −0 and +0 are different values. */
function valuesKey(names: readonly string[], vals: Readonly<Record<string, number>>): string {
  return names.map((p) => (Object.is(vals[p], -0) ? '-0' : String(vals[p]))).join(',');
}

/** The program of `c` for a call on x (a float32 call refuses what float32 cannot hold). */
function programFor(f: string, c: Compiled, which: 'forward' | 'backward', x: FloatArray): Program {
  if (c.float32Problem !== null && dtypeOf(x) === 'float32') throw new RangeError(`${f}: ${c.float32Problem}`);
  return c[which];
}

export function createCompile(engine: Engine): CompileFn {
  return function compile(expression: string, options?: CompileOptions): CompiledActivation {
    const fn = 'compile';
    if (typeof expression !== 'string') throw typeError(fn, 'an expression string', 'expression', expression);
    const opts = checkOptionsObject(fn, options, 'options');
    if (opts !== undefined) checkKeys(fn, opts, ['params']);
    const ast = labelled(fn, () => parse(expression));
    const names = labelled(fn, () => paramNames(ast));
    for (const [reserved, col] of names) {
      // Per-call parameter values share the options object with out and signal.
      if (reserved === 'out' || reserved === 'signal' || reserved === 'dtype') {
        const e = new ExpressionError(expression, col, 'a parameter name other than out, signal and dtype (they name call options)', `the name ${reserved}`);
        e.message = `${fn}: ${e.message}`;
        throw e;
      }
    }
    const nameList = [...names.keys()];
    const given = checkOptionsObject(fn, opts?.params, 'options.params') ?? {};
    checkKeys(fn, given, nameList, 'options.params', 'parameter');
    const values: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const [name, col] of names) {
      const v = Object.prototype.hasOwnProperty.call(given, name) ? given[name] : undefined;
      values[name] = checkFinite(fn, v, `options.params.${name} (the parameter at column ${col} of the expression)`);
    }
    const base = labelled(fn, () => build(expression, ast, values));
    Object.freeze(values);

    // Variants for per-call parameter values, most recent first (a training loop sweeping β reuses them).
    const variants = new Map<string, Compiled>();
    const name = label(expression);
    const variant = (f: string, o: Record<string, unknown> | undefined): Compiled => {
      if (o === undefined || nameList.length === 0) return base;
      let differs = false;
      const vals: Record<string, number> = Object.assign(Object.create(null) as object, values);
      for (const p of nameList) {
        const v = Object.prototype.hasOwnProperty.call(o, p) ? o[p] : undefined;
        if (v === undefined) continue;
        vals[p] = checkFinite(f, v, `options.${p}`);
        if (!Object.is(vals[p], values[p])) differs = true;
      }
      if (!differs) return base;
      const key = valuesKey(nameList, vals);
      let c = variants.get(key);
      if (c === undefined) {
        c = labelled(f, () => build(expression, ast, vals));
        if (variants.size >= 16) variants.delete(variants.keys().next().value!);
      } else {
        variants.delete(key);
      }
      variants.set(key, c);
      return c;
    };

    const keys = ['out', 'dtype', ...nameList];
    const run = (c: Run): void => engine.runProgram(c.program, c.inputs, c.out);
    const runAsync = (f: string, c: Run, signal: AbortSignal | undefined): Promise<void> => engine.runProgramAsync(f, c.program, c.inputs, c.out, signal);
    const result = (c: Run): LiveArray => c.finish();

    const [act, actAsync] = entryPair<Run>(name, keys, {
      prepare(f, k, x, options) {
        const xv = checkStorageArray(f, x, 'x');
        const n = xv.length;
        const o = takeOpts(f, options, k);
        const xs = resolveDtype(f, xv, 'x', o?.dtype);
        const out = takeOutStored(f, o?.out, xs, 'x', [[xs, 'x']]);
        const [y, done] = outputFor(out, xs);
        const program = programFor(f, variant(f, o), 'forward', widened(xs));
        return { opts: o, program, inputs: [widened(xs)], out: y, finish: () => (done(), returned(out)), arrays: [[xv, 'x', n], [out.a, 'options.out', n]] };
      },
      run, runAsync, result,
    });
    const [backward, backwardAsync] = entryPair<Run>(`${name}.backward`, keys, {
      prepare(f, k, dy, x, options) {
        const xv = checkStorageArray(f, x, 'x');
        const n = xv.length;
        const o = takeOpts(f, options, k);
        const xs = resolveDtype(f, xv, 'x', o?.dtype);
        const dys = checkLikeStored(f, dy, 'dy', xs, 'x');
        const out = takeOutStored(f, o?.out, xs, 'x', [[xs, 'x'], [dys, 'dy']]);
        const [y, done] = outputFor(out, xs);
        const program = programFor(f, variant(f, o), 'backward', widened(xs));
        return {
          opts: o, program, inputs: [widened(xs), widened(dys)], out: y, finish: () => (done(), returned(out)),
          arrays: [[xv, 'x', n], [dys.a, 'dy', n], [out.a, 'options.out', n]],
        };
      },
      run, runAsync, result,
    });
    const compiled = withProps<CompiledActivation<string>>(act, name, {
      async: actAsync,
      backward: withProps(backward, 'backward', { async: backwardAsync }),
      expression,
      params: values,
      program: publicCopy(base.forward),
      backwardProgram: publicCopy(base.backward),
    });
    Object.defineProperty(compiled, 'disassemble', {
      value: () => `; forward\n${disassemble(base.forward)}\n; backward\n${disassemble(base.backward)}`,
    });
    privatePrograms.set(compiled, base);
    return compiled;
  };
}
