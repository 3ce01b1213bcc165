/**
 * Runs the native guard-page test (native/tests/guard_test.cc, built next to the
 * addon by npm run build:native): every kernel x ISA level x length 0..192 with its
 * arrays against PROT_NONE pages, canaries around them, tail = main-loop results,
 * and the caller's MXCSR (FTZ/DAZ/rounding/flags) preserved and not obeyed.
 */
import { describe, it } from 'vitest';
import { runGuardExe } from './native-guard-run';

describe('native guard-page test', () => {
  it('touches no byte outside [0, n) for any kernel, level and length', () => {
    runGuardExe('ak_native_test', 'kernels', 60_000, 1000);
  });
});
