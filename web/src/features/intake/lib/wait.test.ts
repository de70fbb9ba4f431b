import { describe, expect, it } from 'vitest';

import { waitFor } from './wait';

describe('waitFor', () => {
  it('says a short wait in seconds, a longer one in minutes or hours, rounding up', () => {
    expect(waitFor(0)).toEqual({ unit: 'seconds', count: 1 });
    expect(waitFor(45)).toEqual({ unit: 'seconds', count: 45 });
    expect(waitFor(1799)).toEqual({ unit: 'minutes', count: 30 });
    expect(waitFor(3600)).toEqual({ unit: 'minutes', count: 60 });
    expect(waitFor(3 * 3600 + 1)).toEqual({ unit: 'hours', count: 4 });
  });
});
