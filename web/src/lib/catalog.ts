import { useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';

export interface Catalog {
  processes: ReadonlyMap<string, string>;
  roles: ReadonlyMap<string, string>;
}

/** The Chinese names of processes and roles (GET /catalog), for any signed-in user. */
export function useCatalog() {
  return useQuery({
    queryKey: ['catalog'],
    queryFn: () => unwrap(api.GET('/api/v1/catalog')),
    select: (catalog): Catalog => ({
      processes: new Map(catalog.processes.map((p) => [p.key, p.name])),
      roles: new Map(catalog.roles.map((r) => [r.key, r.name])),
    }),
    staleTime: 10 * 60_000,
  });
}
