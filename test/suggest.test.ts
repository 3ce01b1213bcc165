/**
 * Issue 19 item 14: a misspelt option, op, enum value or expression function
 * gets a "did you mean" with the right name; a from-y backward without x
 * names options.y. Both backends share the validation, so both are checked.
 */
import { describe, expect, it } from 'vitest';
import ak from '../lib/index';
import akjs from '../lib/js';
import { suggest } from '../lib/validate/suggest';

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('did not throw');
};

describe.each([{ label: 'default', api: ak }, { label: 'js', api: akjs }])('did you mean ($label)', ({ api }) => {
  const x = new Float32Array(4);
  it.each([
    ['softmax dim -> axis', () => api.softmax(x, { dim: 0 } as never), 'softmax: Unknown option "dim" in options (did you mean "axis"?); expected one of'],
    ['elu alpah -> alpha', () => api.elu(x, { alpah: 1 } as never), 'elu: Unknown option "alpah" in options (did you mean "alpha"?)'],
    ['leakyRelu negative_slope -> alpha', () => api.leakyRelu(x, { negative_slope: 0.1 } as never), '(did you mean "alpha"?)'],
    ['stats chanelAxis', () => api.stats(x, { chanelAxis: 0 } as never), '(did you mean "channelAxis"?)'],
    ['stats op gelo', () => api.stats(x, { op: 'gelo' } as never), 'received "gelo" of type string (did you mean "gelu"?)'],
    ['gelu approximate tanhh', () => api.gelu(x, { approximate: 'tanhh' } as never), 'received "tanhh" of type string (did you mean "tanh"?)'],
    ['compile gelo(x)', () => api.compile('gelo(x)'), 'the unknown function gelo (did you mean gelu?)'],
    ['sigmoid.backward without x or y', () => api.sigmoid.backward(x, null as never), 'for x (or null, with the forward output sigmoid(x) as options.y) but received null'],
  ])('%s', (_, f, text) => {
    expect(message(f)).toContain(text);
  });

  it('says nothing when no name is close', () => {
    expect(message(() => api.elu(x, { zzzzzz: 1 } as never))).not.toContain('did you mean');
    expect(message(() => api.gelu(x, { approximate: 'xyz' } as never))).not.toContain('did you mean');
  });
});

describe('suggest', () => {
  it('takes the closest candidate within a third of the length, case-insensitive, with transpositions', () => {
    expect(suggest('Alpha', ['alpha', 'out'])).toBe('alpha');
    expect(suggest('sihmoid', ['sigmoid', 'softmax'])).toBe('sigmoid');
    expect(suggest('sigmoid', ['sigmoid'])).toBe('sigmoid');
    expect(suggest('ab', ['xy'])).toBeUndefined();
    expect(suggest('x'.repeat(100), ['x'])).toBeUndefined();
  });
});
