/**
 * Runs the native guard-page test of the backward and shaped kernels
 * (native/tests/shaped_guard_test.cc, built next to the addon by npm run
 * build:native): every unary backward (from x and from y) x ISA level x length
 * 0..192, softmax/logSoftmax, prelu and maxout forward and backward over
 * assorted shapes, with every array against PROT_NONE pages; tiles and in-place
 * calls give the whole out-of-place call's results.
 */
import { describe, it } from 'vitest';
import { runGuardExe } from './native-guard-run';

describe('native guard-page test of the backward and shaped kernels', () => {
  it('touches no byte outside the arrays for any kernel, level, length and shape', () => {
    runGuardExe('ak_shaped_test', 'backward kernels', 120_000, 10000);
  });
});
