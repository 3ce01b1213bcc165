/** What both entry points (activation-kernels and activation-kernels/js) export besides their API instance. */
export type {
  Api, UnaryActivation, UnaryBackward, UnaryBackwardOptions, Softmax, Hardmax, Prelu, PreluGrad, Maxout, Gated, GatedGrad, GatedOptions,
  CompiledActivation, CompiledBackward, CompileOptions, ParamValues, Stats, StatsOptions, StatsOp, Moments,
} from './api/index';
export type { FloatArray, Dtype, Info, OutOptions, AsyncOptions, BackwardOptions, ShapedCall, SoftmaxOptions, SoftmaxBackwardOptions, PreluOptions, MaxoutOptions } from './types';
export { unaryOps, unaryNames, shapedOps, shapedNames, gatedOps, gatedNames, requiredOptions } from './registry/ops';
export type { UnaryName, UnaryOpDef, ParamDef, BackwardDef, ShapedName, ShapedOpDef, StatsOpName, GatedName, GatedOpDef } from './registry/ops';
