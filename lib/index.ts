/**
 * activation-kernels: neural-network activation functions, forward and
 * backward, on Float32Array and Float64Array, native (SIMD, threaded) when the
 * addon loads and pure JS otherwise, with the same API and accuracy contract.
 */
import { api } from './instance';

export * from './generated/index-exports';
export * from './public';
export default api;
