import { useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';
import { ApiError } from '@/lib/api-error';

export interface ProcessOption {
  value: string;
  label: string;
}

/**
 * The deployed processes, named as the catalog names them, for the list's process filter.
 * Empty (and the filter hidden) where the caller may not read the process list.
 */
export function useProcessOptions() {
  return useQuery({
    queryKey: ['processes', 'options'],
    queryFn: async (): Promise<ProcessOption[]> => {
      try {
        const processes = await unwrap(api.GET('/api/v1/processes'));
        return processes.map((p) => ({ value: p.key, label: p.name }));
      } catch (error) {
        if (error instanceof ApiError && error.status === 403) return [];
        throw error;
      }
    },
    staleTime: 10 * 60_000,
  });
}
