/**
 * Source → programs: the forward bytecode of an expression and the backward
 * bytecode of dy times its symbolic derivative, for one set of parameter
 * values. The expression is parsed as data, never evaluated as JS.
 */
import { parse, ExpressionError, type Ast } from './parse';
import { Graph, type Node } from './graph';
import { lower, paramNames } from './lower';
import { differentiate } from './diff';
import { generate, type Program } from './codegen';

export interface Compiled {
  readonly forward: Program;
  readonly backward: Program;
}

/** Lowers a parsed expression for a set of parameter values. */
export function build(src: string, ast: Ast, values: Readonly<Record<string, number>>): Compiled {
  const g = new Graph();
  const x = g.input(0);
  const root = lower(ast, {
    g,
    x,
    src,
    param: (name) => (Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined),
  });
  const forward = generate(root, [x]);
  const dy = g.input(1);
  const d: Node | null = differentiate(g, root, x);
  // A constant expression still multiplies dy by its zero derivative, so NaN and ±Inf in dy stay visible.
  const backward = generate(g.mul(dy, d ?? g.k(0)), [x, dy]);
  return { forward, backward };
}

/** Runs `f`, prefixing an ExpressionError's message with the call's label `fn`. */
export function labelled<T>(fn: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ExpressionError) e.message = `${fn}: ${e.message}`;
    throw e;
  }
}

export { parse, paramNames, ExpressionError, type Ast };
