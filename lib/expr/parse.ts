/**
 * Tokenizer and recursive-descent parser of activation expressions. The text
 * is data: it becomes an AST, never JavaScript.
 *
 *   expr    := term (('+' | '-') term)*
 *   term    := unary (('*' | '/') unary)*
 *   unary   := ('-' | '+') unary | power
 *   power   := primary ('^' exponent)?          exponent: an integer, e.g. 2, -1, (-2)
 *   primary := number | 'x' | param | name '(' args ')' | '(' expr ')' | string
 *   args    := arg (',' arg)*      arg := (name '=')? expr
 *
 * `-x^2` is −(x²), as in mathematics; `x^2^3` is refused as ambiguous. String
 * literals ('tanh') only make sense as enum parameters of built-in ops.
 * Errors are SyntaxErrors carrying the 1-based `column` and what was `expected`.
 */

export type Ast =
  | { readonly kind: 'num'; readonly value: number; readonly col: number }
  | { readonly kind: 'str'; readonly value: string; readonly col: number }
  | { readonly kind: 'x'; readonly col: number }
  | { readonly kind: 'param'; readonly name: string; readonly col: number }
  | { readonly kind: 'neg'; readonly arg: Ast; readonly col: number }
  | { readonly kind: 'bin'; readonly op: '+' | '-' | '*' | '/'; readonly left: Ast; readonly right: Ast; readonly col: number }
  | { readonly kind: 'pow'; readonly base: Ast; readonly exp: number; readonly col: number }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly CallArg[]; readonly col: number };

export interface CallArg {
  /** Set for `name = value` arguments. */
  readonly name?: string;
  readonly value: Ast;
  readonly col: number;
}

/** The SyntaxError of a bad expression: where (1-based column) and what was expected there. */
export class ExpressionError extends SyntaxError {
  readonly column: number;
  readonly expected: string;
  readonly expression: string;
  constructor(expression: string, column: number, expected: string, found: string) {
    const caret = expression.length <= 120 ? `\n  ${expression}\n  ${' '.repeat(column - 1)}^` : '';
    super(`Expected ${expected} at column ${column} but found ${found}${caret}`);
    this.name = 'SyntaxError';
    this.column = column;
    this.expected = expected;
    this.expression = expression;
  }
}

/**
 * A limit or a range an expression's values exceed (its length, a parameter
 * value outside its op's range): a RangeError, labelled like ExpressionError.
 */
export class ExpressionRangeError extends RangeError {}

type TokKind = 'num' | 'name' | 'str' | 'op' | 'end';
interface Token {
  readonly kind: TokKind;
  readonly text: string;
  /** 1-based column of the first character. */
  readonly col: number;
  readonly value?: number;
}

const OPS = '+-*/^(),=';

function describeToken(t: Token): string {
  if (t.kind === 'end') return 'the end of the expression';
  if (t.kind === 'num') return `the number ${t.text}`;
  if (t.kind === 'name') return `the name ${t.text}`;
  if (t.kind === 'str') return `the string ${t.text}`;
  return `'${t.text}'`;
}

function tokenize(src: string): Token[] {
  const toks: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const col = i + 1;
    if ((c >= '0' && c <= '9') || (c === '.' && i + 1 < n && src[i + 1] >= '0' && src[i + 1] <= '9')) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i))!;
      const text = m[0];
      // "1e" or "1e+" without digits: the regex stopped before the exponent; reject it explicitly.
      const next = src[i + text.length];
      if (next === 'e' || next === 'E') {
        let j = i + text.length + 1;
        if (src[j] === '+' || src[j] === '-') j++;
        throw new ExpressionError(src, j + 1, 'the digits of an exponent', j < n ? `'${src[j]}'` : 'the end of the expression');
      }
      toks.push({ kind: 'num', text, col, value: Number(text) });
      i += text.length;
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_') {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      toks.push({ kind: 'name', text: m[0], col });
      i += m[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new ExpressionError(src, n + 1, `a closing ${c}`, 'the end of the expression');
      toks.push({ kind: 'str', text: src.slice(i, end + 1), col, value: undefined });
      i = end + 1;
      continue;
    }
    if (OPS.includes(c)) {
      toks.push({ kind: 'op', text: c, col });
      i++;
      continue;
    }
    if (c === '×' || c === '·') throw new ExpressionError(src, col, "'*' for a product", `'${c}'`);
    throw new ExpressionError(src, col, "a number, a name, an operator (+ - * / ^), '(' or ')'", `the character '${c}'`);
  }
  toks.push({ kind: 'end', text: '', col: n + 1 });
  return toks;
}

/**
 * Limits that keep every later pass (lowering, differentiation, code
 * generation: all recursive) far from the JS stack's end. An activation is a
 * handful of units; these are two orders of magnitude above that.
 */
export const MAX_OPERATIONS = 2000;
export const MAX_NESTING = 200;
/**
 * Characters of a source: checked before tokenizing, so a huge string costs
 * nothing. 2000 operations with long names and numbers fit well inside.
 */
export const MAX_SOURCE_LENGTH = 1 << 16;

