/**
 * The built-in ops of the registry as functions of the expression language:
 * `elu(x, 0.5)`, `elu(x, alpha = 0.5)`, `gelu(x, 'tanh')`. Their forward
 * value is the registry's own float64 kernel (opcode CALL, op id = position in
 * unaryNames); their derivative is the formula in the expression language
 * that the registry row gives (backward.expr).
 */
import { unaryNames, unaryOps, type UnaryName, type UnaryOpDef } from '../registry/ops';

/** Resolved parameters of a registry op, in declaration order (enum: index). */
export type OpParams = readonly number[];

export function isRegistryOp(name: string): name is UnaryName {
  return Object.prototype.hasOwnProperty.call(unaryOps, name);
}

export function registryDef(id: number): { name: UnaryName; def: UnaryOpDef } {
  const name = unaryNames[id];
  return { name, def: unaryOps[name] };
}

export function registryId(name: UnaryName): number {
  return unaryNames.indexOf(name);
}

const one = new Float64Array(1);

/** The registry op `id` on one float64 value, through its own kernel. */
export function callScalar(id: number, a: number, b: number, x: number): number {
  one[0] = x;
  unaryOps[unaryNames[id]].js(one, one, a, b);
  return one[0];
}

/** The registry op `id` on a whole float64 tile: the interpreter's CALL. */
export function callTile(id: number, a: number, b: number, x: Float64Array, y: Float64Array): void {
  unaryOps[unaryNames[id]].js(x, y, a, b);
}
