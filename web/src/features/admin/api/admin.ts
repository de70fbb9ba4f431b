import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';

import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api-client';
import { apiErrorFrom, networkError } from '@/lib/api-error';
import { useCatalog } from '@/lib/catalog';

import type { UserSearch } from '../lib/user-search';

export type AdminUser = components['schemas']['UserOut'];
export type NewUser = components['schemas']['UserIn'];
export type MembershipChoice = components['schemas']['MembershipIn'];
export type AdminUnit = components['schemas']['OrgUnitOut'];
export type NewUnit = components['schemas']['OrgUnitIn'];
export type ImportSummary = components['schemas']['ImportSummaryOut'];

/** Everything this page reads sits under ['admin']; what the other pages cache about units too. */
export const adminKeys = {
  all: ['admin'] as const,
  users: (search: UserSearch) => [...adminKeys.all, 'users', search] as const,
  units: () => [...adminKeys.all, 'org-units'] as const,
};

export function useUsers(search: UserSearch) {
  return useQuery({
    queryKey: adminKeys.users(search),
    queryFn: () =>
      unwrap(api.GET('/api/v1/admin/users', { params: { query: { q: search.q, page: search.page, per_page: search.perPage } } })),
    placeholderData: keepPreviousData,
  });
}

export function useAdminUnits() {
  return useQuery({ queryKey: adminKeys.units(), queryFn: () => unwrap(api.GET('/api/v1/admin/org-units')) });
}

/** After any change: this page's lists, and the unit names and trees other pages keep. */
function useRefresh() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: adminKeys.all }),
      client.invalidateQueries({ queryKey: ['org-units'] }),
      client.invalidateQueries({ queryKey: ['public', 'org-units'] }),
    ]);
}

export function useCreateUser() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: NewUser) => unwrap(api.POST('/api/v1/admin/users', { body })),
    onSuccess: refresh,
  });
}

export interface AccountChange {
  username: string;
  active?: boolean;
  password?: string;
  display_name?: string;
}

/** 停用/启用, 重置密码, rename: one PATCH; the server ends her sessions on the first two. */
export function useChangeAccount() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ username, ...body }: AccountChange) =>
      unwrap(api.PATCH('/api/v1/admin/users/{username}', { params: { path: { username } }, body })),
    onSuccess: refresh,
  });
}

export function useGrantMembership(username: string) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: MembershipChoice) =>
      unwrap(api.POST('/api/v1/admin/users/{username}/memberships', { params: { path: { username } }, body })),
    onSuccess: refresh,
  });
}

export function useRevokeMembership(username: string) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: MembershipChoice) =>
      unwrap(api.DELETE('/api/v1/admin/users/{username}/memberships', { params: { path: { username } }, body })),
    onSuccess: refresh,
  });
}

export function useAddUnit() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: NewUnit) => unwrap(api.POST('/api/v1/admin/org-units', { body })),
    onSuccess: refresh,
  });
}

export function useRenameUnit() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ id, name }: { id: string; name: string }) =>
      unwrap(api.PATCH('/api/v1/admin/org-units/{unit_id}', { params: { path: { unit_id: id } }, body: { name } })),
    onSuccess: refresh,
  });
}

/** The org file as the YAML text it is (read from the chosen file in the browser). */
export function useImportOrg() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (text: string) =>
      unwrap(
        api.POST('/api/v1/admin/org/import', {
          body: text,
          // Sent as it is: the default serializer would write the text as a JSON string.
          bodySerializer: (body) => (typeof body === 'string' ? body : ''),
          headers: { 'Content-Type': 'application/yaml' },
        }),
      ),
    onSuccess: refresh,
  });
}

/** The org file and the name the server gave it, to save on the device. */
export async function fetchOrgExport(): Promise<{ blob: Blob; fileName: string }> {
  let result;
  try {
    result = await api.GET('/api/v1/admin/org/export', { parseAs: 'blob' });
  } catch (cause) {
    throw networkError(cause);
  }
  if (!result.response.ok || !result.data) throw apiErrorFrom(result.response, result.error);
  const disposition = result.response.headers.get('Content-Disposition') ?? '';
  const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'org.yaml';
  return { blob: result.data, fileName };
}

export interface AdminLabels {
  role: (key: string) => string;
  unit: (id: string) => string;
  roleOptions: { value: string; label: string }[];
}

/** Roles by their Chinese names (GET /catalog) and units by theirs, never raw codes. */
export function useAdminLabels(): AdminLabels {
  const catalog = useCatalog();
  const units = useAdminUnits();
  return useMemo(() => {
    const roles = catalog.data?.roles ?? new Map<string, string>();
    const names = new Map((units.data ?? []).map((unit) => [unit.id, unit.name]));
    return {
      role: (key) => roles.get(key) ?? key,
      unit: (id) => names.get(id) ?? id,
      roleOptions: [...roles].map(([value, label]) => ({ value, label })),
    };
  }, [catalog.data, units.data]);
}
