import type { TaskDetail } from '../api/tasks';

export interface ConflictReason {
  key: `task.conflict.${'done' | 'closed' | 'taken' | 'changed'}`;
  params: { user?: string };
}

type Fresh = Pick<TaskDetail, 'state' | 'assignee' | 'ended_by'> &
  Partial<Pick<TaskDetail, 'assignee_name' | 'ended_by_name'>>;

/** Why a submit met a 409, read from the task as it is now; people by their names. */
export function explainConflict(fresh: Fresh, me: string): ConflictReason {
  if (fresh.state === 'completed') {
    return { key: 'task.conflict.done', params: { user: fresh.ended_by_name ?? fresh.ended_by ?? '' } };
  }
  if (fresh.state !== 'ready') return { key: 'task.conflict.closed', params: {} };
  if (fresh.assignee && fresh.assignee !== me) {
    return { key: 'task.conflict.taken', params: { user: fresh.assignee_name ?? fresh.assignee } };
  }
  return { key: 'task.conflict.changed', params: {} };
}
