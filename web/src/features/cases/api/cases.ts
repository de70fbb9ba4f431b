import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api-client';
import { ApiError } from '@/lib/api-error';
import { publicOrgUnitsQuery } from '@/lib/public-org-units';

import { caseListQuery, type CaseSearch } from '../lib/case-search';

export type CaseEvent = components['schemas']['EventOut'];
export type CaseDetail = components['schemas']['CaseOut'];
export type CaseItem = components['schemas']['CaseItemOut'];
export type CaseLink = components['schemas']['CaseLinkOut'];
export type CaseDiagram = components['schemas']['CaseDiagramOut'];
export type SensitiveRead = components['schemas']['SensitiveReadOut'];
export type OrgUnit = components['schemas']['OrgUnitOut'];

/** The list's short summary: the API document leaves its type open (a computed field). */
export function summaryOf(item: CaseItem): string | null {
  return typeof item.summary === 'string' && item.summary ? item.summary : null;
}

/** Everything about one case sits under ['cases', id], so a change invalidates it in one go. */
export const caseKeys = {
  all: ['cases'] as const,
  lists: () => [...caseKeys.all, 'list'] as const,
  list: (query: object) => [...caseKeys.lists(), query] as const,
  detail: (caseId: string) => [...caseKeys.all, caseId] as const,
  timeline: (caseId: string) => [...caseKeys.detail(caseId), 'timeline'] as const,
  diagram: (caseId: string) => [...caseKeys.detail(caseId), 'diagram'] as const,
  accessLog: (caseId: string) => [...caseKeys.detail(caseId), 'access-log'] as const,
};

/** A case page left open shows what colleagues did meanwhile. */
const CASE_REFRESH_MS = 60_000;

export function useCase(caseId: string) {
  return useQuery({
    queryKey: caseKeys.detail(caseId),
    queryFn: () => unwrap(api.GET('/api/v1/cases/{case_id}', { params: { path: { case_id: caseId } } })),
    refetchInterval: CASE_REFRESH_MS,
  });
}

export function useCaseList(params: CaseSearch) {
  const query = caseListQuery(params);
  return useQuery({
    queryKey: caseKeys.list(query),
    queryFn: () => unwrap(api.GET('/api/v1/cases', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useCaseTimeline(caseId: string) {
  return useQuery({
    queryKey: caseKeys.timeline(caseId),
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/cases/{case_id}/timeline', { params: { path: { case_id: caseId } } }))).items,
  });
}

export function useCaseDiagram(caseId: string) {
  return useQuery({
    queryKey: caseKeys.diagram(caseId),
    queryFn: () => unwrap(api.GET('/api/v1/cases/{case_id}/diagram', { params: { path: { case_id: caseId } } })),
  });
}

/**
 * Who was sent the case's sensitive fields in clear: null for those who do not supervise the
 * case (the API answers 403), so that the page offers no link to it.
 */
export function useAccessLog(caseId: string, enabled: boolean) {
  return useQuery({
    queryKey: caseKeys.accessLog(caseId),
    queryFn: async () => {
      try {
        return (await unwrap(api.GET('/api/v1/cases/{case_id}/access-log', { params: { path: { case_id: caseId } } }))).items;
      } catch (error) {
        if (error instanceof ApiError && error.status === 403) return null;
        throw error;
      }
    },
    enabled,
  });
}

export interface Reveal {
  fields: string[];
  reason: string;
}

/** The clear values of masked fields; the server writes the read to the case's audit trail first. */
export function useReveal(caseId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (reveal: Reveal) =>
      unwrap(api.POST('/api/v1/cases/{case_id}/reveal', { params: { path: { case_id: caseId } }, body: reveal })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: caseKeys.detail(caseId) }),
  });
}

/** The units she may see: where she may register matters and search for cases. */
export function useOrgUnits() {
  return useQuery({
    queryKey: ['org-units'],
    queryFn: () => unwrap(api.GET('/api/v1/org-units')),
    staleTime: 10 * 60_000,
  });
}

/** Org unit names by id, to show 东村 rather than village-a. */
export function useOrgUnitNames() {
  return useQuery({ ...publicOrgUnitsQuery, select: (units: OrgUnit[]) => new Map(units.map((unit) => [unit.id, unit.name])) });
}
