import { holdsRole } from '@/features/auth/lib/roles';
import type { Membership } from '@/features/auth/api/session';

interface TaskFacts {
  state: string;
  assignee: string | null;
  role: string | null;
}

export interface TaskAccess {
  /** May fill in, save drafts and submit. */
  canWork: boolean;
  /** Offered to her group and nobody has it yet: 认领. */
  canClaim: boolean;
  /** Hers: 放回 gives it back to the group. */
  canUnclaim: boolean;
}

/**
 * What the signed-in user may do with a task, as far as the page can tell; the server decides
 * (jurisdiction, supervisors) and answers 403/409 when the page guessed wrong.
 */
export function taskAccess(task: TaskFacts, user: { username: string; memberships: readonly Membership[] }): TaskAccess {
  const open = task.state === 'ready';
  const mine = open && task.assignee === user.username;
  const offered = open && !task.assignee && holdsRole(user.memberships, task.role);
  return { canWork: mine || offered, canClaim: offered, canUnclaim: mine };
}
