export type UlpDtype = 'float32' | 'float64' | 'float16' | 'bfloat16';

/** SPEC's error of y against ref (+ refLo) in ULPs of the result's type; see test/ulp.cjs. */
export declare function ulpError(y: number, ref: number, dtype: UlpDtype, refLo?: number): number;

/** The ULP of v in the type (the subnormal spacing below the smallest normal). */
export declare function ulpOf(v: number, dtype: UlpDtype): number;

/** The backward pass's error in units of its bound: at most 1 passes (see test/ulp.cjs). */
export declare function backwardError(dx: number, ref: number, dtype: UlpDtype, dy: number, S: number | undefined, ulpCoef: number, epsCoef: number, refLo?: number): number;

/** Machine epsilon of each type: the ε of the backward bound. */
export declare const EPS: Readonly<Record<UlpDtype, number>>;

/** Slack over 0.5 ULP for "exact" ops, for the reference's own float64 rounding. */
export declare const EXACT_SLACK: number;

export declare const TYPES: Readonly<Record<UlpDtype, { mant: number; minNormal: number; subUlp: number; maxExp: number; keepSubnormals?: boolean }>>;
