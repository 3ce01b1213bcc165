/**
 * Direct float64 evaluation of a parsed expression, node by node on one
 * number, with no simplification, no sharing and no bytecode: the reference
 * the compiled programs (JS and native) are checked against. It uses the
 * scalar semantics of the opcode table and the registry's kernels, so any
 * difference from a compiled program is the compiler's doing.
 */
import type { Ast } from './parse';
import { OP, opcodeTable, powi } from './opcodes';
import { unitFunctions } from './lower';
import { callScalar, isRegistryOp, registryId } from './registry-ops';
import { unaryOps, type UnaryOpDef } from '../registry/ops';

export function evaluate(ast: Ast, x: number, params: Readonly<Record<string, number>> = {}): number {
  const ev = (a: Ast): number => evaluate(a, x, params);
  switch (ast.kind) {
    case 'num':
      return ast.value;
    case 'x':
      return x;
    case 'param': {
      const v = Object.prototype.hasOwnProperty.call(params, ast.name) ? params[ast.name] : undefined;
      if (typeof v !== 'number') throw new Error(`no value for the parameter ${ast.name}`);
      return v;
    }
    case 'str':
      throw new Error('a string is not a value');
    case 'neg':
      return -ev(ast.arg);
    case 'pow':
      return powi(ev(ast.base), ast.exp);
    case 'bin': {
      const a = ev(ast.left);
      const b = ev(ast.right);
      return ast.op === '+' ? a + b : ast.op === '-' ? a - b : ast.op === '*' ? a * b : a / b;
    }
    case 'call': {
      const unit = unitFunctions[ast.name];
      const plain = ast.args.every((a) => a.name === undefined);
      if (unit !== undefined && plain && (ast.args.length === unit.arity || !isRegistryOp(ast.name))) {
        const v = ast.args.map((a) => ev(a.value));
        if (unit.opcode === 'SELPOS') return v[0] > 0 ? v[1] : v[0] <= 0 ? v[2] : NaN;
        return opcodeTable[OP[unit.opcode]].f(v[0], v[1] ?? 0);
      }
      if (!isRegistryOp(ast.name)) throw new Error(`unknown function ${ast.name}`);
      const def: UnaryOpDef = unaryOps[ast.name];
      const p: number[] = def.params.map((d) => (d.kind === 'enum' ? d.values.indexOf(d.default) : d.default));
      ast.args.slice(1).forEach((a, i) => {
        const k = a.name === undefined ? i : def.params.findIndex((d) => d.name === a.name);
        const d = def.params[k];
        p[k] = d.kind === 'enum' ? d.values.indexOf((a.value as Ast & { kind: 'str' }).value) : ev(a.value);
      });
      return callScalar(registryId(ast.name), p[0] ?? 0, p[1] ?? 0, ev(ast.args[0].value));
    }
  }
}
