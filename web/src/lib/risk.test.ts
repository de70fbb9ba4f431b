import { describe, expect, it } from 'vitest';

import { riskTag, RISK_COLOURS } from './risk';

describe('riskTag', () => {
  it('gives every colour the API uses a tag', () => {
    expect(RISK_COLOURS.map((risk) => riskTag(risk)?.tagColour)).toEqual(['red', 'orange', 'gold', 'blue', 'green']);
  });

  it('has none for an unscreened case or an unknown value', () => {
    expect(riskTag(null)).toBeNull();
    expect(riskTag('purple')).toBeNull();
  });
});
