import { describe, expect, it } from 'vitest';

import { downloadName } from '@/lib/download';

import { dayAfter, lastDay, percent, readFilters, reportQuery, thisMonth, writeFilters } from './filters';

describe('cockpit filters', () => {
  it('default to the Beijing month, even late on the last UTC day of the month before', () => {
    expect(thisMonth(new Date('2026-02-28T17:00:00Z'))).toEqual({ from: '2026-03-01', to: '2026-04-01' });
    expect(thisMonth(new Date('2026-12-15T02:00:00Z'))).toEqual({ from: '2026-12-01', to: '2027-01-01' });
  });

  it('read back what they wrote, and ignore a broken period', () => {
    const now = new Date('2026-03-10T02:00:00Z');
    const filters = { from: '2026-01-01', to: '2026-02-01', orgUnit: 'village-a' };
    expect(readFilters(writeFilters(filters), now)).toEqual(filters);
    expect(readFilters(new URLSearchParams('from=2026-05-01&to=2026-04-01'), now)).toEqual({ from: '2026-03-01', to: '2026-04-01', orgUnit: null });
  });

  it('send the org unit only when one is chosen', () => {
    expect(reportQuery({ from: '2026-03-01', to: '2026-04-01', orgUnit: null })).toEqual({ from: '2026-03-01', to: '2026-04-01' });
  });

  it('turn the exclusive end into the last day shown and back', () => {
    expect(lastDay('2026-03-01')).toBe('2026-02-28');
    expect(dayAfter('2026-02-28')).toBe('2026-03-01');
  });

  it('show rates as percentages and nothing-to-count as a dash', () => {
    expect(percent(0.6667)).toBe('66.7%');
    expect(percent(null)).toBe('—');
  });

  it('take the UTF-8 file name of a download first', () => {
    expect(downloadName(`attachment; filename="jiahe-cases.csv"; filename*=UTF-8''${encodeURIComponent('案件清单_202603.csv')}`, 'x')).toBe('案件清单_202603.csv');
    expect(downloadName('attachment; filename="jiahe-cases.csv"', 'x')).toBe('jiahe-cases.csv');
    expect(downloadName(null, 'x')).toBe('x');
  });
});
