/**
 * activation-kernels: neural-network activation functions, forward and
 * backward, on Float32Array and Float64Array, native (SIMD, threaded) when the
 * addon loads and pure JS otherwise, with the same API and accuracy contract.
 */
import { api } from './instance';

export * from './generated/index-exports';
export type { Api, UnaryActivation } from './api';
export type { FloatArray, Dtype, Info, OutOptions, AsyncOptions, BackwardOptions } from './types';
export { unaryOps, unaryNames } from './ops';
export type { UnaryName, UnaryOpDef, ParamDef } from './ops';
export default api;
