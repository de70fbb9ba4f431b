import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { components, paths } from '@/api/schema';
import { caseKeys } from '@/features/cases/api/cases';
import { api, unwrap } from '@/lib/api-client';
import { ApiError } from '@/lib/api-error';

import { listQuery, type Scope, type TaskListParams } from '../lib/list-params';
import type { FormData } from '../lib/prefill';

export type TaskItem = components['schemas']['TaskItemOut'];
export type TaskPage = components['schemas']['TaskPageOut'];
export type TaskDetail = components['schemas']['TaskDetailOut'];
export type TaskComment = components['schemas']['TaskCommentOut'];
export type TaskCompletion = components['schemas']['TaskCompletionOut'];

/** Open lists change as colleagues work: look again this often while the page is open. */
export const LIST_REFRESH_MS = 30_000;

export const taskKeys = {
  all: ['tasks'] as const,
  lists: () => [...taskKeys.all, 'list'] as const,
  list: (query: object) => [...taskKeys.lists(), query] as const,
  detail: (id: string) => [...taskKeys.all, 'detail', id] as const,
  comments: (id: string) => [...taskKeys.all, 'comments', id] as const,
};

type ListQuery = NonNullable<paths['/api/v1/tasks']['get']['parameters']['query']>;

function fetchTaskPage(query: ListQuery): Promise<TaskPage> {
  return unwrap(api.GET('/api/v1/tasks', { params: { query } }));
}

export function useTaskList(params: TaskListParams) {
  const query = listQuery(params);
  return useQuery({
    queryKey: taskKeys.list(query),
    queryFn: () => fetchTaskPage(query),
    placeholderData: keepPreviousData,
    refetchInterval: LIST_REFRESH_MS,
  });
}

/** A tab's count: the list's total under the same filters, one row fetched. */
export function useTaskCount(params: TaskListParams, scope: Scope, enabled: boolean) {
  const query = listQuery(params, scope, 1);
  return useQuery({
    queryKey: taskKeys.list(query),
    queryFn: () => fetchTaskPage(query),
    select: (page) => page.total,
    refetchInterval: LIST_REFRESH_MS,
    enabled,
  });
}

export function useTask(taskId: string) {
  return useQuery({
    queryKey: taskKeys.detail(taskId),
    queryFn: () => unwrap(api.GET('/api/v1/tasks/{task_id}', { params: { path: { task_id: taskId } } })),
  });
}

/** After any change to a task, its page, every list and its case's timeline may show something else. */
function useTaskChanged(taskId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: taskKeys.detail(taskId) }),
      queryClient.invalidateQueries({ queryKey: taskKeys.lists() }),
      queryClient.invalidateQueries({ queryKey: caseKeys.all }),
    ]);
}

export function useClaimTask(taskId: string) {
  const changed = useTaskChanged(taskId);
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/tasks/{task_id}/claim', { params: { path: { task_id: taskId } } })),
    onSettled: changed,
  });
}

export function useUnclaimTask(taskId: string) {
  const changed = useTaskChanged(taskId);
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/tasks/{task_id}/unclaim', { params: { path: { task_id: taskId } } })),
    onSettled: changed,
  });
}

/**
 * Whom a supervisor over the task may assign it to; null for everyone else (the API answers
 * them 403), so the page offers 指派 only to those it would accept it from.
 */
export function useAssignmentCandidates(taskId: string, open: boolean) {
  return useQuery({
    queryKey: [...taskKeys.detail(taskId), 'candidates'],
    queryFn: async () => {
      try {
        return await unwrap(api.GET('/api/v1/tasks/{task_id}/candidates', { params: { path: { task_id: taskId } } }));
      } catch (error) {
        if (error instanceof ApiError && error.status === 403) return null;
        throw error;
      }
    },
    enabled: open,
    staleTime: 60_000,
  });
}

export function useAssignTask(taskId: string) {
  const changed = useTaskChanged(taskId);
  return useMutation({
    mutationFn: (user: string) =>
      unwrap(api.POST('/api/v1/tasks/{task_id}/assign', { params: { path: { task_id: taskId } }, body: { user } })),
    onSettled: changed,
  });
}

export interface Submission {
  data: FormData;
  rowVersion: number;
  /** The same key for every attempt at one submission: the server completes the task once. */
  idempotencyKey: string;
}

export function useCompleteTask(taskId: string) {
  const changed = useTaskChanged(taskId);
  return useMutation({
    mutationFn: ({ data, rowVersion, idempotencyKey }: Submission) =>
      unwrap(
        api.POST('/api/v1/tasks/{task_id}/complete', {
          params: { path: { task_id: taskId }, header: { 'Idempotency-Key': idempotencyKey } },
          body: { data, row_version: rowVersion },
        }),
      ),
    // Safe to send again: the attempt keeps its Idempotency-Key.
    retry: (failures, error) => failures < 2 && error instanceof ApiError && error.isNetworkError,
    retryDelay: 1_500,
    onSettled: changed,
  });
}

export function putDraft(taskId: string, data: FormData) {
  return unwrap(api.PUT('/api/v1/tasks/{task_id}/draft', { params: { path: { task_id: taskId } }, body: { data } }));
}

export function useComments(taskId: string, initial: TaskComment[] | undefined) {
  return useQuery({
    queryKey: taskKeys.comments(taskId),
    queryFn: async () =>
      (await unwrap(api.GET('/api/v1/tasks/{task_id}/comments', { params: { path: { task_id: taskId } } }))).items,
    initialData: initial,
  });
}

export function useAddComment(taskId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (text: string) =>
      unwrap(api.POST('/api/v1/tasks/{task_id}/comments', { params: { path: { task_id: taskId } }, body: { text } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: taskKeys.comments(taskId) }),
  });
}
