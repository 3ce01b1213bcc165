import { describe, expect, it } from 'vitest';
import { api } from '../lib/instance-js';
import { parse, ExpressionError } from '../lib/expr/parse';
import { evaluate } from '../lib/expr/evaluate';
import { errorOf } from './error-of';

const { compile } = api;

function at1(expr: string, x: number, params?: Record<string, number>): number {
  return compile(expr, { params })(new Float64Array([x]))[0];
}

describe('expression parser', () => {
  it('follows the usual precedence and associativity', () => {
    expect(at1('-x^2', 3)).toBe(-9);
    expect(at1('(-x)^2', 3)).toBe(9);
    expect(at1('x - 1 - 1', 5)).toBe(3);
    expect(at1('x / 2 / 4', 8)).toBe(1);
    expect(at1('2 + 3 * x', 2)).toBe(8);
    expect(at1('(2 + 3) * x', 2)).toBe(10);
    expect(at1('x^-1', 4)).toBe(0.25);
    expect(at1('x^(-2)', 2)).toBe(0.25);
    expect(at1('x^+3', 2)).toBe(8);
    expect(at1('- - x', 2)).toBe(2);
    expect(at1('+x', 2)).toBe(2);
    expect(at1('.5e1 * x + 1E-1', 1)).toBeCloseTo(5.1, 15);
    expect(at1('  x\t*\n2 ', 1.5)).toBe(3);
  });

  it('reads parameters, unit functions and registry ops with positional, named and enum arguments', () => {
    expect(at1('x * sigmoid(beta * x)', 1, { beta: 2 })).toBe(1 / (1 + Math.exp(-2)));
    expect(at1('max(x, 0) + min(x, 0)', -3)).toBe(-3);
    expect(at1('select(x, 1, 2)', -1)).toBe(2);
    expect(at1('elu(x, 0.5)', -1)).toBe(api.elu(new Float64Array([-1]), { alpha: 0.5 })[0]);
    expect(at1('elu(x, alpha = a)', -1, { a: 0.5 })).toBe(api.elu(new Float64Array([-1]), { alpha: 0.5 })[0]);
    expect(at1("gelu(x, 'tanh')", 0.7)).toBe(api.gelu(new Float64Array([0.7]), { approximate: 'tanh' })[0]);
    expect(at1('gelu(x, approximate = "none")', 0.7)).toBe(api.gelu(new Float64Array([0.7]))[0]);
    expect(at1('hardTanh(x, -2, max = 2 * k)', 5, { k: 1.5 })).toBe(3);
    // softplus alone is the unit log(1 + e^x); with parameters it is the registry op (threshold included).
    expect(at1('softplus(x)', 30)).toBe(30 + Math.log1p(Math.exp(-30)));
    expect(at1('softplus(x, 1, 20)', 30)).toBe(30);
  });

  const bad: [string, number, RegExp][] = [
    ['', 1, /a number, x, a parameter name/],
    ['x *', 4, /a number, x, a parameter name/],
    ['x * sigmoid(x', 14, /',' or '\)' to close the arguments of sigmoid/],
    ['(x + 1', 7, /'\)' to close the '\(' at column 1/],
    ['x + 1)', 6, /an operator .* or the end of the expression/],
    ['2x', 2, /write 2\*x, not 2x/],
    ['x^0.5', 3, /an integer exponent/],
    ['x^y', 3, /an integer exponent/],
    ['x^2^3', 4, /a\^b\^c is ambiguous/],
    ['x @ 2', 3, /the character '@'/],
    ['x × 2', 3, /'\*' for a product/],
    ['1e+', 4, /the digits of an exponent/],
    ['foo(x)', 1, /a known function .*relu/],
    ['sigmoid', 8, /'\(' after the function name sigmoid/],
    ['max(x)', 4, /2 arguments for max/],
    ['sin(x, x)', 8, /1 argument for sin/],
    ['elu(x, x)', 8, /a constant for alpha of elu/],
    ['elu(x, -1)', 8, /a finite number ≥ 0 for alpha of elu/],
    ['elu(x, gamma = 1)', 8, /a parameter of elu \(alpha\)/],
    ['elu(x, 1, 2)', 11, /at most 1 parameter for elu/],
    ['elu(alpha = 1)', 5, /the input of elu as its first argument/],
    ['elu(x, alpha = 1, 2)', 19, /at most 1 parameter|positional ones come first/],
    ["gelu(x, 'fast')", 9, /one of 'none', 'tanh' for approximate of gelu/],
    ['hardTanh(x, 2, 1)', 1, /a number ≤ max \(1\) for min of hardTanh/],
    ["x + 'a'", 5, /a string is only an enum option/],
    ["x + 'a", 7, /a closing '/],
    ['sigmoid()', 9, /an argument of sigmoid/],
    ['x * out', 5, /other than out, signal and dtype/],
  ];

  it.each(bad)('rejects %j with a SyntaxError at column %i', (src, column, what) => {
    const e = errorOf(() => compile(src)) as ExpressionError;
    expect(e).toBeInstanceOf(SyntaxError);
    expect(e.name).toBe('SyntaxError');
    expect(e.column).toBe(column);
    expect(e.message).toMatch(what);
    expect(e.message).toContain(`at column ${column}`);
    expect(e.message.startsWith('compile: Expected ')).toBe(true);
    expect(typeof e.expected).toBe('string');
  });

  it('bounds the size and nesting of an expression with SyntaxErrors, not stack overflows', () => {
    const deep = errorOf(() => compile('sin('.repeat(5000) + 'x' + ')'.repeat(5000))) as ExpressionError;
    expect(deep).toBeInstanceOf(SyntaxError);
    expect(deep.message).toMatch(/at most 200 levels of nesting/);
    const long = errorOf(() => compile(Array.from({ length: 3000 }, () => 'x').join(' + '))) as ExpressionError;
    expect(long).toBeInstanceOf(SyntaxError);
    expect(long.message).toMatch(/at most 2000 operations/);
    // Just inside both limits, everything works (and its derivative too).
    const a = compile(Array.from({ length: 2000 }, () => 'x').join(' + '));
    expect(a(new Float64Array([0.5]))[0]).toBe(1000);
    expect(a.backward(new Float64Array([1]), new Float64Array([0.5]))[0]).toBe(2000);
    const b = compile('sin('.repeat(150) + 'x' + ')'.repeat(150));
    expect(b.backward(new Float64Array([1]), new Float64Array([0]))[0]).toBe(1);
  });

  it('keeps right-nested chains at a few registers (Sethi-Ullman order)', () => {
    const wide = Array.from({ length: 60 }, (_, i) => `sin(${i} * x)`).reduceRight((acc, t) => `(${t} * (${acc}))`, 'x');
    const act = compile(wide);
    expect(act.program.nRegs).toBeLessThanOrEqual(4);
    expect(act.backwardProgram.nRegs).toBeLessThanOrEqual(10);
    const x = new Float64Array([0.3, -1.2]);
    const y = act(x);
    x.forEach((v, i) => {
      let want = v;
      for (let k = 59; k >= 0; k--) want = Math.sin(k * v) * want;
      expect(y[i]).toBe(want);
    });
  });

  it('shows a caret under the column', () => {
    const e = errorOf(() => compile('x * sigmoid(x')) as ExpressionError;
    const lines = e.message.split('\n');
    expect(lines[1]).toBe('  x * sigmoid(x');
    expect(lines[2].indexOf('^')).toBe(2 + e.column - 1);
  });

  it('checks parameter values by name and type', () => {
    expect(errorOf(() => compile('beta * x'))).toBeInstanceOf(TypeError);
    expect(errorOf(() => compile('beta * x')).message).toMatch(/options\.params\.beta .*column 1.* received undefined/);
    expect(errorOf(() => compile('beta * x', { params: { beta: Infinity } }))).toBeInstanceOf(RangeError);
    expect(errorOf(() => compile('beta * x', { params: { beta: '1' as unknown as number } }))).toBeInstanceOf(TypeError);
    expect(errorOf(() => compile('beta * x', { params: { beta: 1, gamma: 2 } })).message).toMatch(/Unknown parameter "gamma".*"beta"/);
    expect(errorOf(() => compile('x', { params: { beta: 1 } })).message).toMatch(/expected none \(there are no parameters\)/);
    expect(errorOf(() => compile('x', { other: 1 } as never))).toBeInstanceOf(TypeError);
    expect(errorOf(() => compile(42 as unknown as string)).message).toMatch(/Expected an expression string for expression but received 42/);
  });

  it('treats the text as data: names that mean something to JavaScript are plain parameters', () => {
    // Were the text ever run as JS these would reach globals; here they are unknown names.
    expect(at1('constructor * x', 2, { constructor: 3 })).toBe(6);
    expect(errorOf(() => compile('process.exit(1)'))).toBeInstanceOf(SyntaxError);
    expect(errorOf(() => compile('eval("1")'))).toBeInstanceOf(SyntaxError);
    expect(errorOf(() => compile('x; 1'))).toBeInstanceOf(SyntaxError);
  });

  it('the reference evaluator reads the same AST', () => {
    expect(evaluate(parse('x * sigmoid(beta * x)'), 1, { beta: 2 })).toBe(1 / (1 + Math.exp(-2)));
    expect(evaluate(parse("gelu(x, 'tanh') + elu(x, alpha = 0.5)"), -0.3)).toBe(
      api.gelu(new Float64Array([-0.3]), { approximate: 'tanh' })[0] + api.elu(new Float64Array([-0.3]), { alpha: 0.5 })[0],
    );
  });
});
