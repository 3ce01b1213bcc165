/**
 * The process's API instance: native when the addon loads, else the JS twin.
 * ACTIVATION_KERNELS_BACKEND=js forces the twin; =native makes a failed load
 * an error instead of a fallback. A fallback the user did not ask for is
 * 20-100x slower, so it is said once (a process warning with a code, which
 * `node --disable-warning=ACTIVATION_KERNELS_FALLBACK` or choosing the twin
 * explicitly silences).
 */
import { isMainThread } from 'node:worker_threads';
import { createApi, type Api } from './api/index';
import type { Backend } from './backend/backend';
import { createJsBackend } from './backend/js';
import { loadNative } from './backend/native';

const BACKENDS = ['auto', 'native', 'js'];

/** ACTIVATION_KERNELS_BACKEND as a choice ('auto' when unset), with the problem of an unusable value. */
export function backendChoice(v: string | undefined = process.env.ACTIVATION_KERNELS_BACKEND): { want: string; problem: string | null } {
  const want = (v ?? '').trim().toLowerCase() || 'auto';
  if (BACKENDS.includes(want)) return { want, problem: null };
  return { want: 'auto', problem: `ACTIVATION_KERNELS_BACKEND=${JSON.stringify(v)} is not one of ${BACKENDS.join(', ')}; choosing automatically` };
}

// Worker threads start with a copy of the environment: one created after the main
// thread warned does not warn again. The pid keeps child processes (which inherit
// the environment too) warning for themselves.
const WARNED = 'ACTIVATION_KERNELS_FALLBACK_WARNED';

function warnFallback(why: string): void {
  if (process.env[WARNED] === String(process.pid)) return;
  process.env[WARNED] = String(process.pid);
  process.emitWarning(
    `activation-kernels is running on its pure-JS twin, 20-100x slower than the native addon: ${why} ` +
      'Set ACTIVATION_KERNELS_BACKEND=js to choose the twin and silence this warning.',
    { code: 'ACTIVATION_KERNELS_FALLBACK' },
  );
}

function pickBackend(): Backend {
  const { want, problem } = backendChoice();
  if (problem && isMainThread) process.emitWarning(problem, { code: 'ACTIVATION_KERNELS_BACKEND' });
  if (want === 'js') return createJsBackend(null);
  const native = loadNative();
  if (native.backend) return native.backend;
  if (want === 'native') {
    throw new Error(`activation-kernels: ACTIVATION_KERNELS_BACKEND=native but the native addon could not load: ${native.error}`);
  }
  const why = problem ? `${problem}; ${native.error}` : native.error;
  warnFallback(why);
  return createJsBackend(why);
}

export const api: Api = createApi(pickBackend());
