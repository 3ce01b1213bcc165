/**
 * activation-kernels: neural-network activation functions, forward and
 * backward, on Float32Array and Float64Array, native (SIMD, threaded) when the
 * addon loads and pure JS otherwise, with the same API and accuracy contract.
 */
import { api } from './instance';

export * from './generated/index-exports';
export type {
  Api, UnaryActivation, UnaryBackward, UnaryBackwardOptions, Softmax, Prelu, PreluGrad, Maxout,
  CompiledActivation, CompiledBackward, CompileOptions, ParamValues, Stats, StatsOptions, StatsOp, Moments,
} from './api/index';
export type { FloatArray, Dtype, Info, OutOptions, AsyncOptions, BackwardOptions, ShapedCall, SoftmaxOptions, SoftmaxBackwardOptions, PreluOptions, MaxoutOptions } from './types';
export { unaryOps, unaryNames, shapedOps, shapedNames, requiredOptions } from './registry/ops';
export type { UnaryName, UnaryOpDef, ParamDef, BackwardDef, ShapedName, ShapedOpDef, StatsOpName } from './registry/ops';
export default api;
