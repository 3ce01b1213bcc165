/** activation-kernels/js: the same API, always computed by the pure-JS twin. */
import { api } from './instance-js';

export * from './generated/js-exports';
export type {
  Api, UnaryActivation, UnaryBackward, UnaryBackwardOptions, Softmax, Prelu, PreluGrad, Maxout,
  CompiledActivation, CompiledBackward, CompileOptions, ParamValues, Stats, StatsOptions, StatsOp, Moments,
} from './api/index';
export type { FloatArray, Dtype, Info, OutOptions, AsyncOptions, BackwardOptions, ShapedCall, SoftmaxOptions, SoftmaxBackwardOptions, PreluOptions, MaxoutOptions } from './types';
export { unaryOps, unaryNames, shapedOps, shapedNames, requiredOptions } from './registry/ops';
export type { UnaryName, UnaryOpDef, ParamDef, BackwardDef, ShapedName, ShapedOpDef, StatsOpName } from './registry/ops';
export default api;
