import { describe, expect, it } from 'vitest';

import { listQuery, listSearch, parseListParams } from './list-params';

describe('parseListParams', () => {
  it('defaults to my tasks, soonest deadline first', () => {
    expect(parseListParams(new URLSearchParams())).toEqual({
      scope: 'mine', page: 1, perPage: 20, sort: 'due_at', process: null, risks: [], overdue: false,
    });
  });

  it('lists finished tasks newest first', () => {
    expect(parseListParams(new URLSearchParams('tab=done')).sort).toBe('-ended_at');
  });

  it('falls back to defaults for anything unknown', () => {
    const params = parseListParams(new URLSearchParams('tab=all&page=-2&per_page=7&sort=name&risk=red,purple&overdue=yes'));
    expect(params).toMatchObject({ scope: 'mine', page: 1, perPage: 20, sort: 'due_at', risks: ['red'], overdue: false });
  });
});

describe('listSearch', () => {
  it('round-trips and leaves defaults out of the address', () => {
    const search = new URLSearchParams('tab=group&page=3&per_page=50&sort=risk&process=petition&risk=red,orange&overdue=true');
    expect(listSearch(parseListParams(search)).toString()).toBe(search.toString());
    expect(listSearch(parseListParams(new URLSearchParams('tab=mine'))).toString()).toBe('tab=mine');
  });
});

describe('listQuery', () => {
  const params = parseListParams(new URLSearchParams('tab=group&page=2&sort=-priority&risk=red,orange&overdue=true&process=dispute_case'));

  it("asks the API for the list with its filters", () => {
    expect(listQuery(params)).toEqual({
      scope: 'group', page: 2, per_page: 20, sort: '-priority', process: 'dispute_case', risk: ['red', 'orange'], overdue: true,
    });
  });

  it("counts another tab's tasks under the same filters, from its first page", () => {
    expect(listQuery(params, 'mine', 1)).toEqual({
      scope: 'mine', page: 1, per_page: 1, sort: 'due_at', process: 'dispute_case', risk: ['red', 'orange'], overdue: true,
    });
  });

  it('never asks for overdue finished tasks', () => {
    expect(listQuery(params, 'done', 1)).not.toHaveProperty('overdue');
  });
});
