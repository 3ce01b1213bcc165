/**
 * stats(x, { op, shape, channelAxis }): activation diagnostics in one pass
 * over memory (the scan: Backend.stats, natively, or lib/fallback/stats.ts),
 * with the dead and saturated regions of `op` derived from its derivative
 * (lib/expr/regions.ts).
 */
import { didYouMean } from '../validate/suggest';
import type { Engine } from '../backend/backend';
import type { FloatArray, HalfArray, HalfDtype, Moments } from '../types';
import { checkStorageArray, resolveDtype } from '../validate/dtype';
import { widened } from './half-io';
import { checkFinite } from '../validate/params';
import { checkSplit } from '../validate/shape';
import { Received, checkFloatArray, checkKeys, checkOptionsObject, rangeError, typeError } from '../validate/values';
import { statsAliases, unaryOps, unaryNames, type StatsOpName, type UnaryName, type UnaryOpDef } from '../registry/ops';
import { Acc } from '../fallback/stats';
import { deriveRegions, type Regions } from '../expr/regions';
import { isRegistryOp } from '../expr/registry-ops';
import { compiledOf, type CompiledActivation, type CompileFn } from './compile';
import type { Compiled } from '../expr/build';

/**
 * Channels stats() may report for an empty array (each is an object of the
 * result): above the array's length a channel count only comes from a shape
 * with a zero dimension, and is refused past this before anything is built.
 */
export const MAX_EMPTY_CHANNELS = 1 << 16;

export type { Moments };

export interface Stats extends Moments {
  /** The op whose regions were used (its name, or the compiled expression), or null. */
  op: string | null;
  /** The regions, as derived from the op's derivative. */
  regions: { dead: string | null; saturated: string | null } | null;
  /** With shape and channelAxis: the same per channel. */
  channels?: Moments[];
  /** Channels whose every non-NaN element is in the dead region: the dying-ReLU monitor. */
  deadChannels?: number[];
  /** For op 'selu': mean and variance of selu(x) (self-normalizing when near 0 and 1). */
  selfNormalization?: { mean: number; variance: number; meanError: number; varianceError: number };
}

/** true when S is a bare identifier (an op name, right or wrong), false for an expression. */
type IsIdentifier<S extends string> = S extends '' ? false : IdentifierRest<S>;
type IdentifierRest<S extends string> = S extends '' ? true : S extends `${IdentifierChar}${infer R}` ? IdentifierRest<R> : false;
type IdentifierChar =
  | 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i' | 'j' | 'k' | 'l' | 'm' | 'n' | 'o' | 'p' | 'q' | 'r' | 's' | 't' | 'u' | 'v' | 'w' | 'x' | 'y' | 'z'
  | 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M' | 'N' | 'O' | 'P' | 'Q' | 'R' | 'S' | 'T' | 'U' | 'V' | 'W' | 'X' | 'Y' | 'Z'
  | '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '_';

/**
 * What options.op accepts: an op name (StatsOpName), an expression of x
 * (`'max(x, 0)'`; a bare word that is no op name is refused, as at run
 * time), or a compiled activation.
 */
export type StatsOp<S extends string = StatsOpName> = StatsOpName | (IsIdentifier<S> extends true ? never : S) | CompiledActivation<string>;

export interface StatsOptions<S extends string = StatsOpName> {
  /** A registry op name ('prelu' reads as leakyRelu: the same regions), an expression, or a compiled activation. */
  op?: StatsOp<S>;
  /** Parameters of a registry op (as its options), for ops whose regions depend on them. */
  params?: Readonly<Record<string, number | string>>;
  shape?: readonly number[];
  channelAxis?: number;
  /** What a Uint16Array x holds (required for one): its values, widened exactly, are scanned. */
  dtype?: 'float32' | 'float64' | HalfDtype;
}

export type StatsFn = <S extends string = StatsOpName>(x: FloatArray | HalfArray, options?: StatsOptions<S>) => Stats;

function describeRegions(r: Regions): { dead: string | null; saturated: string | null } {
  const dead = r.deadMax === null ? null : r.deadMax === 0 ? 'x ≤ 0' : 'x < 0';
  const parts: string[] = [];
  if (r.satBelow !== -Infinity) parts.push(r.satBelow === 0 ? 'x ≤ 0' : r.satBelow === -Number.MIN_VALUE ? 'x < 0' : `x ≤ ${r.satBelow}`);
  if (r.satAbove !== Infinity) parts.push(r.satAbove === 0 ? 'x ≥ 0' : r.satAbove === Number.MIN_VALUE ? 'x > 0' : `x ≥ ${r.satAbove}`);
  return { dead, saturated: parts.length ? parts.join(' or ') : null };
}

