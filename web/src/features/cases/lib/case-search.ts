import { PER_PAGE_OPTIONS } from '@/lib/paging';
import { isRiskColour, type RiskColour } from '@/lib/risk';

/** engine/cases.py STATUSES. */
export const CASE_STATUSES = ['running', 'suspended', 'incident', 'completed', 'terminated'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** engine/store/case_queries.py SORTS: newest first, soonest deadline first, most dangerous first. */
export const CASE_SORTS = ['created_at', 'due_at', 'risk'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

const DEFAULT_PER_PAGE = 20;
const DEFAULT_SORT: CaseSort = 'created_at';

export interface CaseSearch {
  page: number;
  perPage: number;
  sort: CaseSort;
  statuses: CaseStatus[];
  risks: RiskColour[];
  process: string | null;
  channel: string | null;
  orgUnit: string | null;
  overdue: boolean;
  /** Words of a case number or summary. */
  q: string;
}

/** The search the address bar asks for; anything unknown falls back to the default. */
export function parseCaseSearch(search: URLSearchParams): CaseSearch {
  const perPage = Number(search.get('per_page'));
  const page = Number(search.get('page'));
  return {
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    perPage: (PER_PAGE_OPTIONS as readonly number[]).includes(perPage) ? perPage : DEFAULT_PER_PAGE,
    sort: CASE_SORTS.find((sort) => sort === search.get('sort')) ?? DEFAULT_SORT,
    statuses: listOf(search.get('status')).filter(isCaseStatus),
    risks: listOf(search.get('risk')).filter(isRiskColour),
    process: search.get('process') || null,
    channel: search.get('channel') || null,
    orgUnit: search.get('org_unit') || null,
    overdue: search.get('overdue') === 'true',
    q: (search.get('q') ?? '').trim(),
  };
}

/** The address bar's form of a search, leaving out what is the default anyway. */
export function caseSearchParams(params: CaseSearch): URLSearchParams {
  const search = new URLSearchParams();
  if (params.q) search.set('q', params.q);
  if (params.statuses.length) search.set('status', params.statuses.join(','));
  if (params.risks.length) search.set('risk', params.risks.join(','));
  if (params.process) search.set('process', params.process);
  if (params.channel) search.set('channel', params.channel);
  if (params.orgUnit) search.set('org_unit', params.orgUnit);
  if (params.overdue) search.set('overdue', 'true');
  if (params.sort !== DEFAULT_SORT) search.set('sort', params.sort);
  if (params.page > 1) search.set('page', String(params.page));
  if (params.perPage !== DEFAULT_PER_PAGE) search.set('per_page', String(params.perPage));
  return search;
}

/** The query of GET /cases. */
export function caseListQuery(params: CaseSearch) {
  return {
    page: params.page,
    per_page: params.perPage,
    sort: params.sort,
    ...(params.q ? { q: params.q.slice(0, 100) } : {}),
    ...(params.statuses.length ? { status: params.statuses } : {}),
    ...(params.risks.length ? { risk: params.risks } : {}),
    ...(params.process ? { process: [params.process] } : {}),
    ...(params.channel ? { channel: [params.channel] } : {}),
    ...(params.orgUnit ? { org_unit: params.orgUnit } : {}),
    ...(params.overdue ? { overdue: true } : {}),
  };
}

/** Whether the list is narrowed by anything, so an empty list says "nothing matches" rather than "no cases". */
export function isFiltered(params: CaseSearch): boolean {
  return Boolean(params.q || params.statuses.length || params.risks.length || params.process || params.channel || params.orgUnit || params.overdue);
}

function isCaseStatus(value: string): value is CaseStatus {
  return (CASE_STATUSES as readonly string[]).includes(value);
}

function listOf(value: string | null): string[] {
  return (value ?? '').split(',').filter(Boolean);
}
