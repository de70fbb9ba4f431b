import { describe, expect, it } from 'vitest';

import { dueState, formatDateTime } from './due';

const now = new Date('2026-03-02T08:00:00+08:00');

describe('dueState', () => {
  it('says how much time is left in the largest unit that fits', () => {
    expect(dueState('2026-03-02T08:45:00+08:00', now)).toMatchObject({ overdue: false, soon: true, amount: 45, unit: 'minutes' });
    expect(dueState('2026-03-02T13:00:00+08:00', now)).toMatchObject({ overdue: false, soon: true, amount: 5, unit: 'hours' });
    expect(dueState('2026-03-05T09:00:00+08:00', now)).toMatchObject({ overdue: false, soon: false, amount: 3, unit: 'days' });
  });

  it('turns overdue by the clock while the task is open', () => {
    expect(dueState('2026-03-02T06:00:00+08:00', now)).toMatchObject({ overdue: true, soon: false, amount: 2, unit: 'hours' });
  });

  it("trusts the server's overdue flag even before the clock agrees", () => {
    expect(dueState('2026-03-02T09:00:00+08:00', now, { overdue: true })?.overdue).toBe(true);
  });

  it('never marks a finished task overdue by the clock', () => {
    expect(dueState('2026-03-01T08:00:00+08:00', now, { open: false })).toMatchObject({ overdue: false, soon: false });
  });

  it('is null without a deadline', () => {
    expect(dueState(null, now)).toBeNull();
    expect(dueState('not a date', now)).toBeNull();
  });
});

describe('formatDateTime', () => {
  it('leaves out the year when it is this year', () => {
    const sameYear = formatDateTime('2026-03-05T09:30:00+08:00', 'zh-CN', now);
    const otherYear = formatDateTime('2025-12-31T09:30:00+08:00', 'zh-CN', now);
    expect(sameYear).not.toContain('2026');
    expect(otherYear).toContain('2025');
  });
});