/** Parses `src` into an AST; throws ExpressionError (a SyntaxError) on bad input. */
export function parse(src: string): Ast {
  if (src.length > MAX_SOURCE_LENGTH) {
    throw new ExpressionRangeError(`Expected an expression of at most ${MAX_SOURCE_LENGTH} characters for expression but received a string of length ${src.length}`);
  }
  const toks = tokenize(src);
  let p = 0;
  let operations = 0;
  let depth = 0;
  const count = (t: Token): void => {
    if (++operations > MAX_OPERATIONS) {
      throw new ExpressionError(src, t.col, `an expression of at most ${MAX_OPERATIONS} operations`, 'more');
    }
  };
  const peek = (): Token => toks[p];
  const isOp = (t: Token, s: string): boolean => t.kind === 'op' && t.text === s;
  const fail = (t: Token, expected: string): never => {
    throw new ExpressionError(src, t.col, expected, describeToken(t));
  };
  const expectOp = (s: string, what = `'${s}'`): Token => {
    const t = peek();
    if (!isOp(t, s)) fail(t, what);
    p++;
    return t;
  };

  function expr(): Ast {
    let left = term();
    for (;;) {
      const t = peek();
      if (isOp(t, '+') || isOp(t, '-')) {
        p++;
        count(t);
        left = { kind: 'bin', op: t.text as '+' | '-', left, right: term(), col: t.col };
      } else {
        return left;
      }
    }
  }

  function term(): Ast {
    let left = unary();
    for (;;) {
      const t = peek();
      if (isOp(t, '*') || isOp(t, '/')) {
        p++;
        count(t);
        left = { kind: 'bin', op: t.text as '*' | '/', left, right: unary(), col: t.col };
      } else {
        return left;
      }
    }
  }

  function unary(): Ast {
    const t = peek();
    if (++depth > MAX_NESTING) throw new ExpressionError(src, t.col, `at most ${MAX_NESTING} levels of nesting`, 'more');
    try {
      if (isOp(t, '-')) {
        p++;
        count(t);
        return { kind: 'neg', arg: unary(), col: t.col };
      }
      if (isOp(t, '+')) {
        p++;
        return unary();
      }
      return power();
    } finally {
      depth--;
    }
  }

  function exponent(): number {
    const open = isOp(peek(), '(');
    if (open) p++;
    let sign = 1;
    if (isOp(peek(), '-')) {
      sign = -1;
      p++;
    } else if (isOp(peek(), '+')) {
      p++;
    }
    const t = peek();
    if (t.kind !== 'num' || !Number.isInteger(t.value) || /[.eE]/.test(t.text) || t.value! > 1024) {
      fail(t, 'an integer exponent (at most 1024 in magnitude; use exp and log for other powers)');
    }
    p++;
    if (open) expectOp(')');
    return sign * t.value!;
  }

  function power(): Ast {
    const base = primary();
    const t = peek();
    if (!isOp(t, '^')) return base;
    p++;
    count(t);
    const e = exponent();
    const after = peek();
    if (isOp(after, '^')) fail(after, "parentheses around the power, as (a^b)^c: a^b^c is ambiguous");
    return { kind: 'pow', base, exp: e, col: t.col };
  }

  function primary(): Ast {
    const t = peek();
    if (t.kind === 'num') {
      p++;
      return { kind: 'num', value: t.value!, col: t.col };
    }
    if (t.kind === 'str') {
      p++;
      return { kind: 'str', value: t.text.slice(1, -1), col: t.col };
    }
    if (t.kind === 'name') {
      p++;
      if (isOp(peek(), '(')) {
        p++;
        count(t);
        const args: CallArg[] = [];
        if (isOp(peek(), ')')) fail(peek(), `an argument of ${t.text}`);
        for (;;) {
          const a = peek();
          let name: string | undefined;
          if (a.kind === 'name' && isOp(toks[p + 1], '=')) {
            name = a.text;
            p += 2;
          }
          args.push({ name, value: expr(), col: a.col });
          const sep = peek();
          if (isOp(sep, ',')) {
            p++;
            continue;
          }
          if (isOp(sep, ')')) {
            p++;
            break;
          }
          fail(sep, `',' or ')' to close the arguments of ${t.text} (opened at column ${t.col + t.text.length})`);
        }
        return { kind: 'call', name: t.text, args, col: t.col };
      }
      if (t.text === 'x') return { kind: 'x', col: t.col };
      return { kind: 'param', name: t.text, col: t.col };
    }
    if (isOp(t, '(')) {
      p++;
      const e = expr();
      expectOp(')', `')' to close the '(' at column ${t.col}`);
      return e;
    }
    return fail(t, "a number, x, a parameter name, a function call or '('");
  }

  const root = expr();
  const t = peek();
  if (t.kind !== 'end') {
    if (t.kind === 'num' || t.kind === 'name' || isOp(t, '(')) {
      fail(t, "an operator (+ - * / ^) or the end of the expression (write 2*x, not 2x)");
    }
    fail(t, "an operator (+ - * / ^) or the end of the expression");
  }
  return root;
}
