/** options.signal of the `.async` calls, and the one AbortError every async path rejects with. */
import { typeError } from './values';

/**
 * The rejection of a call aborted before its work started: an Error named
 * AbortError whose message names the call and whose cause is the signal's
 * reason. `site` (an object Error.captureStackTrace filled when the call was
 * made) gives it the caller's frames, not those of the abort() that stopped it.
 */
export function abortError(fn: string, signal: AbortSignal, site?: { stack?: string }): Error {
  const e = new Error(`${fn}: the operation was aborted before it started`, { cause: signal.reason });
  e.name = 'AbortError';
  if (site) e.stack = `AbortError: ${e.message}${site.stack?.slice(site.stack.indexOf('\n')) ?? ''}`;
  return e;
}

/** options.signal: absent or an AbortSignal. */
export function checkSignal(fn: string, v: unknown): AbortSignal | undefined {
  if (v !== undefined && !(v instanceof AbortSignal)) throw typeError(fn, 'an AbortSignal', 'options.signal', v);
  return v;
}

/** checkSignal, and an AbortError (thrown) when it has already fired. */
export function takeSignal(fn: string, v: unknown): AbortSignal | undefined {
  const signal = checkSignal(fn, v);
  if (signal?.aborted) throw abortError(fn, signal);
  return signal;
}
