import { api, unwrap } from './api-client';

/**
 * Every org unit of the network (GET /public/org-units: names of places are public). The
 * public intake form chooses from them; staff pages name units with them, a task of her case
 * being possibly offered higher up than the units she sees.
 */
export const publicOrgUnitsQuery = {
  queryKey: ['public', 'org-units'],
  queryFn: () => unwrap(api.GET('/api/v1/public/org-units')),
  staleTime: 60 * 60_000,
};
