/**
 * The process's API instance: native when the addon loads, else the JS twin.
 * ACTIVATION_KERNELS_BACKEND=js forces the twin; =native makes a failed load
 * an error instead of a silent fallback.
 */
import { createApi, type Api } from './api/index';
import type { Backend } from './backend/backend';
import { createJsBackend } from './backend/js';
import { loadNative } from './backend/native';

function pickBackend(): Backend {
  const want = (process.env.ACTIVATION_KERNELS_BACKEND ?? '').trim().toLowerCase();
  if (want === 'js') return createJsBackend(null);
  const native = loadNative();
  if (native.backend) return native.backend;
  if (want === 'native') {
    throw new Error(`activation-kernels: ACTIVATION_KERNELS_BACKEND=native but the native addon could not load: ${native.error}`);
  }
  let why = native.error;
  if (want !== '' && want !== 'auto') why = `ACTIVATION_KERNELS_BACKEND=${JSON.stringify(want)} is not one of js, native, auto; ${why}`;
  return createJsBackend(why);
}

export const api: Api = createApi(pickBackend());
