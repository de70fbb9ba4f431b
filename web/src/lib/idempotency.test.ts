import { describe, expect, it } from 'vitest';

import { newIdempotencyKey } from './idempotency';

describe('newIdempotencyKey', () => {
  it('is a version 4 UUID', () => {
    expect(newIdempotencyKey()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('differs each time', () => {
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey());
  });
});
