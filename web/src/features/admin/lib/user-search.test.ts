import { describe, expect, it } from 'vitest';

import { parseUserSearch, userSearchParams } from './user-search';

describe('the users list address', () => {
  it('reads the search, page and page size', () => {
    expect(parseUserSearch(new URLSearchParams('q=%20李%20&page=3&per_page=50'))).toEqual({ q: '李', page: 3, perPage: 50 });
  });

  it('falls back to the first page of 20 for anything it does not offer', () => {
    expect(parseUserSearch(new URLSearchParams('page=-2&per_page=7'))).toEqual({ q: '', page: 1, perPage: 20 });
    expect(parseUserSearch(new URLSearchParams('page=1.5'))).toEqual({ q: '', page: 1, perPage: 20 });
  });

  it('writes only what differs from the plain list', () => {
    expect(userSearchParams({ q: '', page: 1, perPage: 20 }).toString()).toBe('');
    expect(userSearchParams({ q: '网格', page: 2, perPage: 10 }).toString()).toBe('q=%E7%BD%91%E6%A0%BC&page=2&per_page=10');
  });
});
