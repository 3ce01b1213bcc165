/**
 * The lists the C++ side is built from (scripts/gen-native.cjs writes them
 * into native/registry/*.inc), taken from the registry so they cannot drift:
 * plain arrays of strings, in the order the native side numbers them.
 */
import { unaryNames, unaryOps } from './ops';
import { shapedCalls } from './shaped-calls';

export interface NativeLists {
  /** Unary op names in op-id order (the id the API passes is the index). */
  readonly unary: string[];
  /** Each unary op's parameter names, in the order the API passes them (a, b), by op id. */
  readonly unaryParams: string[][];
  /** The shaped calls in native op-code order (the code is the index). */
  readonly shaped: string[];
  /** Unary ops whose backward can take y = f(x) instead of x (a FromY kernel each), in op-id order. */
  readonly backwardFromY: string[];
}

export function nativeLists(): NativeLists {
  return {
    unary: unaryNames.slice(),
    unaryParams: unaryNames.map((n) => unaryOps[n].params.map((p) => p.name)),
    shaped: shapedCalls.slice(),
    backwardFromY: unaryNames.filter((n) => unaryOps[n].backwardUsesY),
  };
}
