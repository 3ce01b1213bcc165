/** activation-kernels/js: the same API, always computed by the pure-JS twin. */
import { api } from './instance-js';

export * from './generated/js-exports';
export type { Api, UnaryActivation } from './api';
export type { FloatArray, Dtype, Info, OutOptions, AsyncOptions, BackwardOptions } from './types';
export { unaryOps, unaryNames } from './ops';
export type { UnaryName, UnaryOpDef, ParamDef } from './ops';
export default api;
