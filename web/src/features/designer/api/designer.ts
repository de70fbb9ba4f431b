import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api-client';
import { ApiError, apiErrorFrom, networkError } from '@/lib/api-error';

export type Process = components['schemas']['ProcessOut'];
export type ProcessVersions = components['schemas']['ProcessVersionsOut'];
export type VersionFacts = components['schemas']['VersionFactsOut'];
export type VersionDiff = components['schemas']['VersionDiffOut'];
export type ElementChange = components['schemas']['ElementChangeOut'];
export type PartChange = components['schemas']['PartChangeOut'];
export type FactChange = components['schemas']['FactChangeOut'];
export type MigrationPreview = components['schemas']['MigrationPreviewOut'];
export type MigrationCandidate = components['schemas']['MigrationCandidateOut'];
export type MigrationOutcome = components['schemas']['MigrationOutcomeOut'];
export type Finding = components['schemas']['FindingOut'];
export type Trial = components['schemas']['TrialOut'];
export type Deployed = components['schemas']['DeployedOut'];
export type RolledBack = components['schemas']['RollbackOut'];

/** Everything about one process sits under ['designer', key], so a deploy refreshes it in one go. */
export const designerKeys = {
  all: ['designer'] as const,
  processes: () => [...designerKeys.all, 'processes'] as const,
  process: (key: string) => [...designerKeys.all, 'process', key] as const,
  bpmn: (key: string, version: number) => [...designerKeys.process(key), 'bpmn', version] as const,
  diff: (key: string, from: number, to: number) => [...designerKeys.process(key), 'diff', from, to] as const,
  migration: (key: string) => [...designerKeys.process(key), 'migration'] as const,
  guide: (name: string) => [...designerKeys.all, 'guide', name] as const,
};

export function useProcesses() {
  return useQuery({ queryKey: designerKeys.processes(), queryFn: () => unwrap(api.GET('/api/v1/processes')) });
}

export function useVersions(key: string) {
  return useQuery({
    queryKey: [...designerKeys.process(key), 'versions'],
    queryFn: () => unwrap(api.GET('/api/v1/processes/{key}/versions', { params: { path: { key } } })),
  });
}

export function useVersionBpmn(key: string, version: number | null) {
  return useQuery({
    queryKey: designerKeys.bpmn(key, version ?? 0),
    enabled: version !== null,
    // Deployed files never change: a version's drawing is fetched once.
    staleTime: Infinity,
    queryFn: async () => {
      const result = await call(api.GET('/api/v1/processes/{key}/versions/{version}/bpmn', { params: { path: { key, version: version ?? 0 } }, parseAs: 'text' }));
      return result as string;
    },
  });
}

export function useDiff(key: string, from: number | null, to: number | null) {
  return useQuery({
    queryKey: designerKeys.diff(key, from ?? 0, to ?? 0),
    enabled: from !== null && to !== null,
    staleTime: Infinity,
    queryFn: () => unwrap(api.GET('/api/v1/processes/{key}/diff', { params: { path: { key }, query: { from: from ?? 0, to: to ?? 0 } } })),
  });
}

export function useRollback(key: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (version: number) => unwrap(api.POST('/api/v1/processes/{key}/rollback', { params: { path: { key } }, body: { version } })),
    onSuccess: () => client.invalidateQueries({ queryKey: designerKeys.all }),
  });
}

export function useMigrationPreview(key: string) {
  return useQuery({
    queryKey: designerKeys.migration(key),
    queryFn: () => unwrap(api.GET('/api/v1/processes/{key}/migration-preview', { params: { path: { key } } })),
  });
}

export function useMigrate(key: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (caseIds: string[]) =>
      (await unwrap(api.POST('/api/v1/processes/{key}/migrate', { params: { path: { key } }, body: { case_ids: caseIds } }))).results,
    onSuccess: () => client.invalidateQueries({ queryKey: designerKeys.process(key) }),
  });
}

export function useGuide(name: string) {
  return useQuery({
    queryKey: designerKeys.guide(name),
    queryFn: () => unwrap(api.GET('/api/v1/guides/{name}', { params: { path: { name } } })),
    staleTime: Infinity,
  });
}

// -- uploads: lint, scenario trial, deploy ------------------------------------------------------

/** A refused upload (422): the findings that block it, shown like lint's. */
export class UploadRefused extends ApiError {
  readonly findings: Finding[];

  constructor(error: ApiError, findings: Finding[]) {
    super({ status: error.status, code: error.code, message: error.message, field_errors: error.fieldErrors, details: error.details });
    this.findings = findings;
  }
}

function formOf(files: File[], scenarios: string[] = []): FormData {
  const form = new FormData();
  for (const file of files) form.append('files', file, file.name);
  for (const name of scenarios) form.append('scenarios', name);
  return form;
}

async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result;
  try {
    result = await request;
  } catch (cause) {
    throw networkError(cause);
  }
  if (result.response.ok) return result.data as T;
  const error = apiErrorFrom(result.response, result.error);
  const findings = findingsOf(result.error);
  throw findings.length ? new UploadRefused(error, findings) : error;
}

function findingsOf(body: unknown): Finding[] {
  const findings = (body as { error?: { findings?: unknown } } | undefined)?.error?.findings;
  return Array.isArray(findings) ? (findings as Finding[]) : [];
}

// The multipart body is built here; openapi-fetch sends a FormData as it is.
const multipart = (form: FormData) => ({ body: {} as never, bodySerializer: () => form });

export function useLint() {
  return useMutation({
    mutationFn: async (files: File[]) => (await call(api.POST('/api/v1/processes/lint', multipart(formOf(files))))).findings,
  });
}

export function useTrial() {
  return useMutation({
    mutationFn: ({ files, scenarios }: { files: File[]; scenarios?: string[] }) => call(api.POST('/api/v1/processes/test', multipart(formOf(files, scenarios)))),
  });
}

export function useDeploy() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (files: File[]) => (await call(api.POST('/api/v1/processes/deploy', multipart(formOf(files))))).deployed,
    onSuccess: () => client.invalidateQueries({ queryKey: designerKeys.all }),
  });
}
