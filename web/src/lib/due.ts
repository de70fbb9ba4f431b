const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Less than this left: the deadline is shown as close. */
export const DUE_SOON = DAY;

export type DueUnit = 'minutes' | 'hours' | 'days';

export interface DueState {
  at: Date;
  overdue: boolean;
  soon: boolean;
  /** How far the deadline is, before or after, in the largest unit that fits (at least 1). */
  amount: number;
  unit: DueUnit;
}

/**
 * Where a task stands against its deadline. `overdue` is the server's flag, which says more
 * than the clock can (a completed task is never overdue); the clock makes a list kept open
 * past a deadline turn overdue without a reload.
 */
export function dueState(dueAt: string | null | undefined, now: Date, options: { overdue?: boolean; open?: boolean } = {}): DueState | null {
  if (!dueAt) return null;
  const at = new Date(dueAt);
  if (Number.isNaN(at.getTime())) return null;
  const open = options.open ?? true;
  const left = at.getTime() - now.getTime();
  const overdue = Boolean(options.overdue) || (open && left < 0);
  const distance = Math.abs(left);
  const [amount, unit] = distance >= DAY ? [distance / DAY, 'days' as const]
    : distance >= HOUR ? [distance / HOUR, 'hours' as const]
    : [distance / MINUTE, 'minutes' as const];
  return { at, overdue, soon: open && !overdue && left < DUE_SOON, amount: Math.max(1, Math.floor(amount)), unit };
}

/** A point in time as people read it: the year only when it is not this year's. */
export function formatDateTime(iso: string | Date, language: string, now: Date = new Date()): string {
  const at = typeof iso === 'string' ? new Date(iso) : iso;
  const sameYear = at.getFullYear() === now.getFullYear();
  return new Intl.DateTimeFormat(language, {
    year: sameYear ? undefined : 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(at);
}
