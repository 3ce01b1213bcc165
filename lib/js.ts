/** activation-kernels/js: the same API, always computed by the pure-JS twin. */
import { api } from './instance-js';

export * from './generated/js-exports';
export * from './public';
export default api;
