import { describe, expect, it } from 'vitest';

import { badgeCount, streamFallsBack } from './stream';

describe('the live bell', () => {
  it('lets the browser reconnect a dropped stream and falls back to polling once it gives up', () => {
    expect(streamFallsBack(0)).toBe(false);
    expect(streamFallsBack(2)).toBe(true);
  });

  it('shows no count before the state is known, and at most 99', () => {
    expect(badgeCount(undefined)).toBe(0);
    expect(badgeCount(7)).toBe(7);
    expect(badgeCount(1234)).toBe(99);
  });
});
