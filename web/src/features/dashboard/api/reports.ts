import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { components, paths } from '@/api/schema';
import { taskKeys } from '@/features/tasks/api/tasks';
import { api, unwrap } from '@/lib/api-client';
import { downloadFile } from '@/lib/download';

import { reportQuery, type CockpitFilters } from '../lib/filters';

export type Commitments = components['schemas']['CommitmentsOut'];
export type Commitment = components['schemas']['CommitmentOut'];
export type UnitCommitments = components['schemas']['UnitCommitmentsOut'];
export type Summary = components['schemas']['SummaryOut'];
export type ServiceFigures = components['schemas']['ServicesOut'];
export type OverdueItem = components['schemas']['OverdueItemOut'];
export type DueSoonItem = components['schemas']['DueSoonItemOut'];
export type FigureCase = components['schemas']['FigureCaseOut'];
export type Heatmap = components['schemas']['HeatmapOut'];
export type HeatElement = components['schemas']['HeatElementOut'];
export type GroupBy = NonNullable<paths['/api/v1/reports/summary']['get']['parameters']['query']>['group_by'] & string;

/** Which cases a figure counted: the query GET /reports/cases takes besides the filters. */
export type FigureQuery = Omit<NonNullable<paths['/api/v1/reports/cases']['get']['parameters']['query']>, 'from' | 'to' | 'org_unit' | 'page' | 'per_page'>;

export const reportKeys = {
  all: ['reports'] as const,
  of: (name: string, query: object) => [...reportKeys.all, name, query] as const,
};

const FRESH = 60_000;

export function useCommitments(filters: CockpitFilters) {
  const query = { ...reportQuery(filters), breakdown: 'org_unit' as const };
  return useQuery({
    queryKey: reportKeys.of('commitments', query),
    queryFn: () => unwrap(api.GET('/api/v1/reports/commitments', { params: { query } })),
    staleTime: FRESH,
    placeholderData: keepPreviousData,
  });
}

export function useSummary(filters: CockpitFilters, groupBy: GroupBy) {
  const query = { ...reportQuery(filters), group_by: groupBy };
  return useQuery({
    queryKey: reportKeys.of('summary', query),
    queryFn: () => unwrap(api.GET('/api/v1/reports/summary', { params: { query } })),
    staleTime: FRESH,
    placeholderData: keepPreviousData,
  });
}

export function useServiceFigures(filters: CockpitFilters) {
  const query = reportQuery(filters);
  return useQuery({
    queryKey: reportKeys.of('services', query),
    queryFn: () => unwrap(api.GET('/api/v1/reports/services', { params: { query } })),
    staleTime: FRESH,
    placeholderData: keepPreviousData,
  });
}

export type RetentionReport = components['schemas']['RetentionReportOut'];

/** What was anonymised in the period at the end of its 保管期限, and what comes due in 90 days. */
export function useRetentionReport(filters: CockpitFilters) {
  const query = { from: filters.from, to: filters.to };
  return useQuery({
    queryKey: reportKeys.of('retention', query),
    queryFn: () => unwrap(api.GET('/api/v1/reports/retention', { params: { query } })),
    staleTime: FRESH,
    placeholderData: keepPreviousData,
  });
}

export const OVERDUE_PER_PAGE = 8;

export function useOverdue(orgUnit: string | null, page: number) {
  const query = { page, per_page: OVERDUE_PER_PAGE, ...(orgUnit ? { org_unit: orgUnit } : {}) };
  return useQuery({
    queryKey: reportKeys.of('overdue', query),
    queryFn: () => unwrap(api.GET('/api/v1/reports/overdue', { params: { query } })),
    staleTime: FRESH,
    placeholderData: keepPreviousData,
  });
}

export function useDueSoon(orgUnit: string | null) {
  const query = { within_days: 3, ...(orgUnit ? { org_unit: orgUnit } : {}) };
  return useQuery({
    queryKey: reportKeys.of('due-soon', query),
    queryFn: () => unwrap(api.GET('/api/v1/reports/due-soon', { params: { query } })),
    staleTime: FRESH,
  });
}

export function useFigureCases(filters: CockpitFilters, figure: FigureQuery | null, page: number) {
  const query = { ...reportQuery(filters), ...figure, page, per_page: 20 } as NonNullable<paths['/api/v1/reports/cases']['get']['parameters']['query']>;
  return useQuery({
    queryKey: reportKeys.of('cases', query),
    queryFn: () => unwrap(api.GET('/api/v1/reports/cases', { params: { query } })),
    enabled: figure !== null,
    placeholderData: keepPreviousData,
  });
}

export function useHeatmap(filters: CockpitFilters, process: string | null, version: number | null) {
  const query = { ...reportQuery(filters), ...(process ? { process } : {}), ...(version ? { version } : {}) };
  return useQuery({
    queryKey: reportKeys.of('heatmap', query),
    queryFn: () => unwrap(api.GET('/api/v1/reports/heatmap', { params: { query } })),
    staleTime: FRESH,
  });
}

/** After a reassignment, escalation or reminder the warnings (and task lists) change. */
function useWarningsChanged() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: reportKeys.all }),
      queryClient.invalidateQueries({ queryKey: taskKeys.all }),
    ]);
}

export function useRemind(taskId: string) {
  const changed = useWarningsChanged();
  return useMutation({
    mutationFn: (message: string) => unwrap(api.POST('/api/v1/tasks/{task_id}/remind', { params: { path: { task_id: taskId } }, body: { message } })),
    onSettled: changed,
  });
}

export function useReassign(taskId: string) {
  const changed = useWarningsChanged();
  return useMutation({
    mutationFn: (user: string) => unwrap(api.POST('/api/v1/tasks/{task_id}/assign', { params: { path: { task_id: taskId } }, body: { user } })),
    onSettled: changed,
  });
}

export function useEscalate(caseId: string) {
  const changed = useWarningsChanged();
  return useMutation({
    mutationFn: (reason: string) => unwrap(api.POST('/api/v1/cases/{case_id}/escalate', { params: { path: { case_id: caseId } }, body: { reason } })),
    onSettled: changed,
  });
}

export function useCandidates(taskId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...taskKeys.detail(taskId), 'candidates'],
    queryFn: () => unwrap(api.GET('/api/v1/tasks/{task_id}/candidates', { params: { path: { task_id: taskId } } })),
    enabled,
    staleTime: FRESH,
  });
}

export type ExportFormat = 'xlsx' | 'csv';
export type ExportReport = 'summary' | 'commitments' | 'cases' | 'overdue' | 'services';

/**
 * Download a report for the same filters: the session cookie authenticates the GET, the
 * file keeps the name the server gives it.
 */
export function downloadReport(filters: CockpitFilters, report: ExportReport, format: ExportFormat): Promise<string> {
  const search = new URLSearchParams({ ...reportQuery(filters), report });
  return downloadFile(`/api/v1/reports/export.${format}?${search.toString()}`, `jiahe-${report}.${format}`);
}
