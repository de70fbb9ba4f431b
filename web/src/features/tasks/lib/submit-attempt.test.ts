import { describe, expect, it } from 'vitest';

import { SubmitAttempts } from './submit-attempt';

function attempts() {
  let n = 0;
  return new SubmitAttempts(() => `key-${++n}`);
}

describe('SubmitAttempts', () => {
  it('sends the same data again under the same key until the server answers', () => {
    const a = attempts();
    expect(a.keyFor({ summary: 'x' })).toBe('key-1');
    expect(a.keyFor({ summary: 'x' })).toBe('key-1');
    a.answered();
    expect(a.keyFor({ summary: 'x' })).toBe('key-2');
  });

  it('gives changed data a new key', () => {
    const a = attempts();
    a.keyFor({ summary: 'x' });
    expect(a.keyFor({ summary: 'y' })).toBe('key-2');
  });
});
