import { describe, expect, it } from 'vitest';

import { formatWait, heatLevel, slowestWait } from './heat';

describe('heatmap levels', () => {
  const steps = [
    { element_id: 'screen', passed: 4, waiting: 0, median_hours: 0, waiting_median_hours: null },
    { element_id: 'accept', passed: 3, waiting: 1, median_hours: 73, waiting_median_hours: 10 },
    { element_id: 'mediate', passed: 0, waiting: 2, median_hours: null, waiting_median_hours: 20 },
    { element_id: 'unused', passed: 0, waiting: 0, median_hours: null, waiting_median_hours: null },
  ];

  it('put the slowest step in the hottest level and an unused one in none', () => {
    const slowest = slowestWait(steps);
    expect(slowest).toBe(73);
    expect(steps.map((step) => heatLevel(step, slowest))).toEqual([1, 4, 3, 0]);
  });

  it('read short waits in hours and long ones in days', () => {
    const units = { hours: '小时', days: '天' };
    expect(formatWait(5.5, units)).toBe('5.5小时');
    expect(formatWait(73, units)).toBe('3天');
    expect(formatWait(null, units)).toBe('—');
  });
});
