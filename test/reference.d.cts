/** Parameters of one call, by name, already converted to the array's type; enums as their string value. */
export type RefParams = Readonly<Record<string, number | string>>;

/** The reference of one op: the exact value rounded to float64 (its remainder in lastLo()). */
export type RefOp = (x: number, p: RefParams) => number;

/** Keyed by the registry's op names. */
export declare const ops: Readonly<Record<string, RefOp>>;

/** The low part of the last op's exact value: value = result + lastLo() (0 where exact or not finite). */
export declare function lastLo(): number;

/** Double-double helpers ([hi, lo]), exported for their own tests. */
export declare const math: {
  readonly exp: (x: number) => [number, number];
  readonly expm1: (x: number) => [number, number];
  readonly log1p: (x: number) => [number, number];
  readonly tanh: (x: number) => [number, number];
  readonly erf: (x: number) => [number, number];
  readonly erfc: (x: number) => [number, number];
};
