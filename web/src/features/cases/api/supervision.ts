import { useMutation, useQueryClient } from '@tanstack/react-query';

import { taskKeys } from '@/features/tasks/api/tasks';
import { api, unwrap } from '@/lib/api-client';

import { caseKeys, type CaseDetail } from './cases';

/** What a supervisor (or an administrator, for retry) may do to a case. */
export type CaseAction =
  | { action: 'suspend' | 'resume' | 'terminate' | 'escalate'; reason: string }
  | { action: 'migrate'; version: number | null }
  | { action: 'retry'; reason: string; data: Record<string, unknown> };

function send(caseId: string, request: CaseAction): Promise<CaseDetail> {
  const path = { case_id: caseId };
  switch (request.action) {
    case 'suspend':
      return unwrap(api.POST('/api/v1/cases/{case_id}/suspend', { params: { path }, body: { reason: request.reason } }));
    case 'resume':
      return unwrap(api.POST('/api/v1/cases/{case_id}/resume', { params: { path }, body: { reason: request.reason } }));
    case 'terminate':
      return unwrap(api.POST('/api/v1/cases/{case_id}/terminate', { params: { path }, body: { reason: request.reason } }));
    case 'escalate':
      return unwrap(api.POST('/api/v1/cases/{case_id}/escalate', { params: { path }, body: { reason: request.reason } }));
    case 'migrate':
      return unwrap(api.POST('/api/v1/cases/{case_id}/migrate', { params: { path }, body: { version: request.version } }));
    case 'retry':
      return unwrap(api.POST('/api/v1/cases/{case_id}/retry', { params: { path }, body: { reason: request.reason, data: request.data } }));
  }
}

/**
 * Suspend, resume, escalate, terminate, migrate or retry a case. The answer is the case as it
 * is now; its tasks, timeline and diagram changed with it, and so may every list.
 */
export function useCaseAction(caseId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: CaseAction) => send(caseId, request),
    onSuccess: (detail) => {
      queryClient.setQueryData(caseKeys.detail(caseId), detail);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: caseKeys.detail(caseId), predicate: (query) => query.queryKey.length > 2 }),
        queryClient.invalidateQueries({ queryKey: caseKeys.lists() }),
        queryClient.invalidateQueries({ queryKey: taskKeys.all }),
      ]);
    },
  });
}
