/**
 * Loads the native addon and wraps it as a Backend. Never throws: on any
 * failure it returns the reasons, and the caller falls back to the JS twin.
 * (Placeholder loader until the addon lands: it reports that no binary exists.)
 */
import type { Backend } from './backend';

export type NativeLoad = { backend: Backend; error: null } | { backend: null; error: string };

export function loadNative(): NativeLoad {
  return { backend: null, error: 'the native addon is not part of this build' };
}
