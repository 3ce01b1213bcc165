/**
 * What the public API needs from an implementation. The API layer has
 * already validated everything and resolved parameters (converted to the
 * array's type, enums to their index), so a backend trusts its arguments.
 */
import type { FloatArray } from './types';
import { unaryOps, unaryNames } from './ops';

export interface Backend {
  readonly name: 'native' | 'js';
  /** y[i] = op(x[i]); x and y are the same view or disjoint, same type and length. */
  unary(id: number, x: FloatArray, y: FloatArray, a: number, b: number): void;
  /** The same work off the event loop; resolves when y is written. Absent: the API runs `unary` later on the JS thread. */
  unaryAsync?(id: number, x: FloatArray, y: FloatArray, a: number, b: number): Promise<void>;

  /**
   * Runs a compiled expression program (format, opcode table and semantics:
   * lib/expr/opcodes.ts; CALL's op ids are registry order) element-wise:
   * inputs[0] is x (and inputs[1] dy for backward programs), all of out's type
   * and length; out is one of the inputs itself or shares no byte with them.
   * Returns false when it does not handle the program (an opcode or format
   * version it does not know): the JS interpreter (lib/expr/interp.ts) runs it.
   */
  runProgram?(code: Int32Array, consts: Float64Array, inputs: readonly FloatArray[], out: FloatArray): boolean;
  /** runProgram off the event loop; resolves when out is written. The arrays stay referenced by the caller until then. */
  runProgramAsync?(code: Int32Array, consts: Float64Array, inputs: readonly FloatArray[], out: FloatArray): Promise<void> | false;
  /** Facts for info(). */
  readonly isa: string;
  readonly isas: string[];
  threads(): number;
  readonly loadError: string | null;
}

const jsUnary = unaryNames.map((n) => unaryOps[n].js);

/** The pure-JS twin: every op, both dtypes, on the calling thread. */
export function createJsBackend(loadError: string | null = null): Backend {
  return {
    name: 'js',
    unary(id, x, y, a, b) {
      jsUnary[id](x, y, a, b);
    },
    isa: 'js',
    isas: ['js'],
    threads: () => 1,
    loadError,
  };
}
