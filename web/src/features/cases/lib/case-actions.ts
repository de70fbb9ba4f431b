import { SUPERVISION_ROLES } from '@/features/auth/lib/roles';

/** engine/access.py ADMIN_ROLES: who may run a failed step again. */
const ADMIN_ROLES: ReadonlySet<string> = new Set(['admin']);

const CASE_ACTIONS = ['suspend', 'resume', 'escalate', 'terminate', 'migrate', 'retry'] as const;
export type CaseActionName = (typeof CASE_ACTIONS)[number];

/** The actions that need a reason (the API refuses a blank one). */
export const REASON_REQUIRED: ReadonlySet<CaseActionName> = new Set(['suspend', 'escalate', 'terminate', 'retry']);

// The statuses each action starts from (engine/runtime/runtime.py require_status).
const FROM: Record<CaseActionName, readonly string[]> = {
  suspend: ['running', 'incident'],
  resume: ['suspended'],
  escalate: ['running'],
  terminate: ['running', 'suspended', 'incident'],
  migrate: ['running', 'suspended', 'incident'],
  retry: ['incident'],
};

interface CaseFacts {
  status: string;
  incidents: readonly unknown[];
}

/**
 * The buttons to offer: supervisors' actions to supervisors, retry to administrators when a
 * step failed, each only where the case's status allows it. The API still decides: whether
 * she supervises this case's unit, and whether the case is at a step that can be escalated.
 */
export function availableActions(facts: CaseFacts, memberships: readonly { role: string }[]): CaseActionName[] {
  const supervises = memberships.some((m) => SUPERVISION_ROLES.has(m.role));
  const administers = memberships.some((m) => ADMIN_ROLES.has(m.role));
  return CASE_ACTIONS.filter((action) => {
    if (!FROM[action].includes(facts.status)) return false;
    if (action === 'retry') return administers && facts.incidents.length > 0;
    return supervises;
  });
}

/**
 * The optional corrected data of a retry, typed as JSON: an object, or nothing. Null when the
 * text is not a JSON object.
 */
export function retryData(text: string): Record<string, unknown> | null {
  if (!text.trim()) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
