import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api-client';
import { downloadFile } from '@/lib/download';

import { caseKeys } from './cases';

export type CaseRetention = components['schemas']['CaseRetentionOut'];
export type LegalHold = components['schemas']['HoldOut'];

const retentionKey = (caseId: string) => [...caseKeys.detail(caseId), 'retention'] as const;

/** The case's 保管期限, whether it was anonymised, and its legal holds. */
export function useCaseRetention(caseId: string) {
  return useQuery({
    queryKey: retentionKey(caseId),
    queryFn: () => unwrap(api.GET('/api/v1/cases/{case_id}/retention', { params: { path: { case_id: caseId } } })),
  });
}

export type HoldChange = { action: 'place'; reason: string } | { action: 'release'; holdId: number; reason: string };

/** Place or release a legal hold (supervisors); the hold and its event join the case. */
export function useLegalHold(caseId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: HoldChange) => {
      const body = { reason: change.reason };
      if (change.action === 'place')
        return unwrap(api.POST('/api/v1/cases/{case_id}/legal-holds', { params: { path: { case_id: caseId } }, body }));
      return unwrap(
        api.POST('/api/v1/cases/{case_id}/legal-holds/{hold_id}/release', {
          params: { path: { case_id: caseId, hold_id: change.holdId } },
          body,
        }),
      );
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: caseKeys.detail(caseId) }),
  });
}

/** Download the case's evidence package (证据包, a ZIP a court can verify); the file's name. */
export function downloadEvidence(caseId: string, caseNo: string | null | undefined): Promise<string> {
  return downloadFile(`/api/v1/cases/${encodeURIComponent(caseId)}/evidence`, `jiahe-evidence-${caseNo ?? caseId}.zip`);
}
