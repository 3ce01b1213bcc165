/**
 * Op parameters: the registry's declarations (lib/registry/ops.ts) read from an
 * options object, checked against their ranges and converted to the array's
 * type; and the finite numbers of compile()'s parameters.
 */
import { didYouMean } from './suggest';
import type { ParamDef, UnaryOpDef } from '../registry/ops';
import { rangeError, typeError } from './values';

/** The declared range of a number parameter, as messages say it. */
export function rangeText(p: ParamDef & { kind: 'number' }): string {
  const parts: string[] = [];
  if (p.min !== undefined) parts.push(`${p.minExclusive ? '>' : '≥'} ${p.min}`);
  if (p.max !== undefined) parts.push(`≤ ${p.max}`);
  return parts.length ? `a finite number ${parts.join(' and ')}` : 'a finite number';
}

/** r is finite and within the parameter's declared range. */
export function inRange(p: ParamDef & { kind: 'number' }, r: number): boolean {
  return Number.isFinite(r)
    && (p.min === undefined || (p.minExclusive ? r > p.min : r >= p.min))
    && (p.max === undefined || r <= p.max);
}

/** The note a message adds when float32 rounding is what took a value out of range. */
export function f32Note(x: number, r: number): string {
  return !Object.is(r, x) ? ` (${x} is ${r} in float32)` : '';
}

/**
 * The op's parameters read from `opts` (defaults where absent), converted to
 * the array's type; enums become the index of their value. A fresh pair per
 * call, [a, b] as the kernels take them: a getter in `opts` that calls the API
 * again cannot overwrite values this call has already checked.
 */
export function resolveParams(fn: string, def: UnaryOpDef, opts: Record<string, unknown> | undefined, f32: boolean): [number, number] {
  const params = def.params;
  const P: [number, number] = [0, 0];
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    const v = opts === undefined ? undefined : opts[p.name];
    if (p.kind === 'enum') {
      const s = v === undefined ? p.default : v;
      const k = typeof s === 'string' ? p.values.indexOf(s) : -1;
      if (k < 0) {
        const what = `one of ${p.values.map((x) => JSON.stringify(x)).join(', ')}`;
        throw (typeof s === 'string' ? rangeError : typeError)(fn, what, `options.${p.name}`, v, didYouMean(s, p.values));
      }
      P[i] = k;
      continue;
    }
    let x: number;
    if (v === undefined) {
      if (p.required) throw typeError(fn, `${rangeText(p)} (required)`, `options.${p.name}`, v);
      x = p.default;
    } else {
      if (typeof v !== 'number') throw typeError(fn, rangeText(p), `options.${p.name}`, v);
      x = v;
    }
    const r = f32 ? Math.fround(x) : x;
    if (!inRange(p, r)) throw rangeError(fn, rangeText(p) + f32Note(x, r), `options.${p.name}`, v);
    P[i] = r;
  }
  if (def.check) {
    const bad = def.check(P);
    if (bad) throw rangeError(fn, bad[1], `options.${bad[0]}`, bad[2]);
  }
  return P;
}

/** A finite number (a parameter of a compiled expression). */
export function checkFinite(fn: string, v: unknown, name: string): number {
  if (typeof v !== 'number') throw typeError(fn, 'a finite number', name, v);
  if (!Number.isFinite(v)) throw rangeError(fn, 'a finite number', name, v);
  return v;
}
