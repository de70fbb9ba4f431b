import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api-client';
import { ApiError } from '@/lib/api-error';

import type { RegistrationBody } from '../lib/registration';
import { caseKeys } from './cases';

export type IntakeProcess = components['schemas']['IntakeProcessOut'];

/**
 * The processes she can register a matter with, each with its start form and channels; null
 * for those who do not register matters (the API answers 403).
 */
export function useIntakeProcesses() {
  return useQuery({
    queryKey: ['intake', 'processes'],
    queryFn: async () => {
      try {
        return await unwrap(api.GET('/api/v1/intake/processes'));
      } catch (error) {
        if (error instanceof ApiError && error.status === 403) return null;
        throw error;
      }
    },
    staleTime: 10 * 60_000,
  });
}

export interface Registration {
  body: RegistrationBody;
  /** One key per registration attempt: a retry or a second click gets the same case back. */
  idempotencyKey: string;
}

export function useRegisterCase() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: Registration) =>
      unwrap(api.POST('/api/v1/cases', { params: { header: { 'Idempotency-Key': idempotencyKey } }, body })),
    // Safe to send again: the attempt keeps its Idempotency-Key.
    retry: (failures, error) => failures < 2 && error instanceof ApiError && error.isNetworkError,
    retryDelay: 1_500,
    onSuccess: (detail) => {
      queryClient.setQueryData(caseKeys.detail(detail.id), detail);
      return queryClient.invalidateQueries({ queryKey: caseKeys.lists() });
    },
  });
}
