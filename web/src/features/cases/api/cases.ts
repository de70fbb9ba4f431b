import { useQuery } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api-client';

export type CaseEvent = components['schemas']['EventOut'];

export const caseKeys = {
  all: ['cases'] as const,
  timeline: (caseId: string) => [...caseKeys.all, caseId, 'timeline'] as const,
};

export function useCaseTimeline(caseId: string) {
  return useQuery({
    queryKey: caseKeys.timeline(caseId),
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/cases/{case_id}/timeline', { params: { path: { case_id: caseId } } }))).items,
  });
}

/** Org unit names by id (the units the caller may see), to show 东村 rather than village-a. */
export function useOrgUnitNames() {
  return useQuery({
    queryKey: ['org-units'],
    queryFn: () => unwrap(api.GET('/api/v1/org-units')),
    select: (units) => new Map(units.map((unit) => [unit.id, unit.name])),
    staleTime: 10 * 60_000,
  });
}
