import { describe, expect, it } from 'vitest';

import { randomPassword } from './random-password';

describe('a generated password', () => {
  it('is long enough and free of look-alike characters', () => {
    const password = randomPassword();
    expect(password).toHaveLength(12);
    expect(password).not.toMatch(/[0O1lI]/);
  });

  it('skips the bytes that would favour the first letters', () => {
    const bytes = [255, 0, 255, 1];
    const drawn = randomPassword(2, (buffer) => buffer.map(() => bytes.shift() ?? 2));
    expect(drawn).toBe('ab');
  });
});
