import { describe, expect, it } from 'vitest';

import { caseListQuery, caseSearchParams, isFiltered, parseCaseSearch } from './case-search';

describe('the case search in the address bar', () => {
  it('reads every filter, and survives anything unknown', () => {
    const params = parseCaseSearch(new URLSearchParams('q=JH-2026&status=running,bogus&risk=red,purple&process=petition&channel=visit&org_unit=town&overdue=true&sort=risk&page=3&per_page=50'));
    expect(params).toEqual({
      q: 'JH-2026',
      statuses: ['running'],
      risks: ['red'],
      process: 'petition',
      channel: 'visit',
      orgUnit: 'town',
      overdue: true,
      sort: 'risk',
      page: 3,
      perPage: 50,
    });
    expect(parseCaseSearch(new URLSearchParams('page=-1&per_page=7&sort=name'))).toMatchObject({ page: 1, perPage: 20, sort: 'created_at' });
  });

  it('writes back only what differs from the default, and reads the same search again', () => {
    expect(caseSearchParams(parseCaseSearch(new URLSearchParams())).toString()).toBe('');
    const search = new URLSearchParams('q=%E5%90%B5%E6%9E%B6&status=running,suspended&overdue=true&page=2');
    expect(parseCaseSearch(caseSearchParams(parseCaseSearch(search)))).toEqual(parseCaseSearch(search));
  });

  it('asks GET /cases with lists for the filters that take several values', () => {
    const query = caseListQuery(parseCaseSearch(new URLSearchParams('status=running&process=dispute_case&channel=phone&overdue=true')));
    expect(query).toEqual({ page: 1, per_page: 20, sort: 'created_at', status: ['running'], process: ['dispute_case'], channel: ['phone'], overdue: true });
  });

  it('knows when the list is narrowed', () => {
    expect(isFiltered(parseCaseSearch(new URLSearchParams('sort=risk&page=2')))).toBe(false);
    expect(isFiltered(parseCaseSearch(new URLSearchParams('q=x')))).toBe(true);
  });
});
