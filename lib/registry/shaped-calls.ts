/**
 * The ShapedCall ops (lib/types.ts) a backend receives, in the order of their
 * native op codes (the index is the code native/napi/shaped.cc switches on), each
 * with the arrays it passes positionally and the meaning of its one number.
 */
import type { ShapedOpDef } from './ops';

export const shapedCalls = [
  'softmax', 'logSoftmax', 'softmaxBackward', 'logSoftmaxBackward', 'prelu', 'preluBackward', 'maxout', 'maxoutBackward',
  'softmin', 'softminBackward', 'hardmax', 'hardmaxBackward',
] as const satisfies readonly (ShapedOpDef['call'] | ShapedOpDef['backwardCall'])[];

export type ShapedCallName = (typeof shapedCalls)[number];
