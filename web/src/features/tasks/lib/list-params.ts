import { PER_PAGE_OPTIONS } from '@/lib/paging';
import { isRiskColour, type RiskColour } from '@/lib/risk';

export const SCOPES = ['mine', 'group', 'supervised', 'done'] as const;
export type Scope = (typeof SCOPES)[number];

/** The orders a person can pick (the API knows a few more). */
export const SORTS = ['due_at', '-due_at', '-priority', 'risk', '-ended_at'] as const;
export type Sort = (typeof SORTS)[number];

const DEFAULT_PER_PAGE = 20;

export interface TaskListParams {
  scope: Scope;
  page: number;
  perPage: number;
  sort: Sort;
  process: string | null;
  risks: RiskColour[];
  overdue: boolean;
}

/** The done list is newest first; the open lists soonest deadline first. */
export function defaultSort(scope: Scope): Sort {
  return scope === 'done' ? '-ended_at' : 'due_at';
}

/** The list the address bar asks for; anything unknown falls back to the default. */
export function parseListParams(search: URLSearchParams): TaskListParams {
  const scope = oneOf(SCOPES, search.get('tab')) ?? 'mine';
  const perPage = Number(search.get('per_page'));
  return {
    scope,
    page: positiveInteger(search.get('page')) ?? 1,
    perPage: (PER_PAGE_OPTIONS as readonly number[]).includes(perPage) ? perPage : DEFAULT_PER_PAGE,
    sort: oneOf(SORTS, search.get('sort')) ?? defaultSort(scope),
    process: search.get('process') || null,
    risks: (search.get('risk') ?? '').split(',').filter(isRiskColour),
    overdue: search.get('overdue') === 'true',
  };
}

/** The address bar's form of `params`, leaving out what is the default anyway. */
export function listSearch(params: TaskListParams): URLSearchParams {
  const search = new URLSearchParams();
  search.set('tab', params.scope);
  if (params.page > 1) search.set('page', String(params.page));
  if (params.perPage !== DEFAULT_PER_PAGE) search.set('per_page', String(params.perPage));
  if (params.sort !== defaultSort(params.scope)) search.set('sort', params.sort);
  if (params.process) search.set('process', params.process);
  if (params.risks.length) search.set('risk', params.risks.join(','));
  if (params.overdue) search.set('overdue', 'true');
  return search;
}

/** The query of GET /tasks. */
export function listQuery(params: TaskListParams, scope: Scope = params.scope, perPage = params.perPage) {
  return {
    scope,
    page: scope === params.scope ? params.page : 1,
    per_page: perPage,
    sort: scope === params.scope ? params.sort : defaultSort(scope),
    ...(params.process ? { process: params.process } : {}),
    ...(params.risks.length ? { risk: params.risks } : {}),
    // A finished task is never overdue, so the done list takes no overdue filter.
    ...(params.overdue && scope !== 'done' ? { overdue: true } : {}),
  };
}

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((v) => v === value);
}

function positiveInteger(value: string | null): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}