export function createStats(engine: Engine, compile: CompileFn): StatsFn {
  const regionCache = new Map<string, Regions>();
  const actRegions = new WeakMap<Compiled, Regions>();
  const fn = 'stats';
  const opNames = [...unaryNames, ...Object.keys(statsAliases)];
  const opWhat = `an op name (${opNames.join(', ')}), an expression or a compiled activation`;

  /** The compiled form of a registry op with its parameters, as an expression of this package's language. */
  function opExpression(name: UnaryName, params: Readonly<Record<string, unknown>> | undefined): string {
    const def: UnaryOpDef = unaryOps[name];
    const args: string[] = [];
    if (params !== undefined) checkKeys(fn, params, def.params.map((p) => p.name), 'options.params');
    for (const p of def.params) {
      const v = params?.[p.name];
      if (v === undefined) continue;
      if (p.kind === 'enum') {
        if (typeof v !== 'string' || !p.values.includes(v)) throw typeError(fn, `one of ${p.values.map((s) => JSON.stringify(s)).join(', ')}`, `options.params.${p.name}`, v);
        args.push(`${p.name} = '${v}'`);
      } else {
        checkFinite(fn, v, `options.params.${p.name}`);
        args.push(`${p.name} = ${v}`);
      }
    }
    return `${name}(${['x', ...args].join(', ')})`;
  }

  function regionsOf(op: unknown, params: Record<string, unknown> | undefined): { label: string; regions: Regions; selu: boolean } {
    let act: Compiled | undefined;
    let label: string;
    let selu = false;
    if ((act = compiledOf(op)) !== undefined) {
      if (params !== undefined) throw typeError(fn, 'no options.params with a compiled activation (it carries its own parameters)', 'options.params', params);
      label = (op as CompiledActivation).expression;
    } else if (typeof op === 'string') {
      const name = Object.prototype.hasOwnProperty.call(statsAliases, op) ? statsAliases[op as keyof typeof statsAliases] : op;
      if (/^\s*[A-Za-z_]\w*\s*$/.test(op) && !isRegistryOp(name)) throw typeError(fn, opWhat, 'options.op', op, didYouMean(op, opNames));
      const expr = isRegistryOp(name) ? opExpression(name, params) : op;
      if (!isRegistryOp(name) && params !== undefined) throw typeError(fn, "no options.params with an expression (write the expression's parameters into it)", 'options.params', params);
      selu = name === 'selu';
      label = op;
      const cached = regionCache.get(expr);
      if (cached) return { label, regions: cached, selu };
      const r = deriveRegions(compiledOf(compile(expr))!.backward);
      if (regionCache.size > 64) regionCache.clear();
      regionCache.set(expr, r);
      return { label, regions: r, selu };
    } else {
      throw typeError(fn, opWhat, 'options.op', op);
    }
    let r = actRegions.get(act);
    if (r === undefined) {
      r = deriveRegions(act.backward);
      actRegions.set(act, r);
    }
    return { label, regions: r, selu };
  }

  function channelSplit(shape: unknown, axis: unknown, length: number): { outer: number; C: number; inner: number } {
    const s = checkSplit(fn, shape, axis, length, 'options.channelAxis', () => 0);
    if (s.len > Math.max(length, MAX_EMPTY_CHANNELS)) {
      throw rangeError(fn, `a channel axis of at most ${MAX_EMPTY_CHANNELS} for an array of length ${length} (one result object per channel)`, 'options.shape',
        new Received(`[${s.shape.join(', ')}], whose axis ${s.axis} has ${s.len}`));
    }
    return { outer: s.outer, C: s.len, inner: s.inner };
  }

  return function stats(x: FloatArray | HalfArray, options?: StatsOptions<string>): Stats {
    const xv = checkStorageArray(fn, x, 'x');
    const opts = checkOptionsObject(fn, options, 'options');
    if (opts !== undefined) checkKeys(fn, opts, ['op', 'params', 'shape', 'channelAxis', 'dtype']);
    const xa = widened(resolveDtype(fn, xv, 'x', opts?.dtype));
    const params = checkOptionsObject(fn, opts?.params, 'options.params');
    if (params !== undefined && opts?.op === undefined) throw typeError(fn, 'an options.op alongside (options.params needs options.op)', 'options.op', undefined);
    const hasShape = opts?.shape !== undefined;
    if (hasShape !== (opts?.channelAxis !== undefined)) {
      throw typeError(fn, 'options.shape and options.channelAxis together (per-channel statistics)', 'options', new Received(`only ${hasShape ? 'shape' : 'channelAxis'}`));
    }
    const geo = hasShape ? channelSplit(opts!.shape, opts!.channelAxis, xa.length) : { outer: 1, C: 1, inner: xa.length };
    const reg = opts?.op !== undefined ? regionsOf(opts.op, params) : null;
    const hasDead = reg !== null && reg.regions.deadMax !== null;
    const hasSat = reg !== null;
    // NaN thresholds never match: they stand in for absent regions, so the scan has no branches on them.
    const dM = hasDead ? reg!.regions.deadMax! : NaN;
    const sL = reg && reg.regions.satBelow !== -Infinity ? reg.regions.satBelow : NaN;
    const sH = reg && reg.regions.satAbove !== Infinity ? reg.regions.satAbove : NaN;

    const { outer, C, inner } = geo;
    const out = new Float64Array(8 * (C + 1));
    const seluOut = reg?.selu ? new Float64Array(8) : undefined;
    engine.stats(xa, outer, C, inner, hasShape, dM, sL, sH, out, seluOut);

    const total = Acc.load(out, 8 * C);
    const result: Stats = {
      ...total.moments(hasDead, hasSat),
      count: xa.length,
      op: reg ? reg.label : null,
      regions: reg ? describeRegions(reg.regions) : null,
    };
    if (hasShape) {
      const chans = Array.from({ length: C }, (_, c) => Acc.load(out, 8 * c));
      result.channels = chans.map((a) => a.moments(hasDead, hasSat));
      result.deadChannels = hasDead ? chans.flatMap((a, c) => (a.n > 0 && a.dead === a.n ? [c] : [])) : [];
    }
    if (seluOut) {
      const t = Acc.load(seluOut, 0);
      const mean = t.n ? t.mean : NaN;
      const variance = t.n ? t.m2 / t.n : NaN;
      result.selfNormalization = { mean, variance, meanError: Math.abs(mean), varianceError: Math.abs(variance - 1) };
    }
    return result;
  };
}
