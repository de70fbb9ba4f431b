import { useMutation, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';
import { ApiError } from '@/lib/api-error';
import { publicOrgUnitsQuery } from '@/lib/public-org-units';

/** The online (网) intake form, without what the server fills in itself. */
export function usePublicForm() {
  return useQuery({
    queryKey: ['public', 'intake-form'],
    queryFn: () => unwrap(api.GET('/api/v1/public/intake/form')),
    staleTime: 60 * 60_000,
  });
}

/** The places a matter can be addressed to. */
export function usePublicOrgUnits() {
  return useQuery(publicOrgUnitsQuery);
}

export interface Submission {
  orgUnit: string;
  data: Record<string, unknown>;
  /** The same for every attempt at one submission: the matter is registered once. */
  idempotencyKey: string;
}

export function useSubmitIntake() {
  return useMutation({
    mutationFn: ({ orgUnit, data, idempotencyKey }: Submission) =>
      unwrap(
        api.POST('/api/v1/public/intake', {
          params: { header: { 'Idempotency-Key': idempotencyKey } },
          body: { org_unit: orgUnit, data },
        }),
      ),
    // Safe to send again: the attempt keeps its Idempotency-Key.
    retry: (failures, error) => failures < 2 && error instanceof ApiError && error.isNetworkError,
    retryDelay: 1_500,
  });
}

/** Where the matter of a receipt stands, in the coarse public stages. */
export function usePublicStatus(receipt: string) {
  return useQuery({
    queryKey: ['public', 'intake', receipt],
    queryFn: () => unwrap(api.GET('/api/v1/public/intake/{receipt}', { params: { path: { receipt } } })),
  });
}
