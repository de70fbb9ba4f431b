import { PER_PAGE_OPTIONS } from '@/lib/paging';

/** The users list's search and page, kept in the address so that a list can be bookmarked. */
export interface UserSearch {
  q: string;
  page: number;
  perPage: number;
}

const DEFAULT_PER_PAGE = 20;

export function parseUserSearch(params: URLSearchParams): UserSearch {
  const page = Number(params.get('page'));
  const perPage = Number(params.get('per_page'));
  return {
    q: (params.get('q') ?? '').trim().slice(0, 100),
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    perPage: (PER_PAGE_OPTIONS as readonly number[]).includes(perPage) ? perPage : DEFAULT_PER_PAGE,
  };
}

/** Only what differs from the defaults, so the plain list stays /admin/users. */
export function userSearchParams(search: UserSearch): URLSearchParams {
  const params = new URLSearchParams();
  if (search.q) params.set('q', search.q);
  if (search.page > 1) params.set('page', String(search.page));
  if (search.perPage !== DEFAULT_PER_PAGE) params.set('per_page', String(search.perPage));
  return params;
}
